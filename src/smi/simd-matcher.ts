/**
 * The space-anchored matcher (matcher.ts) as generated WebAssembly with 128-bit SIMD, scanning text
 * where it lies in linear memory. Per 32 bytes of text, two vector compares find the spaces; for
 * each space, Bloom-style bit tests on the next bytes (two tables of 128 KiB) reject almost every
 * position that cannot start a pattern, and only the survivors walk the trie (the same dense
 * tables, trie and hash table as the JavaScript matcher, built by it). Names of 1–2 bytes, when
 * there are only a few, are found by vector compares of the same 32 bytes instead.
 *
 * The filters are exact in one direction only: a position they reject cannot start any pattern
 * (keys: see keysA and keysB). Positions with fewer than six bytes left in the document skip the
 * filters and walk with bounds checks.
 *
 * The same module decodes JSON string escapes in place (`decodeInPlace`), so a JSONL line read into
 * linear memory is decoded and scanned without leaving it. Results are identical to the reference
 * scanner and decoder; tests compare them.
 */
import { type MatcherTables, type PresenceMatcher, SpaceAnchoredMatcher } from "./matcher.js";
import { buildModule, FunctionBuilder } from "./wasm-asm.js";
import { emitTrieWalk, HASH_MULT } from "./wasm-trie-walk.js";

// Node's types for this project do not include the WebAssembly namespace: declare what is used.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 1 << 16;
const FILTER_BITS = 20;
const MULT6 = 0x85ebca6b | 0;
/** Readable bytes after any scanned or decoded range (vector loads read up to 35 bytes past a block start). */
const PAD = 64;
const INITIAL_IO = 4 << 20;

/** Error codes of the in-place decoder, with the reference decoder's messages. */
export const DECODE_ERRORS: Record<number, string> = {
  [-1]: "bad escape in string",
  [-2]: "truncated \\u escape",
  [-3]: "bad \\u escape",
};

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
  filterA: number;
  filterB: number;
  stamp: number;
  matched: number;
  io: number;
}

function layout(t: MatcherTables, patterns: number): Layout {
  let at = 0;
  const take = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 16) * 16;
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
    filterA: take((1 << FILTER_BITS) / 8),
    filterB: take((1 << FILTER_BITS) / 8),
    stamp: take(patterns * 4),
    matched: take(patterns * 4),
    io: 0,
  };
  l.io = take(0);
  return l;
}

/** Keys of one pattern in one filter: words of `width` bytes after the space, as the scanner forms them. */
interface FilterKeys {
  width: 2 | 3 | 4 | 6;
  keys: number[];
}

/** Little-endian word of the name bytes p[from, from + count) (at most four). */
function word(p: Uint8Array, from: number, count: number): number {
  let w = 0;
  for (let k = 0; k < count; k++) w |= p[from + k]! << (8 * k);
  return w | 0;
}

/** One key per possible next byte after a `bytes`-byte prefix `w`. */
function everyNextByte(w: number, bytes: number): number[] {
  return Array.from({ length: 256 }, (_, b) => w | (b << (8 * bytes)) | 0);
}

/**
 * Keys of a pattern (' ' + name) in filter A, tested at every space: the first four bytes for names
 * of 3 bytes or more (a 3-byte name once per possible fourth byte), the first two for shorter names
 * (a 1-byte name once per possible second byte). The name " " (empty) needs no key.
 */
function keysA(p: Uint8Array, shortByVector: boolean): FilterKeys | undefined {
  const length = p.length - 1;
  if (shortByVector && length <= 2) return undefined;
  if (length >= 4) return { width: 4, keys: [word(p, 1, 4)] };
  if (length === 3) return { width: 4, keys: everyNextByte(word(p, 1, 3), 3) };
  if (length === 2) return { width: 2, keys: [word(p, 1, 2)] };
  if (length === 1) return { width: 2, keys: everyNextByte(p[1]!, 1) };
  return undefined;
}

