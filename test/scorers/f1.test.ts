import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { f1Scorer, squadF1, squadNormalize, squadTokens, tokenF1 } from "../../src/scorers/f1.js";
import { createScorer } from "../../src/scorers/registry.js";
import { scoreOf } from "./helpers.js";

describe("f1 (SQuAD token F1)", () => {
  test("normalisation: case, ASCII punctuation, articles, spacing; articles only as whole words", () => {
    assert.equal(squadNormalize("The  Denver Broncos!"), "denver broncos");
    assert.equal(squadNormalize("Levi's Stadium, in the Bay Area"), "levis stadium in bay area");
    assert.equal(squadNormalize("theory of an anthem"), "theory of anthem");
    assert.equal(squadNormalize("théa"), "théa");
  });

  test("worked SQuAD examples (computed by hand)", () => {
    assert.equal(squadF1("the Denver Broncos", ["Denver Broncos"]), 1);
    // 2 shared of 3 predicted and 2 reference tokens: P = 2/3, R = 1, F1 = 0.8.
    assert.ok(Math.abs(squadF1("Denver Broncos won", ["Denver Broncos"]) - 0.8) < 1e-12);
    // Reference normalises to 11 tokens; 3 shared: P = 1, R = 3/11, F1 = 3/7.
    const long = "Levi's Stadium in the San Francisco Bay Area at Santa Clara, California";
    assert.equal(squadTokens(long).length, 11);
    assert.ok(Math.abs(squadF1("Santa Clara, California", [long]) - 3 / 7) < 1e-12);
    // Shared tokens count as a multiset: x x y vs x y y share one x and one y, F1 = 2/3.
    assert.ok(Math.abs(tokenF1(["x", "x", "y"], ["x", "y", "y"]) - 2 / 3) < 1e-12);
    // The best of several references counts; nothing shared is 0.
    assert.equal(squadF1("Denver Broncos", ["Broncos", "Denver Broncos"]), 1);
    assert.equal(squadF1("Carolina Panthers", ["Denver Broncos"]), 0);
    // Empty after normalisation: equal only to another empty answer.
    assert.equal(squadF1("the", ["a"]), 1);
    assert.equal(squadF1("the", ["x"]), 0);
  });

  test("the scorer reads the text after ANSWER: when there is one, and reports the best target", async () => {
    const s = f1Scorer();
    const r = await scoreOf(s, "Let me think.\nANSWER: Denver Broncos won", ["Panthers", "Denver Broncos"]);
    assert.ok(Math.abs(Number(r.value) - 0.8) < 1e-12);
    assert.equal(r.answer, "Denver Broncos won");
    assert.match(r.explanation ?? "", /"Denver Broncos"/);
    const whole = await scoreOf(
      createScorer("f1", { extract: "false" }),
      "ANSWER: Denver Broncos",
      "Denver Broncos",
    );
    assert.ok(Number(whole.value) < 1);
  });

  test("properties: bounded by 0 and 1, symmetric, 1 on itself", () => {
    const word = fc.constantFrom("a", "the", "x", "y", "cat", "Dog", "dog.", "z", "an");
    const text = fc.array(word, { maxLength: 8 }).map((w) => w.join(" "));
    fc.assert(
      fc.property(text, text, (a, b) => {
        const f = squadF1(a, [b]);
        assert.ok(f >= 0 && f <= 1);
        assert.ok(Math.abs(f - squadF1(b, [a])) < 1e-12);
        assert.equal(squadF1(a, [a]), 1);
      }),
    );
  });
});
