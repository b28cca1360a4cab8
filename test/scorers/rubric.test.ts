import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type {
  CallOptions,
  ChatMessage,
  GenerateConfig,
  ModelHandle,
  ModelOutput,
} from "../../src/core/types.js";
import { createScorer } from "../../src/scorers/registry.js";
import { INVALID, type RubricScoreMetadata, rubricScorer } from "../../src/scorers/rubric.js";
import { rubricMessages } from "../../src/scorers/rubric-prompt.js";
import { aggregateGrades, defaultThreshold, parseScale, readGrade } from "../../src/scorers/rubric-scale.js";
import { scoreToNumber } from "../../src/store/records.js";
import { UserError } from "../../src/util/errors.js";
import { stateOf } from "./helpers.js";

interface Call {
  messages: ChatMessage[];
  scope: string;
  config?: GenerateConfig;
}

/** A judge that replies from a queue and records each call's prompt and cache scope. */
function queueJudge(replies: string[]): ModelHandle & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    id: "fake/judge",
    calls,
    async generate(
      messages: ChatMessage[],
      config?: GenerateConfig,
      options?: CallOptions,
    ): Promise<ModelOutput> {
      calls.push({ messages, scope: JSON.stringify(options?.scope ?? {}), ...(config ? { config } : {}) });
      return { text: replies.shift() ?? "no grade", latencyMs: 0 };
    },
  };
}

const judged = (judge: ModelHandle) => ({ judge, signal: new AbortController().signal, epoch: 1 });

describe("rubric: scale and verdicts", () => {
  test("scales: pass-fail and lo-hi ranges; bad ones are UserErrors", () => {
    assert.deepEqual(parseScale("pass-fail").values, [0, 1]);
    assert.deepEqual(parseScale("1-5").values, [1, 2, 3, 4, 5]);
    assert.equal(parseScale("0-10").values.length, 11);
    assert.throws(() => parseScale("5-1"), UserError);
    assert.throws(() => parseScale("good/bad"), /pass-fail or a range/);
    assert.deepEqual(
      ["pass-fail", "1-5", "0-10"].map((s) => defaultThreshold(parseScale(s))),
      [1, 4, 8],
    );
  });

  test("the last GRADE line counts; off-scale or missing grades are invalid, never clamped", () => {
    const five = parseScale("1-5");
    assert.deepEqual(readGrade("Good.\nGRADE: 4", five), { grade: 4 });
    assert.deepEqual(readGrade("GRADE: 2 at first... on reflection\n**Grade:** [5]", five), { grade: 5 });
    assert.equal(readGrade("GRADE: 7", five).grade, null);
    assert.match(readGrade("GRADE: 7", five).problem ?? "", /not on the scale 1-5/);
    assert.match(readGrade("I'd say four.", five).problem ?? "", /no GRADE/);
    assert.equal(readGrade("GRADE: 3.5", five).grade, null);
    assert.deepEqual(readGrade("**GRADE**: 2", five), { grade: 2 });
    const pf = parseScale("pass-fail");
    assert.deepEqual([readGrade("GRADE: PASS", pf).grade, readGrade("grade: fail", pf).grade], [1, 0]);
    assert.equal(readGrade("GRADE: maybe", pf).grade, null);
  });

  test("aggregation: mean, majority with ties to the lower grade", () => {
    assert.equal(aggregateGrades([4, 5, 3], "mean"), 4);
    assert.equal(aggregateGrades([4, 5, 4], "majority"), 4);
    assert.equal(aggregateGrades([3, 5], "majority"), 3);
    assert.equal(aggregateGrades([], "mean"), null);
  });
});