/** Keys in filter B, tested where A passed: as long as the name allows, up to six bytes. */
function keysB(p: Uint8Array, shortByVector: boolean): FilterKeys | undefined {
  const length = p.length - 1;
  if (length >= 6) return { width: 6, keys: [(word(p, 1, 4) ^ Math.imul(word(p, 5, 2), MULT6)) | 0] };
  if (length >= 4) return { width: 4, keys: [word(p, 1, 4)] };
  if (length === 3) return { width: 3, keys: [word(p, 1, 3)] };
  return keysA(p, shortByVector);
}

/**
 * Up to this many names of 1–2 bytes are found with vector compares per 32 bytes of text instead of
 * two-byte keys in filter A: a second hashed test at every space costs more (and doubles A's false
 * positives).
 */
const MAX_VECTOR_NAMES = 8;

function filterHash(key: number): number {
  return Math.imul(key, HASH_MULT) >>> (32 - FILTER_BITS);
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

/** walk(i, end, doc, count) -> count: the trie walk from the space at i, bounds-checked against end. */
function walkFunction(l: Layout, t: MatcherTables): FunctionBuilder {
  const f = new FunctionBuilder(4);
  const [i, end, doc, count] = [0, 1, 2, 3];
  f.block("done");
  emitTrieWalk(f, l, t, { i, end, doc, count }, "done", 0);
  f.end();
  f.get(count);
  return f;
}

/**
 * scan(start, end, doc, count) -> count over text bytes [start, end) of linear memory (readable up
 * to end + 35). `widthsA` and `widthsB` are the key widths in use in the two filters (keysA, keysB);
 * `shortNames` are the names of 1–2 bytes found by vector compares (none when there are too many).
 */
function scanFunction(
  l: Layout,
  t: MatcherTables,
  widthsA: number[],
  widthsB: number[],
  shortNames: Uint8Array[],
): FunctionBuilder {
  const f = new FunctionBuilder(4);
  const [start, end, doc, count] = [0, 1, 2, 3];
  const i = f.local();
  const m = f.local();
  const pos = f.local();
  const w = f.local();
  const k = f.local();
  const sm = f.local();
  const spaces = f.vectorLocal();
  const lowSpaces = f.vectorLocal();
  const highSpaces = f.vectorLocal();
  const byteVectors = new Map<number, number>();
  for (const name of shortNames) {
    for (const b of name) if (!byteVectors.has(b)) byteVectors.set(b, f.vectorLocal());
  }
  const HIT = 0;
  const WALK = 1;
  // The bit of each key width in use, ORed, then one branch: filter A at every space, B where A passed.
  const test = (filter: number, keyWidths: number[]): void => {
    keyWidths.forEach((width, n) => {
      f.get(w);
      if (width === 2) f.const(0xffff).and();
      if (width === 3) f.const(0xffffff).and();
      if (width === 6) f.get(pos).load16(5).const(MULT6).mul().xor();
      f.const(HASH_MULT)
        .mul()
        .const(32 - FILTER_BITS)
        .shrU()
        .tee(k);
      f.const(5).shrU().const(2).shl().load(filter).get(k).shrU();
      if (n > 0) f.or();
    });
    f.const(1).and();
  };
  // The spaces of mask m (bits from i): filters, then a walk. Near the end of the document (nearEnd:
  // the block may hold positions with fewer than six bytes after them) those positions skip the
  // filters, and the walk checks bounds.
  const eachSpace = (nearEnd: boolean): void => {
    f.block("spaces").loop("each");
    f.get(m).eqz().brIf("spaces");
    f.get(i).get(m).ctz().add().set(pos);
    f.get(m).get(m).const(1).sub().and().set(m);
    if (t.spacePattern >= 0) f.const(t.spacePattern).get(doc).get(count).call(HIT).set(count);
    f.block("walk");
    if (nearEnd) f.get(pos).const(7).add().get(end).gtU().brIf("walk");
    if (widthsA.length > 0) {
      f.get(pos).load(1).set(w);
      test(l.filterA, widthsA);
      f.eqz().brIf("each");
      test(l.filterB, widthsB);
      f.brIf("walk");
    }
    f.br("each");
    f.end();
    f.get(pos).get(end).get(doc).get(count).call(WALK).set(count);
    f.br("each").end().end();
  };
  // Spaces followed by a name of 1–2 bytes, in the 16 bytes at i + half: the mask on the stack.
  const shortMask = (half: number, spacesVector: number): void => {
    shortNames.forEach((name, n) => {
      f.get(spacesVector);
      name.forEach((b, d) => {
        f.get(i)
          .v128Load(half + d + 1)
          .get(byteVectors.get(b)!)
          .i8x16Eq()
          .v128And();
      });
      if (n > 0) f.v128Or();
    });
    f.i8x16Bitmask();
  };
  f.const(0x20).i8x16Splat().set(spaces);
  for (const [b, v] of byteVectors) f.const(b).i8x16Splat().set(v);
  f.get(start).set(i);
  f.block("done").loop("blocks");
  f.get(i).get(end).geU().brIf("done");
  // 32 bytes per step: one loop exit (a mispredicted branch) per 32 bytes rather than per 16.
  f.get(i).v128Load().get(spaces).i8x16Eq().tee(lowSpaces).i8x16Bitmask();
  f.get(i).v128Load(16).get(spaces).i8x16Eq().tee(highSpaces).i8x16Bitmask().const(16).shl().or().set(m);
  f.get(end).get(i).sub().tee(k);
  // Fewer than 32 bytes left: drop the bits past the end.
  f.const(32).ltU().if("short");
  f.get(m).const(1).get(k).shl().const(1).sub().and().set(m);
  f.end();
  if (shortNames.length > 0) {
    // Walk from each space followed by a short name (rare; a second walk from the same space later
    // finds nothing new, as hits are recorded once per document).
    shortMask(0, lowSpaces);
    shortMask(16, highSpaces);
    f.const(16).shl().or().get(m).and().set(sm);
    f.block("shortDone").loop("eachShort");
    f.get(sm).eqz().brIf("shortDone");
    f.get(i).get(sm).ctz().add().get(end).get(doc).get(count).call(WALK).set(count);
    f.get(sm).get(sm).const(1).sub().and().set(sm);
    f.br("eachShort").end().end();
  }
  f.get(k)
    .const(32 + 7)
    .ltU()
    .if("tail");
  eachSpace(true);
  f.else();
  eachSpace(false);
  f.end();
  f.get(i).const(32).add().set(i);
  f.br("blocks").end().end();
  f.get(count);
  return f;
}

/** hex4(p) -> the value of four hex digits at p, or -1. */
function hexFunction(): FunctionBuilder {
  const f = new FunctionBuilder(1);
  const p = 0;
  const v = f.local();
  const c = f.local();
  const k = f.local();
  f.const(0).set(v).const(0).set(k);
  f.block("done").loop("digits");
  f.get(k).const(4).geU().brIf("done");
  f.get(p).get(k).add().load8(0).set(c);
  f.get(c).const(0x30).sub().const(10).ltU().if("digit");
  f.get(c).const(0x30).sub().set(c);
  f.else();
  // Lower-case the letter (| 0x20), then a-f.
  f.get(c).const(0x20).or().const(0x61).sub().const(6).ltU().if("letter");
  f.get(c).const(0x20).or().const(87).sub().set(c);
  f.else();
  f.const(-1).return();
  f.end();
  f.end();
  f.get(v).const(4).shl().get(c).or().set(v);
  f.get(k).const(1).add().set(k);
  f.br("digits").end().end();
  f.get(v);
  return f;
}

/** utf8(dst, cp) -> dst after the UTF-8 bytes of cp (lone surrogates as 3 bytes, like the reference decoder). */
function utf8Function(): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [dst, cp] = [0, 1];
  f.get(cp).const(0x80).ltU().if("one");
  f.get(dst).get(cp).store8(0).get(dst).const(1).add().return();
  f.end();
  f.get(cp).const(0x800).ltU().if("two");
  f.get(dst).get(cp).const(6).shrU().const(0xc0).or().store8(0);
  f.get(dst).get(cp).const(0x3f).and().const(0x80).or().store8(1);
  f.get(dst).const(2).add().return();
  f.end();
  f.get(cp).const(0x10000).ltU().if("three");
  f.get(dst).get(cp).const(12).shrU().const(0xe0).or().store8(0);
  f.get(dst).get(cp).const(6).shrU().const(0x3f).and().const(0x80).or().store8(1);
  f.get(dst).get(cp).const(0x3f).and().const(0x80).or().store8(2);
  f.get(dst).const(3).add().return();
  f.end();
  f.get(dst).get(cp).const(18).shrU().const(0xf0).or().store8(0);
  f.get(dst).get(cp).const(12).shrU().const(0x3f).and().const(0x80).or().store8(1);
  f.get(dst).get(cp).const(6).shrU().const(0x3f).and().const(0x80).or().store8(2);
  f.get(dst).get(cp).const(0x3f).and().const(0x80).or().store8(3);
  f.get(dst).const(4).add();
  return f;
}

