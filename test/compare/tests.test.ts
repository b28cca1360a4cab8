import assert from "node:assert/strict";
import { test } from "node:test";
import { binomialTwoSided, mcnemarExact, signTest } from "../../src/compare/tests.js";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);

test("exact two-sided binomial p-values match hand-computed sums of C(n,k)/2^n", () => {
  close(binomialTwoSided(0, 5), 2 / 32);
  close(binomialTwoSided(5, 5), 2 / 32);
  close(binomialTwoSided(1, 6), (2 * (1 + 6)) / 64);
  close(binomialTwoSided(2, 10), (2 * (1 + 10 + 45)) / 1024);
  close(binomialTwoSided(8, 10), (2 * (1 + 10 + 45)) / 1024);
  assert.equal(binomialTwoSided(3, 6), 1, "the centre is capped at 1");
  assert.equal(binomialTwoSided(0, 0), 1, "no discordant pairs: no evidence");
});

test("the binomial tail stays finite and monotone at n = 100,000", () => {
  assert.equal(binomialTwoSided(50_000, 100_000), 1);
  const p1 = binomialTwoSided(49_500, 100_000);
  const p2 = binomialTwoSided(49_000, 100_000);
  assert.ok(p1 > p2 && p2 > 0 && p1 < 0.01, `${p1} ${p2}`);
  assert.ok(binomialTwoSided(0, 100_000) < 1e-300);
  assert.throws(() => binomialTwoSided(4, 3), RangeError);
});

test("McNemar counts only the discordant pairs; the sign test is the same binomial under another name", () => {
  const m = mcnemarExact(1, 5);
  assert.equal(m.name, "mcnemar-exact");
  close(m.p, (2 * (1 + 6)) / 64);
  const s = signTest(5, 1);
  assert.equal(s.name, "sign");
  close(s.p, m.p);
});
