import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractTrueFalse } from "../../src/mathtrap/truefalse.js";
import { parseVerdict } from "../../src/mathtrap/verdict.js";

describe("judge verdict parsing", () => {
  const cases: [string, boolean | null][] = [
    ["The response finds the contradiction.\nVERDICT: YES", true],
    ["The response just computes 48.\nVERDICT: NO", false],
    ["**VERDICT: YES**", true],
    ["## Verdict\n**VERDICT:** NO\n\nLet me know if you need more.", false],
    ["verdict: yes.", true],
    ["VERDICT：否", false],
    ["最终判定：是", true],
    ["判定: 不正确", false],
    ["VERDICT: YES|NO\n...thinking...\nVERDICT: NO", false], // template echo ignored
    ["VERDICT: YES/NO", null],
    ["First I thought VERDICT: NO, but on reflection VERDICT: YES", true], // last wins
    ["VERDICT: [YES]", true],
    ["Verdict - no", false],
    ["`VERDICT: YES`", true],
    ["The answer identifies the flaw. [1]", true],
    ["Comment: it ignores the trap. [0]", false],
    ["Reasoning...\n\nYES", true],
    ["Reasoning...\nNo.", false],
    ["It says there is no solution, which matches.\nYES, it identified the flaw.", true],
    ["I am not sure what to say.", null],
    ["There is no contradiction noted here", null], // lower-case prose "no" is not a verdict
    ["", null],
    ["VERDICT: NOT SURE", null],
    ["VERDICT: \\boxed{YES}", true],
  ];
  for (const [text, want] of cases) {
    test(JSON.stringify(text).slice(0, 60), () => assert.equal(parseVerdict(text).verdict, want));
  }
  test("method is reported", () => {
    assert.equal(parseVerdict("VERDICT: YES").method, "verdict-line");
    assert.equal(parseVerdict("x [0]").method, "bracket");
    assert.equal(parseVerdict("nothing").method, undefined);
  });
});

describe("true/false extraction", () => {
  const cases: [string, boolean | null][] = [
    ["False. The height is always shorter than the side.", false],
    ["**True** — both are equal.", true],
    ["No, the height of an equilateral triangle is (√3/2)·s.", false],
    ["Yes, it can.", true],
    ["The perimeter is 2(10+5) = 30, so the statement is false.", false],
    ["This is not true because 30 ≠ 20.", false],
    ["Let's compute. Answer: True", true],
    ["Final answer: **no**", false],
    ["\\boxed{\\text{False}}", false],
    ["\\boxed{True}", true],
    ["错误。高总是小于边长。", false],
    ["答案：正确", true],
    ["It is true that a=b, and the other claim is false.", null], // contradictory conclusions
    ["Let me think about the geometry here.", null],
    ["Nothing to say", null],
    ["", null],
  ];
  for (const [text, want] of cases) {
    test(JSON.stringify(text).slice(0, 60), () => assert.equal(extractTrueFalse(text).value, want));
  }
});
