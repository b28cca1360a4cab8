/**
 * Reproducing the release exactly: `-T protocol=release` (its verdict rule, one judge call per run, its
 * prompts from a folder) and judge sampling options that reach the judge and the manifest.
 */
import assert from "node:assert/strict";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { RunStore } from "../../src/store/run-store.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { repoRoot } from "../helpers/shared.js";

const DATASET = `{
  "医疗知识": [
    {"category1": "医疗知识", "category2": "药物相关", "scene": "s", "round": 1, "problem": "Q1", "groupCode": 1, "sanswer": "R1", "difficulty": "易", "checklist": "核心需求：1"},
    {"category1": "医疗知识", "category2": "药物相关", "scene": "s", "round": 1, "problem": "Q2", "groupCode": 2, "sanswer": NaN, "checklist": NaN}
  ]
}`;

async function setup() {
  const dir = tempDir("llmeval-protocol-");
  const dataset = join(dir, "dataset.json");
  writeFileSync(dataset, DATASET);
  // Stand-in for the release's prompt texts (which Assay does not ship): any valid prompt folder.
  const prompts = join(dir, "release-prompts");
  cpSync(join(repoRoot, "resources", "llmeval-med", "prompts", "v1", "zh"), prompts, { recursive: true });
  const answerer = await startMockServer({ reply: () => "an answer" });
  // A judge that never gives a readable score.
  const judge = await startMockServer({ reply: () => "I cannot grade this." });
  const common = (runId: string) => [
    "eval",
    "llmeval-med",
    "--model",
    "openai/a",
    "--model-base-url",
    answerer.url,
    "--judge",
    "openai/j",
    "--judge-base-url",
    judge.url,
    "--dataset",
    dataset,
    "--db",
    join(dir, "runs.db"),
    "--progress",
    "silent",
    // Each run asks afresh, so the judge's request count is the protocol's.
    "--no-cache",
    "--run-id",
    runId,
  ];
  return { dir, prompts, answerer, judge, common, db: join(dir, "runs.db") };
}

test("-T protocol=release: one judge call per run (an unreadable reply is invalid), prompts required", async () => {
  const s = await setup();
  try {
    const missing = await runCli(...s.common("r0"), "-T", "protocol=release");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /protocol=release needs -T judge_prompts=DIR/);

    const release = await runCli(
      ...s.common("r1"),
      "-T",
      "protocol=release",
      "-T",
      `judge_prompts=${s.prompts}`,
    );
    assert.notEqual(release.code, 2, release.stderr);
    // 2 questions × 3 judge runs × 1 attempt.
    assert.equal(s.judge.requests.length, 6);

    s.judge.requests.length = 0;
    const robust = await runCli(...s.common("r2"));
    assert.notEqual(robust.code, 2, robust.stderr);
    // The default asks again: 2 × 3 runs × 3 attempts.
    assert.equal(s.judge.requests.length, 18);

    const warned = await runCli(...s.common("r3"), "-T", "verdict_rule=release");
    assert.match(warned.stderr, /verdict_rule=release with judge_attempts=3 departs from the release/);
  } finally {
    await s.answerer.close();
    await s.judge.close();
  }
});

test("--judge-temperature, --judge-seed and --judge-max-tokens reach the judge and the manifest", async () => {
  const s = await setup();
  try {
    const r = await runCli(
      ...s.common("jt"),
      "--judge-temperature",
      "0.3",
      "--judge-seed",
      "7",
      "--judge-max-tokens",
      "100",
      "-T",
      "judge_attempts=1",
    );
    assert.notEqual(r.code, 2, r.stderr);
    assert.ok(s.judge.requests.length > 0);
    for (const req of s.judge.requests) {
      assert.equal(req.body.temperature, 0.3);
      assert.equal(req.body.seed, 7);
      assert.equal(req.body.max_tokens, 100);
    }
    // The model under test keeps its own settings.
    assert.ok(s.answerer.requests.every((req) => req.body.temperature === undefined));
    const store = new RunStore(s.db);
    try {
      assert.deepEqual(store.requireRun("jt").manifest.judge?.generate, {
        temperature: 0.3,
        seed: 7,
        maxTokens: 100,
      });
    } finally {
      store.close();
    }
  } finally {
    await s.answerer.close();
    await s.judge.close();
  }
});
