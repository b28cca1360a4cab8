import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bootstrapMeanCi, getMetric, mean, std, stderr } from "../../src/metrics/index.js";
import { getReducer, passAtK } from "../../src/metrics/reducers.js";
import { quantileSorted } from "../../src/stats/quantile.js";

describe("basic statistics", () => {
  test("mean, sample std and stderr match hand calculation", () => {
    const v = [2, 4, 4, 4, 5, 5, 7, 9];
    assert.equal(mean(v), 5);
    // Σ(x−5)² = 32, n−1 = 7
    assert.ok(Math.abs(std(v) - Math.sqrt(32 / 7)) < 1e-12);
    assert.ok(Math.abs(stderr(v) - Math.sqrt(32 / 7) / Math.sqrt(8)) < 1e-12);
    assert.ok(Number.isNaN(std([1])));
    assert.ok(Number.isNaN(mean([])));
  });

  test("quantiles interpolate linearly like numpy", () => {
    const s = [1, 2, 3, 4];
    assert.equal(quantileSorted(s, 0), 1);
    assert.equal(quantileSorted(s, 1), 4);
    assert.equal(quantileSorted(s, 0.5), 2.5);
    assert.ok(Math.abs(quantileSorted(s, 0.25) - 1.75) < 1e-12);
  });
});

describe("bootstrap confidence interval", () => {
  test("is reproducible for a seed and differs across seeds", () => {
    const v = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 10);
    const a = bootstrapMeanCi(v, { seed: 7 });
    const b = bootstrapMeanCi(v, { seed: 7 });
    const c = bootstrapMeanCi(v, { seed: 8 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test("brackets the mean and is close to the normal approximation for a large sample", () => {
    const v = Array.from({ length: 2000 }, (_, i) => (i % 10 < 3 ? 1 : 0)); // p = 0.3
    const ci = bootstrapMeanCi(v, { seed: 1, rounds: 2000 });
    const m = mean(v);
    assert.ok(ci.lo < m && m < ci.hi);
    const half = 1.96 * Math.sqrt((0.3 * 0.7) / 2000);
    assert.ok(Math.abs(ci.hi - ci.lo - 2 * half) < 0.25 * 2 * half, `width ${ci.hi - ci.lo} vs ${2 * half}`);
  });

  test("collapses to a point for constant values and is NaN for no values", () => {
    assert.deepEqual(bootstrapMeanCi([1, 1, 1]), { lo: 1, hi: 1 });
    assert.ok(Number.isNaN(bootstrapMeanCi([]).lo));
  });

  test("registered metric uses the context seed and confidence", () => {
    const v = [0, 1, 1, 0, 1, 0, 1, 1, 1, 0];
    const wide = getMetric("bootstrap_ci")(v, { seed: 3, bootstrapRounds: 500, confidence: 0.99 }) as {
      lo: number;
      hi: number;
    };
    const narrow = getMetric("bootstrap_ci")(v, { seed: 3, bootstrapRounds: 500, confidence: 0.5 }) as {
      lo: number;
      hi: number;
    };
    assert.ok(wide.hi - wide.lo > narrow.hi - narrow.lo);
  });
});

describe("epoch reducers", () => {
  test("pass@k matches the closed form", () => {
    // n = 5 epochs, c = 2 correct: pass@1 = 2/5, pass@2 = 1 − C(3,2)/C(5,2) = 1 − 3/10
    const v = [1, 0, 1, 0, 0];
    assert.ok(Math.abs(passAtK(v, 1) - 0.4) < 1e-12);
    assert.ok(Math.abs(passAtK(v, 2) - 0.7) < 1e-12);
    assert.equal(passAtK(v, 4), 1);
    assert.ok(Number.isNaN(passAtK(v, 6)));
    assert.ok(Math.abs(getReducer("pass_at_2")(v) - 0.7) < 1e-12);
  });

  test("mode breaks ties towards the smaller value; median and mean", () => {
    assert.equal(getReducer("mode")([3, 1, 3, 1]), 1);
    assert.equal(getReducer("mode")([2, 5, 5]), 5);
    assert.equal(getReducer("median")([5, 1, 3]), 3);
    assert.equal(getReducer("mean")([1, 2]), 1.5);
  });

  test("unknown reducer is a user error", () => {
    assert.throws(() => getReducer("avg"), /unknown epoch reducer "avg"/);
  });
});
