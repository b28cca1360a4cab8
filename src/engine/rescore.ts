/**
 * Re-score a stored run without calling the model under test: rebuild each sample's final TaskState
 * from the store (transcript, output, solver data) and run the task's scorers (or named ones) again,
 * through the same scoring step as `runEval`. Rows stream from the store a page at a time; a scorer
 * error is stored on its sample; an abort keeps what was re-scored, and running the same re-scoring
 * again does only the samples it had not reached.
 */
import { setMaxListeners } from "node:events";
import type { Sample, Scorer, Task, TaskState } from "../core/types.js";
import type { Model } from "../providers/model.js";
import type { Rescored, RunManifest, RunStore, StoredSample } from "../store/run-store.js";
import { hashValue } from "../util/hash.js";
import { Progress } from "../util/progress.js";
import { transcript } from "./run.js";
import { SCORER_ERROR_PREFIX, scoreState, scoringError } from "./score.js";
import { computeSummary, type RunSummary } from "./summary.js";

export interface RescoreOptions {
  store: RunStore;
  runId: string;
  task: Task;
  scorers: Scorer[];
  judge?: Model;
  concurrency: number;
  signal: AbortSignal;
  progress?: "auto" | "tty" | "plain" | "silent";
}

export interface RescoreOutcome {
  /** Samples re-scored without a scorer error in this call. */
  rescored: number;
  /** Samples where a scorer failed in this call (the error is stored on the sample). */
  failed: number;
  /** Samples left out because solving them failed (retry-errors redoes those). */
  skipped: number;
  interrupted: boolean;
  summary: RunSummary;
}

/**
 * Re-scored samples are written this many at a time, or after this long: a crash loses at most one
 * batch (redone by the next rescore, its judge calls answered by the cache); Ctrl-C loses nothing.
 */
const BATCH = 256;
const BATCH_MS = 1000;

export async function rescoreRun(opts: RescoreOptions): Promise<RescoreOutcome> {
  const { store, runId, signal } = opts;
  setMaxListeners(0, signal); // many judge calls may wait on the limiter at once
  const run = store.requireRun(runId);
  // One writer per run: re-scoring while a runner (or another rescore) holds the run would interleave
  // their writes; the lease refuses with the holder named, and a killed holder's lease expires.
  const lease = store.acquireLease(runId);
  try {
    return await rescoreLeased(opts, run.manifest);
  } finally {
    lease.release();
  }
}

async function rescoreLeased(opts: RescoreOptions, stored: RunManifest): Promise<RescoreOutcome> {
  const { store, runId, signal } = opts;
  const manifest = rescoredManifest(stored, opts.scorers, opts.judge);
  // The spec names this re-scoring: the same command run again continues it, another one starts over.
  const spec = hashValue({ task: manifest.task, scorers: manifest.scorers, judge: manifest.judge ?? null });
  const { todo } = store.startRescore(runId, spec);
  store.setManifest(runId, manifest);
  const progress = new Progress({
    label: `rescore ${runId}`,
    total: todo,
    unit: "samples",
    mode: opts.progress ?? "auto",
  });
  const names = opts.scorers.map((s) => s.name);
  let rescored = 0;
  let failed = 0;
  let skipped = 0;
  const batch: Rescored[] = [];
  let savedAt = Date.now();
  const save = () => {
    store.saveRescored(runId, spec, batch.splice(0));
    savedAt = Date.now();
  };

  const rows = store.samplesToRescore(runId);
  const worker = async () => {
    while (!signal.aborted) {
      const next = rows.next();
      if (next.done) return;
      const row = next.value;
      if (row.error !== null && !row.error.startsWith(SCORER_ERROR_PREFIX)) {
        // Solving failed: the transcript is incomplete and the run never scored it.
        skipped++;
        batch.push({ sampleId: row.sampleId, epoch: row.epoch, scorers: [], scores: {}, error: row.error });
      } else {
        const outcome = await scoreState(storedState(row), opts.scorers, opts.judge, signal);
        if (!outcome) return; // aborted: this sample stays for the next rescore
        const errors = [...keptErrors(row.error, names), ...outcome.errors];
        if (outcome.errors.length > 0) failed++;
        else rescored++;
        batch.push({
          sampleId: row.sampleId,
          epoch: row.epoch,
          scorers: names,
          scores: outcome.scores,
          error: scoringError(errors) ?? null,
          ...(opts.judge ? { judgeTokens: outcome.judgeUsage } : {}),
        });
      }
      if (batch.length >= BATCH || Date.now() - savedAt >= BATCH_MS) save();
      progress.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    if (batch.length) save();
    rows.return(undefined);
    progress.finish();
  }
  const interrupted = signal.aborted;
  if (!interrupted) store.finishRescore(runId);
  const summary = computeSummary(store, manifest, opts.task.groupBy);
  store.setSummary(runId, summary);
  return { rescored, failed, skipped, interrupted, summary };
}

/** The manifest after re-scoring: the re-run scorers replace theirs, and the judge is the new one. */
function rescoredManifest(m: RunManifest, scorers: Scorer[], judge: Model | undefined): RunManifest {
  const replaced = new Set(scorers.map((s) => s.name));
  return {
    ...m,
    scorers: [
      ...m.scorers.filter((s) => !replaced.has(s.name)),
      ...scorers.map((s) => ({ name: s.name, metrics: s.metrics })),
    ],
    ...(judge
      ? { judge: { id: judge.id, ...(judge.provider.endpoint ? { endpoint: judge.provider.endpoint } : {}) } }
      : {}),
  };
}

/** The final TaskState of a stored sample, as the scorers saw it when the run finished. */
function storedState(row: StoredSample): TaskState {
  const sample: Sample = {
    id: row.sampleId,
    input: row.input as Sample["input"],
    ...(row.target !== undefined ? { target: row.target as Sample["target"] } : {}),
    ...(row.choices !== undefined ? { choices: row.choices as string[] } : {}),
    ...(row.metadata !== undefined ? { metadata: row.metadata } : {}),
  };
  return {
    sample,
    epoch: row.epoch,
    messages: transcript(sample.input, row.messages, row.output),
    output: { text: row.output ?? "", latencyMs: row.latencyMs ?? 0 },
    store: row.store ?? {},
    usage: { inputTokens: row.inputTokens, outputTokens: row.outputTokens },
    completed: true,
  };
}

/** The stored scorer errors of scorers that are not re-run (theirs stay until they are). */
function keptErrors(error: string | null, rerun: string[]): string[] {
  if (error === null) return [];
  return error
    .split(/\n(?=scorer )/)
    .filter((e) => !rerun.some((name) => e.startsWith(`${SCORER_ERROR_PREFIX}${name}: `)));
}
