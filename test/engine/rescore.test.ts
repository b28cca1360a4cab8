import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Scorer, Task } from "../../src/core/types.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { rescoreRun } from "../../src/engine/rescore.js";
import { buildManifest, runEval } from "../../src/engine/run.js";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider, textOf } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { exactMatch } from "../../src/scorers/match.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore } from "../../src/store/run-store.js";
import { tempDir } from "../helpers/cli.js";

const echo = () =>
  new Model(new ScriptedProvider("echo", (m) => textOf(m.at(-1)!)), {
    id: "scripted/echo",
    limiter: new AdaptiveLimiter(4),
    stats: new ModelStats(),
  });

function task(n: number, scorers: Scorer[] = [exactMatch()]): Task {
  const samples = Array.from({ length: n }, (_, i) => ({
    id: `s${String(i).padStart(2, "0")}`,
    input: `q${i}`,
    target: `q${i}`,
  }));
  return { name: "t", version: "1", dataset: memoryDataset("mem", samples), solver: [generate()], scorers };
}

/** A run of `t` (echo model unless given), stored and finished. */
async function storedRun(name: string, t: Task, m: Model = echo()) {
  const store = new RunStore(join(tempDir(), `${name}.db`));
  const manifest = buildManifest({
    runId: name,
    task: t,
    taskArgs: {},
    model: m,
    epochs: 1,
    execution: { concurrency: 4, maxRetries: 0, cache: false },
  });
  await runEval({
    store,
    manifest,
    task: t,
    model: m,
    mode: "new",
    concurrency: 4,
    signal: new AbortController().signal,
    progress: "silent",
  });
  return { store, task: t };
}

/** A scorer named "marker" that gives every sample `value`, and counts its calls per sample. */
function marker(value: number, calls: string[], onScore?: (id: string) => void): Scorer {
  return {
    name: "marker",
    metrics: ["mean"],
    async score(state) {
      calls.push(state.sample.id);
      onScore?.(state.sample.id);
      return { value };
    },
  };
}

const scoreOf = (store: RunStore, run: string, id: string, scorer: string) =>
  store.scoresOf(run, id, 1).find((s) => s.scorer === scorer)?.value;

describe("rescoreRun", () => {
  test("a scorer error is stored on its sample, replaces the stale score, and clears when the scorer works", async () => {
    const { store, task: t } = await storedRun("err", task(6, [exactMatch(), marker(1, [])]));
    const flaky: Scorer = {
      name: "marker",
      metrics: ["mean"],
      async score(state) {
        if (state.sample.id === "s03") throw new Error("judge said nothing");
        return { value: 0 };
      },
    };
    const broken = await rescoreRun({
      store,
      runId: "err",
      task: t,
      scorers: [flaky],
      concurrency: 2,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.deepEqual([broken.rescored, broken.failed, broken.interrupted], [5, 1, false]);
    const rows = new Map([...store.iterateSamples("err")].map((r) => [r.sampleId, r]));
    assert.equal(rows.get("s03")!.error, "scorer marker: judge said nothing");
    assert.equal(rows.get("s02")!.error, null);
    assert.equal(scoreOf(store, "err", "s03", "marker"), undefined, "no stale score from before");
    assert.equal(scoreOf(store, "err", "s03", "exact"), 1, "scorers not re-run keep their scores");
    assert.equal(scoreOf(store, "err", "s02", "marker"), 0);
    assert.equal(broken.summary.errors, 1);

    const fixed = await rescoreRun({
      store,
      runId: "err",
      task: t,
      scorers: [marker(0.5, [])],
      concurrency: 2,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.deepEqual([fixed.rescored, fixed.failed], [6, 0]);
    assert.equal(store.countSamples("err").errors, 0);
    assert.equal(scoreOf(store, "err", "s03", "marker"), 0.5);
    store.close();
  });

  test("an aborted rescore keeps what it finished, and the same rescore again does only the rest", async () => {
    const { store, task: t } = await storedRun("stop", task(20));
    const controller = new AbortController();
    const first: string[] = [];
    const stopped = await rescoreRun({
      store,
      runId: "stop",
      task: t,
      scorers: [marker(0.25, first, () => first.length === 5 && controller.abort(new Error("interrupted")))],
      concurrency: 1,
      signal: controller.signal,
      progress: "silent",
    });
    assert.equal(stopped.interrupted, true);
    assert.equal(first.length, 5);
    const second: string[] = [];
    const rest = await rescoreRun({
      store,
      runId: "stop",
      task: t,
      scorers: [marker(0.25, second)],
      concurrency: 3,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.equal(rest.interrupted, false);
    assert.equal(second.length, 15);
    assert.deepEqual(
      [...first, ...second].sort(),
      [...store.iterateSamples("stop")].map((r) => r.sampleId).sort(),
    );
    const m = rest.summary.scorers.find((s) => s.scorer === "marker")!;
    assert.equal(m.n, 20);
    // Finished: a later rescore starts from the beginning again.
    const again: string[] = [];
    await rescoreRun({
      store,
      runId: "stop",
      task: t,
      scorers: [marker(0.25, again)],
      concurrency: 2,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.equal(again.length, 20);
    store.close();
  });

  test("a rescore is refused while another process holds the run, and frees the run when done", async () => {
    const { store, task: t } = await storedRun("leased", task(3));
    const args = {
      store,
      runId: "leased",
      task: t,
      scorers: [exactMatch()],
      concurrency: 2,
      signal: new AbortController().signal,
      progress: "silent" as const,
    };
    const held = store.acquireLease("leased");
    await assert.rejects(rescoreRun(args), /leased/);
    held.release();
    const done = await rescoreRun(args);
    assert.equal(done.rescored, 3);
    store.acquireLease("leased").release(); // the rescore let go of it
  });

  test("a sample whose solving failed is left for retry-errors, not scored", async () => {
    // The model answers, then a later solver fails on s01: the sample has an output and a solver error.
    const t = task(3);
    t.solver.push(async (state) => {
      if (state.sample.id === "s01") throw new Error("follow-up turn: bad request");
      return state;
    });
    const { store } = await storedRun("solve", t);
    const calls: string[] = [];
    const out = await rescoreRun({
      store,
      runId: "solve",
      task: t,
      scorers: [marker(1, calls)],
      concurrency: 1,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.deepEqual(calls.sort(), ["s00", "s02"]);
    assert.deepEqual([out.rescored, out.skipped, out.failed], [2, 1, 0]);
    const s01 = [...store.iterateSamples("solve")].find((r) => r.sampleId === "s01")!;
    assert.equal(s01.output, "q1");
    assert.match(s01.error!, /follow-up turn: bad request/);
    assert.equal(scoreOf(store, "solve", "s01", "marker"), undefined);
    store.close();
  });
});
