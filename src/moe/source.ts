/**
 * Raw access to a dense layer's FFN matrices for the builders: one matrix at a time in one reused, aligned
 * buffer (so peak memory stays near one FFN matrix), with row and column gathers on stored elements —
 * 16-bit values are copied as they are, never converted.
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
 * out[(r − r0)·m + c] = src[r·cols + idx[c]] × factor for rows r0 ≤ r < r1 (16-bit elements). A power-of-two
 * factor shifts the exponent in the same pass; values it cannot handle exactly (zeros, subnormals, Inf/NaN,
 * overflow, underflow) and other factors go through scale16.
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
  const shift = Math.log2(factor);
  if (factor === 1 || !Number.isInteger(shift)) {
    for (let r = r0; r < r1; r++) {
      const sb = r * cols;
      const ob = (r - r0) * m;
      for (let c = 0; c < m; c++) out[ob + c] = src[sb + idx[c]!]!;
    }
    if (factor !== 1) scale16(out.subarray(0, (r1 - r0) * m), dtype, factor);
    return;
  }
  const mant = dtype === "BF16" ? 7 : 10;
  const maxExp = dtype === "BF16" ? 0xff : 0x1f;
  const delta = shift * (1 << mant);
  for (let r = r0; r < r1; r++) {
    const sb = r * cols;
    const ob = (r - r0) * m;
    for (let c = 0; c < m; c++) {
      const bits = src[sb + idx[c]!]!;
      const e = (bits >> mant) & maxExp;
      const ne = e + shift;
      if (e !== 0 && e !== maxExp && ne > 0 && ne < maxExp) out[ob + c] = bits + delta;
      else {
        out[ob + c] = bits;
        scale16(out.subarray(ob + c, ob + c + 1), dtype, factor);
      }
    }
  }
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
