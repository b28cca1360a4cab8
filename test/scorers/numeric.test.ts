import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { lastNumberIn, numericScorer, withinTolerance } from "../../src/scorers/numeric.js";
import { createScorer } from "../../src/scorers/registry.js";
import { scoreOf } from "./helpers.js";

describe("numeric", () => {
  test("the last number, without separators, currency, percent or units", () => {
    assert.equal(lastNumberIn("The total is $1,234.50.")?.value, 1234.5);
    assert.equal(lastNumberIn("about 45% of them")?.value, 45);
    assert.equal(lastNumberIn("it weighs 12 kg")?.value, 12);
    assert.equal(lastNumberIn("pages 10-12")?.value, 12);
    assert.equal(lastNumberIn("x = −3")?.value, -3);
    assert.equal(lastNumberIn("speed 3e8 m/s")?.value, 3e8);
    assert.equal(lastNumberIn("half is .5")?.value, 0.5);
    assert.equal(lastNumberIn("no digits here"), undefined);
  });

  test("exact by default (floating-point noise aside); absolute and relative tolerance", async () => {
    assert.equal((await scoreOf(numericScorer(), "ANSWER: 0.30000000000000004", "0.3")).value, 1);
    assert.equal((await scoreOf(numericScorer(), "ANSWER: 3.15", "3.14")).value, 0);
    assert.equal((await scoreOf(createScorer("numeric", { abs_tol: "0.01" }), "3.15", "3.14")).value, 1);
    assert.equal((await scoreOf(createScorer("numeric", { rel_tol: 0.05 }), "104 apples", "100")).value, 1);
    assert.equal((await scoreOf(createScorer("numeric", { rel_tol: 0.05 }), "106 apples", "100")).value, 0);
  });

  test("the answer after ANSWER: counts, not a later number; a target without a number is a sample error", async () => {
    const r = await scoreOf(numericScorer(), "ANSWER: 42\nI checked 3 times.", "42");
    assert.equal(r.value, 1);
    assert.equal(r.answer, "42");
    assert.equal((await scoreOf(numericScorer(), "nothing", "7")).value, 0);
    await assert.rejects(scoreOf(numericScorer(), "5", "five"), /holds no number/);
    assert.throws(() => createScorer("numeric", { abs_tol: -1 }), /at least 0/);
    assert.throws(() => createScorer("numeric", { abs_tol: "wide" }), /must be a number/);
  });

  test("properties: inside the absolute tolerance passes, beyond both tolerances fails", () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    const tol = fc.double({ min: 0, max: 100, noNaN: true });
    fc.assert(
      fc.property(finite, tol, fc.double({ min: 0, max: 1, noNaN: true }), (t, abs, frac) => {
        assert.ok(withinTolerance(t + abs * frac * 0.999, t, abs, 0));
        const far = Math.max(abs, 1e-3 * Math.abs(t)) * 1.5 + 1e-6;
        assert.ok(!withinTolerance(t + far, t, abs, 1e-3));
      }),
    );
  });
});
