/**
 * The token-window matcher (window-matcher.ts) as one WebAssembly kernel (scan-kernel-asm.ts): JSONL
 * read into the module's I/O area is split into lines, the text field found, normalised, hashed and
 * probed there, and only the hits come back ((line, pattern) pairs in a small output buffer). Runs
 * with non-ASCII letters are tokenised by the kernel's CJK fast path (scan-kernel-cjk.ts: Han, kana,
 * CJK punctuation, full-width forms…), else by `unicodeTokens` through an import; texts the kernel does
 * not take raw (a bad escape, more than 16 runs for the import, JSON its structural scan hands back) are
 * normalised by `normaliseBytes` in JavaScript and then hashed by the same kernel (`scanText`), so one
 * table and one hash serve every text. Results equal TokenWindowMatcher's (tests compare them).
 * Memory: the n-gram table, a filter of 32 bits per pattern (blocked, two bits per key), the I/O
 * area (4 MiB, grown only for longer lines), a scratch area twice as large (normalised text, tokens
 * of runs) and the fast path's tables (77 KiB).
 */

import { StringDecoder } from "../corpus/jsonl.js";
import { buildModule } from "../corpus/wasm-asm.js";
import { MAX_KEY, RES } from "../corpus/wasm-lines.js";
import { UserError } from "../util/errors.js";
import { normaliseBytes, ScratchSink, unicodeTokens } from "./normalize.js";
import { KERNEL_IMPORTS, type KernelLayout, KRES, kernelFunctions } from "./scan-kernel-asm.js";
import { CJK_KINDS_BYTES, CJK_MAP_ENTRIES, cjkTables, hexDigitTable } from "./scan-kernel-cjk.js";

export { STATUS_BAIL, STATUS_FULL, STATUS_MORE } from "./scan-kernel-asm.js";

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}
interface KernelExports {
  memory: WasmMemory;
  scanNormalised(start: number, end: number, line: number): void;
  insert(start: number, end: number, id: number): void;
  lines(start: number, end: number): number;
  cjkRun(start: number, end: number, at: number, limit: number): number;
  scanRaw(start: number, end: number, line: number): number;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 1 << 16;
/** Readable bytes after any scanned range (a 64-byte block and a 4-byte load at its last byte). */
const PAD = 128;
const INITIAL_IO = 4 << 20;
/** Output entries that `lines` may fill before it stops for the caller to drain them. */
const OUT_SOFT = 4096;
const SPACE = 0x20;

/** What one call of `lines` did (offsets relative to the I/O area). */
export interface KernelLines {
  status: number;
  next: number;
  lines: number;
  documents: number;
  textBytes: number;
  bailStart: number;
  bailEnd: number;
}

let available: boolean | undefined;

/** Whether this runtime can run the kernel (WebAssembly with SIMD); checked once. */
export function kernelAvailable(): boolean {
  if (available === undefined) {
    try {
      available = wasm !== undefined && new ScanKernel([Buffer.from(" a b ")], 1 << 16) !== undefined;
    } catch {
      available = false;
    }
  }
  return available;
}

const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** What a worker thread needs to make a kernel without building it: the compiled module and the tables. */
export interface KernelPlan {
  kind: "scan-kernel-plan";
  /** A compiled WebAssembly.Module (shared with the thread that compiled it). */
  module: object;
  /** Linear memory [0, ioBase): the tables as built. */
  image: Uint8Array;
  layout: KernelLayout;
  ioBase: number;
  patternCount: number;
}

function isPlan(source: readonly Uint8Array[] | KernelPlan): source is KernelPlan {
  return !Array.isArray(source) && (source as KernelPlan).kind === "scan-kernel-plan";
}

/** The memory layout for these patterns (the tables, then the I/O area at ioBase). */
function kernelLayout(patterns: readonly Uint8Array[]): { layout: KernelLayout; ioBase: number } {
  const tokens = patterns.map((p, id) => {
    if (p.length < 3 || p[0] !== SPACE || p[p.length - 1] !== SPACE) {
      throw new UserError(`pattern ${id} is not a space-delimited token sequence`);
    }
    let n = 1;
    for (let i = 1; i < p.length - 1; i++) if (p[i] === SPACE) n++;
    return n;
  });
  const lengths = [...new Set(tokens)].sort((a, b) => a - b);
  const maxLen = lengths[lengths.length - 1] ?? 1;
  let ring = 2;
  while (ring <= maxLen) ring *= 2;
  let tableBits = 4;
  while (1 << tableBits < 2 * patterns.length + 16) tableBits++;
  let filterBits = 13;
  while (1 << filterBits < 32 * patterns.length) filterBits++;
  const patBytesLength = patterns.reduce((s, p) => s + p.length - 2, 0);
  let at = 448 + 34 * 8;
  const take = (bytes: number, to = 16): number => {
    const here = align(at, to);
    at = here + bytes;
    return here;
  };
  const P = patterns.length;
  const layout: KernelLayout = {
    res: 0,
    key: 128,
    escOk: 192,
    lenMask: 448,
    ringMask: ring - 1,
    ringP: take(4 * ring),
    ringS: take(4 * ring),
    ringE: take(4 * ring),
    filter: take((1 << filterBits) / 8, 64),
    filterShift: 32 - (filterBits - 6),
    keys: take(4 << tableBits, 64),
    vals: take(4 << tableBits, 64),
    tableMask: (1 << tableBits) - 1,
    stamp: take(4 * P),
    patOff: take(4 * (P + 1)),
    patBytes: take(patBytesLength),
    out: take(8 * (P + OUT_SOFT + 1)),
    outSoft: OUT_SOFT,
    lengths,
    cjkKinds: take(CJK_KINDS_BYTES),
    cjkMap: take(4 * CJK_MAP_ENTRIES),
    hexDigits: take(256),
  };
  return { layout, ioBase: align(at, 64) };
}

export class ScanKernel {
  readonly patternCount: number;
  private readonly module: object;
  private readonly exports: KernelExports;
  private readonly layout: KernelLayout;
  private readonly ioBase: number;
  private ioSize: number;
  private mem32!: Int32Array;
  private mem8!: Uint8Array;
  private ioView!: Buffer;
  private readonly norm = new ScratchSink();

