import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cohenKappa } from "../../src/agreement/categorical.js";
import { bootstrapItems, bootstrapMean, bootstrapStatistic, pick } from "../../src/stats/bootstrap.js";
import { groupBy } from "../../src/stats/group.js";
import { median, quantileSorted } from "../../src/stats/quantile.js";
import { Rng } from "../../src/stats/rng.js";

const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe("quantileSorted (linear interpolation, numpy's default)", () => {
  test("matches numpy.percentile values", () => {
    // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 100]) = [1, 1.75, 2.5, 4]
    assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
    assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
    assert.equal(quantileSorted([7], 0.3), 7);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  });

  test("median sorts a copy: numpy.median([3, 1, 2]) = 2, numpy.median([4, 1, 3, 2]) = 2.5", () => {
    const values = [4, 1, 3, 2];
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median(values), 2.5);
    assert.deepEqual(values, [4, 1, 3, 2]);
    assert.ok(Number.isNaN(median([])));
  });
});

describe("bootstrapItems", () => {
  const data = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
  const stat = (idx: readonly number[]) => ({ mean: meanOf(pick(data, idx)) });

  test("point estimate is the full-data statistic, interval brackets it", () => {
    const r = bootstrapItems(data.length, stat, { seed: 1 });
    assert.equal(r.mean.value, meanOf(data));
    assert.equal(r.mean.rounds, 1000);
    assert.equal(r.mean.degenerate, 0);
    assert.equal(r.mean.confidence, 0.95);
    assert.ok(r.mean.lower < r.mean.value && r.mean.value < r.mean.upper);
    // The mean's bootstrap sd ≈ sd/√n ≈ 2.8/3.9 ≈ 0.72, so the 95% interval is ≈ ±1.4.
    assert.ok(r.mean.upper - r.mean.lower > 1.5 && r.mean.upper - r.mean.lower < 4);
  });

  test("same seed reproduces the interval exactly; another seed differs", () => {
    const a = bootstrapItems(data.length, stat, { seed: 11, rounds: 200 });
    const b = bootstrapItems(data.length, stat, { seed: 11, rounds: 200 });
    const c = bootstrapItems(data.length, stat, { seed: 12, rounds: 200 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test("narrower confidence gives a narrower interval", () => {
    const wide = bootstrapItems(data.length, stat, { seed: 3, confidence: 0.95 });
    const narrow = bootstrapItems(data.length, stat, { seed: 3, confidence: 0.5 });
    assert.ok(narrow.mean.upper - narrow.mean.lower < wide.mean.upper - wide.mean.lower);
  });

  test("two items 0 and 1: the interval spans the extreme resamples 0 and 1", () => {
    // Resample means are 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4.
    const r = bootstrapStatistic(2, (idx) => meanOf(pick([0, 1], idx)), { seed: 5 });
    assert.equal(r.lower, 0);
    assert.equal(r.upper, 1);
  });

  test("degenerate resamples (NaN) are excluded and counted", () => {
    // κ of two items rated (1,1) and (2,2): a resample of the same item twice has p_e = 1 → NaN.
    // That happens with probability 1/2.
    const a = [1, 2];
    const b = [1, 2];
    const r = bootstrapStatistic(2, (idx) => cohenKappa(pick(a, idx), pick(b, idx), [1, 2]), { seed: 9 });
    assert.equal(r.value, 1);
    assert.ok(r.degenerate > 400 && r.degenerate < 600, String(r.degenerate));
    assert.equal(r.lower, 1);
    assert.equal(r.upper, 1);
  });

  test("no items: no rounds, NaN bounds", () => {
    const r = bootstrapStatistic(0, () => Number.NaN);
    assert.equal(r.rounds, 0);
    assert.ok(Number.isNaN(r.lower) && Number.isNaN(r.upper));
  });

  test("rounds 0 turns the intervals off", () => {
    const r = bootstrapItems(data.length, stat, { rounds: 0 });
    assert.equal(r.mean.value, meanOf(data));
    assert.ok(Number.isNaN(r.mean.lower));
  });

  test("bad options are rejected", () => {
    assert.throws(() => bootstrapItems(3, stat, { rounds: -1 }), /rounds/);
    assert.throws(() => bootstrapItems(3, stat, { confidence: 1 }), /confidence/);
  });
});

describe("stratified and clustered resampling", () => {
  test("each stratum is resampled from itself, to its own size", () => {
    const seen: number[][] = [];
    bootstrapStatistic(
      [2, 3],
      (idx) => {
        seen.push([...idx]);
        return 0;
      },
      { rounds: 200, seed: 4 },
    );
    assert.deepEqual(seen[0], [0, 1, 2, 3, 4], "the point estimate sees every unit once");
    for (const idx of seen.slice(1)) {
      assert.equal(idx.length, 5);
      assert.ok(
        idx.slice(0, 2).every((i) => i === 0 || i === 1),
        String(idx),
      );
      assert.ok(
        idx.slice(2).every((i) => i >= 2 && i <= 4),
        String(idx),
      );
    }
    // Over 200 rounds every unit of both strata is drawn at some point.
    assert.deepEqual([...new Set(seen.slice(1).flat())].sort(), [0, 1, 2, 3, 4]);
  });

  test("one stratum given as a list draws exactly what a plain count draws", () => {
    const data = [3, 1, 4, 1, 5, 9, 2, 6];
    const stat = (idx: readonly number[]) => meanOf(pick(data, idx));
    assert.deepEqual(
      bootstrapStatistic([data.length], stat, { seed: 21 }),
      bootstrapStatistic(data.length, stat, { seed: 21 }),
    );
  });

  test("an empty stratum beside a full one is allowed", () => {
    const r = bootstrapStatistic([0, 2], (idx) => meanOf(pick([0, 1], idx)), { seed: 5 });
    assert.equal(r.value, 0.5);
    assert.deepEqual([r.lower, r.upper], [0, 1]);
  });

  test("groupBy groups by key in order of first appearance", () => {
    const items = [
      { id: "a", g: "x" },
      { id: "b", g: "y" },
      { id: "c", g: "x" },
    ];
    assert.deepEqual(
      [...groupBy(items, (i) => i.g).values()].map((c) => c.map((i) => i.id)),
      [["a", "c"], ["b"]],
    );
  });
});

test("bootstrapMean gives bit for bit the bootstrap of the mean statistic", () => {
  const rng = new Rng(11);
  for (const n of [0, 1, 7, 500]) {
    const values = Array.from({ length: n }, () => rng.int(5) - 2 + rng.next());
    const fused = bootstrapMean(values, { seed: 4, rounds: 300 });
    const generic = bootstrapStatistic(
      n,
      (idx) => (idx.length ? idx.reduce((s, i) => s + values[i]!, 0) / idx.length : Number.NaN),
      {
        seed: 4,
        rounds: 300,
      },
    );
    assert.deepEqual(fused, generic);
  }
});
