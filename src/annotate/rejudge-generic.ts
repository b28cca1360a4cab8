/**
 * Re-judging for any judged task, through the response cache: copy the run, rebuild the task with the
 * new prompt folder (or other overridden task options), and re-run its scorers on the stored outputs.
 * A judge request whose text did not change is byte-identical to the one made when the run was judged,
 * so the cache answers it; only items whose judge prompt changed reach the judge. (A task whose
 * annotation hook has a `refine` part plans its own re-judging, e.g. LLMEval-Med's per-item checklists.)
 */
import type { TaskArgs } from "../core/types.js";
import { rescoreRun } from "../engine/rescore.js";
import type { Model } from "../providers/model.js";
import type { RunManifest, RunRow, RunStore } from "../store/run-store.js";
import { createTask, getTaskDefinition, listTasks } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { hashValue } from "../util/hash.js";

export interface GenericRejudgeResult {
  runId: string;
  rescoredSamples: number;
  /** Judge requests that had to be sent (changed prompts). */
  judgeCalls: number;
  /** Judge requests answered by the cache (unchanged prompts). */
  reused: number;
  failed: number;
  /** An interrupted re-judge run with this id was started over. */
  restarted: boolean;
  interrupted: boolean;
}

/** The task option that names a judge prompt folder: the annotation hook's, else one with a usual name. */
export function promptOption(taskName: string): string | undefined {
  if (!listTasks().some((t) => t.name === taskName)) {
    throw new UserError(`task "${taskName}" is not registered here: re-judging needs the task's own scorers`);
  }
  const def = getTaskDefinition(taskName);
  const names = def.options.map((o) => o.name);
  const declared = def.annotation?.promptOption;
  if (declared !== undefined && names.includes(declared)) return declared;
  return ["judge_prompts", "prompts"].find((n) => names.includes(n));
}

/**
 * Create the run a re-judge writes into. An unfinished one with the same id and configuration (a
 * re-judge stopped by Ctrl-C or a crash) is started over: the judge calls it finished are answered by
 * the response cache, so nothing is paid twice. Returns whether such a run was replaced.
 */
export function createRejudgeRun(store: RunStore, manifest: RunManifest): boolean {
  const old = store.getRun(manifest.runId);
  if (old) {
    if (old.status === "completed" || old.manifest.configHash !== manifest.configHash) {
      throw new UserError(
        `run id "${manifest.runId}" already exists in ${store.path}${old.status === "completed" ? "" : " with another configuration"}; pass --run-id <new id>`,
      );
    }
    store.deleteRun(manifest.runId);
  }
  store.createRun(manifest);
  return old !== undefined;
}

export async function rejudgeByRescoring(opts: {
  store: RunStore;
  run: RunRow;
  overrides: TaskArgs;
  judge: Model;
  newRunId: string;
  concurrency: number;
  signal: AbortSignal;
  progress?: "auto" | "silent";
}): Promise<GenericRejudgeResult> {
  const { store, run, judge } = opts;
  const args = { ...run.manifest.task.args, ...opts.overrides };
  const { task, args: resolved } = await createTask(run.task, args);
  if (!task.scorers.some((s) => s.requiresJudge)) {
    throw new UserError(`task "${run.task}" has no judged scorer: use assay rescore ${run.id}`);
  }
  const manifest: RunManifest = {
    ...run.manifest,
    runId: opts.newRunId,
    createdAt: new Date().toISOString(),
    task: { name: task.name, version: task.version, args: resolved },
    judge: { id: judge.id, ...(judge.provider.endpoint ? { endpoint: judge.provider.endpoint } : {}) },
    scorers: task.scorers.map((s) => ({ name: s.name, metrics: s.metrics })),
  };
  manifest.configHash = hashValue({
    from: run.manifest.configHash,
    task: manifest.task,
    judge: manifest.judge,
  });
  const restarted = createRejudgeRun(store, manifest);
  // Copy the stored outputs and scores; rescoring then replaces the scores scorer by scorer.
  store.copyRun(run.id, opts.newRunId);
  const calls0 = judge.stats.calls;
  const hits0 = judge.stats.cacheHits;
  const result = await rescoreRun({
    store,
    runId: opts.newRunId,
    task,
    scorers: task.scorers,
    judge,
    concurrency: opts.concurrency,
    signal: opts.signal,
    progress: opts.progress ?? "auto",
  });
  store.setStatus(opts.newRunId, opts.signal.aborted ? "interrupted" : "completed");
  return {
    runId: opts.newRunId,
    rescoredSamples: result.rescored,
    judgeCalls: judge.stats.calls - calls0,
    reused: judge.stats.cacheHits - hits0,
    failed: result.failed,
    restarted,
    interrupted: opts.signal.aborted,
  };
}