/**
 * decode(src, end) -> new end, or a negative error code: decodes the JSON string content [src, end)
 * in place (decoded text is never longer). Runs without escapes move 16 bytes at a time; a vector
 * store never reaches bytes not yet read, nor past end.
 */
function decodeFunction(hexIndex: number, utf8Index: number): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [src, end] = [0, 1];
  const dst = f.local();
  const m = f.local();
  const k = f.local();
  const c = f.local();
  const cp = f.local();
  const lo = f.local();
  const v = f.vectorLocal();
  const slashes = f.vectorLocal();
  const HEX = hexIndex;
  const UTF8 = utf8Index;
  f.const(0x5c).i8x16Splat().set(slashes);
  f.get(src).set(dst);
  f.block("done").loop("run");
  f.get(src).get(end).geU().brIf("done");
  f.get(end).get(src).sub().const(16).geU().if("block");
  f.get(src).v128Load().tee(v).get(slashes).i8x16Eq().i8x16Bitmask().tee(m).eqz().if("clean");
  f.get(dst).get(v).v128Store();
  f.get(src).const(16).add().set(src).get(dst).const(16).add().set(dst);
  f.br("run");
  f.end();
  f.get(m).ctz().set(k);
  f.else();
  f.get(end).get(src).sub().set(k);
  f.end();
  // Copy k plain bytes one at a time (fewer than 16), stopping early at a backslash.
  f.block("copied").loop("copy");
  f.get(k).eqz().brIf("copied");
  f.get(src).load8(0).tee(c).const(0x5c).eq().brIf("copied");
  f.get(dst).get(c).store8(0);
  f.get(src).const(1).add().set(src).get(dst).const(1).add().set(dst);
  f.get(k).const(1).sub().set(k);
  f.br("copy").end().end();
  f.get(src).get(end).geU().brIf("done");
  f.get(src).load8(0).const(0x5c).ne().brIf("run");
  // An escape at src.
  f.get(src).const(1).add().get(end).geU().if("lone").const(-1).return().end();
  f.get(src).load8(1).set(c);
  f.get(src).const(2).add().set(src);
  f.get(c).const(0x75).eq().if("unicode");
  f.get(src).const(4).add().get(end).gtU().if("trunc").const(-2).return().end();
  f.get(src).call(HEX).tee(cp).const(0).ltS().if("bad").const(-3).return().end();
  f.get(src).const(4).add().set(src);
  // A high surrogate followed by \u: combine with a low surrogate.
  f.get(cp).const(0xd800).sub().const(0x400).ltU().if("high");
  f.get(src).const(2).add().get(end).leU().if("more");
  f.get(src).load16(0).const(0x755c).eq().if("pair");
  f.get(src).const(6).add().get(end).gtU().if("trunc2").const(-2).return().end();
  f.get(src).const(2).add().call(HEX).tee(lo).const(0).ltS().if("bad2").const(-3).return().end();
  f.get(lo).const(0xdc00).sub().const(0x400).ltU().if("low");
  f.get(cp)
    .const(0xd800)
    .sub()
    .const(10)
    .shl()
    .get(lo)
    .const(0xdc00)
    .sub()
    .add()
    .const(0x10000)
    .add()
    .set(cp);
  f.get(src).const(6).add().set(src);
  f.end().end().end().end();
  f.get(dst).get(cp).call(UTF8).set(dst);
  f.br("run");
  f.end();
  // One-character escapes: " \ / b f n r t.
  f.get(c).const(0x22).eq().get(c).const(0x5c).eq().or().get(c).const(0x2f).eq().or().if("same");
  f.else();
  f.get(c).const(0x62).eq().if("b").const(0x08).set(c).else();
  f.get(c).const(0x66).eq().if("f").const(0x0c).set(c).else();
  f.get(c).const(0x6e).eq().if("n").const(0x0a).set(c).else();
  f.get(c).const(0x72).eq().if("r").const(0x0d).set(c).else();
  f.get(c).const(0x74).eq().if("t").const(0x09).set(c).else();
  f.const(-1).return();
  f.end().end().end().end().end();
  f.end();
  f.get(dst).get(c).store8(0);
  f.get(dst).const(1).add().set(dst);
  f.br("run").end().end();
  f.get(dst);
  return f;
}

