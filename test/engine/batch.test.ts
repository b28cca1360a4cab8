/**
 * `--batch` against a local Files + Batches server: requests go in batches (model, then judge), answers
 * land in the store and cache exactly as live ones (a rerun is all cache hits), failed and expired lines
 * are retried live or in new batches, a multi-turn solver is refused, and a CLI killed with -9 after
 * submitting continues with `assay resume` without submitting again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Task } from "../../src/core/types.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { type BatchState, runBatchEval } from "../../src/engine/batch-run.js";
import { buildManifest } from "../../src/engine/run.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore } from "../../src/store/run-store.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { assertRerunCached, assertSameAsLive, killWhileInProgress } from "../scale/batch-cli.js";
import { judgedBatchRun } from "../scale/batch-judged.js";
import { type BatchServer, type ChatBody, startBatchServer } from "../scale/batch-server.js";
import { qaEvalArgs, writeQaData } from "../scale/qa-eval.js";

const N = 12;
const dir = tempDir();
let data: string;
const env = { ASSAY_BATCH_POLL_MS: "20", OPENAI_API_KEY: "sk-test-batch" };

const question = (body: ChatBody) => Number(/question (\d+)/.exec(JSON.stringify(body.messages))?.[1]);
const reply = (body: ChatBody) =>
  `ANSWER: answer ${question(body) % 2 ? question(body) + 1 : question(body)}`;

const qaArgs = (url: string, db: string, ...extra: string[]) =>
  qaEvalArgs(data, url, db, "--epochs", "2", ...extra);

describe("eval --batch", () => {
  before(() => {
    data = writeQaData(dir, N);
  });

  let server: BatchServer;
  before(async () => {
    server = await startBatchServer({ reply });
  });
  after(() => server.close());

  test("one batch of all units; results equal a live run's; a rerun hits the cache", async () => {
    const db = join(dir, "b1.db");
    const r = await runCli(qaArgs(server.url, db, "--batch", "--run-id", "B"), { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.summary.samples, N * 2);
    assert.equal(server.batches.length, 1);
    assert.equal(server.inputs.get("batch_1")!.length, N * 2, "two epochs without a seed are two requests");
    assert.equal(server.liveCalls.length, 0);
    assert.deepEqual(server.batches[0]!.metadata, { assay_run: "B", role: "model" });
    // The batched body is the live body: same builder (model, messages, options).
    const line = server.inputs.get("batch_1")![0]!;
    assert.deepEqual(Object.keys(line.body).sort(), ["messages", "model"]);
    // A batched answer has no per-request wall time: stored without a latency rather than as 0 ms.
    const stored = new RunStore(db);
    try {
      assert.ok([...stored.iterateSamples("B")].every((s) => s.latencyMs === null && s.output !== null));
    } finally {
      stored.close();
    }

    const live = await runCli(qaArgs(server.url, join(dir, "live.db"), "--run-id", "L", "--no-cache"), {
      cwd: dir,
      env,
    });
    assert.equal(live.code, 0, live.stderr);
    assert.equal(server.liveCalls.length, N * 2);
    const liveDb = { db: join(dir, "live.db"), stdout: live.stdout };
    await assertSameAsLive({ db, stdout: r.stdout }, liveDb, N * 2, { cwd: dir, env });
    await assertRerunCached(qaArgs(server.url, db, "--run-id", "B2"), N * 2, { cwd: dir, env });
    assert.equal(server.liveCalls.length, N * 2, "and makes no call");
  });

  test("failed and expired lines are retried live (default) or in new batches", async () => {
    const flaky = await startBatchServer({ reply, failLine: (b) => question(b) === 3, expire: new Set([1]) });
    try {
      const db = join(dir, "retry.db");
      const r = await runCli(qaArgs(flaky.url, db, "--batch", "--run-id", "RL"), { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).summary.errors, 0);
      assert.equal(flaky.batches.length, 1);
      assert.equal(flaky.batches[0]!.status, "expired");
      // Half the lines expired; among the answered half, question 3's two epochs failed.
      const expired = N; // 24 lines, the second 12 expire
      assert.equal(flaky.liveCalls.length, expired + 2);
    } finally {
      await flaky.close();
    }
    const again = await startBatchServer({
      reply,
      failLine: (b) => question(b) === 3 && again.batches.length < 2,
      expire: new Set([1]),
    });
    try {
      const db = join(dir, "retry2.db");
      const r = await runCli(qaArgs(again.url, db, "--batch", "--batch-retry", "batch", "--run-id", "RB"), {
        cwd: dir,
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).summary.errors, 0);
      assert.equal(again.liveCalls.length, 0);
      assert.equal(again.batches.length, 2, "one resubmission of the failed and expired lines");
      assert.equal(again.inputs.get("batch_2")!.length, N + 2);
    } finally {
      await again.close();
    }
  });

  test("retry-errors of a --batch-retry batch run puts the failed requests in a new batch", async () => {
    let healthy = false;
    const flaky = await startBatchServer({ reply, failLine: (b) => question(b) === 5 && !healthy });
    try {
      const db = join(dir, "redo.db");
      const r = await runCli(qaArgs(flaky.url, db, "--batch", "--batch-retry", "batch", "--run-id", "RE"), {
        cwd: dir,
        env,
      });
      assert.equal(JSON.parse(r.stdout).summary.errors, 2, "question 5's two epochs failed every attempt");
      const submitted = flaky.batches.length;
      healthy = true;
      const redo = await runCli(["retry-errors", "RE", "--db", db, "--json"], { cwd: dir, env });
      assert.equal(redo.code, 0, redo.stderr);
      assert.equal(JSON.parse(redo.stdout).summary.errors, 0);
      assert.equal(flaky.batches.length, submitted + 1, "one new batch");
      assert.equal(
        flaky.inputs.get(`batch_${submitted + 1}`)!.length,
        2,
        "holding just the two failed requests",
      );
      assert.equal(flaky.liveCalls.length, 0);
    } finally {
      await flaky.close();
    }
  });

  test("kill -9 after submitting: resume polls the same batch, submits nothing again", async () => {
    const db = join(dir, "kill.db");
    server.hold = true;
    const before = server.batches.length;
    await killWhileInProgress(qaArgs(server.url, db, "--batch", "--run-id", "K", "--progress", "plain"), {
      cwd: dir,
      env,
    });
    assert.equal(server.batches.length, before + 1);
    server.hold = false;
    const r = await runCli(["resume", "K", "--db", db, "--json"], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).summary.samples, N * 2);
    assert.equal(server.batches.length, before + 1, "no second batch");
  });

  test("judge calls go in later batches, one per dependent call; multi-turn solvers are refused", async () => {
    const judged = await startBatchServer({
      reply: (b) => {
        const text = JSON.stringify(b.messages);
        if (text.includes("FIRST LOOK")) return text.includes("answer 4") ? "looks right" : "looks wrong";
        if (text.includes("CONFIRM")) return text.includes("looks right") ? "1" : "0";
        return reply(b);
      },
    });
    const store = new RunStore(join(dir, "judged.db"));
    try {
      const samples = [4, 5, 7].map((i) => ({ id: `j${i}`, input: `question ${i}`, target: `answer ${i}` }));
      const task: Task = {
        name: "judged-test",
        version: "1",
        dataset: memoryDataset("judged", samples),
        solver: [generate()],
        scorers: [
          {
            name: "two-step",
            metrics: ["mean"],
            requiresJudge: true,
            async score(state, ctx) {
              const first = await ctx.judge!.generate([
                { role: "user", content: `FIRST LOOK at ${state.output?.text}` },
              ]);
              const second = await ctx.judge!.generate([
                { role: "user", content: `CONFIRM ${first.text} for ${state.output?.text}` },
              ]);
              return { value: Number(second.text) };
            },
          },
        ],
      };
      const { run, manifest } = judgedBatchRun(
        store,
        task,
        { id: "openai/m", url: judged.url },
        { id: "openai/j", url: judged.url },
        "J",
      );
      const outcome = await runBatchEval({ ...run, manifest, mode: "new" });
      assert.equal(outcome.interrupted, false);
      assert.deepEqual(
        judged.batches.map((b) => (b.metadata as { role: string }).role),
        ["model", "judge", "judge"],
      );
      assert.equal(judged.liveCalls.length, 0);
      assert.equal(outcome.summary.scorers[0]!.metrics.mean, 1 / 3, "only question 4 is answered right");
      assert.equal(outcome.summary.tokens.judgeInput, 3 * 2 * 10);
      const stored = store.getRun("J")!.manifest as unknown as { batch: BatchState };
      assert.equal(stored.batch.jobs.length, 3);
      assert.ok(stored.batch.jobs.every((j) => j.status === "completed"));

      const chat: Task = {
        ...task,
        name: "two-turns",
        scorers: [],
        solver: [
          generate(),
          (state, gen) => {
            state.messages.push({ role: "user", content: "and again?" });
            return gen(state);
          },
        ],
      };
      const m2 = buildManifest({
        runId: "T",
        task: chat,
        taskArgs: {},
        model: run.model,
        epochs: 1,
        execution: { concurrency: 4, maxRetries: 0, cache: true },
      });
      await assert.rejects(
        runBatchEval({
          ...run,
          judge: undefined,
          task: chat,
          manifest: m2,
          mode: "new",
          batch: { retry: "live", jobs: [] },
        }),
        /several model calls per sample.*without --batch/,
      );
    } finally {
      store.close();
      await judged.close();
    }
  });
});
