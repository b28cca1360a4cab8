import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { averageRanks, kendallTauB, pearson, spearman } from "../../src/agreement/correlation.js";

const close = (actual: number, expected: number, eps = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≉ ${expected}`);

/** O(n²) τ-b straight from the definition: an independent check of the O(n log n) version. */
function kendallBruteForce(x: number[], y: number[]): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign(x[i]! - x[j]!);
      const sy = Math.sign(y[i]! - y[j]!);
      if (sx === 0 && sy === 0) continue;
      if (sx === 0) tx++;
      else if (sy === 0) ty++;
      else if (sx === sy) c++;
      else d++;
    }
  }
  // Pairs tied on x only (tx) plus untied pairs (c + d) = n0 − n1; likewise for y.
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

describe("averageRanks", () => {
  test("ties share the mean of their ranks", () => {
    assert.deepEqual(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
    assert.deepEqual(averageRanks([3, 1, 3, 3, 2]), [4, 1, 4, 4, 2]);
  });
});

describe("tiny hand-computed cases", () => {
  test("x = 1..4, y = 1,3,2,4: ρ = r = 0.8, τ = 2/3", () => {
    // Σd² = 0+1+1+0 = 2, ρ = 1 − 6·2/(4·15) = 0.8; 5 concordant, 1 discordant of 6 pairs.
    const x = [1, 2, 3, 4];
    const y = [1, 3, 2, 4];
    close(spearman(x, y), 0.8);
    close(pearson(x, y), 0.8);
    close(kendallTauB(x, y), 2 / 3);
  });

  test("τ-b with ties: x = 1,1,2,3, y = 1,2,2,3 gives 4/√(5·5) = 0.8", () => {
    // Pairs: one tied on x, one tied on y, four concordant, none discordant; n0 = 6.
    close(kendallTauB([1, 1, 2, 3], [1, 2, 2, 3]), 0.8);
  });

  test("perfect reversal", () => {
    close(kendallTauB([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), -1);
    close(spearman([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), -1);
  });

  test("constant rater gives NaN; so do fewer than two items", () => {
    assert.ok(Number.isNaN(pearson([1, 2, 3], [2, 2, 2])));
    assert.ok(Number.isNaN(spearman([1, 2, 3], [2, 2, 2])));
    assert.ok(Number.isNaN(kendallTauB([1, 2, 3], [2, 2, 2])));
    assert.ok(Number.isNaN(kendallTauB([1], [2])));
  });

  test("missing ratings drop the item", () => {
    close(kendallTauB([1, 2, undefined, 3, 4], [1, 3, 9, 2, 4]), 2 / 3);
    close(spearman([1, 2, 3, null, 4], [1, 3, 2, 0, 4]), 0.8);
  });
});

describe("15 tied 1–5 ratings, reference values from SciPy", () => {
  // scipy 1.17.1 (Debian python3-scipy): stats.pearsonr, stats.spearmanr,
  // stats.kendalltau(variant="b") on these arrays, run once by hand and pasted here.
  const x = [3, 4, 2, 5, 5, 1, 3, 4, 4, 2, 3, 5, 1, 2, 4];
  const y = [3, 5, 2, 4, 5, 2, 3, 3, 4, 1, 4, 5, 2, 2, 3];
  test("Pearson", () => close(pearson(x, y), 0.8388884110737055, 1e-12));
  test("Spearman", () => close(spearman(x, y), 0.8624977412431215, 1e-12));
  test("Kendall τ-b", () => close(kendallTauB(x, y), 0.7500484292771628, 1e-12));
});

describe("Kendall τ-b: O(n log n) agrees with the O(n²) definition", () => {
  test("random tied ratings of many sizes", () => {
    let seed = 99;
    const rand = (k: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * k);
    };
    for (const n of [2, 3, 5, 8, 17, 64, 200]) {
      for (let trial = 0; trial < 5; trial++) {
        const x = Array.from({ length: n }, () => 1 + rand(5));
        const y = x.map((v) => Math.max(1, Math.min(5, v + rand(3) - 1 + (rand(4) === 0 ? rand(5) - 2 : 0))));
        const expected = kendallBruteForce(x, y);
        const got = kendallTauB(x, y);
        if (Number.isNaN(expected)) assert.ok(Number.isNaN(got));
        else close(got, expected, 1e-12);
      }
    }
  });
});
