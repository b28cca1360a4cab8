/** Shared by the annotate tests: the CLI runner, and a judged run evaluated in-process. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Task, TaskArgs } from "../../src/core/types.js";
import { buildManifest, runEval } from "../../src/engine/run.js";
import type { Model } from "../../src/providers/model.js";
import type { RunStore } from "../../src/store/run-store.js";
import { repoRoot } from "../helpers/shared.js";

/** `assay` with the annotate/agreement/rejudge commands (run-cli.ts, compiled). */
export const ANNOTATE_CLI = join(repoRoot, "dist", "test", "annotate", "run-cli.js");

export function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [ANNOTATE_CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Runs a task to completion into the store, judged, with the response cache on. */
export async function evalJudgedRun(opts: {
  store: RunStore;
  runId: string;
  task: Task;
  args: TaskArgs;
  model: Model;
  judge: Model;
  epochs: number;
}): Promise<void> {
  const { store, task, model, judge } = opts;
  const manifest = buildManifest({
    runId: opts.runId,
    task,
    taskArgs: opts.args,
    model,
    judge,
    epochs: opts.epochs,
    execution: { concurrency: 2, maxRetries: 0, cache: true },
  });
  await runEval({
    store,
    manifest,
    task,
    model,
    judge,
    mode: "new",
    concurrency: 2,
    signal: new AbortController().signal,
    progress: "silent",
  });
}
