/**
 * Probing a model's per-triple accuracy: the `smi-probe` task run by the engine, then its scores folded
 * per triple. The run id is derived from the run's configuration, so probing again with the same
 * model, files and options continues the same run (finished samples are kept, failed ones retried);
 * a changed configuration is a new run, whose requests already answered are served by the cache.
 */
import type { TaskArgs } from "../core/types.js";
import { buildManifest, runEval } from "../engine/run.js";
import type { Model } from "../providers/model.js";
import { DEFAULT_RETRY } from "../scheduler/retry.js";
import type { RunStore } from "../store/run-store.js";
import { createTask } from "../tasks/registry.js";
import { loadTemplates, type ProbeScoring, type TripleAccuracy } from "./probe.js";
import { PROBE_SCORER, PROBE_TASK, probeTriplesOf } from "./probe-task.js";

export interface ProbeOptions {
  /** JSON files: the triples and the relation → templates map. */
  triples: string;
  templates: string;
  /** Probe only the first `limit` triples. */
  limit?: number;
  /** Samples per template: the run's epochs. */
  samples: number;
  temperature: number;
  maxTokens: number;
  scoring: ProbeScoring;
  /** Raw text continuation (as the original runs base models), or a chat request. */
  completion: boolean;
  /** Samples in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  progress?: "auto" | "silent";
}

export interface ProbeOutcome {
  runId: string;
  /** One per triple, in file order; a triple with a failed or missing sample has `error`. */
  accuracies: TripleAccuracy[];
  interrupted: boolean;
  /** Set when the engine stopped the run (every sample failed, a run control), not a signal. */
  stopped?: { message: string; exitCode: number };
}

export async function probeTriples(store: RunStore, model: Model, opts: ProbeOptions): Promise<ProbeOutcome> {
  const args: TaskArgs = {
    triples: opts.triples,
    templates: opts.templates,
    scoring: opts.scoring,
    chat: !opts.completion,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  };
  const { task, args: resolved } = await createTask(PROBE_TASK, args);
  task.config = { ...task.config, temperature: opts.temperature, maxTokens: opts.maxTokens };
  const fingerprint = await task.dataset.fingerprint?.();
  const manifest = buildManifest({
    runId: "",
    task,
    taskArgs: resolved,
    model,
    epochs: opts.samples,
    ...(fingerprint ? { datasetFingerprint: fingerprint } : {}),
    // Recorded for `show`; the model's own retry policy applies (the default unless it was given one).
    execution: { concurrency: opts.concurrency, maxRetries: DEFAULT_RETRY.maxRetries, cache: true },
  });
  manifest.runId = `${PROBE_TASK}-${manifest.configHash.slice(0, 16)}`;
  const existing = store.getRun(manifest.runId);
  // Continuing: failed samples are retried (without cached answers); otherwise only missing ones run.
  const mode = !existing ? "new" : store.countSamples(manifest.runId).errors > 0 ? "retry-errors" : "resume";
  const outcome = await runEval({
    store,
    manifest: existing?.manifest ?? manifest,
    task,
    model,
    mode,
    concurrency: opts.concurrency,
    signal: opts.signal ?? new AbortController().signal,
    progress: opts.progress === "silent" ? "silent" : "auto",
  });
  const templates = loadTemplates(opts.templates);
  const triples = probeTriplesOf(opts.triples, templates, opts.limit);
  // Correct samples per triple, from the stored scores (one row per (template, sample)).
  const tally = new Map<string, { correct: number; total: number }>();
  for (const row of store.scoreRows(manifest.runId, ["idx"])) {
    if (row.scorer !== PROBE_SCORER) continue;
    const key = String(row.groups[0]);
    const t = tally.get(key) ?? { correct: 0, total: 0 };
    t.correct += row.value;
    t.total++;
    tally.set(key, t);
  }
  const accuracies = triples.map((t): TripleAccuracy => {
    const expected = templates[t.rel]!.length * opts.samples;
    const { correct, total } = tally.get(String(t.idx)) ?? { correct: 0, total: 0 };
    if (total < expected)
      return {
        idx: t.idx,
        correct,
        total,
        acc: Number.NaN,
        error: `${expected - total} of ${expected} samples failed or missing`,
      };
    return { idx: t.idx, correct, total, acc: correct / total };
  });
  const stopped = outcome.stopped
    ? { message: outcome.stopped.message, exitCode: outcome.stopped.exitCode }
    : undefined;
  return {
    runId: manifest.runId,
    accuracies,
    interrupted: outcome.interrupted,
    ...(stopped ? { stopped } : {}),
  };
}
