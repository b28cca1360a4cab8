/**
 * The evaluation loop. Samples × epochs stream from the dataset into a pool of `concurrency` workers;
 * each unit runs the solver chain (model calls go through `Model`: cache, limiter, retries, timeout),
 * then the scorers, and is queued to the run store as soon as it finishes. A failure is recorded on
 * its sample (errors are data); only an abort stops the loop, and unfinished units are simply not
 * written, so `resume` runs exactly the missing ones.
 */
import { setMaxListeners } from "node:events";
import type {
  ChatMessage,
  Dataset,
  GenerateConfig,
  Sample,
  Task,
  TaskArgs,
  TaskState,
} from "../core/types.js";
import type { Model } from "../providers/model.js";
import { ERROR_STOP_EXIT, type RunControl, RunStop } from "../scheduler/run-control.js";
import { type RunManifest, type RunStore, storeWriteError } from "../store/run-store.js";
import { sharedUnits } from "../store/shared-units.js";
import { errorMessage, UserError } from "../util/errors.js";
import { hashValue } from "../util/hash.js";
import { Progress } from "../util/progress.js";
import { redact } from "../util/secrets.js";
import { VERSION } from "../version.js";
import { type ScoringOutcome, scoreState, scoringError } from "./score.js";
import {
  countPickedUnits,
  hashedSelection,
  manifestSelection,
  type UnitSelection,
  unitPicker,
} from "./shard.js";
import { type SubsetSpec, stratifiedSubset } from "./subset.js";
import { computeSummary, type RunSummary } from "./summary.js";

export interface ManifestInput {
  runId: string;
  task: Task;
  taskArgs: TaskArgs;
  model: Model;
  judge?: Model;
  epochs: number;
  seed?: number;
  limit?: number;
  /** A stratified random subset instead of the whole dataset (`--sample N --seed S`). */
  sample?: SubsetSpec;
  /** The dataset's content hash (Dataset.fingerprint), when it has one. */
  datasetFingerprint?: string;
  execution: RunManifest["execution"];
  /**
   * Endpoints to record and hash instead of the models' current ones: a continued run served from a new
   * URL (same model names) is still the same run.
   */
  recordedEndpoints?: { model?: string; judge?: string };
  /** `--shard`, `--sample-id`, a `--limit A-B` range (see shard.ts). */
  selection?: UnitSelection;
}

/** The manifest, with a hash over everything that changes results (not concurrency, timeouts, retries). */
export function buildManifest(input: ManifestInput): RunManifest {
  const { task, model, judge } = input;
  const modelEndpoint = input.recordedEndpoints ? input.recordedEndpoints.model : model.provider.endpoint;
  const judgeEndpoint = input.recordedEndpoints ? input.recordedEndpoints.judge : judge?.provider.endpoint;
  // The judge's own sampling options (--judge-temperature …) change verdicts, so they are hashed; absent
  // keys keep the hashes of runs made before they existed.
  const judgeGenerate = judge?.defaults && Object.keys(judge.defaults).length ? judge.defaults : undefined;
  const hashed = {
    task: { name: task.name, version: task.version, args: input.taskArgs },
    model: { id: model.id, endpoint: modelEndpoint },
    judge: judge
      ? { id: judge.id, endpoint: judgeEndpoint, ...(judgeGenerate ? { generate: judgeGenerate } : {}) }
      : undefined,
    generate: task.config ?? {},
    epochs: input.epochs,
    epochReducer: task.epochReducer ?? "mean",
    seed: input.seed,
    limit: input.limit,
    scorers: task.scorers.map((s) => ({ name: s.name, metrics: s.metrics })),
    dataset: input.datasetFingerprint,
    ...(input.sample ? { sample: input.sample } : {}),
    ...hashedSelection(input.selection),
  };
  return {
    runId: input.runId,
    createdAt: new Date().toISOString(),
    toolVersion: VERSION,
    task: hashed.task,
    model: { id: model.id, ...(modelEndpoint ? { endpoint: modelEndpoint } : {}) },
    ...(judge
      ? {
          judge: {
            id: judge.id,
            ...(judgeEndpoint ? { endpoint: judgeEndpoint } : {}),
            ...(judgeGenerate ? { generate: judgeGenerate } : {}),
          },
        }
      : {}),
    generate: hashed.generate,
    epochs: input.epochs,
    epochReducer: hashed.epochReducer,
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.limit !== undefined ? { limit: input.limit } : {}),
    ...(input.sample ? { sample: input.sample } : {}),
    ...manifestSelection(input.selection),
    scorers: hashed.scorers,
    ...(input.datasetFingerprint
      ? { dataset: { name: task.dataset.name, sha256: input.datasetFingerprint } }
      : {}),
    execution: input.execution,
    configHash: hashValue(hashed),
  };
}

