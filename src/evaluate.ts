/**
 * `evaluate()`: one call from code to a stored, summarised run — the library twin of `assay eval`.
 * It builds the models, the manifest and the store exactly as the CLI does and runs the same engine, so
 * a run made from code can be shown, exported, resumed and re-scored with the CLI.
 */

import type { GenerateConfig, Task, TaskArgs } from "./core/types.js";
import { buildManifest, type RunOutcome, runEval } from "./engine/run.js";
import { buildModel } from "./providers/build-model.js";
import type { Model } from "./providers/model.js";
import { DEFAULT_RETRY } from "./scheduler/retry.js";
import { openStore } from "./store/open.js";
import type { RunManifest, RunStore } from "./store/run-store.js";
import { UserError } from "./util/errors.js";
import { newRunId } from "./util/run-id.js";

/** A model: an id such as "openai/gpt-4o-mini" (with an optional base URL and key variable), or a built `Model`. */
export type ModelChoice = string | { id: string; baseUrl?: string; apiKeyEnv?: string } | Model;

export interface EvaluateOptions {
  /** A `Task` object, or the name of a registered task (`qa`, `mcq`, `llmeval-med`, …). */
  task: Task | string;
  /** Arguments of a named task (what `-T key=value` gives on the command line). */
  taskArgs?: TaskArgs;
  /** A named task's dataset (path or URL); the same as `taskArgs.dataset`. */
  dataset?: string;
  model: ModelChoice;
  /** The judge, for tasks whose scorers need one. */
  judge?: ModelChoice;
  /** SQLite file of the run store (default: `$ASSAY_DB` or `.assay/assay.db`); ":memory:" keeps nothing. */
  db?: string;
  /** An open store to use instead of `db` (it is left open). */
  store?: RunStore;
  runId?: string;
  epochs?: number;
  limit?: number;
  seed?: number;
  /** Generation options for the model under test, over the task's own. */
  config?: GenerateConfig;
  /** Samples in flight at once (default 8). */
  concurrency?: number;
  timeoutS?: number;
  maxRetries?: number;
  /** Use the response cache (default true). */
  cache?: boolean;
  /** Abort to stop the run cleanly; finished samples stay stored and `assay resume` completes it. */
  signal?: AbortSignal;
  /** Progress line on stderr (default "silent"). */
  progress?: "auto" | "tty" | "plain" | "silent";
}

export interface EvaluateResult extends RunOutcome {
  manifest: RunManifest;
  /** Calls, cache hits, retries and tokens of the model under test (and of the judge). */
  calls: { model: Model["stats"]; judge?: Model["stats"] };
}

export async function evaluate(opts: EvaluateOptions): Promise<EvaluateResult> {
  const { task, args } = await resolveTask(opts);
  if (opts.config) task.config = { ...task.config, ...opts.config };
  const needsJudge = task.scorers.some((s) => s.requiresJudge);
  if (needsJudge && !opts.judge)
    throw new UserError(`task "${task.name}" is judged by a model: pass a judge`);
  const concurrency = positive(opts.concurrency ?? 8, "concurrency");
  const store = opts.store ?? openStore(opts.db);
  try {
    const cache = (opts.cache ?? true) ? store : undefined;
    const execution = {
      concurrency,
      ...(opts.timeoutS ? { timeoutS: opts.timeoutS } : {}),
      maxRetries: opts.maxRetries ?? DEFAULT_RETRY.maxRetries,
      cache: opts.cache ?? true,
    };
    const toModel = (choice: ModelChoice): Model =>
      typeof choice === "object" && "generate" in choice
        ? choice
        : buildModel({
            ...(typeof choice === "string" ? { id: choice } : choice),
            concurrency,
            retry: { maxRetries: execution.maxRetries },
            ...(opts.timeoutS ? { timeoutS: opts.timeoutS } : {}),
            ...(cache ? { cache } : {}),
          });
    const model = toModel(opts.model);
    const judge = opts.judge !== undefined ? toModel(opts.judge) : undefined;
    const fingerprint = await task.dataset.fingerprint?.();
    const manifest = buildManifest({
      runId: opts.runId ?? newRunId(task.name),
      task,
      taskArgs: args,
      model,
      ...(judge ? { judge } : {}),
      epochs: positive(opts.epochs ?? 1, "epochs"),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.limit !== undefined ? { limit: positive(opts.limit, "limit") } : {}),
      ...(fingerprint ? { datasetFingerprint: fingerprint } : {}),
      execution,
    });
    const outcome = await runEval({
      store,
      manifest,
      task,
      model,
      ...(judge ? { judge } : {}),
      mode: "new",
      concurrency,
      signal: opts.signal ?? new AbortController().signal,
      progress: opts.progress ?? "silent",
    });
    return {
      ...outcome,
      manifest,
      calls: { model: { ...model.stats }, ...(judge ? { judge: { ...judge.stats } } : {}) },
    };
  } finally {
    if (!opts.store) store.close();
  }
}

async function resolveTask(opts: EvaluateOptions): Promise<{ task: Task; args: TaskArgs }> {
  if (typeof opts.task !== "string") {
    if (opts.taskArgs || opts.dataset)
      throw new UserError("taskArgs and dataset apply to a named task, not to a Task object");
    return { task: opts.task, args: {} };
  }
  // Loaded here, not at the top: registering the built-in tasks imports every benchmark.
  const { createTask } = await import("./tasks/index.js");
  const args: TaskArgs = {
    ...opts.taskArgs,
    ...(opts.dataset !== undefined ? { dataset: opts.dataset } : {}),
  };
  return createTask(opts.task, args);
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${what} must be a positive integer (got ${n})`);
  return n;
}