/** Everything a worker needs to make a SimdMatcher without building it (see `SimdMatcher.plan`). */
export interface SimdPlan {
  kind: "simd-plan";
  /** A compiled WebAssembly.Module. */
  module: object;
  /** Linear memory [0, layout.io): the tables, filters and cleared stamps. */
  image: Uint8Array;
  layout: Layout;
  patternCount: number;
}

function isPlan(source: readonly Uint8Array[] | SimdPlan): source is SimdPlan {
  return !Array.isArray(source) && (source as SimdPlan).kind === "simd-plan";
}

interface SimdExports {
  memory: WasmMemory;
  scan(start: number, end: number, doc: number, count: number): number;
  decode(src: number, end: number): number;
}

/** Whether this runtime has WebAssembly with SIMD. */
export function simdAvailable(): boolean {
  if (!wasm) return false;
  const f = new FunctionBuilder(0);
  f.const(0).i8x16Splat().i8x16Bitmask();
  try {
    return wasm.validate(buildModule([{ params: 0, results: 1, builder: f }], 1));
  } catch {
    return false;
  }
}

export class SimdMatcher implements PresenceMatcher {
  readonly patternCount: number;
  matched: Int32Array;
  matchedCount = 0;
  private readonly exports: SimdExports;
  private readonly layout: Layout;
  private mem32: Int32Array;
  private ioView: Buffer;
  private doc = 0;