describe("rubric scorer", () => {
  test("the prompt holds the question, reference, rubric, answer and the GRADE instruction", () => {
    const [system, user] = rubricMessages(
      { question: "Capital of France?", answer: "Paris", reference: "Paris", rubric: "Names the city." },
      parseScale("1-5"),
    );
    assert.equal(system?.role, "system");
    const text = String(user?.content);
    for (const part of [
      "[Question]\nCapital of France?",
      "[Reference answer]\nParis",
      "[Rubric]\nNames the city.",
      "[Answer to grade]\nParis",
      "from 1 to 5",
      "GRADE: <value>",
    ])
      assert.ok(text.includes(part), part);
  });

  test("N runs are N calls with distinct cache scopes, folded by the mean; every reply is kept", async () => {
    const judge = queueJudge(["fine\nGRADE: 4", "great\nGRADE: 5", "meh\nGRADE: 3"]);
    const s = rubricScorer({ runs: 3, rubric: "Correct city." });
    assert.equal(s.requiresJudge, true);
    const score = await s.score(stateOf("Paris", "Paris"), judged(judge));
    assert.equal(score.value, 4);
    assert.equal(new Set(judge.calls.map((c) => c.scope)).size, 3);
    const meta = score.metadata as unknown as RubricScoreMetadata;
    assert.deepEqual(meta.runs.map((r) => r.grade).sort(), [3, 4, 5]);
    assert.equal(meta.valid_runs, 3);
    assert.equal(meta.rubric, "Correct city.");
    for (const reply of ["fine", "great", "meh"]) assert.ok(score.explanation?.includes(reply), reply);
    assert.match(score.explanation ?? "", /^grades 4, 5, 3 → mean 4/);
  });

  test("majority on pass-fail; an unreadable reply is asked again in a new scope", async () => {
    const judge = queueJudge(["PASS I think", "GRADE: PASS", "GRADE: FAIL", "GRADE: PASS"]);
    const s = createScorer("rubric", { scale: "pass-fail", runs: "3", rubric: "r" });
    assert.deepEqual(s.metrics[0], "accuracy");
    const score = await s.score(stateOf("x"), judged(judge));
    assert.equal(score.value, 1);
    assert.equal(judge.calls.length, 4);
    // Runs go out together; run 0's second attempt has a scope of its own.
    assert.deepEqual(judge.calls.map((c) => c.scope).sort(), [
      '{"rubric_run":0,"attempt":0}',
      '{"rubric_run":0,"attempt":1}',
      '{"rubric_run":1,"attempt":0}',
      '{"rubric_run":2,"attempt":0}',
    ]);
    const meta = score.metadata as unknown as RubricScoreMetadata;
    assert.equal(meta.runs[0]?.replies.length, 2);
  });

  test("no readable grade in any run: value 'invalid' (left out of metrics), replies and problem kept", async () => {
    const judge = queueJudge(["hmm", "still hmm"]);
    const score = await rubricScorer({ rubric: "r" }).score(stateOf("x"), judged(judge));
    assert.equal(score.value, INVALID);
    assert.equal(scoreToNumber(score.value), null);
    assert.match(score.explanation ?? "", /no valid grade[\s\S]*no GRADE: line[\s\S]*still hmm/);
  });

  test("a sample's own metadata.rubric takes precedence; the target is the reference unless reference=false", async () => {
    const judge = queueJudge(["GRADE: 5", "GRADE: 5"]);
    const state = stateOf("ans", "ref-text", { metadata: { rubric: "SAMPLE RUBRIC" } });
    await rubricScorer({ rubric: "GENERAL" }).score(state, judged(judge));
    const prompt = String(judge.calls[0]!.messages.at(-1)!.content);
    assert.ok(prompt.includes("SAMPLE RUBRIC") && !prompt.includes("GENERAL") && prompt.includes("ref-text"));
    await createScorer("rubric", { reference: false }).score(state, judged(judge));
    assert.ok(!String(judge.calls[1]!.messages.at(-1)!.content).includes("ref-text"));
  });

  test("a custom prompt template; nothing to grade against and a missing judge are sample errors", async () => {
    const judge = queueJudge(["GRADE: 2"]);
    const s = createScorer("rubric", {
      prompt: "Q={question} A={answer} R={reference} S={scale}",
      scale: "0-10",
    });
    const score = await s.score(stateOf("{reference}", "ten"), judged(judge));
    assert.equal(score.value, 2);
    assert.match(
      String(judge.calls[0]!.messages[0]!.content),
      /^Q=question\? A=\{reference\} R=ten S=a whole number from 0 to 10/,
    );
    await assert.rejects(
      rubricScorer().score(stateOf("x"), judged(queueJudge([]))),
      /nothing to grade against/,
    );
    await assert.rejects(
      rubricScorer({ rubric: "r" }).score(stateOf("x"), { signal: new AbortController().signal, epoch: 1 }),
      /needs a judge/,
    );
  });

  test("sampling arguments go to the judge; a seed differs per run (seed + run)", async () => {
    const judge = queueJudge(["GRADE: 3", "GRADE: 3", "GRADE: 3"]);
    const s = createScorer("rubric", {
      rubric: "r",
      runs: 3,
      seed: "10",
      temperature: "0.7",
      max_tokens: 200,
    });
    await s.score(stateOf("x"), judged(judge));
    assert.deepEqual(
      judge.calls.map((c) => c.config).sort((a, b) => (a?.seed ?? 0) - (b?.seed ?? 0)),
      [10, 11, 12].map((seed) => ({ temperature: 0.7, maxTokens: 200, seed })),
    );
    const plain = queueJudge(["GRADE: 3"]);
    await rubricScorer({ rubric: "r" }).score(stateOf("x"), judged(plain));
    assert.equal(plain.calls[0]?.config, undefined, "nothing set: the run's --judge-* settings apply");
  });

  test("arguments are checked when the scorer is built", () => {
    assert.throws(() => createScorer("rubric", { prompt: "no answer here" }), /must contain \{answer\}/);
    assert.throws(
      () => createScorer("rubric", { prompt: "{answer} {context}" }),
      /unknown placeholder\(s\) \{context\}/,
    );
    assert.throws(() => createScorer("rubric", { runs: 0 }), /"runs" must be at least 1/);
    assert.throws(() => createScorer("rubric", { aggregate: "median" }), /mean, majority/);
    assert.throws(() => createScorer("rubric", { scale: "A-F" }), /pass-fail or a range/);
  });
});