  /**
   * Builds the tables and module for `source` patterns, or instantiates a plan (`ScanKernel.plan`) made
   * in another thread. `io`: initial size of the I/O area (grown when a line needs more).
   */
  constructor(source: readonly Uint8Array[] | KernelPlan, io = INITIAL_IO) {
    if (!wasm) throw new Error("scan kernel: no WebAssembly in this runtime");
    this.ioSize = io;
    if (isPlan(source)) {
      this.patternCount = source.patternCount;
      this.layout = source.layout;
      this.ioBase = source.ioBase;
      this.module = source.module;
      this.exports = this.instantiate();
      this.grow(io, io);
      this.mem8.set(source.image, 0);
      this.views();
      return;
    }
    const patterns = source;
    this.patternCount = patterns.length;
    const { layout: l, ioBase } = kernelLayout(patterns);
    this.layout = l;
    this.ioBase = ioBase;
    this.module = new wasm.Module(
      buildModule(kernelFunctions(l), this.pagesFor(this.ioSize), KERNEL_IMPORTS),
    );
    this.exports = this.instantiate();
    this.views();
    const m8 = this.mem8;
    for (const c of [0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]) m8[l.escOk + c] = 1;
    const masks = new BigUint64Array(m8.buffer, l.lenMask, 34);
    const low = (bytes: number): bigint => (1n << BigInt(8 * Math.max(0, Math.min(8, bytes)))) - 1n;
    for (let n = 0; n <= 16; n++) {
      masks[n] = low(n);
      masks[17 + n] = low(n - 8);
    }
    this.mem32.fill(-1, l.vals / 4, l.vals / 4 + l.tableMask + 1);
    this.mem32.fill(-1, l.stamp / 4, l.stamp / 4 + patterns.length);
    let off = 0;
    patterns.forEach((p, id) => {
      this.mem32[l.patOff / 4 + id] = off;
      m8.set(p.subarray(1, p.length - 1), l.patBytes + off);
      off += p.length - 2;
    });
    this.mem32[l.patOff / 4 + patterns.length] = off;
    const cjk = cjkTables();
    m8.set(cjk.kinds, l.cjkKinds);
    this.mem32.set(cjk.map, l.cjkMap / 4);
    m8.set(hexDigitTable(), l.hexDigits);
    patterns.forEach((_, id) => {
      const s = l.patBytes + this.mem32[l.patOff / 4 + id]!;
      this.exports.insert(s, l.patBytes + this.mem32[l.patOff / 4 + id + 1]!, id);
    });
  }

