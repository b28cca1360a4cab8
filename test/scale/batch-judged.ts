/** A library-level `--batch` run with a judge, as the batch tests set it up (concurrency 4, fast polls). */
import type { Task } from "../../src/core/types.js";
import type { BatchRunOptions, BatchState } from "../../src/engine/batch-run.js";
import { buildManifest } from "../../src/engine/run.js";
import { buildModel } from "../../src/providers/build-model.js";
import type { RunManifest, RunStore } from "../../src/store/run-store.js";

/** The options of runBatchEval (less manifest and mode) and the manifest of run `runId`. */
export function judgedBatchRun(
  store: RunStore,
  task: Task,
  model: { id: string; url: string },
  judge: { id: string; url: string },
  runId: string,
): { run: Omit<BatchRunOptions, "manifest" | "mode">; manifest: RunManifest } {
  const m = buildModel({ id: model.id, baseUrl: model.url, concurrency: 4, cache: store });
  const j = buildModel({ id: judge.id, baseUrl: judge.url, concurrency: 4, cache: store });
  const manifest = buildManifest({
    runId,
    task,
    taskArgs: {},
    model: m,
    judge: j,
    epochs: 1,
    execution: { concurrency: 4, maxRetries: 0, cache: true },
  });
  const batch: BatchState = { retry: "live", jobs: [] };
  const run: Omit<BatchRunOptions, "manifest" | "mode"> = {
    store,
    task,
    model: m,
    judge: j,
    concurrency: 4,
    signal: new AbortController().signal,
    progress: "silent",
    batch,
    pollMs: 5,
  };
  return { run, manifest };
}
