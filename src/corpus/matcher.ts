/**
 * Multi-pattern presence matching for patterns that all start with a space byte (the original's
 * rule: a name occurs when `' ' + name` is a substring of the document).
 *
 * Because every pattern begins with 0x20, a match can only start at a space. The scanner walks a trie
 * of all patterns from each space of the text, reporting every pattern that ends along the walk; this
 * finds every occurrence of every pattern (overlapping ones included). The first three bytes after the
 * space go through dense tables, deeper bytes through the trie: a node's first child is the next node
 * (depth-first numbering), other children sit in an open-addressing hash table.
 * Cost: one byte test per text byte plus, per space, a walk no longer than the longest pattern; in
 * natural text walks stop after a few bytes. Memory depends only on the patterns.
 */
import { UserError } from "../util/errors.js";

const SPACE = 0x20;

/** The matcher's tables, for other scanners (the WebAssembly one) built from the same trie. */
export interface MatcherTables {
  out: Int32Array;
  firstByte: Int16Array;
  manyChildren: Uint8Array;
  level1Pattern: Int32Array;
  level2: Int32Array;
  level2Pattern: Int32Array;
  level3: Int32Array;
  spacePattern: number;
  hashKeys: Int32Array;
  hashVals: Int32Array;
  hashMask: number;
  hashShift: number;
}

/** What the counter needs from a matcher. */
export interface PresenceMatcher {
  readonly patternCount: number;
  /** Pattern ids matched in the current document: the first `matchedCount` entries. */
  readonly matched: Int32Array;
  readonly matchedCount: number;
  beginDocument(): void;
  scan(t: Uint8Array, start: number, end: number): void;
  seen(p: number): boolean;
}

export class SpaceAnchoredMatcher implements PresenceMatcher {
  readonly patternCount: number;
  /** Pattern id ending at each node, or -1. */
  private readonly out: Int32Array;
  /** Byte of each node's first child (its child is node + 1), or -1. */
  private readonly firstByte: Int16Array;
  /** Whether a node has children other than the first (those live in the hash table). */
  private readonly manyChildren: Uint8Array;
  /** Pattern id of " " + byte (two-byte patterns), or -1. */
  private readonly level1Pattern: Int32Array;
  /** Compact index of the node " b1 b2" for (b1 << 8) | b2, or -1. */
  private readonly level2: Int32Array;
  /** Pattern id ending at each compact level-2 node, or -1. */
  private readonly level2Pattern: Int32Array;
  /** Node " b1 b2 b3" for (compact level-2 index << 8) | b3, or -1. */
  private readonly level3: Int32Array;
  private readonly spacePattern: number;
  private readonly hashKeys: Int32Array;
  private readonly hashVals: Int32Array;
  private readonly hashMask: number;
  private readonly hashShift: number;

  /** Per pattern: the document number that last matched it (dedupes matches within a document). */
  readonly stamp: Int32Array;
  /** Pattern ids matched in the current document, first `matchedCount` entries. */
  matched: Int32Array;
  matchedCount = 0;
  private doc = 0;

