import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { evaluate, memoryDataset, RunStore, type Scorer, type Task, UserError } from "../src/index.js";
import { startMockServer } from "../src/testing/mock-openai-server.js";
import { tempDir } from "./helpers/cli.js";

test("evaluate() runs a built-in task by name into a store that the CLI reads", async () => {
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"1+1","target":"2"}\n{"id":"b","input":"2+2","target":"4"}\n');
  const server = await startMockServer({ reply: () => "ANSWER: 2" });
  try {
    const db = join(dir, "runs.db");
    const run = await evaluate({
      task: "qa",
      dataset: data,
      model: { id: "openai/m", baseUrl: server.url },
      db,
    });
    assert.equal(run.ran, 2);
    assert.equal(run.calls.model.calls, 2);
    assert.equal(run.summary.scorers[0]?.metrics.accuracy, 0.5);
    const store = new RunStore(db);
    try {
      const row = store.requireRun(run.runId);
      assert.equal(row.status, "completed");
      assert.equal(row.manifest.task.args.dataset, data);
    } finally {
      store.close();
    }
  } finally {
    await server.close();
  }
});

test("evaluate() refuses a judged task without a judge, before anything runs", async () => {
  const judged: Scorer = {
    name: "j",
    metrics: ["mean"],
    requiresJudge: true,
    score: async () => ({ value: 1 }),
  };
  const task: Task = {
    name: "t",
    version: "1",
    dataset: memoryDataset("d", []),
    solver: [],
    scorers: [judged],
  };
  await assert.rejects(evaluate({ task, model: "scripted/echo", db: ":memory:" }), UserError);
  await assert.rejects(
    evaluate({ task: { ...task, scorers: [] }, model: "scripted/echo", db: ":memory:", concurrency: 0 }),
    /concurrency must be a positive integer/,
  );
});
