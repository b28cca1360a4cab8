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
/** space_invaders-style: numeric options 3..10, answer = option number 3 (whose text is 5). */
const numericMc: ScorableSample = { answer: 3, options: [3, 4, 5, 6, 7, 8, 9, 10] };
/** snake-style: options printed from 0. */
const zeroBased: ScorableSample = {
  answer: 2,
  options: [
    "The snake hits the bound of the grid.",
    "The snake hits its body.",
    "The snake reaches the food.",
  ],
  question:
    "What happens?\nOptions:\n0: The snake hits the bound of the grid.\n1: The snake hits its body.\n2: The snake reaches the food.",
};
/** pacman-style: the answer is the option's full text. */
const textAnswer: ScorableSample = {
  answer: "B. Blinky is closer to Pac-Man",
  options: ["A. Pinky is closer to Pac-Man", "B. Blinky is closer to Pac-Man", "C. Both are equidistant"],
};
const arrayMc: ScorableSample = {
  answer: 2,
  options: [
    [1, 3],
    [3, 5],
    [6, 5],
  ],
};

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
  [
    "numeric options: bare number is the option number",
    numericMc,
    "Column 4 has 5 enemies.\nThe answer is 3",
    true,
  ],
  ["numeric options: with period", numericMc, "The answer is 3.", true],
  ["numeric options: value instead of number", numericMc, "The answer is 5", false],
  ["numeric options: key and text", numericMc, "The answer is 3: 5", true],
  ["numeric options: option N", numericMc, "So I pick option 3, which reads 5.", true],
  ["numeric options: boxed text macro", numericMc, "$\\boxed{\\text{3}}$", true],
  ["bare line after an earlier cue", numericMc, "The answer is 4? Let me recount.\n\n3", true],
  ["chatter after the answer line", numericMc, "The answer is 3.\n\nHope this helps!", true],
  ["zero-based options by number", zeroBased, "The answer is 2", true],
  ["zero-based options by text", zeroBased, "The answer is The snake reaches the food.", true],
  ["zero-based wrong text", zeroBased, "The answer is The snake hits its body.", false],
  ["option-text answer by letter", textAnswer, "The answer is B", true],
  ["option-text answer by text", textAnswer, "Answer: Blinky is closer to Pac-Man", true],
  ["option-text answer as printed", textAnswer, "The answer is B. Blinky is closer to Pac-Man", true],
  ["option-text answer wrong letter", textAnswer, "The answer is A", false],
  ["array options by tuple", arrayMc, "The tree stands at (3, 5).\nThe answer is (3, 5)", true],
  ["array options by number", arrayMc, "The answer is 2", true],
  ["array options wrong tuple", arrayMc, "The answer is (1, 3)", false],
  ["number word", number, "The answer is seven.", true],
  [
    "no number in the answer: no credit from reasoning",
    number,
    "I counted 7 cells.\nThe answer is unclear",
    false,
  ],
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