  /**
   * `patterns` builds the tables and module here; a `SimdPlan` (from `SimdMatcher.plan`, possibly
   * built in another thread) only instantiates the compiled module and copies the tables in.
   */
  constructor(source: readonly Uint8Array[] | SimdPlan) {
    if (!wasm) throw new Error("WebAssembly is not available");
    const plan = isPlan(source) ? source : SimdMatcher.plan(source);
    this.patternCount = plan.patternCount;
    this.layout = plan.layout;
    const instance = new wasm.Instance(plan.module);
    this.exports = instance.exports as unknown as SimdExports;
    new Uint8Array(this.exports.memory.buffer).set(plan.image, 0);
    this.mem32 = new Int32Array(this.exports.memory.buffer);
    const l = this.layout;
    this.matched = this.mem32.subarray(l.matched / 4, l.matched / 4 + this.patternCount);
    this.ioView = this.makeIoView();
  }

  /**
   * Builds the trie, filters and module once. The plan can be sent to worker threads (the compiled
   * module and the table image are structured-cloneable), so each worker skips the build.
   */
  static plan(patterns: readonly Uint8Array[]): SimdPlan {
    if (!wasm) throw new Error("WebAssembly is not available");
    const t = new SpaceAnchoredMatcher(patterns).tables();
    const l = layout(t, patterns.length);
    const shortNames = patterns.filter((p) => p.length === 2 || p.length === 3).map((p) => p.subarray(1));
    const byVector = shortNames.length <= MAX_VECTOR_NAMES;
    const filters = [keysA, keysB].map((keysOf) => {
      const keys = patterns.map((p) => keysOf(p, byVector));
      const widths = [...new Set(keys.flatMap((k) => (k ? [k.width] : [])))].sort((x, y) => y - x);
      return { keys, widths };
    });
    const bytes = buildModule(
      [
        { params: 3, results: 1, builder: hitFunction(l) },
        { params: 4, results: 1, builder: walkFunction(l, t) },
        {
          params: 4,
          results: 1,
          builder: scanFunction(l, t, filters[0]!.widths, filters[1]!.widths, byVector ? shortNames : []),
          export: "scan",
        },
        { params: 1, results: 1, builder: hexFunction() },
        { params: 2, results: 1, builder: utf8Function() },
        { params: 2, results: 1, builder: decodeFunction(3, 4), export: "decode" },
      ],
      Math.ceil((l.io + INITIAL_IO + PAD) / PAGE),
    );
    // The tables live below the I/O area; this image is copied into each instance's memory.
    const image = new Uint8Array(l.io);
    const m32 = new Int32Array(image.buffer);
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
    image.set(t.manyChildren, l.many);
    m32.set(t.hashKeys, l.hk / 4);
    m32.set(t.hashVals, l.hv / 4);
    filters.forEach(({ keys }, which) => {
      const at = which === 0 ? l.filterA : l.filterB;
      const bits = image.subarray(at, at + (1 << FILTER_BITS) / 8);
      for (const k of keys) {
        for (const key of k?.keys ?? []) {
          const h = filterHash(key);
          bits[h >>> 3]! |= 1 << (h & 7);
        }
      }
    });
    m32.fill(-1, l.stamp / 4, l.stamp / 4 + patterns.length);
    return {
      kind: "simd-plan",
      module: new wasm.Module(bytes),
      image,
      layout: l,
      patternCount: patterns.length,
    };
  }

