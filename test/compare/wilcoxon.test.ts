import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePaired } from "../../src/compare/paired.js";
import { erfc, wilcoxonSignedRank } from "../../src/compare/wilcoxon.js";

const close = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) < tol, `${a} ≉ ${b}`);

test("exact Wilcoxon p-value: d = 1, 2, 3, −4, 5 gives W− = 4 and p = 2 · 7/32", () => {
  // Subsets of ranks {1…5} with sum ≤ 4: {}, {1}, {2}, {3}, {1,2}, {4}, {1,3} → 7 of 32.
  const w = wilcoxonSignedRank([1, 2, 0, 3, -4, 5]);
  assert.deepEqual([w.n, w.wPlus, w.wMinus, w.exact], [5, 11, 4, true]);
  close(w.p, 14 / 32, 1e-12);
  assert.equal(wilcoxonSignedRank([2, 2, -2, -2]).p, 1, "balanced signs: no evidence either way");
  assert.deepEqual(wilcoxonSignedRank([0, 0]), {
    name: "wilcoxon",
    n: 0,
    wPlus: 0,
    wMinus: 0,
    p: 1,
    exact: true,
  });
});

test("ties use average ranks and the tie-corrected normal approximation", () => {
  // |d| = 1,1,1,1,2,2 → ranks 2.5 ×4, 5.5 ×2; W+ = 3·2.5 + 2·5.5 = 18.5; mean 10.5;
  // var = 6·7·13/24 − (60 + 6)/48 = 21.375; z = (8 − 0.5)/√21.375; p = erfc(z/√2) = 0.1047574898 (Python math.erfc).
  const w = wilcoxonSignedRank([1, 1, 1, -1, 2, 2]);
  assert.deepEqual([w.wPlus, w.wMinus, w.exact], [18.5, 2.5, false]);
  close(w.p, 0.10475748984973068, 1e-6);
  close(erfc(0), 1, 1e-7);
  close(erfc(-1), 2 - 0.15729920705028513, 1e-7);
});

test("ordinal comparisons carry the Wilcoxon test; binary ones do not", () => {
  const a = new Map(Object.entries({ x: 1, y: 2, z: 3, w: 4, v: 5 }));
  const b = new Map(Object.entries({ x: 2, y: 4, z: 6, w: 0, v: 10 }));
  const c = comparePaired(a, b);
  assert.deepEqual([c.wilcoxon?.wPlus, c.wilcoxon?.wMinus], [11, 4]);
  const bin = comparePaired(new Map([["s", 1]]), new Map([["s", 0]]));
  assert.equal(bin.wilcoxon, undefined);
});
