import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bf16ToF32,
  decodeToF32,
  encodeFromF32,
  f16ToF32,
  f32ToBf16,
  f32ToF16,
} from "../../src/formats/dtype.js";

describe("half precision", () => {
  test("hand-checked values", () => {
    assert.equal(f16ToF32(0x3c00), 1);
    assert.equal(f16ToF32(0xc000), -2);
    assert.equal(f16ToF32(0x7bff), 65504); // largest finite half
    assert.equal(f16ToF32(0x0001), 2 ** -24); // smallest subnormal
    assert.equal(f16ToF32(0x7c00), Number.POSITIVE_INFINITY);
    assert.ok(Number.isNaN(f16ToF32(0x7e00)));
    assert.equal(f32ToF16(1), 0x3c00);
    assert.equal(f32ToF16(65504), 0x7bff);
    assert.equal(f32ToF16(65520), 0x7c00); // halfway to the next binade rounds (to even) up to infinity
    assert.equal(f32ToF16(1 + 2 ** -11), 0x3c00); // tie → even mantissa (0)
    assert.equal(f32ToF16(1 + 3 * 2 ** -11), 0x3c02); // tie → even mantissa (2)
    assert.equal(f32ToF16(2 ** -25), 0x0000); // tie between 0 and the smallest subnormal → 0
    assert.equal(f32ToF16(1.5 * 2 ** -25), 0x0001);
    assert.equal(f32ToF16(-0), 0x8000);
    assert.equal(f32ToF16(Number.NaN) & 0x7c00, 0x7c00);
  });

  test("every finite half survives f16 → f32 → f16", () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaN payloads
      assert.equal(f32ToF16(f16ToF32(h)), h, `half 0x${h.toString(16)}`);
    }
  });
});

describe("bfloat16", () => {
  test("hand-checked values", () => {
    assert.equal(f32ToBf16(1), 0x3f80);
    assert.equal(bf16ToF32(0x3f80), 1);
    assert.equal(f32ToBf16(1 + 2 ** -8), 0x3f80); // tie → even
    assert.equal(f32ToBf16(1 + 3 * 2 ** -8), 0x3f82);
    assert.equal(f32ToBf16(-2), 0xc000);
    assert.ok(Number.isNaN(bf16ToF32(f32ToBf16(Number.NaN))));
  });

  test("array encode/decode round-trips exactly representable values", () => {
    const values = Float32Array.from([0, 1, -2, 0.5, 3.140625, -1024, 2 ** -10]);
    for (const dtype of ["F32", "F16", "BF16"] as const) {
      assert.deepEqual(decodeToF32(encodeFromF32(values, dtype), dtype), values, dtype);
    }
  });

  test("decoding works from unaligned byte offsets", () => {
    const bytes = new Uint8Array(9);
    bytes.set(encodeFromF32(Float32Array.from([1, -2]), "F32"), 1);
    assert.deepEqual(decodeToF32(bytes.subarray(1), "F32"), Float32Array.from([1, -2]));
    for (const dtype of ["F16", "BF16"] as const) {
      const odd = new Uint8Array(5);
      odd.set(encodeFromF32(Float32Array.from([0.5, -3]), dtype), 1);
      assert.deepEqual(decodeToF32(odd.subarray(1), dtype), Float32Array.from([0.5, -3]), dtype);
    }
  });
});
