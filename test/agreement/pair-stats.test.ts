import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  cohenKappa,
  exactAgreement,
  weightedKappa,
  withinAgreement,
} from "../../src/agreement/categorical.js";
import { kendallTauB, pearson, spearman } from "../../src/agreement/correlation.js";
import { krippendorffAlpha } from "../../src/agreement/krippendorff.js";
import { PAIR_STATS, pairAgreement, pairStatistics } from "../../src/agreement/pair-stats.js";

const close = (actual: number, expected: number, what: string) => {
  if (Number.isNaN(expected)) assert.ok(Number.isNaN(actual), `${what}: ${actual} should be NaN`);
  else assert.ok(Math.abs(actual - expected) < 1e-10, `${what}: ${actual} ≉ ${expected}`);
};

function lcg(seed: number) {
  let s = seed;
  return (k: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * k);
  };
}

describe("table-based statistics agree with the array-based functions", () => {
  test("random 1–5 ratings, many sizes, including tiny and constant cases", () => {
    const rand = lcg(2024);
    const scale = [1, 2, 3, 4, 5];
    for (const n of [0, 1, 2, 3, 7, 30, 120]) {
      for (let trial = 0; trial < 6; trial++) {
        const a = Array.from({ length: n }, () => 1 + rand(5));
        const b = trial === 0 ? a.map(() => 3) : a.map((v) => Math.max(1, Math.min(5, v + rand(3) - 1)));
        const s = pairStatistics({ a, b }, scale);
        close(s.exact, exactAgreement(a, b), "exact");
        close(s.within, withinAgreement(a, b), "within");
        close(s.kappa, cohenKappa(a, b, scale), "kappa");
        close(s.quadraticKappa, weightedKappa(a, b, scale, "quadratic"), "quadratic");
        close(s.linearKappa, weightedKappa(a, b, scale, "linear"), "linear");
        close(
          s.alphaOrdinal,
          krippendorffAlpha(
            a.map((x, i) => [x, b[i]]),
            "ordinal",
          ).alpha,
          "alpha",
        );
        close(s.pearson, pearson(a, b), "pearson");
        close(s.spearman, spearman(a, b), "spearman");
        close(s.kendallTauB, kendallTauB(a, b), "kendall");
      }
    }
  });

  test("continuous second rater (unrounded mean) for the correlations", () => {
    const rand = lcg(7);
    const scale = [1, 2, 3, 4, 5];
    for (let trial = 0; trial < 10; trial++) {
      const a = Array.from({ length: 25 }, () => 1 + rand(5));
      const bc = a.map((v) => Math.max(1, Math.min(5, v + (rand(5) - 2) / 2)));
      const b = bc.map((v) => Math.floor(v));
      const s = pairStatistics({ a, b, bContinuous: bc }, scale);
      close(s.pearson, pearson(a, bc), "pearson");
      close(s.spearman, spearman(a, bc), "spearman");
      close(s.kendallTauB, kendallTauB(a, bc), "kendall");
      close(s.meanB, bc.reduce((x, y) => x + y, 0) / bc.length, "meanB");
      close(s.kappa, cohenKappa(a, b, scale), "kappa uses the rounded b");
    }
  });

  test("non-integer, unevenly spaced scale", () => {
    const scale = [0, 0.5, 2, 10];
    const a = [0, 0.5, 2, 10, 10, 0.5, 2];
    const b = [0.5, 0.5, 2, 2, 10, 0, 10];
    const s = pairStatistics({ a, b }, scale, { tolerance: 1.5 });
    close(s.within, withinAgreement(a, b, 1.5), "within");
    close(s.pearson, pearson(a, b), "pearson");
    close(s.spearman, spearman(a, b), "spearman");
    close(s.kendallTauB, kendallTauB(a, b), "kendall");
    close(s.linearKappa, weightedKappa(a, b, scale, "linear"), "linear");
  });
});

describe("pairAgreement", () => {
  test("handles missing ratings and returns every statistic with an interval", () => {
    const r = pairAgreement([1, 2, 3, undefined, 5, 4, 2], [1, 3, 3, 4, null, 4, 2], [1, 2, 3, 4, 5], {
      rounds: 100,
      seed: 1,
    });
    assert.equal(r.n, 5);
    assert.deepEqual(Object.keys(r.stats).sort(), [...PAIR_STATS].sort());
    assert.equal(r.stats.exact.value, 0.8);
    assert.equal(r.stats.exact.rounds, 100);
    assert.equal(r.confusion.n, 5);
  });
});
