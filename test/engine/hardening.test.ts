/**
 * The evaluation loop under faults: a full disk, a result that cannot be stored, an empty dataset, a
 * second runner, a model that answers synchronously (signals must still get through) and a huge
 * --concurrency. In every case the run ends `completed` or `interrupted`, never left `running`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Dataset, Sample, Scorer, Task } from "../../src/core/types.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { buildManifest, type RunOptions, runEval } from "../../src/engine/run.js";
import { Model, ModelStats } from "../../src/providers/model.js";
import { ScriptedProvider, textOf } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { exactMatch } from "../../src/scorers/match.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore, type SampleResult, StoreWriteError } from "../../src/store/run-store.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";

function model(fn: (text: string) => string | Promise<string>, concurrency = 4): Model {
  const provider = new ScriptedProvider("m", (messages) => fn(textOf(messages.at(-1)!)));
  return new Model(provider, {
    id: "scripted/m",
    limiter: new AdaptiveLimiter(concurrency),
    stats: new ModelStats(),
  });
}

/** n samples generated on the fly. */
function generated(n: number): Dataset {
  return {
    name: `generated-${n}`,
    count: async () => n,
    async *samples() {
      for (let i = 0; i < n; i++) yield { id: `s${i}`, input: `q${i}`, target: `q${i}` } satisfies Sample;
    },
  };
}

function task(dataset: Dataset, extra: Partial<Task> = {}): Task {
  return { name: "t", version: "1", dataset, solver: [generate()], scorers: [exactMatch()], ...extra };
}

function setup(store: RunStore, t: Task, m: Model, runId = "r", concurrency = 4) {
  const manifest = buildManifest({
    runId,
    task: t,
    taskArgs: {},
    model: m,
    epochs: 1,
    execution: { concurrency, maxRetries: 0, cache: false },
  });
  return (over: Partial<RunOptions> = {}) =>
    runEval({
      store,
      manifest,
      task: t,
      model: m,
      mode: "new",
      concurrency,
      signal: new AbortController().signal,
      progress: "silent",
      ...over,
    });
}

/** Commits fail like SQLite on a full disk once `batchesLeft` reaches 0 (a test seam, no root needed). */
class FillingStore extends RunStore {
  batchesLeft = Number.POSITIVE_INFINITY;
  protected override writeBatch(results: SampleResult[], cache: Map<string, string>): void {
    if (this.batchesLeft-- <= 0)
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    super.writeBatch(results, cache);
  }
}

