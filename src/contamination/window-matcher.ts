/**
 * Token-window matching for normalised text (" t1 t2 … tm "): one hash per token, a polynomial
 * hash of every window of ℓ tokens from prefix hashes, one table probe per window length, and a byte
 * comparison on a hit (so hash collisions never give a false match). The cost per token does not
 * depend on the number of patterns, unlike a trie walk from each token, which in text drawn from the
 * same vocabulary as tens of thousands of n-grams goes several words deep at most positions.
 * Same interface and same results as the SMI matcher on patterns " a b … " (tests compare them).
 */
import type { PresenceMatcher } from "../corpus/matcher.js";
import { UserError } from "../util/errors.js";
import type { TokenListener } from "./normalize.js";

const SPACE = 0x20;
const BASE = 0x01000193;
const MIX = 0x9e3779b1 | 0;

export class TokenWindowMatcher implements PresenceMatcher, TokenListener {
  readonly patternCount: number;
  matched: Int32Array;
  matchedCount = 0;
  private readonly patterns: readonly Uint8Array[];
  /** Distinct window lengths (tokens), and BASE^ℓ for each. */
  private readonly lengths: Int32Array;
  private readonly basePow: Int32Array;
  private readonly maxLen: number;
  private readonly keys: Int32Array;
  private readonly vals: Int32Array;
  private readonly mask: number;
  /**
   * One bit per hash of the keys' top bits (about 8 bits per pattern): most windows fail this test
   * in a table small enough for the L1/L2 cache and never touch the larger hash table.
   */
  private readonly filter: Int32Array;
  private readonly filterShift: number;
  private readonly stamp: Int32Array;
  private doc = 0;
  /** Ring buffers (a power of two above maxLen entries) of prefix hashes and token start offsets. */
  private readonly ringMask: number;
  private readonly prefix: Int32Array;
  private readonly starts: Int32Array;
  /** Tokens of the current text so far, and the prefix hash of all of them. */
  private count = 0;
  private prefixHash = 0;

  constructor(patterns: readonly Uint8Array[]) {
    this.patterns = patterns;
    this.patternCount = patterns.length;
    const info = patterns.map((p, id) => {
      if (p.length < 3 || p[0] !== SPACE || p[p.length - 1] !== SPACE) {
        throw new UserError(`pattern ${id} is not a space-delimited token sequence`);
      }
      const { hash, tokens } = TokenWindowMatcher.hashTokens(p, 1, p.length - 1);
      return { hash, tokens };
    });
    const lens = [...new Set(info.map((x) => x.tokens))].sort((a, b) => a - b);
    this.lengths = Int32Array.from(lens);
    this.maxLen = lens[lens.length - 1] ?? 1;
    this.basePow = new Int32Array(this.maxLen + 1);
    this.basePow[0] = 1;
    for (let i = 1; i <= this.maxLen; i++) this.basePow[i] = Math.imul(this.basePow[i - 1]!, BASE);
    let bits = 4;
    while (1 << bits < 2 * patterns.length + 16) bits++;
    this.mask = (1 << bits) - 1;
    this.keys = new Int32Array(1 << bits);
    this.vals = new Int32Array(1 << bits).fill(-1);
    let filterBits = 10;
    while (1 << filterBits < 8 * patterns.length) filterBits++;
    this.filter = new Int32Array(1 << (filterBits - 5));
    this.filterShift = 32 - filterBits;
    info.forEach(({ hash, tokens }, id) => {
      const key = TokenWindowMatcher.key(hash, tokens);
      const bit = key >>> this.filterShift;
      this.filter[bit >>> 5]! |= 1 << (bit & 31);
      let h = key & this.mask;
      while (this.vals[h] !== -1) h = (h + 1) & this.mask;
      this.keys[h] = key;
      this.vals[h] = id;
    });
    let ring = 2;
    while (ring <= this.maxLen) ring *= 2;
    this.ringMask = ring - 1;
    this.prefix = new Int32Array(ring);
    this.starts = new Int32Array(ring);
    this.stamp = new Int32Array(patterns.length).fill(-1);
    this.matched = new Int32Array(64);
  }

  private static tokenHash(t: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ t[i]!, 0x01000193);
    return h;
  }

  /** The window hash of the tokens in t[start, end) (single spaces between them), and their count. */
  private static hashTokens(t: Uint8Array, start: number, end: number): { hash: number; tokens: number } {
    let hash = 0;
    let tokens = 0;
    let s = start;
    for (let i = start; i <= end; i++) {
      if (i === end || t[i] === SPACE) {
        hash = (Math.imul(hash, BASE) + TokenWindowMatcher.tokenHash(t, s, i)) | 0;
        tokens++;
        s = i + 1;
      }
    }
    return { hash, tokens };
  }

  private static key(hash: number, tokens: number): number {
    return (Math.imul(hash, MIX) + tokens) | 0;
  }

  beginDocument(): void {
    this.doc = (this.doc + 1) | 0;
    if (this.doc === 0x7fffffff) {
      this.stamp.fill(-1);
      this.doc = 0;
    }
    this.matchedCount = 0;
  }

  seen(p: number): boolean {
    return this.stamp[p] === this.doc;
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

  /** Whether t[from, to) equals pattern p without its outer spaces. */
  private equals(t: Uint8Array, from: number, to: number, p: number): boolean {
    const pat = this.patterns[p]!;
    if (pat.length - 2 !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (t[from + i] !== pat[i + 1]) return false;
    return true;
  }

  /** Starts a text: windows never span two texts. */
  beginText(): void {
    this.count = 0;
    this.prefixHash = 0;
    this.prefix[0] = 0;
  }

  /**
   * The next token of the text, t[from, to) (normalised, a space before it): extends the prefix hash
   * and probes every window length that ends here. Earlier tokens must still lie in t where they were.
   */
  token(t: Uint8Array, from: number, to: number): void {
    let h = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) h = Math.imul(h ^ t[i]!, 0x01000193);
    const { prefix, starts, lengths, basePow, keys, vals, mask, filter, filterShift, ringMask } = this;
    const p = (Math.imul(this.prefixHash, BASE) + h) | 0;
    const count = ++this.count;
    this.prefixHash = p;
    prefix[count & ringMask] = p;
    starts[count & ringMask] = from;
    for (let k = 0; k < lengths.length; k++) {
      const len = lengths[k]!;
      if (len > count) break;
      const wh = (p - Math.imul(prefix[(count - len) & ringMask]!, basePow[len]!)) | 0;
      const key = (Math.imul(wh, MIX) + len) | 0;
      const bit = key >>> filterShift;
      if ((filter[bit >>> 5]! & (1 << (bit & 31))) === 0) continue;
      let slot = key & mask;
      for (;;) {
        const v = vals[slot]!;
        if (v < 0) break;
        if (keys[slot] === key && this.equals(t, starts[(count - len + 1) & ringMask]!, to, v)) this.hit(v);
        slot = (slot + 1) & mask;
      }
    }
  }

  /** Scans normalised text t[start, end): tokens separated by single spaces. */
  scan(t: Uint8Array, start: number, end: number): void {
    this.beginText();
    let tokenStart = -1;
    for (let i = start; i < end; i++) {
      if (t[i] !== SPACE) {
        if (tokenStart < 0) tokenStart = i;
      } else if (tokenStart >= 0) {
        this.token(t, tokenStart, i);
        tokenStart = -1;
      }
    }
  }
}