export interface RunOptions {
  store: RunStore;
  manifest: RunManifest;
  task: Task;
  model: Model;
  judge?: Model;
  /** new: fresh run; resume: skip finished units; retry-errors: redo only failed units (no cache reads). */
  mode: "new" | "resume" | "retry-errors";
  concurrency: number;
  signal: AbortSignal;
  progress?: "auto" | "tty" | "plain" | "silent";
  /** Awaited once the samples are read and before the run is created or claimed (the pre-flight check). */
  beforeStart?: () => Promise<void>;
  /** Stops the run early: circuit breaker, --fail-on-error, cost and token limits (scheduler/run-control.ts). */
  control?: RunControl;
}

export interface RunOutcome {
  runId: string;
  /** Units run in this invocation. */
  ran: number;
  failed: number;
  interrupted: boolean;
  summary: RunSummary;
  /** Why a run control (or "no sample succeeded") stopped the run; it is then `interrupted` with this reason. */
  stopped?: RunStop;
}

interface Unit {
  sample: Sample;
  seq: number;
  epoch: number;
}

export async function runEval(opts: RunOptions): Promise<RunOutcome> {
  const { store, manifest, task } = opts;
  // Our own signal: aborted by the caller (Ctrl-C) or by a fatal loop error, so in-flight work stops.
  const outer = opts.signal;
  const stop = new AbortController();
  const signal = AbortSignal.any([outer, stop.signal]);
  // Many calls may wait on the limiter at once, each listening for an abort: that is expected here.
  setMaxListeners(0, signal);
  const runId = manifest.runId;
  // Read the samples once before anything is stored or sent: a malformed record then fails at once,
  // naming its file and line, instead of halfway through a run that would be left interrupted.
  const subset = manifest.sample ? (await stratifiedSubset(task.dataset, manifest.sample)).ids : undefined;
  const samples = subset ? subset.size : await countValidSamples(task.dataset, manifest.limit, task.groupBy);
  // A subset was read by stratifiedSubset; its group-by keys are checked over the samples it took.
  if (subset && task.groupBy?.length) await countValidSamples(task.dataset, undefined, task.groupBy, subset);
  if (samples === 0) throw new UserError(`dataset ${task.dataset.name} has no samples: nothing to run`);
  // A shard, range or id list takes fewer units than samples × epochs (possibly none: an empty shard).
  const unitCount = (await countPickedUnits(task.dataset, manifest, subset)) ?? samples * manifest.epochs;
  await opts.beforeStart?.();
  // One runner per run: a second resume of a running run is refused here, before it changes anything.
  let loopError: unknown;
  const fail = (err: unknown) => {
    loopError ??= err;
    stop.abort(err);
  };
  const lease = store.acquireLease(runId, fail);
  try {
    if (opts.mode === "new") store.createRun(manifest);
    else store.setStatus(runId, "running");
  } catch (err) {
    lease.release();
    throw err;
  }
  // A batched commit that fails in the store's timer (disk full, a result that cannot be serialised)
  // stops the run like any loop error.
  const previousOnFailure = store.onWriteFailure;
  store.onWriteFailure = fail;
  try {
    return await runUnits(opts, signal, unitCount, subset, fail, () => loopError);
  } catch (err) {
    // Whatever went wrong, the run must not stay "running": mark it, then report the first error.
    loopError ??= err;
    throw loopError;
  } finally {
    store.onWriteFailure = previousOnFailure;
    if (loopError !== undefined) {
      const marked = store.trySetStatus(runId, "interrupted", redact(errorMessage(loopError)));
      if (!marked && loopError instanceof Error)
        loopError.message +=
          "; the run could not even be marked interrupted (it shows as running until resumed)";
    }
    lease.release();
  }
}