  /**
   * An instance whose `normRun` import gives the normaliser's tokens of a run of JSON string content
   * (letters, digits, non-ASCII bytes and \u escapes up to an ASCII separator: once decoded, exactly
   * what `normaliseBytes` hands to `unicodeTokens`), each followed by a space, from `at` in the
   * arena; -1 when they pass `limit`. Escapes' decoded length goes to the escapes count.
   */
  private instantiate(): KernelExports {
    const decoder = new StringDecoder();
    const normRun = (start: number, end: number, at: number, limit: number): number => {
      const m8 = this.mem8;
      // The run is raw JSON string content: \u escapes decoded as the reader decodes them.
      const raw = Buffer.from(m8.buffer, m8.byteOffset + start, end - start);
      const [buf, s, e] = decoder.decode(raw, 0, raw.length);
      this.mem32[this.layout.res / 4 + KRES.escapes]! += end - start - (e - s);
      const text = buf.toString("utf8", s, e);
      let o = at;
      for (const token of unicodeTokens(text)) {
        const n = Buffer.byteLength(token);
        if (o + n + 1 > limit) return -1;
        Buffer.from(m8.buffer, m8.byteOffset + o, n).write(token);
        o += n;
        m8[o++] = SPACE;
      }
      return o;
    };
    return new wasm!.Instance(this.module, { kernel: { normRun } }).exports as unknown as KernelExports;
  }

  /** The compiled module and tables, to post to worker threads (they instantiate instead of building). */
  plan(): KernelPlan {
    return {
      kind: "scan-kernel-plan",
      module: this.module,
      image: this.mem8.slice(0, this.ioBase),
      layout: this.layout,
      ioBase: this.ioBase,
      patternCount: this.patternCount,
    };
  }

  /**
   * Pages for the tables, an I/O area of `io` bytes and a scratch area twice as large (each padded):
   * a text's tokens can take 4/3 of its bytes (a space after each 3-byte Han character).
   */
  private pagesFor(io: number): number {
    return Math.ceil((this.ioBase + 3 * io + 2 * PAD) / PAGE);
  }

  /** Fresh views of memory (after it grew); the arena for `lines` is the scratch area after the I/O area. */
  private views(): void {
    const buffer = this.exports.memory.buffer;
    this.mem32 = new Int32Array(buffer);
    this.mem8 = new Uint8Array(buffer);
    this.ioView = Buffer.from(buffer, this.ioBase, this.ioSize);
    const arena = this.ioBase + this.ioSize + PAD;
    this.mem32[this.layout.res / 4 + KRES.arenaBase] = arena;
    this.mem32[this.layout.res / 4 + KRES.arenaEnd] = Math.min(
      arena + 2 * this.ioSize,
      buffer.byteLength - PAD,
    );
  }

  /** Grows memory to hold an I/O area of `io` bytes and a scratch area of `scratch` bytes. */
  private grow(io: number, scratch: number): void {
    const need = this.pagesFor(Math.max(io, scratch));
    const have = this.exports.memory.buffer.byteLength / PAGE;
    if (need > have) this.exports.memory.grow(need - have);
    this.ioSize = io;
    this.views();
  }

  /** The I/O area where JSONL is read for `lines`; growing it or `scanText` may replace it: fetch it again after. */
  io(): Buffer {
    return this.ioView;
  }

  /** Grows the I/O area to at least `bytes`, keeping its content. */
  reserveIo(bytes: number): Buffer {
    if (bytes > this.ioSize) this.grow(bytes, bytes);
    return this.ioView;
  }

  /** Sets the JSON key whose string value `lines` scans; false when it is too long for the module. */
  setTextKey(key: Uint8Array): boolean {
    if (key.length > MAX_KEY) return false;
    this.mem8.set(key, this.layout.key);
    this.mem32[this.layout.res / 4 + RES.keyLength] = key.length;
    return true;
  }

  /** Scans the complete JSONL lines of io[start, end): see `linesFunction` in scan-kernel-asm.ts. */
  lines(start: number, end: number): KernelLines {
    this.nextStamp();
    const base = this.ioBase;
    const status = this.exports.lines(base + start, base + end);
    const r = this.mem32;
    const at = this.layout.res / 4;
    return {
      status,
      next: r[at + RES.next]! - base,
      lines: r[at + RES.lines]!,
      documents: r[at + RES.documents]!,
      textBytes: r[at + RES.textBytes]!,
      bailStart: r[at + RES.bailStart]! - base,
      bailEnd: r[at + RES.bailEnd]! - base,
    };
  }

