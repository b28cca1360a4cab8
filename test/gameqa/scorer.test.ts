import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ScorableSample } from "../../src/gameqa/scorer.js";
import { finalAnswerRegion, gameqaReward, inferFormat, scoreResponse } from "../../src/gameqa/scorer.js";

const letterMc: ScorableSample = {
  answer: "C",
  options: ["A. (4, 6)", "B. (5, 5)", "C. (3, 5)", "D. (4, 4)", "E. (4, 5)"],
};
const colonMc: ScorableSample = {
  answer: "E",
  options: ["A: 8", "B: 3", "C: 0", "D: 11", "E: 4", "F: 15", "G: 7", "H: 6"],
};
const colorMc: ScorableSample = { answer: "B", options: ["A.red", "B.blue", "C.white"] };
const indexMc: ScorableSample = { answer: 3, options: ["left", "right", "up", "down"] };
const textMc: ScorableSample = { answer: "yellow", options: ["red", "yellow", "blue"] };
const number: ScorableSample = { answer: 7 };
const numberStr: ScorableSample = { answer: "12" };
const coord: ScorableSample = { answer: "(1, 3)" };
const seq: ScorableSample = { answer: "down, right, right, up" };

/** [sample, response, expected correct?] — judged by hand. */
const CASES: Array<[string, ScorableSample, string, boolean]> = [
  ["plain letter line", letterMc, "The player stands at row 3, column 5.\nThe answer is C", true],
  ["letter with period", letterMc, "Looking at the red circle... so the answer is C.", true],
  ["bold answer label", letterMc, "Reasoning here.\n\n**Answer:** C", true],
  ["parenthesised letter", letterMc, "Therefore the correct option is (C).", true],
  ["boxed letter", letterMc, "We get (3, 5). \\boxed{C}", true],
  ["option text instead of letter", letterMc, "The player is at (3, 5).\nThe answer is (3, 5)", true],
  ["wrong letter", letterMc, "The answer is E", false],
  ["wrong option text", letterMc, "Answer: (4, 5)", false],
  [
    "last answer wins",
    letterMc,
    "At first I thought the answer is A. Re-checking the grid, the answer is C.",
    true,
  ],
  ["no answer at all", letterMc, "I cannot see the image clearly.", false],
  ["Option B phrasing", colorMc, "The cell is blue, which corresponds to Option B.", true],
  ["answer: blue text", colorMc, "Final answer: blue", true],
  ["lowercase letter with dot", colorMc, "the answer is b.", true],
  ["article a is not option A", colorMc, "The answer is a blue cell, option B", true],
  ["colon options letter", colonMc, "Counting gives 4 live cells.\nThe answer is E: 4", true],
  ["colon options wrong", colonMc, "There are 6 live cells. The answer is H", false],
  ["tagged answer", colonMc, "<think>count</think><answer>E</answer>", true],
  ["1-based index", indexMc, "Moving up is the only option. The answer is 3", true],
  ["index via option text", indexMc, "The answer is up", true],
  ["index wrong", indexMc, "The answer is 2", false],
  ["option text answer", textMc, "The next marble is yellow.\nThe answer is yellow", true],
  ["option text via letter", textMc, "The answer is B", true],
  ["option text wrong", textMc, "The answer is red", false],
  ["number in sentence", number, "Counting each row: 2 + 3 + 2 = 7.\nThe answer is 7", true],
  ["number bold", number, "So there are **7** cells.\n\nAnswer: **7**", true],
  ["number wrong", number, "The answer is 8.", false],
  ["number trailing line only", numberStr, "Row 1 has 5, row 2 has 7.\n12", true],
  ["number with words", numberStr, "Final answer: 12 cells", true],
  ["coordinate", coord, "The last star goes at row 1, column 3. The answer is (1, 3).", true],
  ["coordinate no spaces", coord, "Answer: (1,3)", true],
  ["coordinate brackets", coord, "The answer is [1, 3]", true],
  ["coordinate swapped", coord, "The answer is (3, 1)", false],
  ["sequence commas", seq, "The path is: down, right, right, up. The answer is down, right, right, up", true],
  ["sequence arrows", seq, "Answer: down → right → right → up", true],
  ["sequence wrong order", seq, "The answer is down, right, up, right", false],
  ["sequence too short", seq, "The answer is down, right, right", false],
];

describe("gameqa scorer", () => {
  for (const [name, sample, response, correct] of CASES) {
    test(name, () => {
      const r = scoreResponse(sample, response);
      assert.equal(r.correct, correct, `extracted ${r.extracted}, expected ${r.expected}`);
      assert.equal(gameqaReward(sample, response), correct ? 1 : 0);
    });
  }

  test("at least 30 realistic responses are covered", () => {
    assert.ok(CASES.length >= 30);
  });

  test("format inference", () => {
    assert.equal(inferFormat(letterMc), "option-letter");
    assert.equal(inferFormat(indexMc), "option-index");
    assert.equal(inferFormat({ answer: "2", options: ["1: x", "2: y"] }), "option-index");
    assert.equal(inferFormat(textMc), "text");
    assert.equal(inferFormat(number), "number");
    assert.equal(inferFormat(coord), "coordinate");
    assert.equal(inferFormat(seq), "sequence");
    assert.equal(inferFormat({ answer: "Yes, 3, 1" }), "sequence");
  });

  test("final answer region prefers the last cue", () => {
    assert.equal(finalAnswerRegion("answer: A\nmore text\nThe answer is D"), "D");
    assert.equal(finalAnswerRegion("just text\nlast line"), "last line");
  });
});