function deepObject(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe("runEval under faults", () => {
  test("disk full: a clean stop naming the database, the run interrupted and resumable", async () => {
    const path = join(tempDir(), "full.db");
    const store = new FillingStore(path);
    store.flushEvery = 5;
    store.batchesLeft = 3;
    const t = task(generated(40));
    const run = setup(
      store,
      t,
      model((x) => x),
      "r",
      2,
    );
    await assert.rejects(run(), (err: unknown) => {
      assert.ok(err instanceof StoreWriteError);
      assert.equal(err.message, `disk full: ${path}`);
      assert.equal(err.exitCode, 4);
      return true;
    });
    assert.equal(store.requireRun("r").status, "interrupted");
    assert.equal(store.stopReason("r"), `disk full: ${path}`);
    const kept = store.countSamples("r").total;
    // Batches close at 5 results or by the 20 ms timer, so how many were kept depends on timing.
    assert.ok(kept > 0 && kept < 40, `${kept} samples kept`);
    store.batchesLeft = Number.POSITIVE_INFINITY;
    store.writeFailure = undefined;
    const resumed = await run({ mode: "resume" });
    assert.equal(resumed.ran, 40 - kept);
    assert.equal(store.countSamples("r").total, 40);
    assert.equal(store.requireRun("r").status, "completed");
    assert.equal(store.stopReason("r"), undefined);
    store.close();
  });

  test("a result that cannot be stored stops the run cleanly; the rest of its batch is kept", async () => {
    const store = new RunStore(join(tempDir(), "poison.db"));
    const poisonous: Scorer = {
      name: "poison",
      metrics: ["mean"],
      async score(state) {
        return { value: 1, metadata: state.sample.id === "s7" ? deepObject(1_000_000) : {} };
      },
    };
    const t = task(generated(30), { scorers: [poisonous] });
    // Slow enough that the batch is committed by the store's timer, where the overflow used to escape.
    const m = model(async (x) => {
      await new Promise((r) => setTimeout(r, 2));
      return x;
    });
    await assert.rejects(setup(store, t, m)(), /cannot store results in .*: a result is too deeply nested/);
    assert.equal(store.requireRun("r").status, "interrupted");
    assert.match(store.stopReason("r")!, /too deeply nested/);
    const ids = new Set([...store.iterateSamples("r")].map((s) => s.sampleId));
    assert.ok(!ids.has("s7"));
    // Everything that finished before the poisoned sample was written, its batch-mates included.
    for (let i = 0; i < 7; i++) assert.ok(ids.has(`s${i}`), `s${i} was written`);
    store.close();
  });

  test("an empty dataset is a usage error and creates no run", async () => {
    const store = new RunStore(join(tempDir(), "empty.db"));
    const t = task(memoryDataset("none.jsonl", []));
    await assert.rejects(
      setup(
        store,
        t,
        model((x) => x),
      )(),
      (err: unknown) => {
        assert.ok(err instanceof UserError);
        assert.match(err.message, /none\.jsonl has no samples/);
        return true;
      },
    );
    assert.equal(store.listRuns().length, 0);
    store.close();
  });

  test("a second runner of the same run is refused while the first runs", async () => {
    const path = join(tempDir(), "two.db");
    const first = new RunStore(path);
    const second = new RunStore(path);
    const m = model(async (x) => {
      await new Promise((r) => setTimeout(r, 5));
      return x;
    });
    const t = task(generated(60));
    const running = setup(first, t, m)();
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(setup(second, t, m)({ mode: "resume" }), /run r is already being run by process/);
    const out = await running;
    assert.equal(out.ran, 60, "the first runner did every unit, alone");
    assert.equal(first.requireRun("r").status, "completed");
    const again = await setup(second, t, m)({ mode: "resume" });
    assert.equal(again.ran, 0, "after it finished, a resume may run (and finds nothing missing)");
    first.close();
    second.close();
  });

  test("a model that answers synchronously still lets an abort from a timer through", async () => {
    const store = new RunStore(join(tempDir(), "sync.db"));
    const controller = new AbortController();
    const t = task(generated(300_000));
    let firedAt = 0;
    setTimeout(() => {
      firedAt = performance.now();
      controller.abort(new Error("interrupted by SIGTERM"));
    }, 200);
    const out = await setup(
      store,
      t,
      model((x) => x),
      "r",
      16,
    )({ signal: controller.signal });
    const seconds = (performance.now() - firedAt) / 1000;
    // Without yielding, the timer fires only once every sample is done, and the run completes.
    assert.equal(out.interrupted, true);
    assert.ok(out.ran < 300_000, `ran ${out.ran}`);
    assert.ok(seconds < 2, `stopped ${seconds.toFixed(1)} s after the abort`);
    assert.equal(store.requireRun("r").status, "interrupted");
    assert.equal(store.stopReason("r"), "interrupted by SIGTERM");
    store.close();
  });

  test("40,000 workers start at once (no per-slot start-up cost)", async () => {
    const store = new RunStore(join(tempDir(), "wide.db"));
    const started = performance.now();
    const out = await setup(
      store,
      task(generated(10)),
      model((x) => x, 40_000),
      "r",
      40_000,
    )();
    const seconds = (performance.now() - started) / 1000;
    assert.equal(out.ran, 10);
    assert.ok(seconds < 2, `took ${seconds.toFixed(1)} s`);
    store.close();
  });

  test("a dataset that fails on the second pass leaves the run interrupted, not running", async () => {
    const store = new RunStore(join(tempDir(), "flaky.db"));
    let passes = 0;
    const flaky: Dataset = {
      name: "flaky.jsonl",
      count: async () => 5,
      async *samples() {
        passes++;
        for (let i = 0; i < 5; i++) {
          if (passes > 1 && i === 3) throw new UserError("flaky.jsonl:4: invalid JSON");
          yield { id: `s${i}`, input: `q${i}`, target: `q${i}` };
        }
      },
    };
    await assert.rejects(
      setup(
        store,
        task(flaky),
        model((x) => x),
      )(),
      /flaky\.jsonl:4/,
    );
    assert.equal(store.requireRun("r").status, "interrupted");
    assert.match(store.stopReason("r")!, /flaky\.jsonl:4/);
    store.close();
  });

  test("when not even the status can be written, the error says so", async () => {
    const store = new FillingStore(join(tempDir(), "stuck.db"));
    store.flushEvery = 1;
    store.batchesLeft = 2;
    const setStatus = store.setStatus.bind(store);
    // A new run is created without setStatus; every status write after that fails like a full disk.
    store.setStatus = () => {
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    };
    await assert.rejects(
      setup(
        store,
        task(generated(10)),
        model((x) => x),
      )(),
      /^StoreWriteError: disk full: .*stuck\.db; the run could not even be marked interrupted/,
    );
    store.setStatus = setStatus;
    store.batchesLeft = Number.POSITIVE_INFINITY;
    store.close();
  });

  test("a database that fills up while the run is finishing still leaves it interrupted", async () => {
    const store = new FillingStore(join(tempDir(), "late.db"));
    const t = task(generated(3));
    // The results' own batch succeeds; the summary write then fails like a full disk.
    const setSummary = store.setSummary.bind(store);
    store.setSummary = () => {
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    };
    await assert.rejects(
      setup(
        store,
        t,
        model((x) => x),
      )(),
      /^StoreWriteError: disk full: .*late\.db$/,
    );
    store.setSummary = setSummary;
    assert.equal(store.requireRun("r").status, "interrupted");
    store.close();
  });
});