  constructor(patterns: readonly Uint8Array[]) {
    this.patternCount = patterns.length;
    patterns.forEach((p, id) => {
      if (p.length === 0 || p[0] !== SPACE) throw new UserError(`pattern ${id} does not start with a space`);
    });
    // Inserting patterns in byte order creates trie nodes in depth-first preorder: each new pattern
    // shares its longest common prefix with the previous one and appends the rest as a chain, so a
    // node's first child is always the next node. Later children go to the hash table.
    // (Latin-1 strings compare in byte order, and much faster than Buffer.compare calls.)
    const keys = patterns.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString("latin1"));
    const order = patterns
      .map((_, i) => i)
      .sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
    let totalBytes = 1;
    for (const p of patterns) totalBytes += p.length;
    const out = new Int32Array(totalBytes).fill(-1);
    const firstByte = new Int16Array(totalBytes).fill(-1);
    const many = new Uint8Array(totalBytes);
    const extra: number[] = []; // (parent * 256 + byte, child) pairs
    let count = 1; // node 0 is the root
    let path: number[] = [0]; // path[d] = node at depth d for the previous pattern
    let prev: Uint8Array | undefined;
    for (const id of order) {
      const p = patterns[id]!;
      let lcp = 0;
      if (prev) while (lcp < p.length && lcp < prev.length && p[lcp] === prev[lcp]) lcp++;
      if (prev && lcp === p.length && lcp === prev.length) {
        throw new UserError(`pattern ${id} duplicates pattern ${out[path[lcp]!]}`);
      }
      path = path.slice(0, lcp + 1);
      for (let d = lcp; d < p.length; d++) {
        const parent = path[d]!;
        const node = count++;
        if (firstByte[parent] === -1) {
          firstByte[parent] = p[d]!; // node === parent + 1 here by construction
        } else {
          many[parent] = 1;
          extra.push(parent * 256 + p[d]!, node);
        }
        path.push(node);
      }
      out[path[p.length]!] = id;
      prev = p;
    }
    if (count * 256 > 0x7fffffff) throw new UserError("too many pattern bytes for the matcher");
    this.out = out.slice(0, count);
    this.firstByte = firstByte.slice(0, count);
    this.manyChildren = many.slice(0, count);
    let bits = 4;
    while (1 << bits < extra.length + 16) bits++;
    this.hashMask = (1 << bits) - 1;
    this.hashShift = 32 - bits;
    this.hashKeys = new Int32Array(1 << bits).fill(-1);
    this.hashVals = new Int32Array(1 << bits);
    for (let k = 0; k < extra.length; k += 2) this.hashInsert(extra[k]!, extra[k + 1]!);

