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
 * linear memory is decoded and scanned without leaving it. Planned with the triples
 * (`plan(patterns, triples)`), it also keeps the counts (`tally`) and processes whole buffers of
 * JSONL lines in one call (`lines`, wasm-lines.ts). Results are identical to the reference scanner
 * and decoder; tests compare them.
 */
import { type MatcherTables, type PresenceMatcher, SpaceAnchoredMatcher } from "./matcher.js";
import { buildModule, FunctionBuilder } from "./wasm-asm.js";
import { decodeFunction, hexFunction, utf8Function } from "./wasm-decode.js";
import {
  fieldsFunction,
  LINES_BAD_ESCAPE,
  LINES_BAIL,
  LINES_MORE,
  linesFunction,
  MAX_KEY,
  RES,
  RES_WORDS,
  skipStringFunction,
  tallyFunction,
} from "./wasm-lines.js";
import { emitTrieWalk, HASH_MULT } from "./wasm-trie-walk.js";

export { LINES_BAD_ESCAPE, LINES_BAIL, LINES_MORE };

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
/** Capacity of the candidate list (kept small so that it stays in the L1 cache). */
const CANDIDATES = 1024;
/** Spaces per 32-byte block handled by the unrolled, branch-free filter A pass (more go through a loop). */
const UNROLL = 8;

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
  /** Positions that passed filter A, waiting for filter B and the walk (CANDIDATES entries). */
  cand: number;
  /** Results of `lines` (RES) and the text key it compares. */
  res: number;
  key: number;
  /**
   * Per-document counts (wasm-lines.ts, `tally`; 32-bit, zeroed per shard, which holds far fewer
   * than 2^31 documents) and the triple tables they use.
   */
  patternDocs: number;
  s1j1: number;
  subjStart: number;
  subjTriples: number;
  objPattern: number;
  io: number;
}

/** The triples of a pattern set, for counting inside the module (see PatternSet in counter.ts). */
export interface TripleTables {
  subjStart: Int32Array;
  subjTriples: Int32Array;
  objPattern: Int32Array;
}