  /**
   * Normalises text[start, end) (normaliseBytes) and scans it as one document; its hits get line
   * index `line`. The text may lie in the I/O area: it is read before memory can grow.
   */
  scanText(text: Uint8Array, start: number, end: number, line: number): void {
    if (this.scanTextRaw(text, start, end, line)) return;
    const n = normaliseBytes(text, start, end, this.norm);
    const scratch = this.ioBase + this.ioSize + PAD;
    if (scratch + n + PAD > this.mem8.length) this.grow(this.ioSize, n);
    this.mem8.set(this.norm.buf.subarray(0, n), scratch);
    this.nextStamp();
    this.mem32[this.layout.res / 4 + KRES.doc]!++;
    this.exports.scanNormalised(scratch, scratch + n, line);
  }

  /**
   * scanText through the raw scan when the text has no backslash (decoded text is then valid JSON
   * string content as far as the raw scan goes: quotes and control characters are separators to it):
   * the text is copied to the scratch area, its tokens' arena after it. False when the raw scan hands
   * it back (many runs for JavaScript), with nothing recorded.
   */
  private scanTextRaw(text: Uint8Array, start: number, end: number, line: number): boolean {
    let src = text.subarray(start, end);
    if (src.includes(0x5c)) return false;
    const n = src.length;
    const scratch = this.ioBase + this.ioSize + PAD;
    // The text, then the arena: its tokens take up to 4/3 of its bytes (and the same padding).
    const need = n + PAD + 2 * n + PAD;
    if (scratch + need > this.mem8.length - PAD) {
      // The text may lie in this memory, which growing replaces.
      src = Uint8Array.from(src);
      this.grow(this.ioSize, need);
    }
    this.mem8.set(src, scratch);
    const r = this.layout.res / 4;
    const arena = [this.mem32[r + KRES.arenaBase]!, this.mem32[r + KRES.arenaEnd]!];
    this.mem32[r + KRES.arenaBase] = scratch + n + PAD;
    this.mem32[r + KRES.arenaEnd] = this.mem8.length - PAD;
    this.nextStamp();
    this.mem32[r + KRES.doc]!++;
    const saved = this.mem32[r + KRES.outCount]!;
    const ok = this.exports.scanRaw(scratch, scratch + n, line) !== 0;
    this.mem32[r + KRES.arenaBase] = arena[0]!;
    this.mem32[r + KRES.arenaEnd] = arena[1]!;
    if (!ok) this.mem32[r + KRES.outCount] = saved;
    return ok;
  }

  /**
   * The CJK fast path's tokens of one run of raw JSON string content (letters, digits, non-ASCII
   * bytes, \u escapes), or undefined when it hands the run to the slow path: tests hold it to
   * `unicodeTokens`. Uses the I/O and scratch areas.
   */
  fastRunTokens(run: Uint8Array): string[] | undefined {
    const io = this.reserveIo(run.length);
    io.set(run, 0);
    const arena = this.ioBase + this.ioSize + PAD;
    const end = this.exports.cjkRun(this.ioBase, this.ioBase + run.length, arena, arena + 2 * this.ioSize);
    if (end === -2) return undefined;
    if (end < 0) throw new Error("scan kernel: arena full");
    const text = Buffer.from(this.mem8.buffer, arena, end - arena).toString("utf8");
    return text.split(" ").filter((t) => t !== "");
  }

  /** Entries in the output buffer since the last `clearHits`. */
  hitCount(): number {
    return this.mem32[this.layout.res / 4 + KRES.outCount]!;
  }
  hitLine(k: number): number {
    return this.mem32[this.layout.out / 4 + 2 * k]!;
  }
  hitPattern(k: number): number {
    return this.mem32[this.layout.out / 4 + 2 * k + 1]!;
  }
  clearHits(): void {
    this.mem32[this.layout.res / 4 + KRES.outCount] = 0;
  }

  /** Restarts document stamps long before the 32-bit counter could wrap (a call adds one per line). */
  private nextStamp(): void {
    const at = this.layout.res / 4 + KRES.doc;
    if (this.mem32[at]! < 1 << 30) return;
    const s = this.layout.stamp / 4;
    this.mem32.fill(-1, s, s + this.patternCount);
    this.mem32[at] = 0;
  }
}