    // Dense tables for the first three bytes after the space: most walks end there.
    this.level1Pattern = new Int32Array(256).fill(-1);
    this.level2 = new Int32Array(65536).fill(-1);
    const level2Nodes: number[] = [];
    const spaceNode = this.child(0, SPACE);
    this.spacePattern = spaceNode >= 0 ? this.out[spaceNode]! : -1;
    if (spaceNode >= 0) {
      for (let b1 = 0; b1 < 256; b1++) {
        const n1 = this.child(spaceNode, b1);
        if (n1 < 0) continue;
        this.level1Pattern[b1] = this.out[n1]!;
        for (let b2 = 0; b2 < 256; b2++) {
          const n2 = this.child(n1, b2);
          if (n2 < 0) continue;
          this.level2[(b1 << 8) | b2] = level2Nodes.length;
          level2Nodes.push(n2);
        }
      }
    }
    this.level2Pattern = new Int32Array(level2Nodes.length);
    this.level3 = new Int32Array(level2Nodes.length * 256).fill(-1);
    level2Nodes.forEach((n2, c) => {
      this.level2Pattern[c] = this.out[n2]!;
      for (let b3 = 0; b3 < 256; b3++) {
        const n3 = this.child(n2, b3);
        if (n3 >= 0) this.level3[(c << 8) | b3] = n3;
      }
    });
    this.stamp = new Int32Array(patterns.length).fill(-1);
    this.matched = new Int32Array(64);
  }

  tables(): MatcherTables {
    return {
      out: this.out,
      firstByte: this.firstByte,
      manyChildren: this.manyChildren,
      level1Pattern: this.level1Pattern,
      level2: this.level2,
      level2Pattern: this.level2Pattern,
      level3: this.level3,
      spacePattern: this.spacePattern,
      hashKeys: this.hashKeys,
      hashVals: this.hashVals,
      hashMask: this.hashMask,
      hashShift: this.hashShift,
    };
  }

  /** The child of `node` along byte `b`, or -1 (construction only; scan inlines this). */
  private child(node: number, b: number): number {
    if (this.firstByte[node] === b) return node + 1;
    if (this.manyChildren[node] !== 1) return -1;
    const key = node * 256 + b;
    let h = Math.imul(key, 0x9e3779b1) >>> this.hashShift;
    for (;;) {
      const k = this.hashKeys[h]!;
      if (k === key) return this.hashVals[h]!;
      if (k === -1) return -1;
      h = (h + 1) & this.hashMask;
    }
  }

  private hashInsert(key: number, value: number): void {
    let h = Math.imul(key, 0x9e3779b1) >>> this.hashShift;
    while (this.hashKeys[h] !== -1) h = (h + 1) & this.hashMask;
    this.hashKeys[h] = key;
    this.hashVals[h] = value;
  }

  /** Starts a new document: forgets the previous document's matches. */
  beginDocument(): void {
    this.doc = (this.doc + 1) | 0;
    if (this.doc === 0x7fffffff) {
      this.stamp.fill(-1);
      this.doc = 0;
    }
    this.matchedCount = 0;
  }

  private hit(p: number): void {
    if (this.stamp[p] === this.doc) return;
    this.stamp[p] = this.doc;
    if (this.matchedCount === this.matched.length) {
      const bigger = new Int32Array(this.matched.length * 2);
      bigger.set(this.matched);
      this.matched = bigger;
    }
    this.matched[this.matchedCount++] = p;
  }

  /** Whether pattern p occurred in the current document. */
  seen(p: number): boolean {
    return this.stamp[p] === this.doc;
  }

  /**
   * Scans text[start, end) as (part of) the current document. A match must lie inside one call's
   * range: pass each document as one contiguous range.
   */
  scan(t: Uint8Array, start: number, end: number): void {
    const level2 = this.level2;
    const out = this.out;
    const firstByte = this.firstByte;
    const many = this.manyChildren;
    const keys = this.hashKeys;
    const vals = this.hashVals;
    const mask = this.hashMask;
    const shift = this.hashShift;
    const spacePattern = this.spacePattern;
    const level1Pattern = this.level1Pattern;
    const level2Pattern = this.level2Pattern;
    const level3 = this.level3;
    for (let i = start; i < end; i++) {
      if (t[i] !== SPACE) continue;
      if (spacePattern >= 0) this.hit(spacePattern);
      if (i + 1 >= end) break;
      const b1 = t[i + 1]!;
      // Two-byte patterns (" Q") are rare: a table of their ids avoids a branch on level 1.
      const p1 = level1Pattern[b1]!;
      if (p1 >= 0) this.hit(p1);
      if (i + 2 >= end) continue;
      const b2 = t[i + 2]!;
      const c = level2[(b1 << 8) | b2]!;
      if (c < 0) {
        // Neither byte is a space, so no match can start before i + 3.
        if (b1 !== SPACE && b2 !== SPACE) i += 2;
        continue;
      }
      const p2 = level2Pattern[c]!;
      if (p2 >= 0) this.hit(p2);
      if (i + 3 >= end) continue;
      const b3 = t[i + 3]!;
      let n = level3[(c << 8) | b3]!;
      if (n < 0) {
        if (b1 !== SPACE && b2 !== SPACE && b3 !== SPACE) i += 3;
        continue;
      }
      if (out[n]! >= 0) this.hit(out[n]!);
      // Walk on; remember whether the walk passed a space (a match could start there).
      let sawSpace = b1 === SPACE || b2 === SPACE || b3 === SPACE;
      let j = i + 4;
      for (; j < end; j++) {
        const b = t[j]!;
        if (firstByte[n] === b) {
          n = n + 1;
        } else if (many[n] === 1) {
          const key = n * 256 + b;
          let h = Math.imul(key, 0x9e3779b1) >>> shift;
          let next = -1;
          for (;;) {
            const k = keys[h]!;
            if (k === key) {
              next = vals[h]!;
              break;
            }
            if (k === -1) break;
            h = (h + 1) & mask;
          }
          if (next < 0) break;
          n = next;
        } else {
          break;
        }
        if (b === SPACE) sawSpace = true;
        const p = out[n]!;
        if (p >= 0) this.hit(p);
      }
      // Bytes i+1 .. j-1 hold no space: the next possible match starts at j or later.
      if (!sawSpace) i = j - 1;
    }
  }
}
