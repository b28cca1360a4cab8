import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scaleForm } from "../../src/annotate/forms.js";
import { annotationOf } from "../../src/annotate/hook.js";
import { itemIdOf } from "../../src/annotate/items.js";
import type { StoredSample, StoredScore } from "../../src/store/run-store.js";
import type { ItemContext } from "../../src/tasks/annotation.js";
import { rubricAnnotation } from "../../src/tasks/rubric-annotation.js";

const sample: StoredSample = {
  sampleId: "s1",
  epoch: 2,
  seq: 0,
  input: [],
  target: ["4", "four"],
  choices: undefined,
  metadata: { category: "arithmetic" },
  messages: [
    { role: "system", content: "be brief" },
    { role: "user", content: "2+1?" },
    { role: "assistant", content: "3" },
    {
      role: "user",
      content: [
        { type: "text", text: "and 2+2?" },
        { type: "image", image: "data:," },
      ],
    },
    { role: "assistant", content: "4" },
  ],
  output: "4",
  store: undefined,
  error: null,
  inputTokens: 0,
  outputTokens: 0,
  judgeInputTokens: 0,
  judgeOutputTokens: 0,
  latencyMs: 0,
  cached: false,
  finishedAt: "",
};

const score: StoredScore = {
  sampleId: "s1",
  epoch: 2,
  scorer: "grader",
  value: 1,
  raw: 1,
  answer: "PASS",
  explanation: "grades PASS\n\n— judge run 1:\nright.\nGRADE: PASS",
  metadata: { scale: "pass-fail", scale_values: [0, 1], rubric: "Adds correctly." },
};

const ctx: ItemContext = { options: {}, scaleForm, itemId: itemIdOf };

describe("rubricAnnotation", () => {
  test("scale, binary threshold and judge scorer follow the options", () => {
    const pf = rubricAnnotation({ scorer: "grader", scale: "pass-fail" });
    assert.deepEqual([pf.judgeScorer, pf.scale, pf.threshold], ["grader", [0, 1], 1]);
    const ten = rubricAnnotation({ scale: "0-10" });
    assert.deepEqual([ten.judgeScorer, ten.scale?.length, ten.threshold], ["rubric", 11, 8]);
    assert.equal(rubricAnnotation({ threshold: 3 }).threshold, 3);
  });

  test("one item per sample and epoch: the conversation before the answer, the rubric as checklist, the judge's scale", () => {
    const [item, ...rest] = rubricAnnotation({ scorer: "grader" }).items!(sample, score, ctx);
    assert.equal(rest.length, 0);
    assert.equal(item!.itemId, "s1@2");
    assert.equal(item!.question, "and 2+2?\n[image]");
    assert.deepEqual(item!.history, [
      { role: "user", content: "2+1?" },
      { role: "assistant", content: "3" },
    ]);
    assert.equal(item!.answer, "4");
    assert.equal(item!.reference, "4\n— or —\nfour");
    assert.equal(item!.checklist, "Adds correctly.");
    assert.equal(item!.category, "arithmetic");
    assert.deepEqual(item!.form.fields[0]?.values, [0, 1], "the stored score's own scale");
    assert.deepEqual(item!.judge, { scorer: "grader", value: 1, explanation: score.explanation });
  });

  test("a run of a task without a hook gets the rubric hook only when a scorer is named rubric", () => {
    assert.equal(annotationOf("no-such-task", [{ name: "exact" }]), undefined);
    assert.equal(
      annotationOf("no-such-task", [{ name: "exact" }, { name: "rubric" }])?.judgeScorer,
      "rubric",
    );
  });
});
