/**
 * The space-anchored matcher (matcher.ts) compiled to WebAssembly. The JavaScript scanner is limited
 * by one unpredictable branch per byte (is it a space?). This one works in blocks of 64 KiB:
 * 1. a branch-free pass writes the position of every space to a list (`pos[k] = i; k += byte == 32`);
 * 2. a second pass walks the trie from each listed space, with the same dense tables, trie and hash
 *    table as the JavaScript matcher, built by it and copied into linear memory.
 * The results are identical, and tests compare the two. Each document is copied into linear memory
 * before the scan.
 */
import { type MatcherTables, type PresenceMatcher, SpaceAnchoredMatcher } from "./matcher.js";
import { buildModule, FunctionBuilder } from "./wasm-asm.js";
import { emitTrieWalk } from "./wasm-trie-walk.js";

// Node's types for this project do not include the WebAssembly namespace: declare what is used.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const BLOCK = 1 << 16;
const PAGE = 1 << 16;

interface Layout {
  l1p: number;
  l2: number;
  l2p: number;
  l3: number;
  out: number;
  fb: number;
  many: number;
  hk: number;
  hv: number;
  stamp: number;
  matched: number;
  pos: number;
  text: number;
}

function layout(t: MatcherTables, patterns: number): Layout {
  let at = 0;
  const take = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 4) * 4;
    return start;
  };
  const l: Layout = {
    l1p: take(256 * 4),
    l2: take(65536 * 4),
    l2p: take((t.level2Pattern.length + 1) * 4),
    l3: take((t.level3.length + 256) * 4),
    out: take(t.out.length * 4),
    fb: take(t.out.length * 4),
    many: take(t.out.length),
    hk: take(t.hashKeys.length * 4),
    hv: take(t.hashVals.length * 4),
    stamp: take(patterns * 4),
    matched: take(patterns * 4),
    pos: take(BLOCK * 4),
    text: 0,
  };
  l.text = take(0);
  return l;
}

/** hit(p, doc, count) -> count: records pattern p once per document. */
function hitFunction(l: Layout): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [p, doc, count] = [0, 1, 2];
  f.get(p).const(2).shl().load(l.stamp).get(doc).eq().if("seen").get(count).return().end();
  f.get(p).const(2).shl().get(doc).store(l.stamp);
  f.get(count).const(2).shl().get(p).store(l.matched);
  f.get(count).const(1).add();
  return f;
}

/** scan(start, end, doc, count) -> count over text bytes [start, end) of linear memory. */
function scanFunction(l: Layout, t: MatcherTables): FunctionBuilder {
  const f = new FunctionBuilder(4);
  const [start, end, doc] = [0, 1, 2];
  const count = 3;
  const blk = f.local();
  const blkEnd = f.local();
  const np = f.local();
  const q = f.local();
  const i = f.local();
  const HIT = 0;

  f.get(start).set(blk);
  f.block("done").loop("blocks");
  f.get(blk).get(end).geU().brIf("done");
  f.get(blk).const(BLOCK).add().tee(blkEnd).get(end).get(blkEnd).get(end).ltU().select().set(blkEnd);

  // Pass 1: positions of the spaces in [blk, blkEnd), without a data-dependent branch.
  // Four bytes per iteration while at least four remain, then one at a time.
  f.const(0).set(np).get(blk).set(i);
  f.block("p1done").loop("p1");
  f.get(i).const(4).add().get(blkEnd).geU().brIf("p1done");
  for (let k = 0; k < 4; k++) {
    f.get(np).const(2).shl().get(i).const(k).add().store(l.pos);
    f.get(np).get(i).load8(k).const(0x20).eq().add().set(np);
  }
  f.get(i).const(4).add().set(i);
  f.br("p1").end().end();
  f.block("p1tdone").loop("p1t");
  f.get(i).get(blkEnd).geU().brIf("p1tdone");
  f.get(np).const(2).shl().get(i).store(l.pos);
  f.get(np).get(i).load8(0).const(0x20).eq().add().set(np);
  f.get(i).const(1).add().set(i);
  f.br("p1t").end().end();

  // Pass 2: a trie walk from each space (may read past blkEnd, up to end).
  f.const(0).set(q);
  f.block("p2done").loop("p2");
  f.get(q).get(np).geU().brIf("p2done");
  f.get(q).const(2).shl().load(l.pos).set(i);
  f.get(q).const(1).add().set(q);
  if (t.spacePattern >= 0) f.const(t.spacePattern).get(doc).get(count).call(HIT).set(count);
  emitTrieWalk(f, l, t, { i, end, doc, count }, "p2", HIT);
  f.br("p2").end().end();

  f.get(blkEnd).set(blk);
  f.br("blocks").end().end();
  f.get(count);
  return f;
}