  private makeIoView(): Buffer {
    const buffer = this.exports.memory.buffer;
    return Buffer.from(buffer, this.layout.io, buffer.byteLength - this.layout.io - PAD);
  }

  /**
   * The I/O area: a Buffer over linear memory where a reader may put text to be scanned and decoded
   * in place. Growing it (`reserveIo`) or a copying `scan` replaces the buffer; fetch it again after.
   */
  io(): Buffer {
    return this.ioView;
  }

  /** Grows the I/O area to at least `bytes`, keeping its content. */
  reserveIo(bytes: number): Buffer {
    const have = this.ioView.length;
    if (bytes <= have) return this.ioView;
    this.exports.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.mem32 = new Int32Array(this.exports.memory.buffer);
    const l = this.layout;
    this.matched = this.mem32.subarray(l.matched / 4, l.matched / 4 + this.patternCount);
    this.ioView = this.makeIoView();
    return this.ioView;
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

  /** Scans t[start, end): in place when t is the I/O buffer, otherwise through a copy into it. */
  scan(t: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (len <= 0) return;
    let base: number;
    if (t.buffer === this.exports.memory.buffer) {
      base = t.byteOffset + start;
    } else {
      this.reserveIo(len).set(t.subarray(start, end), 0);
      base = this.layout.io;
    }
    this.matchedCount = this.exports.scan(base, base + len, this.doc, this.matchedCount);
  }

  /**
   * Decodes the JSON string content io[start, end) in place; returns the new end, or throws nothing
   * but returns a negative code (see DECODE_ERRORS) for a bad escape.
   */
  decodeInPlace(start: number, end: number): number {
    const base = this.layout.io;
    const r = this.exports.decode(base + start, base + end);
    return r < 0 ? r : r - base;
  }
}