/** Time without giving timers and signals a turn after which the dispatcher yields (see below). */
const YIELD_EVERY_MS = 20;

async function runUnits(
  opts: RunOptions,
  signal: AbortSignal,
  unitCount: number,
  subset: Set<string> | undefined,
  fail: (err: unknown) => void,
  loopError: () => unknown,
): Promise<RunOutcome> {
  const { store, manifest, task, model, judge } = opts;
  const runId = manifest.runId;
  const outer = opts.signal;
  const skip =
    opts.mode === "resume"
      ? store.finishedKeys(runId)
      : opts.mode === "retry-errors"
        ? store.finishedKeys(runId, { withoutErrors: true })
        : undefined;
  const total = unitCount - (skip ? countSkipped(skip, unitCount) : 0);

  opts.control?.begin?.(total);
  const progress = new Progress({
    label: `${task.name} ${runId}`,
    total,
    unit: "samples",
    mode: opts.progress ?? "auto",
  });
  let ran = 0;
  let failed = 0;
  let inFlight = 0;
  const updateDetail = () => {
    const s = model.stats;
    const parts = [`in flight ${inFlight}`, `limit ${model.limiter.limit}`];
    const paused = model.limiter.stats().pausedMs;
    if (paused > 0) parts.push(`backing off ${(paused / 1000).toFixed(1)}s`);
    if (s.retries) parts.push(`retries ${s.retries}${s.rateLimited ? ` (429: ${s.rateLimited})` : ""}`);
    if (failed) parts.push(`errors ${failed}`);
    if (s.cacheHits) parts.push(`cached ${s.cacheHits}`);
    parts.push(`tokens ${s.inputTokens + s.outputTokens}`);
    if (judge) parts.push(`judge calls ${judge.stats.calls}`);
    const extra = opts.control?.detail?.();
    if (extra) parts.push(extra);
    progress.setDetail(parts.join(" · "));
  };
  const detailTimer = setInterval(updateDetail, 250);
  detailTimer.unref();

  const picker = unitPicker(manifest);
  async function* units(): AsyncGenerator<Unit> {
    let seq = 0;
    for await (const sample of task.dataset.samples()) {
      if (subset && !subset.has(sample.id)) continue;
      if (manifest.limit !== undefined && seq >= manifest.limit) break;
      if (picker?.skipSample(sample.id, seq)) {
        seq++;
        continue;
      }
      for (let epoch = 1; epoch <= manifest.epochs; epoch++) {
        if (signal.aborted) return;
        if (skip?.has(`${sample.id}\u0000${epoch}`)) continue;
        if (picker?.skipUnit(sample.id, epoch)) continue;
        yield { sample, seq, epoch };
      }
      seq++;
    }
  }

  const noCacheRead = opts.mode === "retry-errors";
  const runUnit = async (unit: Unit): Promise<void> => {
    try {
      const result = await solveAndScore(unit, task, model, judge, manifest, signal, noCacheRead);
      if (!result) return; // aborted: leave it for resume
      store.addResult(runId, result);
      ran++;
      if (result.error) failed++;
      progress.tick();
      const stop = opts.control?.afterUnit(result.error);
      if (stop) fail(stop);
    } catch (err) {
      // A store failure (or a bug): stop everyone, keep what finished, report the first error.
      fail(err);
    }
  };

  // One dispatcher pulls units and starts each as a slot frees up, so start-up costs nothing per
  // unused slot (40,000 workers each awaiting the generator made start-up quadratic). It also gives
  // timers and signals a turn now and then: a model that answers synchronously would otherwise keep
  // the loop in microtasks forever, deaf to Ctrl-C and SIGTERM.
  const concurrency = Math.max(1, opts.concurrency);
  let slotFreed: (() => void) | undefined;
  const finishUnit = () => {
    inFlight--;
    const wake = slotFreed;
    slotFreed = undefined;
    wake?.();
  };
  // A shared run (PostgreSQL): run only the units this worker claims, until every unit is stored
  // (retry-errors: one pass over the failed units, which several workers split between them).
  const iterator = store.sharedClaims
    ? sharedUnits({
        store,
        runId,
        pass: units,
        key: (u) => ({ sampleId: u.sample.id, epoch: u.epoch }),
        totalUnits: unitCount,
        batch: Math.min(256, Math.max(8, 2 * concurrency)),
        signal,
        redoErrors: opts.mode === "retry-errors",
      })
    : units();
  let lastYield = performance.now();
  try {
    while (!signal.aborted) {
      if (inFlight >= concurrency) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
        continue;
      }
      const next = await iterator.next();
      if (next.done) break;
      inFlight++;
      void runUnit(next.value).finally(finishUnit);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  } catch (err) {
    // A dataset error (or a bug) while pulling units.
    fail(err);
  }
  try {
    while (inFlight > 0) await new Promise<void>((resolve) => (slotFreed = resolve));
  } finally {
    clearInterval(detailTimer);
    updateDetail();
    progress.finish();
  }
  try {
    store.flush();
  } catch (err) {
    fail(err);
  }
  await iterator.return(undefined).catch(() => undefined);
  // A run in which every sample failed is not "completed", whatever stopped it.
  if (!outer.aborted && loopError() === undefined) {
    const none = noSampleSucceeded(store, runId);
    if (none) fail(none);
  }
  const error = loopError();
  const stopped = error instanceof RunStop ? error : undefined;
  const interrupted = outer.aborted || error !== undefined;
  const summary = computeSummary(store, manifest, task.groupBy);
  try {
    store.setSummary(runId, summary);
    if (!interrupted) store.setStatus(runId, "completed");
    else if (error === undefined) store.setStatus(runId, "interrupted", interruptReason(outer));
  } catch (err) {
    // A failing database is reported by the error that stopped the run (runEval marks it interrupted).
    if (error === undefined) throw storeWriteError(err, store.path);
  }
  if (error !== undefined && !outer.aborted && !stopped) throw error;
  return { runId, ran, failed, interrupted, summary, ...(stopped ? { stopped } : {}) };
}

