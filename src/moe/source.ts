/**
 * Stored-element gathers for the builders: 16-bit values are copied as they are, never converted (only the
 * folded scale factor changes them, exactly for powers of two). `FfnMatrixReader` holds one whole FFN matrix
 * (the reference builder and tests); `gatherRows`/`gatherCols` work on one block of rows at a time (the
 * streaming builder, build-steps.ts).
 */
import type { Checkpoint } from "../formats/checkpoint.js";
import {
  bf16ToF32,
  bytesPerElement,
  decodeToF32,
  type FloatDType,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
  isFloatDType,
} from "../formats/dtype.js";
import { UserError } from "../util/errors.js";
import { type FfnPart, ffnName } from "./dense.js";

export class FfnMatrixReader {
  private buf: Uint8Array = new Uint8Array(0);
  private key = "";
  private rows = 0;
  private cols = 0;
  private elem = 0;
  dtype: FloatDType = "F32";

  constructor(private readonly ck: Checkpoint) {}

  /** Load layer `l`'s matrix `part` (replacing whatever was loaded). */
  load(l: number, part: FfnPart): void {
    const name = ffnName(this.ck, l, part);
    const key = `${l}/${part}`;
    if (key === this.key) return;
    const t = this.ck.tensor(name);
    if (!isFloatDType(t.dtype)) {
      throw new UserError(
        `${this.ck.path}: tensor "${name}" is ${t.dtype}; experts can only be sliced from F32, F16 or BF16 tensors`,
      );
    }
    if (this.buf.byteLength < t.byteLength) this.buf = new Uint8Array(t.byteLength);
    this.ck.readRawRange(name, 0, t.byteLength, this.buf);
    this.key = key;
    this.rows = t.shape[0]!;
    this.cols = t.shape[1]!;
    this.dtype = t.dtype;
    this.elem = bytesPerElement(t.dtype);
  }

  /** Rows `S` (in the given order) of the loaded matrix, as stored bytes. */
  rowsOf(S: readonly number[]): Uint8Array {
    const parts: Uint8Array[] = [];
    this.emitRows(S, (b) => parts.push(Uint8Array.from(b)));
    return Buffer.concat(parts);
  }

  /**
   * Emit rows `S` in order through a reused scratch buffer (flushed when full), so slicing allocates nothing
   * per expert. The emitted view is only valid during the call.
   */
  emitRows(S: readonly number[], emit: (bytes: Uint8Array) => void): void {
    const rb = this.cols * this.elem;
    const scratch = this.scratchBytes(Math.max(rb, SCRATCH_BYTES - (SCRATCH_BYTES % rb)));
    let at = 0;
    for (const i of S) {
      if (at + rb > scratch.byteLength) {
        emit(scratch.subarray(0, at));
        at = 0;
      }
      scratch.set(this.buf.subarray(i * rb, (i + 1) * rb), at);
      at += rb;
    }
    if (at > 0) emit(scratch.subarray(0, at));
  }

  /** Columns `S` of the loaded matrix ([rows, |S|]), as stored bytes. */
  colsOf(S: readonly number[], factor = 1): Uint8Array {
    const parts: Uint8Array[] = [];
    this.emitCols(S, (b) => parts.push(Uint8Array.from(b)), factor);
    return Buffer.concat(parts);
  }

