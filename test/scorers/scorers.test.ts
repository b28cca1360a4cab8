import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Sample, TaskState } from "../../src/core/types.js";
import { choiceScorer, extractChoiceLetter } from "../../src/scorers/choice.js";
import { exactMatch, extractFinalAnswer, normalizeAnswer } from "../../src/scorers/match.js";

function state(sample: Sample, output: string): TaskState {
  return {
    sample,
    epoch: 1,
    messages: [],
    output: { text: output, latencyMs: 0 },
    store: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: true,
  };
}
const ctx = { signal: new AbortController().signal, epoch: 1 };

describe("exact match", () => {
  test("extracts the final answer after ANSWER:, 'the answer is' or on the last line", () => {
    assert.equal(extractFinalAnswer("Reasoning...\nANSWER: Paris"), "Paris");
    assert.equal(extractFinalAnswer("I think the answer is 42.\nDone"), "42.");
    assert.equal(extractFinalAnswer("first\n\nlast line "), "last line");
    assert.equal(extractFinalAnswer("Answer: A\nFinal answer: B"), "B");
  });
  test("normalises case, markdown, quotes and trailing punctuation", () => {
    assert.equal(normalizeAnswer(" **Paris.** "), "paris");
    assert.equal(normalizeAnswer('"New   York"'), "new york");
    assert.equal(normalizeAnswer("４２"), "42");
  });
  test("scores 1 on a match with the extracted answer, 0 otherwise", async () => {
    const s = exactMatch();
    const hit = await s.score(
      state({ id: "1", input: "q", target: "Paris" }, "Let me see.\nANSWER: paris"),
      ctx,
    );
    assert.equal(hit.value, 1);
    assert.equal(hit.answer, "paris");
    const miss = await s.score(
      state({ id: "1", input: "q", target: ["Rome", "Roma"] }, "ANSWER: Paris"),
      ctx,
    );
    assert.equal(miss.value, 0);
    assert.match(miss.explanation ?? "", /"Rome" or "Roma"/);
    const plain = await s.score(state({ id: "1", input: "q", target: "42" }, "42"), ctx);
    assert.equal(plain.value, 1);
  });
});

describe("multiple-choice letter extraction", () => {
  const cases: Array<[string, string | undefined]> = [
    ["ANSWER: C", "C"],
    ["The answer is (B).", "B"],
    ["A is tempting, but the correct answer is D", "D"],
    ["**B**", "B"],
    ["B", "B"],
    ["(c)", "C"],
    ["B) because it is larger", "B"],
    ["Let me think step by step.\n...\nC", "C"],
    ["I choose option A", "A"],
    ["\\boxed{D}", "D"],
    ["Answer: e", undefined], // only 4 options
    ["I am not sure.", undefined],
    ["Option B is correct.", "B"],
  ];
  for (const [text, want] of cases) {
    test(JSON.stringify(text), () => assert.equal(extractChoiceLetter(text, 4), want));
  }
  test("falls back to the quoted text of exactly one option", () => {
    assert.equal(extractChoiceLetter("It must be Jupiter.", 3, ["Mars", "Jupiter", "Venus"]), "B");
  });
  test("choice scorer compares letters", async () => {
    const s = choiceScorer();
    const sample: Sample = { id: "1", input: "q", choices: ["a", "b", "c"], target: "B" };
    assert.equal((await s.score(state(sample, "ANSWER: B"), ctx)).value, 1);
    const wrong = await s.score(state(sample, "ANSWER: C"), ctx);
    assert.equal(wrong.value, 0);
    assert.equal(wrong.answer, "C");
    assert.equal((await s.score(state(sample, "no idea"), ctx)).value, 0);
  });
});
