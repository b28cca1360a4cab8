import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { CallOptions, ChatMessage, ModelHandle, ModelOutput, TaskState } from "../../src/core/types.js";
import { parseDataset } from "../../src/llmeval-med/dataset.js";
import { loadPromptSet } from "../../src/llmeval-med/prompts.js";
import { conversationSample } from "../../src/llmeval-med/samples.js";
import { type JudgeScoreMetadata, llmevalMedJudge } from "../../src/llmeval-med/scorer.js";
import { cacheKey } from "../../src/providers/model.js";
import { ScriptedProvider } from "../../src/providers/scripted.js";
import { canonicalJson } from "../../src/util/hash.js";

const ds = parseDataset(
  JSON.stringify({
    医疗知识: [
      { round: 1, groupCode: 1, problem: "Q1", sanswer: "R1", category2: "c" },
      { round: 2, groupCode: 1, problem: "Q2", sanswer: "R2", category2: "c" },
    ],
  }),
  "t.json",
);

function stateWith(answers: string[]): TaskState {
  const conv = ds.conversations[0]!;
  return {
    sample: conversationSample(conv),
    epoch: 1,
    messages: [],
    store: { answers: conv.turns.map((t, i) => ({ id: t.id, round: t.round, answer: answers[i] ?? "" })) },
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: true,
  };
}

/** A judge that answers from a per-answer queue and records the cache epoch and scope of each call. */
function fakeJudge(replies: Record<string, string[]>): ModelHandle & { epochs: string[] } {
  const epochs: string[] = [];
  return {
    id: "fake/judge",
    epochs,
    async generate(messages: ChatMessage[], _config?: unknown, options?: CallOptions): Promise<ModelOutput> {
      const prompt = String(messages.at(-1)?.content);
      const key = Object.keys(replies).find((k) => prompt.includes(k)) ?? "";
      epochs.push(`${key}:${canonicalJson({ epoch: options?.epoch ?? -1, scope: options?.scope ?? {} })}`);
      const text = replies[key]?.shift() ?? "no verdict";
      return { text, latencyMs: 0 };
    },
  };
}

describe("llmevalMedJudge", () => {
  test("N runs per answer, retries on unparseable replies, invalid after the limit (never 0)", async () => {
    const prompts = await loadPromptSet({ lang: "zh" });
    const scorer = llmevalMedJudge({ prompts, runs: 3, attempts: 2, rule: "robust" });
    const judge = fakeJudge({
      ANSWER_ONE: ["得分：【5】", "hmm", "Score: 4", "[4]"],
      ANSWER_TWO: ["?", "?", "?", "?", "?", "?"],
    });
    const score = await scorer.score(stateWith(["ANSWER_ONE", "ANSWER_TWO"]), {
      judge,
      signal: new AbortController().signal,
      epoch: 1,
    });
    const meta = score.metadata as JudgeScoreMetadata;
    const [one, two] = meta.turns;
    assert.deepEqual(one?.runs.map((r) => r.score).sort(), [4, 4, 5]);
    assert.equal(
      one?.runs.reduce((a, r) => a + r.attempts, 0),
      4,
    );
    assert.equal(one?.usable, true);
    assert.deepEqual(
      two?.runs.map((r) => r.score),
      [null, null, null],
    );
    assert.ok(two?.runs.every((r) => r.attempts === 2 && r.problem));
    assert.equal(two?.mean, null);
    assert.equal(two?.usable, false);
    assert.equal(score.value, 0.5);
    assert.equal(meta.prompts.hash, prompts.hash);
    // Every (run, attempt) of an answer used its own cache scope.
    assert.equal(new Set(judge.epochs).size, judge.epochs.length);
  });

  test("release rule: first [n] only", async () => {
    const prompts = await loadPromptSet({ lang: "en" });
    const scorer = llmevalMedJudge({ prompts, runs: 1, attempts: 1, rule: "release" });
    const judge = fakeJudge({
      ANSWER_ONE: ["checklist [1] met. Final score: [5]"],
      ANSWER_TWO: ["Score: 4"],
    });
    const score = await scorer.score(stateWith(["ANSWER_ONE", "ANSWER_TWO"]), {
      judge,
      signal: new AbortController().signal,
      epoch: 1,
    });
    const meta = score.metadata as JudgeScoreMetadata;
    assert.deepEqual(
      meta.turns.map((t) => t.runs[0]?.score),
      [1, null],
    );
  });

  test("cache keys are distinct across sample epochs, runs and attempts", async () => {
    const prompts = await loadPromptSet({ lang: "zh" });
    const scorer = llmevalMedJudge({ prompts, runs: 5, attempts: 10, rule: "robust" });
    const provider = new ScriptedProvider("judge", () => "no verdict");
    const keys: string[] = [];
    for (let epoch = 1; epoch <= 3; epoch++) {
      // As the engine's judge handle does: the sample's epoch, then the scorer's own options.
      const judge: ModelHandle = {
        id: "scripted/judge",
        async generate(messages, config, options) {
          keys.push(cacheKey(provider, { messages, config: config ?? {} }, epoch, options?.scope));
          return { text: "no verdict", latencyMs: 0 };
        },
      };
      await scorer.score(stateWith(["ANSWER_ONE", "ANSWER_TWO"]), {
        judge,
        signal: new AbortController().signal,
        epoch,
      });
    }
    assert.equal(keys.length, 3 * 2 * 5 * 10);
    assert.equal(new Set(keys).size, keys.length);
  });

  test("a conversation without all its answers is an error, not a silent score", async () => {
    const prompts = await loadPromptSet({ lang: "zh" });
    const scorer = llmevalMedJudge({ prompts, runs: 1, attempts: 1, rule: "robust" });
    const state = stateWith(["only one"]);
    state.store.answers = (state.store.answers as unknown[]).slice(0, 1);
    await assert.rejects(
      scorer.score(state, { judge: fakeJudge({}), signal: new AbortController().signal, epoch: 1 }),
      /1 answer\(s\) for 2 turn\(s\)/,
    );
  });
});