function noSampleSucceeded(store: RunStore, runId: string): RunStop | undefined {
  const counts = store.countSamples(runId);
  if (counts.total === 0 || counts.errors < counts.total) return undefined;
  const top = store.topErrors(runId, 1)[0];
  return new RunStop(
    `no sample succeeded (${counts.errors} failed${top ? `; commonest error, ${top.count} ×: ${top.error}` : ""})`,
    "retry-errors",
    ERROR_STOP_EXIT,
  );
}

/** The reason recorded for an interrupted run: the caller's abort reason (e.g. "interrupted by SIGTERM"). */
function interruptReason(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : "interrupted";
}

/**
 * Samples the run will use (up to `limit`, or those in `only`), every one parsed and checked on the
 * way. A group-by key that none of them has is a typo (every group-by key comes from the user but
 * LLMEval-Med's, which every sample has): refused, since its breakdown would be one "(none)" group.
 */
async function countValidSamples(
  dataset: Dataset,
  limit: number | undefined,
  groupBy: readonly string[] = [],
  only?: ReadonlySet<string>,
): Promise<number> {
  let n = 0;
  if (limit === 0) return 0;
  const unseen = new Set(groupBy);
  let firstFields: string[] | undefined;
  for await (const sample of dataset.samples()) {
    if (only && !only.has(sample.id)) continue;
    firstFields ??= Object.keys(sample.metadata ?? {});
    for (const key of unseen) if (metadataAt(sample.metadata, key) !== undefined) unseen.delete(key);
    if (++n === limit) break;
  }
  const [missing] = unseen;
  if (n > 0 && missing !== undefined)
    throw new UserError(
      `group-by field "${missing}": no sample of ${dataset.name} has it (the first sample's metadata fields: ${firstFields?.join(", ") || "none"})`,
    );
  return n;
}

