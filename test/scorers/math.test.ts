import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mathScorer, UNDECIDED } from "../../src/scorers/math.js";
import { createScorer } from "../../src/scorers/registry.js";
import { scoreToNumber } from "../../src/store/records.js";
import { scoreOf } from "./helpers.js";

describe("math", () => {
  test("LaTeX-aware equivalence of the final answer", async () => {
    const s = mathScorer();
    const cases: Array<[string, string]> = [
      ["So the answer is \\boxed{\\frac{1}{2}}.", "0.5"],
      ["\\boxed{\\dfrac12}", "\\frac{1}{2}"],
      ["The answer is $2\\sqrt{3}$", "\\sqrt{12}"],
      ["Final answer: x = 5", "5"],
      ["#### 1,234", "1234"],
      ["\\boxed{(1, 2)}", "(1,2)"],
    ];
    for (const [out, target] of cases) {
      const r = await scoreOf(s, out, target);
      assert.equal(r.value, 1, `${out} vs ${target}: ${r.explanation}`);
      assert.equal((r.metadata as { decided: boolean }).decided, true);
    }
    const wrong = await scoreOf(s, "\\boxed{7}", "8");
    assert.equal(wrong.value, 0);
    assert.equal((wrong.metadata as { decided: boolean }).decided, true);
  });

  test("a target written as a whole solution compares by its boxed or #### answer", async () => {
    const r = await scoreOf(mathScorer(), "\\boxed{72}", "She sold 48/2 = 24 clips in May... #### 72");
    assert.equal(r.value, 1);
  });

  test("undecided cases are reported as such: value 'undecided', numeric null, metadata.decided false", async () => {
    const r = await scoreOf(mathScorer(), "The answer is \\boxed{0.33}", "\\frac{1}{3}");
    assert.equal(r.value, UNDECIDED);
    assert.equal(scoreToNumber(r.value), null, "left out of metrics by the store");
    assert.deepEqual(
      [(r.metadata as { decided: boolean }).decided, (r.metadata as { reason: string }).reason],
      [false, "rounded"],
    );
    assert.match(r.explanation ?? "", /undecided \(rounded\)/);
    const counted = await scoreOf(
      createScorer("math", { undecided: "incorrect" }),
      "\\boxed{0.33}",
      "\\frac{1}{3}",
    );
    assert.equal(counted.value, 0);
    assert.match(counted.explanation ?? "", /counted as incorrect/);
  });

  test("no final answer at all is wrong, not undecided; one target right among several is enough", async () => {
    const none = await scoreOf(mathScorer(), "I cannot solve this.", "4");
    assert.equal(none.value, 0);
    assert.equal((await scoreOf(mathScorer(), "\\boxed{4}", ["3", "4"])).value, 1);
  });

  test("arguments are checked", () => {
    assert.throws(() => createScorer("math", { undecided: "guess" }), /skip, incorrect/);
    assert.throws(() => createScorer("math", { tolerance: 1 }), /unknown argument "tolerance"/);
  });
});