function layout(t: MatcherTables, patterns: number, triples: number): Layout {
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
    cand: take(CANDIDATES * 4),
    res: take(RES_WORDS * 4),
    key: take(MAX_KEY),
    patternDocs: take(patterns * 4),
    s1j1: take(triples * 4),
    subjStart: take((patterns + 1) * 4),
    subjTriples: take(triples * 4),
    objPattern: take(triples * 4),
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
 *
 * Filter A runs at every space without a branch on its result: per 32-byte block, UNROLL steps each
 * take the next space of the mask, test it and append its position to the candidate list, advancing
 * the list's end by the test's bit (steps past the last space test i + 32; see `step`). The
 * branch-per-space loop it replaces spent much of its time in mispredicted loop exits and filter
 * branches. Filter B and the walk then run over the short candidate list when it fills up and at the
 * end of the text.
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
  const h = f.local();
  const n = f.local();
  const q = f.local();
  const kept = f.local();
  const touched = f.local();
  const spaces = f.vectorLocal();
  const lowSpaces = f.vectorLocal();
  const highSpaces = f.vectorLocal();
  const next1 = f.vectorLocal();
  const next2 = f.vectorLocal();
  const byteVectors = new Map<number, number>();
  for (const name of shortNames) {
    for (const b of name) if (!byteVectors.has(b)) byteVectors.set(b, f.vectorLocal());
  }
  const HIT = 0;
  const WALK = 1;
  // Leaves the bit of filter `filter` for the key words at pos (w holds the 4 bytes after the space):
  // the bits of each key width in use, ORed.
  const test = (filter: number, keyWidths: number[]): void => {
    keyWidths.forEach((width, j) => {
      f.get(w);
      if (width === 2) f.const(0xffff).and();
      if (width === 3) f.const(0xffffff).and();
      if (width === 6) f.get(pos).load16(5).const(MULT6).mul().xor();
      f.const(HASH_MULT)
        .mul()
        .const(32 - FILTER_BITS)
        .shrU()
        .tee(h);
      f.const(5).shrU().const(2).shl().load(filter).get(h).shrU();
      if (j > 0) f.or();
    });
    f.const(1).and();
  };
  // The branch-per-space loop over mask m (bits from i), for the last block of the text, and for
  // every block when filter A is unused or the empty name (a hit at every space) is a pattern.
  // Near the end (nearEnd) positions with fewer than six bytes after them skip the filters, and the
  // walk checks bounds.
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
  const branchFree = widthsA.length > 0 && t.spacePattern < 0;
  // One branch-free step: the next space of m. With no space left, ctz is 32 and the step tests
  // i + 32, which is inside the text (not the last block); flush drops it unless it is a space (then
  // it is a genuine candidate, perhaps listed twice, and hits are recorded once per document).
  const step = (): void => {
    f.get(i).get(m).ctz().add().set(pos);
    f.get(n).const(2).shl().get(pos).store(l.cand);
    f.get(pos).load(1).set(w);
    test(l.filterA, widthsA);
    f.get(n).add().set(n);
    f.get(m).get(m).const(1).sub().and().set(m);
  };
  // Filter B and the walk for the candidates; empties the list.
  const flush = (): void => {
    // Pass 1: filter B keeps candidates in place (from the start of the list), and the first trie
    // tables the walk will read are loaded for all of them (independent loads, so their cache
    // misses overlap instead of coming one walk at a time).
    f.const(0).set(q).const(0).set(kept);
    f.block("filtered").loop("cands");
    f.get(q).get(n).geU().brIf("filtered");
    f.get(q).const(2).shl().load(l.cand).set(pos);
    f.get(q).const(1).add().set(q);
    f.get(pos).load8().const(0x20).ne().brIf("cands");
    f.get(pos).load(1).set(w);
    test(l.filterB, widthsB);
    f.eqz().brIf("cands");
    f.get(kept).const(2).shl().get(pos).store(l.cand);
    f.get(kept).const(1).add().set(kept);
    f.get(w).const(0xff).and().const(8).shl().get(w).const(8).shrU().const(0xff).and().or();
    f.const(2).shl().load(l.l2).const(8).shl().get(w).const(16).shrU().const(0xff).and().or();
    // The level-3 node, or node 0 where no name continues (-1).
    f.const(2).shl().load(l.l3).tee(h).const(0).get(h).const(0).geS().select();
    f.const(2).shl().tee(h).load(l.out).get(h).load(l.fb).xor().get(touched).xor().set(touched);
    f.br("cands").end().end();
    // Pass 2: the walks.
    f.const(0).set(q);
    f.block("walked").loop("walks");
    f.get(q).get(kept).geU().brIf("walked");
    f.get(q).const(2).shl().load(l.cand).get(end).get(doc).get(count).call(WALK).set(count);
    f.get(q).const(1).add().set(q);
    f.br("walks").end().end();
    f.const(0).set(n);
  };
  // Spaces followed by a name of 1–2 bytes, in the 16 bytes at i + half: the mask on the stack.
  // The bytes after each position are loaded once (next1, next2) for all names.
  const firsts = [...new Set(shortNames.map((name) => name[0]!))];
  // Spaces followed by the first byte of a short name, in the 16 bytes at i + half: the mask on the stack.
  const firstByteMask = (half: number, spacesVector: number): void => {
    f.get(i)
      .v128Load(half + 1)
      .set(next1);
    f.get(spacesVector);
    firsts.forEach((b, j) => {
      f.get(next1).get(byteVectors.get(b)!).i8x16Eq();
      if (j > 0) f.v128Or();
    });
    f.v128And().i8x16Bitmask();
  };
  const shortMask = (half: number, spacesVector: number): void => {
    f.get(i)
      .v128Load(half + 1)
      .set(next1);
    f.get(i)
      .v128Load(half + 2)
      .set(next2);
    shortNames.forEach((name, j) => {
      f.get(spacesVector);
      name.forEach((b, d) => {
        f.get(d === 0 ? next1 : next2)
          .get(byteVectors.get(b)!)
          .i8x16Eq()
          .v128And();
      });
      if (j > 0) f.v128Or();
    });
    f.i8x16Bitmask();
  };
  f.const(0x20).i8x16Splat().set(spaces);
  for (const [b, v] of byteVectors) f.const(b).i8x16Splat().set(v);
  f.get(start).set(i);
  f.const(0).set(n);
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
    // finds nothing new, as hits are recorded once per document). The full compares run only in
    // blocks where a space is followed by a short name's first byte.
    firstByteMask(0, lowSpaces);
    firstByteMask(16, highSpaces);
    f.const(16).shl().or().get(m).and().if("maybeShort");
    shortMask(0, lowSpaces);
    shortMask(16, highSpaces);
    f.const(16).shl().or().get(m).and().set(sm);
    f.block("shortDone").loop("eachShort");
    f.get(sm).eqz().brIf("shortDone");
    f.get(i).get(sm).ctz().add().get(end).get(doc).get(count).call(WALK).set(count);
    f.get(sm).get(sm).const(1).sub().and().set(sm);
    f.br("eachShort").end().end();
    f.end();
  }
  f.get(k)
    .const(32 + 7)
    .ltU()
    .if("tail");
  eachSpace(true);
  f.else();
  if (branchFree) {
    // Room for a whole block (at most 32 candidates) or flush first.
    f.get(n)
      .const(CANDIDATES - 32)
      .gtU()
      .if("full");
    flush();
    f.end();
    for (let s = 0; s < UNROLL; s++) step();
    // More than UNROLL spaces in the block (rare in text): the same steps in a loop.
    f.block("rest").loop("more");
    f.get(m).eqz().brIf("rest");
    step();
    f.br("more").end().end();
  } else {
    eachSpace(false);
  }
  f.end();
  f.get(i).const(32).add().set(i);
  f.br("blocks").end().end();
  if (branchFree) flush();
  // Keeps the loads of the first pass (their value is of no use).
  f.const(0)
    .get(touched)
    .store(l.res + 4 * RES.touched);
  f.get(count);
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
  /** Triples whose counts the module keeps (`lines`, `tally`); 0 when planned without them. */
  tripleCount: number;
}