interface ScanExports {
  memory: WasmMemory;
  scan(start: number, end: number, doc: number, count: number): number;
}

export class WasmMatcher implements PresenceMatcher {
  readonly patternCount: number;
  matched: Int32Array;
  matchedCount = 0;
  private readonly exports: ScanExports;
  private readonly layout: Layout;
  private mem8: Uint8Array;
  private mem32: Int32Array;
  private doc = 0;

  constructor(patterns: readonly Uint8Array[]) {
    this.patternCount = patterns.length;
    const t = new SpaceAnchoredMatcher(patterns).tables();
    const l = layout(t, patterns.length);
    this.layout = l;
    const bytes = buildModule(
      [
        { params: 3, results: 1, builder: hitFunction(l) },
        { params: 4, results: 1, builder: scanFunction(l, t), export: "scan" },
      ],
      Math.ceil((l.text + (1 << 20)) / PAGE),
    );
    const instance = new wasm.Instance(new wasm.Module(bytes));
    this.exports = instance.exports as unknown as ScanExports;
    this.mem8 = new Uint8Array(this.exports.memory.buffer);
    this.mem32 = new Int32Array(this.exports.memory.buffer);
    const m32 = this.mem32;
    m32.set(t.level1Pattern, l.l1p / 4);
    // Compact level-2 indices shift by one: row 0 is the dead row for byte pairs no pattern starts with.
    m32.set(
      t.level2.map((c) => c + 1),
      l.l2 / 4,
    );
    m32[l.l2p / 4] = -1;
    m32.set(t.level2Pattern, l.l2p / 4 + 1);
    m32.fill(-1, l.l3 / 4, l.l3 / 4 + 256);
    m32.set(t.level3, l.l3 / 4 + 256);
    m32.set(t.out, l.out / 4);
    m32.set(Int32Array.from(t.firstByte), l.fb / 4);
    this.mem8.set(t.manyChildren, l.many);
    m32.set(t.hashKeys, l.hk / 4);
    m32.set(t.hashVals, l.hv / 4);
    m32.fill(-1, l.stamp / 4, l.stamp / 4 + patterns.length);
    this.matched = m32.subarray(l.matched / 4, l.matched / 4 + patterns.length);
  }

  private ensureText(bytes: number): void {
    const need = this.layout.text + bytes;
    const have = this.exports.memory.buffer.byteLength;
    if (need <= have) return;
    this.exports.memory.grow(Math.ceil((need - have) / PAGE));
    this.mem8 = new Uint8Array(this.exports.memory.buffer);
    this.mem32 = new Int32Array(this.exports.memory.buffer);
    const l = this.layout;
    this.matched = this.mem32.subarray(l.matched / 4, l.matched / 4 + this.patternCount);
  }

  beginDocument(): void {
    this.doc = (this.doc + 1) | 0;
    if (this.doc === 0x7fffffff) {
      const s = this.layout.stamp / 4;
      this.mem32.fill(-1, s, s + this.patternCount);
      this.doc = 0;
    }
    this.matchedCount = 0;
  }

  seen(p: number): boolean {
    return this.mem32[this.layout.stamp / 4 + p] === this.doc;
  }

  scan(t: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (len <= 0) return;
    this.ensureText(len);
    this.mem8.set(t.subarray(start, end), this.layout.text);
    const base = this.layout.text;
    this.matchedCount = this.exports.scan(base, base + len, this.doc, this.matchedCount);
  }
}