  /**
   * Emit columns `S` ([rows, |S|] row-major) through the scratch buffer, optionally multiplied by `factor`
   * (powers of two shift the exponent of 16-bit values directly: exact and conversion-free).
   */
  emitCols(S: readonly number[], emit: (bytes: Uint8Array) => void, factor = 1): void {
    const m = S.length;
    const { rows, cols, elem } = this;
    const outRow = m * elem;
    const scratch = this.scratchBytes(Math.max(outRow, SCRATCH_BYTES - (SCRATCH_BYTES % outRow)));
    const rowsPerChunk = Math.floor(scratch.byteLength / outRow);
    const idx = Int32Array.from(S);
    for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
      const r1 = Math.min(rows, r0 + rowsPerChunk);
      const n = (r1 - r0) * m;
      if (elem === 2) {
        const src = new Uint16Array(this.buf.buffer, this.buf.byteOffset, rows * cols);
        const out = new Uint16Array(scratch.buffer, scratch.byteOffset, n);
        gatherCols16(src, cols, idx, out, r0, r1, this.dtype, factor);
      } else {
        const src = new Float32Array(this.buf.buffer, this.buf.byteOffset, rows * cols);
        const out = new Float32Array(scratch.buffer, scratch.byteOffset, n);
        for (let r = r0; r < r1; r++) {
          const sb = r * cols;
          const ob = (r - r0) * m;
          for (let c = 0; c < m; c++) out[ob + c] = src[sb + idx[c]!]! * factor;
        }
      }
      emit(scratch.subarray(0, n * elem));
    }
  }

  private scratch = new Uint8Array(0);
  private scratchBytes(n: number): Uint8Array {
    if (this.scratch.byteLength < n) this.scratch = new Uint8Array(n);
    return this.scratch.subarray(0, n);
  }

  /** Row i of the loaded matrix as float32. */
  rowF32(i: number): Float32Array {
    const rb = this.cols * this.elem;
    return decodeToF32(this.buf.subarray(i * rb, (i + 1) * rb), this.dtype);
  }
}

/**
 * out[(r − r0)·m + c] = src[r·cols + idx[c]] × factor for rows r0 ≤ r < r1 (16-bit elements). With a
 * factor, every element goes through a 65,536-entry table of scale16's results (exact exponent shifts for
 * powers of two, one rounding otherwise), built once per dtype and factor. The loop is unrolled: V8 then
 * keeps several independent loads in flight, about twice as fast as one element per iteration.
 */
export function gatherCols16(
  src: Uint16Array,
  cols: number,
  idx: Int32Array,
  out: Uint16Array,
  r0: number,
  r1: number,
  dtype: FloatDType,
  factor: number,
): void {
  const m = idx.length;
  if (factor !== 1) {
    gatherMapped(src, cols, idx, out, r0, r1, scaleTable(dtype, factor));
    return;
  }
  for (let r = r0; r < r1; r++) {
    const sb = r * cols;
    const ob = (r - r0) * m;
    let c = 0;
    for (; c + 8 <= m; c += 8) {
      const o = ob + c;
      out[o] = src[sb + idx[c]!]!;
      out[o + 1] = src[sb + idx[c + 1]!]!;
      out[o + 2] = src[sb + idx[c + 2]!]!;
      out[o + 3] = src[sb + idx[c + 3]!]!;
      out[o + 4] = src[sb + idx[c + 4]!]!;
      out[o + 5] = src[sb + idx[c + 5]!]!;
      out[o + 6] = src[sb + idx[c + 6]!]!;
      out[o + 7] = src[sb + idx[c + 7]!]!;
    }
    for (; c < m; c++) out[ob + c] = src[sb + idx[c]!]!;
  }
}

function gatherMapped(
  src: Uint16Array,
  cols: number,
  idx: Int32Array,
  out: Uint16Array,
  r0: number,
  r1: number,
  T: Uint16Array,
): void {
  const m = idx.length;
  for (let r = r0; r < r1; r++) {
    const sb = r * cols;
    const ob = (r - r0) * m;
    let c = 0;
    for (; c + 8 <= m; c += 8) {
      const o = ob + c;
      out[o] = T[src[sb + idx[c]!]!]!;
      out[o + 1] = T[src[sb + idx[c + 1]!]!]!;
      out[o + 2] = T[src[sb + idx[c + 2]!]!]!;
      out[o + 3] = T[src[sb + idx[c + 3]!]!]!;
      out[o + 4] = T[src[sb + idx[c + 4]!]!]!;
      out[o + 5] = T[src[sb + idx[c + 5]!]!]!;
      out[o + 6] = T[src[sb + idx[c + 6]!]!]!;
      out[o + 7] = T[src[sb + idx[c + 7]!]!]!;
    }
    for (; c < m; c++) out[ob + c] = T[src[sb + idx[c]!]!]!;
  }
}

const scaleTables = new Map<string, Uint16Array>();