/** A metadata value by key, a dotted key reaching into nested objects as the store's breakdown does. */
function metadataAt(metadata: Record<string, unknown> | undefined, key: string): unknown {
  let value: unknown = metadata;
  for (const part of key.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function countSkipped(skip: Set<string>, max: number): number {
  return Math.min(skip.size, max);
}

/**
 * True when the transcript is just the input followed by the model's answer: then it is not stored
 * (it is derived from input and output again when needed), which keeps the hot path's writes small.
 */
function isPlainExchange(sample: Sample, state: TaskState): boolean {
  const m = state.messages;
  return (
    typeof sample.input === "string" &&
    m.length === 2 &&
    m[0]!.role === "user" &&
    m[0]!.content === sample.input &&
    m[1]!.role === "assistant" &&
    m[1]!.content === state.output?.text
  );
}

/** The stored transcript, or input + output when it was not stored. */
export function transcript(input: Sample["input"], messages: unknown, output: string | null): ChatMessage[] {
  if (Array.isArray(messages)) return messages as ChatMessage[];
  const base = inputMessages(input);
  return output === null ? base : [...base, { role: "assistant", content: output }];
}

export function inputMessages(input: Sample["input"]): ChatMessage[] {
  return typeof input === "string" ? [{ role: "user", content: input }] : input.map((m) => ({ ...m }));
}

async function solveAndScore(
  unit: Unit,
  task: Task,
  model: Model,
  judge: Model | undefined,
  manifest: RunManifest,
  signal: AbortSignal,
  noCacheRead: boolean,
) {
  const { sample, epoch } = unit;
  let state: TaskState = {
    sample,
    epoch,
    messages: inputMessages(sample.input),
    store: {},
    usage: { inputTokens: 0, outputTokens: 0 },
    completed: false,
  };
  let modelMs = 0;
  let allCached = true;
  let timed = false;
  const seedConfig: GenerateConfig =
    manifest.seed !== undefined && manifest.task.args.seed === undefined && task.config?.seed === undefined
      ? { seed: manifest.seed + epoch - 1 }
      : {};
  const generate = async (st: TaskState, config?: GenerateConfig): Promise<TaskState> => {
    const out = await model.generate(
      st.messages,
      { ...task.config, ...seedConfig, ...config },
      { epoch, signal, noCacheRead },
    );
    st.output = out;
    st.messages.push({ role: "assistant", content: out.text });
    // The reasoning and log-probabilities are kept with the sample (stored, exported, shown), never in the
    // transcript that scorers and judges read. Several turns: the last turn's.
    if (out.reasoning) st.store.reasoning = out.reasoning;
    if (out.logprobs) st.store.logprobs = out.logprobs;
    modelMs += out.latencyMs;
    if (!out.batched) timed = true;
    if (!out.cached) allCached = false;
    if (out.usage && !out.cached) {
      st.usage.inputTokens += out.usage.inputTokens;
      st.usage.outputTokens += out.usage.outputTokens;
    }
    return st;
  };
  let scored: ScoringOutcome = { scores: {}, errors: [], judgeUsage: { input: 0, output: 0 } };
  let error: string | undefined;
  try {
    for (const solver of task.solver) {
      state = await solver(state, generate, { model, signal });
      if (state.completed) break;
    }
    const outcome = await scoreState(state, task.scorers, judge, signal);
    if (!outcome) return undefined;
    scored = outcome;
    error = scoringError(outcome.errors);
  } catch (err) {
    if (signal.aborted) return undefined;
    error = redact(errorMessage(err));
  }
  return {
    sampleId: sample.id,
    epoch,
    seq: unit.seq,
    input: sample.input,
    ...(sample.target !== undefined ? { target: sample.target } : {}),
    ...(sample.choices !== undefined ? { choices: sample.choices } : {}),
    ...(sample.metadata !== undefined ? { metadata: sample.metadata } : {}),
    ...(isPlainExchange(sample, state) ? {} : { messages: state.messages }),
    ...(state.output ? { output: state.output.text } : {}),
    ...(Object.keys(state.store).length ? { store: state.store } : {}),
    ...(error !== undefined ? { error } : {}),
    inputTokens: state.usage.inputTokens,
    outputTokens: state.usage.outputTokens,
    judgeInputTokens: scored.judgeUsage.input,
    judgeOutputTokens: scored.judgeUsage.output,
    // Answers that all came from a Batch API have no latency to report (not 0 ms).
    ...(timed || state.output === undefined ? { latencyMs: modelMs } : {}),
    cached: allCached && state.output !== undefined,
    scores: scored.scores,
  };
}
