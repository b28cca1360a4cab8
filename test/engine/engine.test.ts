import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Scorer, Task } from "../../src/core/types.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { buildManifest, runEval } from "../../src/engine/run.js";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider, textOf } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { exactMatch } from "../../src/scorers/match.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore } from "../../src/store/run-store.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";

function model(id: string, fn: (text: string) => string, concurrency = 4): Model {
  const provider = new ScriptedProvider(id, (messages) => fn(textOf(messages.at(-1)!)));
  return new Model(provider, {
    id: `scripted/${id}`,
    limiter: new AdaptiveLimiter(concurrency),
    stats: new ModelStats(),
  });
}

function task(n: number, extra: Partial<Task> = {}): Task {
  const samples = Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    input: `q${i}`,
    target: `q${i}`,
    metadata: { g: i % 2 ? "odd" : "even" },
  }));
  return {
    name: "t",
    version: "1",
    dataset: memoryDataset("mem", samples),
    solver: [generate()],
    scorers: [exactMatch()],
    groupBy: ["g"],
    ...extra,
  };
}

const exec = { concurrency: 4, maxRetries: 0, cache: false };

describe("manifest hash", () => {
  test("changes with what changes results, not with execution knobs", () => {
    const m = model("echo", (t) => t);
    const base = buildManifest({
      runId: "a",
      task: task(2),
      taskArgs: { x: 1 },
      model: m,
      epochs: 1,
      execution: exec,
    });
    const knobs = buildManifest({
      runId: "b",
      task: task(2),
      taskArgs: { x: 1 },
      model: m,
      epochs: 1,
      execution: { concurrency: 64, maxRetries: 9, cache: true, timeoutS: 3 },
    });
    assert.equal(base.configHash, knobs.configHash);
    const variants = [
      buildManifest({ runId: "a", task: task(2), taskArgs: { x: 2 }, model: m, epochs: 1, execution: exec }),
      buildManifest({
        runId: "a",
        task: task(2, { version: "2" }),
        taskArgs: { x: 1 },
        model: m,
        epochs: 1,
        execution: exec,
      }),
      buildManifest({
        runId: "a",
        task: task(2),
        taskArgs: { x: 1 },
        model: model("other", (t) => t),
        epochs: 1,
        execution: exec,
      }),
      buildManifest({ runId: "a", task: task(2), taskArgs: { x: 1 }, model: m, epochs: 2, execution: exec }),
      buildManifest({
        runId: "a",
        task: task(2),
        taskArgs: { x: 1 },
        model: m,
        epochs: 1,
        seed: 3,
        execution: exec,
      }),
      buildManifest({
        runId: "a",
        task: task(2, { config: { temperature: 0.7 } }),
        taskArgs: { x: 1 },
        model: m,
        epochs: 1,
        execution: exec,
      }),
    ];
    for (const v of variants) assert.notEqual(v.configHash, base.configHash);
  });
});

describe("runEval", () => {
  test("errors are data: a throwing scorer fails its sample, the others finish", async () => {
    const store = new RunStore(join(tempDir(), "e.db"));
    const flaky: Scorer = {
      name: "flaky",
      metrics: ["mean"],
      async score(state) {
        if (state.sample.id === "s3") throw new Error("scorer crashed");
        return { value: 1 };
      },
    };
    const t = task(6, { scorers: [exactMatch(), flaky] });
    const m = model("echo", (x) => x);
    const manifest = buildManifest({
      runId: "e",
      task: t,
      taskArgs: {},
      model: m,
      epochs: 1,
      execution: exec,
    });
    const out = await runEval({
      store,
      manifest,
      task: t,
      model: m,
      mode: "new",
      concurrency: 3,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.equal(out.failed, 1);
    assert.equal(out.summary.samples, 6);
    const exact = out.summary.scorers.find((s) => s.scorer === "exact")!;
    assert.equal(exact.n, 6, "the failed sample keeps the scores that did work");
    assert.equal(exact.groups.g!.odd!.n, 3);
    const row = [...store.iterateSamples("e")].find((r) => r.sampleId === "s3")!;
    assert.match(row.error!, /scorer flaky: scorer crashed/);
    assert.equal(row.output, "q3");
    store.close();
  });

  test("an abort stops new work, keeps finished samples and marks the run interrupted", async () => {
    const store = new RunStore(join(tempDir(), "a.db"));
    const controller = new AbortController();
    let calls = 0;
    const m = model(
      "slow",
      (x) => {
        calls++;
        if (calls === 5) controller.abort(new Error("interrupted"));
        return x;
      },
      1,
    );
    const t = task(20);
    const manifest = buildManifest({
      runId: "a",
      task: t,
      taskArgs: {},
      model: m,
      epochs: 1,
      execution: exec,
    });
    const out = await runEval({
      store,
      manifest,
      task: t,
      model: m,
      mode: "new",
      concurrency: 1,
      signal: controller.signal,
      progress: "silent",
    });
    assert.equal(out.interrupted, true);
    assert.equal(store.requireRun("a").status, "interrupted");
    const done = store.countSamples("a").total;
    assert.ok(done >= 4 && done < 20, `${done} stored`);
    const resumed = await runEval({
      store,
      manifest,
      task: t,
      model: model("slow", (x) => x),
      mode: "resume",
      concurrency: 4,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.equal(resumed.ran, 20 - done);
    assert.equal(store.countSamples("a").total, 20);
    assert.equal(store.requireRun("a").status, "completed");
    store.close();
  });
  test("a malformed record fails before the run is created or any call is made", async () => {
    const store = new RunStore(join(tempDir(), "bad.db"));
    let calls = 0;
    const m = model("count", (x) => {
      calls++;
      return x;
    });
    const good = Array.from({ length: 6 }, (_, i) => ({
      id: `s${i}`,
      input: `q${i}`,
      target: `q${i}`,
      metadata: { g: "all" },
    }));
    const t = task(0, {
      dataset: {
        name: "broken.jsonl",
        count: async () => 7,
        async *samples() {
          yield* good;
          throw new UserError('broken.jsonl:7: field "input": expected a string, got null');
        },
      },
    });
    const manifest = buildManifest({
      runId: "bad",
      task: t,
      taskArgs: {},
      model: m,
      epochs: 1,
      execution: exec,
    });
    const run = runEval({
      store,
      manifest,
      task: t,
      model: m,
      mode: "new",
      concurrency: 2,
      signal: new AbortController().signal,
      progress: "silent",
    });
    await assert.rejects(run, /broken\.jsonl:7: field "input"/);
    assert.equal(calls, 0);
    assert.equal(store.getRun("bad"), undefined);
    // With a limit that stops before the bad record, the run goes ahead.
    const limited = buildManifest({
      runId: "ok",
      task: t,
      taskArgs: {},
      model: m,
      epochs: 1,
      limit: 4,
      execution: exec,
    });
    const out = await runEval({
      store,
      manifest: limited,
      task: t,
      model: m,
      mode: "new",
      concurrency: 2,
      signal: new AbortController().signal,
      progress: "silent",
    });
    assert.equal(out.ran, 4);
    assert.equal(store.requireRun("ok").status, "completed");
    store.close();
  });
});