function isPlan(source: readonly Uint8Array[] | SimdPlan): source is SimdPlan {
  return !Array.isArray(source) && (source as SimdPlan).kind === "simd-plan";
}

interface SimdExports {
  memory: WasmMemory;
  scan(start: number, end: number, doc: number, count: number): number;
  decode(src: number, end: number): number;
  tally(doc: number, count: number): void;
  lines(start: number, end: number, doc: number): number;
}

/** What `SimdMatcher.lines` did (offsets relative to the I/O area). */
export interface LinesResult {
  /** LINES_MORE, LINES_BAIL or LINES_BAD_ESCAPE. */
  status: number;
  next: number;
  lines: number;
  documents: number;
  textBytes: number;
  bailStart: number;
  bailEnd: number;
  /** The decoder's error code (DECODE_ERRORS) for LINES_BAD_ESCAPE. */
  error: number;
}

/** Indices of the module's functions that the line functions call (see the list in `plan`). */
const LINE_CALLS = { scan: 2, decode: 5, tally: 6, skipString: 7, fields: 8 };

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
  /** Triples counted in the module (`tally`, `lines`, `tripleCounts`); 0 when planned without them. */
  readonly tripleCount: number;
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
    this.tripleCount = plan.tripleCount;
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
  static plan(patterns: readonly Uint8Array[], triples?: TripleTables): SimdPlan {
    if (!wasm) throw new Error("WebAssembly is not available");
    const t = new SpaceAnchoredMatcher(patterns).tables();
    const tripleCount = triples?.objPattern.length ?? 0;
    const l = layout(t, patterns.length, tripleCount);
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
        { params: 2, results: 0, builder: tallyFunction(l), export: "tally" },
        { params: 2, results: 1, builder: skipStringFunction() },
        { params: 2, results: 1, builder: fieldsFunction(l, LINE_CALLS) },
        { params: 3, results: 1, builder: linesFunction(l, LINE_CALLS), export: "lines" },
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
    if (triples) {
      m32.set(triples.subjStart, l.subjStart / 4);
      m32.set(triples.subjTriples, l.subjTriples / 4);
      m32.set(triples.objPattern, l.objPattern / 4);
    }
    return {
      kind: "simd-plan",
      module: new wasm.Module(bytes),
      image,
      layout: l,
      patternCount: patterns.length,
      tripleCount,
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

  /**
   * Adds the current document's matches to the counts kept in the module (needs a plan with
   * triples): one document per matched pattern, one co-occurrence per triple with both names.
   */
  tally(): void {
    this.exports.tally(this.doc, this.matchedCount);
  }

  /** Documents per pattern and co-occurrences per triple counted by `tally` and `lines`. */
  tripleCounts(): { patternDocs: Int32Array; s1j1: Int32Array } {
    const l = this.layout;
    return {
      patternDocs: this.mem32.subarray(l.patternDocs / 4, l.patternDocs / 4 + this.patternCount),
      s1j1: this.mem32.subarray(l.s1j1 / 4, l.s1j1 / 4 + this.tripleCount),
    };
  }

  resetCounts(): void {
    const { patternDocs, s1j1 } = this.tripleCounts();
    patternDocs.fill(0);
    s1j1.fill(0);
  }

  /**
   * Sets the JSON key whose string value `lines` counts; false when it is too long for the module
   * (the caller then keeps to the per-line path).
   */
  setTextKey(key: Uint8Array): boolean {
    if (key.length > MAX_KEY || this.tripleCount === 0) return false;
    new Uint8Array(this.exports.memory.buffer, this.layout.key, MAX_KEY).set(key);
    this.mem32[this.layout.res / 4 + RES.keyLength] = key.length;
    return true;
  }

  /**
   * Counts the complete lines of io[start, end) as JSONL documents in the module (needs
   * `setTextKey`): see `linesFunction` in wasm-lines.ts for what it hands back.
   */
  lines(start: number, end: number): LinesResult {
    // Stamps must not wrap within a call (at most one document per byte).
    if (this.doc > 0x7fffffff - (end - start) - 1) {
      const s = this.layout.stamp / 4;
      this.mem32.fill(-1, s, s + this.patternCount);
      this.doc = 0;
    }
    const base = this.layout.io;
    const status = this.exports.lines(base + start, base + end, this.doc);
    const r = this.mem32;
    const at = this.layout.res / 4;
    this.doc = r[at + RES.doc]!;
    this.matchedCount = 0;
    return {
      status,
      next: r[at + RES.next]! - base,
      lines: r[at + RES.lines]!,
      documents: r[at + RES.documents]!,
      textBytes: r[at + RES.textBytes]!,
      bailStart: r[at + RES.bailStart]! - base,
      bailEnd: r[at + RES.bailEnd]! - base,
      error: r[at + RES.error]!,
    };
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
