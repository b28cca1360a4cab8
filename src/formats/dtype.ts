/**
 * Element types shared by the checkpoint formats and conversions between 16-bit floats and float32.
 * All byte data is little-endian (safetensors, GGUF and llama2.c files are all little-endian).
 */
import { endianness } from "node:os";

/** Floating-point element types we can decode to and encode from float32. */
export type FloatDType = "F32" | "F16" | "BF16";

export function isFloatDType(s: string): s is FloatDType {
  return s === "F32" || s === "F16" || s === "BF16";
}

export function bytesPerElement(dtype: FloatDType): number {
  return dtype === "F32" ? 4 : 2;
}

if (endianness() !== "LE") {
  // Typed-array views below reinterpret file bytes directly; that is only valid on little-endian hosts.
  throw new Error("assay model formats need a little-endian machine");
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** IEEE half (given as its 16 bits) → number. */
export function f16ToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** number → IEEE half bits, rounding the float32 value to nearest, ties to even. */
export function f32ToF16(f: number): number {
  scratchF32[0] = f;
  const x = scratchU32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Result is a half subnormal (or zero): value = m · 2^-24.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** bfloat16 bits → number (exact: bf16 is the top half of a float32). */
export function bf16ToF32(b: number): number {
  scratchU32[0] = (b & 0xffff) << 16;
  return scratchF32[0]!;
}

/** number → bfloat16 bits, rounding the float32 value to nearest, ties to even; NaN stays NaN. */
export function f32ToBf16(f: number): number {
  scratchF32[0] = f;
  const x = scratchU32[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

let f16Table: Float32Array | undefined;
/** All 65,536 half values as float32, built once (decoding by lookup is much faster than arithmetic). */
function halfTable(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16ToF32(h);
  }
  return f16Table;
}

/** Decode little-endian elements of `dtype` into a new Float32Array. */
export function decodeToF32(bytes: Uint8Array, dtype: FloatDType): Float32Array {
  const size = bytesPerElement(dtype);
  if (bytes.byteLength % size !== 0) {
    throw new Error(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const n = bytes.byteLength / size;
  const out = new Float32Array(n);
  if (dtype === "F32") {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  // A Uint16Array view needs 2-byte alignment; copy only when the source is misaligned.
  let u16: Uint16Array;
  if (bytes.byteOffset % 2 === 0) {
    u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  } else {
    u16 = new Uint16Array(n);
    new Uint8Array(u16.buffer).set(bytes);
  }
  if (dtype === "F16") {
    const table = halfTable();
    for (let i = 0; i < n; i++) out[i] = table[u16[i]!]!;
  } else {
    const outBits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) outBits[i] = u16[i]! << 16;
  }
  return out;
}

/** Encode float32 values as little-endian `dtype` elements (16-bit types round to nearest even). */
export function encodeFromF32(values: Float32Array, dtype: FloatDType): Uint8Array {
  if (dtype === "F32") {
    return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  }
  const u16 = new Uint16Array(values.length);
  const convert = dtype === "F16" ? f32ToF16 : f32ToBf16;
  for (let i = 0; i < values.length; i++) u16[i] = convert(values[i]!);
  return new Uint8Array(u16.buffer);
}