/** scale16 applied to every 16-bit pattern (cached: a build uses one or a few factors). */
function scaleTable(dtype: FloatDType, factor: number): Uint16Array {
  const key = `${dtype} ${factor}`;
  let t = scaleTables.get(key);
  if (!t) {
    t = new Uint16Array(65536);
    for (let i = 0; i < 65536; i++) t[i] = i;
    scale16(t, dtype, factor);
    if (scaleTables.size >= 16) scaleTables.clear();
    scaleTables.set(key, t);
  }
  return t;
}

/** Scratch size for gathered output (bytes). */
const SCRATCH_BYTES = 4 << 20;

/**
 * Multiply 16-bit floats in place by `factor`. A power of two adds to the exponent field of normal values
 * (exact, no conversion); zeros, subnormals, infinities/NaN, overflow, underflow and other factors go through
 * float32 and round to nearest even.
 */
export function scale16(v: Uint16Array, dtype: FloatDType, factor: number): void {
  const shift = Math.log2(factor);
  const expBits = dtype === "BF16" ? 8 : 5;
  const mantBits = dtype === "BF16" ? 7 : 10;
  const maxExp = (1 << expBits) - 1;
  const mask = maxExp << mantBits;
  const exact = Number.isInteger(shift);
  for (let i = 0; i < v.length; i++) {
    const bits = v[i]!;
    const e = (bits & mask) >> mantBits;
    if (exact && e !== 0 && e !== maxExp) {
      const ne = e + shift;
      if (ne > 0 && ne < maxExp) {
        v[i] = (bits & ~mask) | (ne << mantBits);
        continue;
      }
    }
    const x = (dtype === "BF16" ? bf16ToF32(bits) : f16ToF32(bits)) * factor;
    v[i] = dtype === "BF16" ? f32ToBf16(x) : f32ToF16(x);
  }
}

// Chunk gathers for the streaming builder (build.ts): the same element copies as FfnMatrixReader, on one
// block of source rows at a time.

/** Whether S is strictly ascending (then the rows of any row block that belong to S are one run of S). */
export function isAscending(S: readonly number[]): boolean {
  for (let i = 1; i < S.length; i++) if (S[i]! <= S[i - 1]!) return false;
  return true;
}

/** First position p with S[p] ≥ x, for ascending S. */
export function lowerBound(S: readonly number[], x: number): number {
  let lo = 0;
  let hi = S.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (S[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Copy rows S[p0..p1) out of `block`, which holds source rows r0, r0+1, … (`rowBytes` each), into `out`
 * one after another. Runs of consecutive rows are copied at once.
 */
export function gatherRows(
  block: Uint8Array,
  r0: number,
  rowBytes: number,
  S: readonly number[],
  p0: number,
  p1: number,
  out: Uint8Array,
): void {
  let p = p0;
  while (p < p1) {
    let q = p + 1;
    while (q < p1 && S[q] === S[q - 1]! + 1) q++;
    const from = (S[p]! - r0) * rowBytes;
    out.set(block.subarray(from, from + (q - p) * rowBytes), (p - p0) * rowBytes);
    p = q;
  }
}

/**
 * out[r, c] = block[r, idx[c]] × factor for every row of `block` ([rows, cols] elements of `dtype`);
 * `out` holds [rows, idx.length]. 16-bit elements go through gatherCols16 (no conversion; exact for powers of
 * two); F32 is multiplied.
 */
export function gatherCols(
  block: Uint8Array,
  rows: number,
  cols: number,
  dtype: FloatDType,
  idx: Int32Array,
  out: Uint8Array,
  factor: number,
): void {
  const m = idx.length;
  if (dtype !== "F32") {
    const src = new Uint16Array(block.buffer, block.byteOffset, rows * cols);
    gatherCols16(
      src,
      cols,
      idx,
      new Uint16Array(out.buffer, out.byteOffset, rows * m),
      0,
      rows,
      dtype,
      factor,
    );
    return;
  }
  const src = new Float32Array(block.buffer, block.byteOffset, rows * cols);
  const dst = new Float32Array(out.buffer, out.byteOffset, rows * m);
  for (let r = 0; r < rows; r++) {
    const sb = r * cols;
    const ob = r * m;
    for (let c = 0; c < m; c++) dst[ob + c] = src[sb + idx[c]!]! * factor;
  }
}
