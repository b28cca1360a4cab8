import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  cohenKappa,
  confusionMatrix,
  exactAgreement,
  weightedKappa,
  withinAgreement,
} from "../../src/agreement/categorical.js";

/** Expands a confusion table (rows rater A, columns rater B) into two rating arrays. */
function fromTable(table: number[][], labels: number[]): { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  table.forEach((row, i) => {
    row.forEach((count, j) => {
      for (let k = 0; k < count; k++) {
        a.push(labels[i]!);
        b.push(labels[j]!);
      }
    });
  });
  return { a, b };
}

const close = (actual: number, expected: number, eps = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${actual} ≉ ${expected}`);

describe("Cohen's κ", () => {
  test("Wikipedia worked example: 50 grant proposals, κ = 0.4", () => {
    // Wikipedia "Cohen's kappa", simple example: Yes/Yes 20, A yes B no 5, A no B yes 10, No/No 15.
    // p_o = 35/50 = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.2/0.5 = 0.4.
    const { a, b } = fromTable(
      [
        [20, 5],
        [10, 15],
      ],
      [1, 0],
    );
    close(cohenKappa(a, b, [0, 1]), 0.4);
    close(exactAgreement(a, b), 0.7);
  });

  test("Wikipedia's two tables with equal agreement but different κ", () => {
    // Wikipedia "Cohen's kappa", "Same percentages but different numbers": both have p_o = 0.60;
    // first [[45,15],[25,15]] gives κ = 0.1304, second [[25,35],[5,35]] gives κ = 0.2593.
    const t1 = fromTable(
      [
        [45, 15],
        [25, 15],
      ],
      [1, 0],
    );
    const t2 = fromTable(
      [
        [25, 35],
        [5, 35],
      ],
      [1, 0],
    );
    assert.equal(Math.round(cohenKappa(t1.a, t1.b, [0, 1]) * 10000) / 10000, 0.1304);
    assert.equal(Math.round(cohenKappa(t2.a, t2.b, [0, 1]) * 10000) / 10000, 0.2593);
  });

  test("perfect agreement is 1; chance-level agreement is 0", () => {
    assert.equal(cohenKappa([1, 2, 3, 1], [1, 2, 3, 1], [1, 2, 3]), 1);
    // Independent margins: each cell = row·col/n exactly → p_o = p_e → κ = 0.
    const { a, b } = fromTable(
      [
        [1, 1],
        [1, 1],
      ],
      [0, 1],
    );
    close(cohenKappa(a, b, [0, 1]), 0);
  });

  test("undefined (NaN) when both raters use one and the same category, or no items", () => {
    assert.ok(Number.isNaN(cohenKappa([3, 3, 3], [3, 3, 3], [1, 2, 3])));
    assert.ok(Number.isNaN(cohenKappa([], [], [1, 2, 3])));
  });
});

describe("weighted κ (hand-computed 3×3 example)", () => {
  // Table (A rows, B columns) over scale [1,2,3]: [[5,2,0],[1,4,2],[0,1,5]], n = 20.
  // Margins: rows 7,7,6; columns 6,7,7. Expected counts e_ij = r_i·c_j/20.
  // Off by one: observed 2+1+2+1 = 6; expected 2.45+2.1+2.45+2.1 = 9.1.
  // Off by two: observed 0; expected 2.45+1.8 = 4.25.
  // Linear (w = 1/2, 1):    κ = 1 − 3 / (4.55 + 4.25) = 1 − 3/8.8 = 29/44.
  // Quadratic (w = 1/4, 1): κ = 1 − 1.5 / (2.275 + 4.25) = 1 − 1.5/6.525 = 67/87.
  // Unweighted: p_o = 14/20, p_e = (42+49+42)/400 = 0.3325, κ = 0.3675/0.6675 = 49/89.
  const { a, b } = fromTable(
    [
      [5, 2, 0],
      [1, 4, 2],
      [0, 1, 5],
    ],
    [1, 2, 3],
  );
  test("linear", () => close(weightedKappa(a, b, [1, 2, 3], "linear"), 29 / 44));
  test("quadratic", () => close(weightedKappa(a, b, [1, 2, 3], "quadratic"), 67 / 87));
  test("none equals Cohen's κ", () => {
    close(weightedKappa(a, b, [1, 2, 3], "none"), 49 / 89);
    close(cohenKappa(a, b, [1, 2, 3]), 49 / 89);
  });

  test("quadratic κ equals 2·cov / (var_a + var_b + (mean_a − mean_b)²) on random data", () => {
    // Known identity for quadratic weights on an equally spaced scale (population moments):
    // an independent route to the same number.
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 20; trial++) {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < 40; i++) {
        const v = 1 + Math.floor(rand() * 5);
        x.push(v);
        y.push(Math.min(5, Math.max(1, v + Math.floor(rand() * 3) - 1)));
      }
      const n = x.length;
      const mx = x.reduce((s, v) => s + v, 0) / n;
      const my = y.reduce((s, v) => s + v, 0) / n;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < n; i++) {
        sxy += (x[i]! - mx) * (y[i]! - my);
        sxx += (x[i]! - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      }
      const expected = (2 * sxy) / n / (sxx / n + syy / n + (mx - my) ** 2);
      close(weightedKappa(x, y, [1, 2, 3, 4, 5], "quadratic"), expected, 1e-9);
    }
  });

  test("weights follow scale positions, so unused categories on the scale matter", () => {
    // Ratings 1, 2, 4: on [1, 2, 4] the steps 1→2 and 2→4 weigh the same; on [1, 2, 3, 4]
    // the step 2→4 weighs twice as much, so the relative weights (and κ) change.
    // Reference values from a separate numpy implementation of weighted κ (run by hand at
    // development time): 0.5862068965517242 on [1, 2, 4], 0.627906976744186 on [1, 2, 3, 4].
    const x = [1, 1, 1, 2, 2, 4, 4, 4];
    const y = [1, 1, 2, 2, 2, 4, 4, 1];
    const onUsed = weightedKappa(x, y, [1, 2, 4], "linear");
    const onFull = weightedKappa(x, y, [1, 2, 3, 4], "linear");
    close(onUsed, 0.5862068965517242, 1e-12);
    close(onFull, 0.627906976744186, 1e-12);
  });
});

describe("exact / within agreement and confusion matrix", () => {
  test("missing ratings are skipped: only items both rated count", () => {
    const a = [1, 2, undefined, 4, 5, null];
    const b = [1, 3, 3, undefined, 3, 2];
    // Items both rated: (1,1), (2,3), (5,3).
    close(exactAgreement(a, b), 1 / 3);
    close(withinAgreement(a, b), 2 / 3);
    close(withinAgreement(a, b, 2), 1);
    const m = confusionMatrix(a, b, [1, 2, 3, 4, 5]);
    assert.equal(m.n, 3);
    assert.deepEqual(m.labels, [1, 2, 3, 4, 5]);
    assert.deepEqual(m.counts, [
      [1, 0, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 1, 0, 0],
    ]);
  });

  test("a rating off the scale is an error naming it", () => {
    assert.throws(() => confusionMatrix([1, 7], [1, 2], [1, 2, 3]), /rating 7 is not on the scale/);
  });

  test("a scale that is not increasing is rejected", () => {
    assert.throws(() => confusionMatrix([1], [1], [1, 3, 2]), /strictly increasing/);
  });

  test("arrays of different length are rejected", () => {
    assert.throws(() => exactAgreement([1, 2], [1]), /differ in length/);
  });

  test("no common items gives NaN", () => {
    assert.ok(Number.isNaN(exactAgreement([1, undefined], [undefined, 2])));
  });
});
