import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from "../../src/formats/dtype.js";
import { gatherCols16, scale16 } from "../../src/moe/source.js";

describe("scaling 16-bit values without conversion", () => {
  for (const dtype of ["BF16", "F16"] as const) {
    const dec = dtype === "BF16" ? bf16ToF32 : f16ToF32;
    const enc = dtype === "BF16" ? f32ToBf16 : f32ToF16;
    test(`${dtype}: every bit pattern equals decode × factor → round to nearest even`, () => {
      for (const factor of [2, 4, 8, 0.5, 3]) {
        const all = new Uint16Array(65536);
        for (let i = 0; i < 65536; i++) all[i] = i;
        scale16(all, dtype, factor);
        for (let i = 0; i < 65536; i++) {
          const want = enc(Math.fround(dec(i) * factor));
          const got = all[i]!;
          if (Number.isNaN(dec(i))) assert.ok(Number.isNaN(dec(got)), `${dtype} NaN ${i}`);
          else
            assert.equal(
              got,
              want,
              `${dtype} ×${factor}: pattern 0x${i.toString(16)} gave 0x${got.toString(16)}, want 0x${want.toString(16)}`,
            );
        }
      }
    });
  }
});

describe("column gather with a folded scale", () => {
  test("equals gather-then-scale16 on every bit pattern (power-of-two and other factors)", () => {
    // One row of all 65,536 patterns in reverse order; gather every column in a permuted order.
    const cols = 65536;
    const src = new Uint16Array(cols);
    for (let i = 0; i < cols; i++) src[i] = cols - 1 - i;
    const idx = Int32Array.from({ length: cols }, (_, c) => (c * 7919) % cols);
    for (const dtype of ["BF16", "F16"] as const) {
      for (const factor of [1, 4, 0.25, 3]) {
        const got = new Uint16Array(cols);
        gatherCols16(src, cols, idx, got, 0, 1, dtype, factor);
        const want = Uint16Array.from(idx, (i) => src[i]!);
        scale16(want, dtype, factor);
        const dec = dtype === "BF16" ? bf16ToF32 : f16ToF32;
        for (let c = 0; c < cols; c++) {
          if (Number.isNaN(dec(want[c]!))) assert.ok(Number.isNaN(dec(got[c]!)));
          else assert.equal(got[c], want[c], `${dtype} ×${factor} column ${c}`);
        }
      }
    }
  });
});

describe("column gather, several rows and odd widths", () => {
  test("matches a one-element-at-a-time gather for every width 0..19, rows r0..r1, each factor", () => {
    const rows = 5;
    const cols = 23;
    const src = new Uint16Array(rows * cols);
    // Mix normal values with zeros, subnormals, Inf/NaN and values near the exponent limits.
    const special = [0x0000, 0x8000, 0x0001, 0x7f80, 0x7fc0, 0x7f7f, 0x0080, 0x3f80, 0x4000, 0xc2f7];
    for (let i = 0; i < src.length; i++)
      src[i] = i % 3 === 0 ? special[i % special.length]! : (i * 40503) & 0xffff;
    for (const dtype of ["BF16", "F16"] as const) {
      for (const factor of [1, 2, 0.125, 1024, 3]) {
        for (let m = 0; m < 20; m++) {
          const idx = Int32Array.from({ length: m }, (_, c) => (c * 5 + 3) % cols);
          const got = new Uint16Array(3 * m);
          gatherCols16(src, cols, idx, got, 1, 4, dtype, factor);
          const want = new Uint16Array(3 * m);
          for (let r = 1; r < 4; r++)
            for (let c = 0; c < m; c++) want[(r - 1) * m + c] = src[r * cols + idx[c]!]!;
          // Factor 1 copies the stored bits; otherwise scale16 is the reference (NaN payloads may differ).
          if (factor !== 1) scale16(want, dtype, factor);
          const dec = dtype === "BF16" ? bf16ToF32 : f16ToF32;
          for (let i = 0; i < want.length; i++) {
            if (Number.isNaN(dec(want[i]!))) assert.ok(Number.isNaN(dec(got[i]!)));
            else assert.equal(got[i], want[i], `${dtype} ×${factor} width ${m} element ${i}`);
          }
        }
      }
    }
  });
});
