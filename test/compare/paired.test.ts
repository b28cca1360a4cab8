import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePaired } from "../../src/compare/paired.js";
import { bootstrapStatistic } from "../../src/stats/bootstrap.js";

const m = (o: Record<string, number>) => new Map(Object.entries(o));

test("binary scores: difference, wins/ties/losses, flips and McNemar over shared samples only", () => {
  const a = m({ s1: 1, s2: 0, s3: 0, s4: 0, s5: 1, only_a: 1 });
  const b = m({ s1: 1, s2: 1, s3: 1, s4: 1, s5: 1, only_b: 0 });
  const c = comparePaired(a, b, { seed: 3 });
  assert.equal(c.n, 5);
  assert.equal(c.binary, true);
  assert.equal(c.meanA, 2 / 5);
  assert.equal(c.meanB, 1);
  assert.equal(c.diff.value, 3 / 5);
  assert.deepEqual([c.wins, c.ties, c.losses], [3, 2, 0]);
  assert.deepEqual(
    c.flipped.map((f) => [f.sampleId, f.a, f.b]),
    [
      ["s2", 0, 1],
      ["s3", 0, 1],
      ["s4", 0, 1],
    ],
  );
  assert.equal(c.test.name, "mcnemar-exact");
  assert.ok(Math.abs(c.test.p - 2 / 8) < 1e-12); // 3 discordant pairs, all one way: 2 · (1/2)^3
  // The interval is the project's bootstrap of the per-sample differences (sorted by sample id).
  const d = [0, 1, 1, 1, 0];
  const ref = bootstrapStatistic(5, (idx) => idx.reduce((s, i) => s + d[i]!, 0) / idx.length, { seed: 3 });
  assert.equal(c.diff.lower, ref.lower);
  assert.equal(c.diff.upper, ref.upper);
  assert.ok(c.diff.lower >= 0 && c.diff.upper <= 1 && c.diff.lower < c.diff.upper);
});

test("the bootstrap is paired: a constant shift has a zero-width interval, however spread the scores", () => {
  const a = m({ x: 1, y: 2, z: 3, w: 4 });
  const b = m({ x: 2, y: 3, z: 4, w: 5 });
  const c = comparePaired(a, b);
  assert.equal(c.binary, false);
  assert.equal(c.test.name, "sign");
  assert.deepEqual([c.diff.value, c.diff.lower, c.diff.upper], [1, 1, 1]);
  assert.ok(Math.abs(c.test.p - 2 / 16) < 1e-12);
  assert.equal(c.flipped.length, 4);
});

test("identical runs: no flips, p = 1, interval [0, 0]", () => {
  const a = m({ a: 1, b: 0, c: 1 });
  const c = comparePaired(a, new Map(a));
  assert.deepEqual([c.wins, c.ties, c.losses, c.flipped.length], [0, 3, 0, 0]);
  assert.deepEqual([c.diff.lower, c.diff.upper, c.test.p], [0, 0, 1]);
});
