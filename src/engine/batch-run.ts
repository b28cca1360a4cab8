/**
 * `assay eval --batch`: the run's model calls, then its judge calls, go through the provider's Batch API
 * (half price at OpenAI) instead of one request each; results land in the run store and the response
 * cache exactly as live calls do.
 *
 * How: the engine runs the task in collect passes against a throwaway in-memory store; every request a
 * batch has not answered yet is recorded (see batch-lane.ts), and the recorded requests of each role
 * become one batch (upload JSONL, create, poll with backoff, download output and error files). Pass after
 * pass the answers arrive: first the model's, then the judge's (whose prompts need the model's answers),
 * then any later judge call. When a pass records nothing new, the real run goes through the normal engine
 * once, served from the batches: `Model` caches, counts and stores every answer as for a live call.
 *
 * Every batch is written into the run's manifest (`batch.jobs`) the moment it is created, so Ctrl-C,
 * kill -9 or another machine continue with `assay resume <run>`: it polls the same batches and downloads
 * their files again, and submits nothing twice. Requests a batch failed or let expire are sent live
 * (`--batch-retry live`, the default) or in a new batch (`--batch-retry batch`, up to two more times).
 * Solvers that make several dependent model calls (multi-turn, agents) are refused: each turn would be a
 * batch of its own, a day each in the worst case.
 *
 * Each role's lane picks its provider's API: OpenAI-compatible providers use Files + Batches, Anthropic's
 * uses Message Batches (requests inline in the create call, results from the batch's `results_url`; see
 * providers/anthropic-batch.ts). A model and a judge of different providers each use their own.
 */
import type { Provider } from "../core/types.js";
import {
  AnthropicBatchClient,
  type AnthropicBatchLine,
  type MessageBatch,
  messageBatchProgress,
  resultEntry,
  splitMessageBatches,
} from "../providers/anthropic-batch.js";
import { type Model, ModelStats, type ResponseCache } from "../providers/model.js";
import { completionOutput } from "../providers/openai.js";
import {
  type BatchInfo,
  type BatchInputLine,
  FINAL_BATCH_STATUSES,
  OpenAIBatchClient,
  parseInputLines,
  parseOutputLines,
} from "../providers/openai-batch.js";
import { sleep } from "../scheduler/retry.js";
import { type RunManifest, RunStore } from "../store/run-store.js";
import { errorMessage, UserError } from "../util/errors.js";
import { redact } from "../util/secrets.js";
import { BatchLane, type BatchRole, type LaneLine } from "./batch-lane.js";
import { type RunOptions, type RunOutcome, runEval } from "./run.js";
import { computeSummary } from "./summary.js";

/** One submitted batch, as recorded in the manifest. */
export interface BatchJob {
  role: BatchRole;
  id: string;
  /** The uploaded JSONL (OpenAI; an Anthropic Message Batch carries its requests inline and has none). */
  inputFileId?: string;
  requests: number;
  /** 1 for the first submission of these requests; 2, 3 for resubmissions under --batch-retry batch. */
  attempt: number;
  status?: string;
  outputFileId?: string;
  errorFileId?: string;
}

/** The manifest's `batch` section. */
export interface BatchState {
  retry: "live" | "batch";
  jobs: BatchJob[];
}

type BatchManifest = RunManifest & { batch?: BatchState };

/** The batch settings of a run: from its manifest (a continuation), or from `--batch` on a new run. */
export function batchSettings(manifest: RunManifest, requested?: "live" | "batch"): BatchState | undefined {
  const stored = (manifest as BatchManifest).batch;
  if (stored) return stored;
  return requested ? { retry: requested, jobs: [] } : undefined;
}

const MAX_ROUNDS = 10;
const MAX_ATTEMPTS = 3;
const MAX_POLL_MS = 60_000;

export interface BatchRunOptions extends RunOptions {
  batch: BatchState;
  /** First poll interval (default $ASSAY_BATCH_POLL_MS or 10 s); it grows 1.5× per poll up to a minute. */
  pollMs?: number;
}

export async function runBatchEval(options: BatchRunOptions): Promise<RunOutcome> {
  // The pre-flight check runs once, before anything is collected or submitted. The run controls (circuit
  // breaker, budgets) watch the serving pass only: in the probe and collect passes every unanswered
  // request is a stand-in error, which must not count as a failing model.
  await options.beforeStart?.();
  const { beforeStart: _b, control, ...opts } = options;
  const { store, task, model, judge, signal } = opts;
  const lanes = new Map<BatchRole, BatchLane>();
  const retryLive = opts.batch.retry === "live";
  lanes.set("model", new BatchLane("model", model.provider, retryLive));
  if (!lanes.get("model")!.openai && !lanes.get("model")!.anthropic)
    throw new UserError(
      `--batch needs an OpenAI-compatible model (openai/…, vllm/…) or anthropic/…; ${model.id} has no Batch API here`,
    );
  if (judge) lanes.set("judge", new BatchLane("judge", judge.provider, retryLive));
  await refuseMultiTurn(opts);
  let manifest: BatchManifest = { ...opts.manifest, batch: opts.batch };
  const runId = manifest.runId;
  if (opts.mode === "new") store.createRun(manifest);
  else store.setManifest(runId, manifest);
  const say = (line: string) => {
    if (opts.progress !== "silent") process.stderr.write(`${line}\n`);
  };
  const record = (jobs: BatchJob[]) => {
    manifest = { ...manifest, batch: { ...manifest.batch!, jobs } };
    store.setManifest(runId, manifest);
  };
  const pollMs = opts.pollMs ?? Number(process.env.ASSAY_BATCH_POLL_MS ?? 10_000);
  const clients = new Map<BatchRole, OpenAIBatchClient>();
  const client = (role: BatchRole) => {
    const lane = lanes.get(role)!;
    if (!clients.has(role)) clients.set(role, new OpenAIBatchClient(lane.openai!));
    return clients.get(role)!;
  };
  const anthropicClients = new Map<BatchRole, AnthropicBatchClient>();
  const anthropicClient = (role: BatchRole) => {
    if (!anthropicClients.has(role))
      anthropicClients.set(role, new AnthropicBatchClient(lanes.get(role)!.anthropic!));
    return anthropicClients.get(role)!;
  };

  /** Read a batch until `done`, saying each new state; the interval grows 1.5× per poll up to a minute. */
  const poll = async <T>(
    job: BatchJob,
    read: () => Promise<T>,
    state: (info: T) => string,
    done: (info: T) => boolean,
  ) => {
    let delay = pollMs;
    let last = "";
    for (;;) {
      const info = await read();
      const line = `batch ${job.id} (${job.role}, ${job.requests} requests): ${state(info)}`;
      if (line !== last) say(line);
      last = line;
      if (done(info)) return info;
      await sleep(delay, signal);
      delay = Math.min(MAX_POLL_MS, delay * 1.5);
    }
  };
  const sayFailed = (job: BatchJob, failed: number) => {
    if (failed > 0)
      say(
        `batch ${job.id}: ${failed} request(s) failed or expired; ${retryLive ? "they are sent live" : "they go into a new batch"}`,
      );
  };

  /** An Anthropic Message Batch: poll it to `ended`, record it, and take in its results. */
  const settleAnthropic = async (job: BatchJob): Promise<void> => {
    const c = anthropicClient(job.role);
    const info: MessageBatch = await poll(
      job,
      () => c.retrieve(job.id),
      messageBatchProgress,
      (b) => b.processing_status === "ended",
    );
    record(manifest.batch!.jobs.map((j) => (j.id === job.id ? { ...j, status: info.processing_status } : j)));
    const lane = lanes.get(job.role)!;
    let failed = 0;
    for (const line of await c.results(info)) {
      const entry = resultEntry(line, lane.model);
      lane.settle(line.custom_id, entry);
      if ("error" in entry) failed++;
    }
    sayFailed(job, failed);
  };

  /** Poll a job to its end, record it, and take in its answers. */
  const settle = async (job: BatchJob, lines: LaneLine[]): Promise<void> => {
    if (lanes.get(job.role)!.anthropic) return settleAnthropic(job);
    const c = client(job.role);
    const info: BatchInfo = await poll(
      job,
      () => c.retrieve(job.id),
      (i) => {
        const counts = i.request_counts;
        return `${i.status}${counts ? ` · ${counts.completed}/${counts.total} done, ${counts.failed} failed` : ""}`;
      },
      (i) => FINAL_BATCH_STATUSES.has(i.status),
    );
    const jobs = manifest.batch!.jobs.map((j) =>
      j.id === job.id
        ? {
            ...j,
            status: info.status,
            ...(info.output_file_id ? { outputFileId: info.output_file_id } : {}),
            ...(info.error_file_id ? { errorFileId: info.error_file_id } : {}),
          }
        : j,
    );
    record(jobs);
    sayFailed(job, await takeAnswers(c, lanes.get(job.role)!, info, lines));
  };

  const submit = async (role: BatchRole, lines: LaneLine[], attempt: number): Promise<BatchJob> => {
    let job: BatchJob;
    if (lanes.get(role)!.anthropic) {
      const info = await anthropicClient(role).create(lines as AnthropicBatchLine[]);
      job = { role, id: info.id, requests: lines.length, attempt };
    } else {
      const openaiLines = lines as BatchInputLine[];
      const c = client(role);
      // One batch has one endpoint: chat and raw-completion requests of one role go in separate batches.
      const endpoint = openaiLines[0]!.url;
      const n = manifest.batch!.jobs.length + 1;
      const fileId = await c.upload(openaiLines, `assay-${runId}-${role}-${n}.jsonl`);
      const info = await c.create(fileId, endpoint, { assay_run: runId, role });
      job = { role, id: info.id, inputFileId: fileId, requests: lines.length, attempt };
    }
    record([...manifest.batch!.jobs, job]);
    for (const l of lines) lanes.get(role)!.submitted.set(l.custom_id, l);
    say(`submitted batch ${job.id}: ${lines.length} ${role} request(s)`);
    return job;
  };

  const submitAll = async (role: BatchRole, lines: LaneLine[], attempt: number) => {
    const byUrl = new Map<string, LaneLine[]>();
    for (const l of lines) byUrl.set(l.url, [...(byUrl.get(l.url) ?? []), l]);
    // Anthropic's batches hold at most 100,000 requests (256 MB): larger groups go in several.
    const anthropic = lanes.get(role)!.anthropic !== undefined;
    const groups = [...byUrl.values()].flatMap((g) =>
      anthropic ? splitMessageBatches(g as AnthropicBatchLine[]) : [g],
    );
    // All are submitted before any is polled: they run at the provider side by side.
    const jobs: Array<[BatchJob, LaneLine[]]> = [];
    for (const group of groups) jobs.push([await submit(role, group, attempt), group]);
    for (const [job, group] of jobs) await settle(job, group);
  };

  const lease = store.acquireLease(runId);
  let interrupted = false;
  try {
    store.setStatus(runId, "running");
    // Batches an earlier process submitted: poll them (they may have finished meanwhile) and read them.
    for (const job of manifest.batch!.jobs) {
      const lane = lanes.get(job.role);
      if (lane?.anthropic) {
        // Its results name every request it held: nothing to read back first.
        await settle(job, []);
        continue;
      }
      if (!lane?.openai || !job.inputFileId)
        throw new UserError(
          `run ${runId}: batch ${job.id} is for the ${job.role}, which this run has no OpenAI-compatible provider for`,
        );
      const lines = parseInputLines(await client(job.role).content(job.inputFileId));
      for (const l of lines) lane.submitted.set(l.custom_id, l);
      await settle(job, lines);
    }
    // retry-errors under `--batch-retry batch`: what the earlier batches failed is asked again, in a new
    // batch (the first model round of this process, so not a sign of a multi-turn solver).
    const redo = opts.mode === "retry-errors" && !retryLive;
    if (redo) for (const lane of lanes.values()) lane.forgetFailures();
    let modelBatched = !redo && manifest.batch!.jobs.some((j) => j.role === "model");
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      await collectPass(opts, lanes);
      // Stopped during the pass: submit nothing more (what was submitted is in the manifest).
      signal.throwIfAborted();
      const recorded = [...lanes.values()].map((lane) => [lane.role, lane.takeRecorded()] as const);
      if (recorded.every(([, lines]) => lines.length === 0)) break;
      for (const [role, lines] of recorded) {
        if (lines.length === 0) continue;
        if (role === "model" && modelBatched) throw multiTurn(task.name);
        await submitAll(role, lines, 1);
        if (role === "model") modelBatched = true;
      }
      if (!retryLive) await retryInBatches(lanes, submitAll);
    }
  } catch (err) {
    if (!signal.aborted) {
      store.trySetStatus(runId, "interrupted", redact(errorMessage(err)));
      throw err;
    }
    interrupted = true;
  } finally {
    lease.release();
  }
  if (interrupted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : "interrupted";
    store.setStatus(runId, "interrupted", `${reason} while waiting for batches (they go on at the provider)`);
    const summary = computeSummary(store, manifest, task.groupBy);
    return { runId, ran: 0, failed: 0, interrupted: true, summary };
  }
  for (const lane of lanes.values()) lane.startPass("serve");
  return runEval({
    ...opts,
    ...(control ? { control } : {}),
    manifest,
    mode: opts.mode === "retry-errors" ? "retry-errors" : "resume",
    model: withProvider(model, lanes.get("model")!),
    ...(judge ? { judge: withProvider(judge, lanes.get("judge")!) } : {}),
  });
}

/** `--batch-retry batch`: failed requests go into new batches, each request up to MAX_ATTEMPTS times. */
async function retryInBatches(
  lanes: Map<BatchRole, BatchLane>,
  submitAll: (role: BatchRole, lines: LaneLine[], attempt: number) => Promise<void>,
): Promise<void> {
  for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
    let any = false;
    for (const lane of lanes.values()) {
      const failed = lane.failed();
      if (failed.length === 0) continue;
      any = true;
      await submitAll(lane.role, failed, attempt);
    }
    if (!any) return;
  }
}

/**
 * Read a finished batch's output and error files into the lane; its requests in neither failed with it
 * (an expired or failed batch). Returns how many of its requests have no answer.
 */
async function takeAnswers(
  client: OpenAIBatchClient,
  lane: BatchLane,
  info: BatchInfo,
  lines: LaneLine[],
): Promise<number> {
  const answered = new Set<string>();
  let failed = 0;
  const fail = (id: string, error: string) => {
    lane.settle(id, { error: redact(error) });
    failed++;
  };
  for (const fileId of [info.output_file_id, info.error_file_id]) {
    if (!fileId) continue;
    for (const line of parseOutputLines(await client.content(fileId))) {
      answered.add(line.custom_id);
      const request = lane.submitted.get(line.custom_id);
      const res = line.response;
      if (res && res.status_code >= 200 && res.status_code < 300 && request) {
        try {
          const config = { completion: request.url === "/v1/completions" };
          lane.settle(line.custom_id, { output: completionOutput(res.body, config, lane.model, 0) });
        } catch (err) {
          fail(line.custom_id, errorMessage(err));
        }
        continue;
      }
      const code = line.error?.code ? `${line.error.code}: ` : "";
      const detail =
        line.error?.message ?? (res ? `HTTP ${res.status_code}: ${bodyError(res.body)}` : "no response");
      fail(line.custom_id, `${code}${detail}`);
    }
  }
  const why = info.errors?.data?.map((e) => e.message ?? e.code).join("; ");
  for (const l of lines)
    if (!answered.has(l.custom_id))
      fail(l.custom_id, `batch ${info.id} ${info.status}${why ? ` (${why})` : ""} without answering it`);
  return failed;
}

function bodyError(body: unknown): string {
  const e = (body as { error?: { message?: string } | string } | undefined)?.error;
  return (typeof e === "string" ? e : e?.message) ?? JSON.stringify(body ?? null).slice(0, 200);
}

/**
 * Solvers that make several model calls per sample are refused before anything is submitted: a dry run
 * of the solver chain, the model answering "" at once, must leave one assistant turn per transcript.
 */
async function refuseMultiTurn(opts: BatchRunOptions): Promise<void> {
  const live = opts.model.provider;
  const stub: Provider = {
    name: live.name,
    model: live.model,
    connectionKey: "batch-probe",
    generate: async () => ({ text: "", latencyMs: 0 }),
  };
  const scratch = new RunStore(":memory:");
  try {
    scratch.createRun(opts.manifest);
    const { judge: _j, ...rest } = opts;
    await runEval({
      ...rest,
      store: scratch,
      mode: "resume",
      progress: "silent",
      model: withProvider(opts.model, stub, null),
    });
    for (const s of scratch.iterateSamples(opts.manifest.runId)) {
      const turns = Array.isArray(s.messages)
        ? (s.messages as Array<{ role: string }>).filter((m) => m.role === "assistant").length
        : 1;
      if (turns > 1) throw multiTurn(opts.task.name, s.sampleId);
    }
  } finally {
    scratch.close();
  }
}

function multiTurn(task: string, sampleId?: string): UserError {
  return new UserError(
    `--batch: task ${task} makes several model calls per sample${sampleId ? ` (sample ${sampleId})` : ""}, each ` +
      "needing the last one's answer (a multi-turn or agentic solver): run it without --batch",
  );
}

/**
 * The throwaway pass: the run's units (those the real store has not finished) go through the engine
 * against an in-memory store; answers come from the lanes, the real cache is read but never written.
 */
async function collectPass(opts: BatchRunOptions, lanes: Map<BatchRole, BatchLane>): Promise<void> {
  for (const lane of lanes.values()) lane.startPass("collect");
  const scratch = new RunStore(":memory:");
  try {
    const retrying = opts.mode === "retry-errors";
    const finished = opts.store.finishedKeys(opts.manifest.runId, { withoutErrors: retrying });
    scratch.createRun(opts.manifest);
    // The scratch run skips what the real run has finished.
    scratch.finishedKeys = () => finished;
    await runEval({
      ...opts,
      store: scratch,
      mode: retrying ? "retry-errors" : "resume",
      progress: "silent",
      model: withProvider(opts.model, lanes.get("model")!, readOnly(cacheOf(opts.model))),
      ...(opts.judge
        ? { judge: withProvider(opts.judge, lanes.get("judge")!, readOnly(cacheOf(opts.judge))) }
        : {}),
    });
  } finally {
    scratch.close();
  }
}

/**
 * The same model with another provider (and, for collect passes, another cache and fresh counters). Model
 * keeps its options private; a prototype-linked copy shares everything else (limiter, retry policy).
 */
function withProvider(model: Model, provider: Provider, cache?: ResponseCache | null): Model {
  const copy = Object.create(model) as Model;
  Object.defineProperty(copy, "provider", { value: provider });
  if (cache !== undefined) {
    const opts = (model as unknown as { opts: Record<string, unknown> }).opts;
    const { cache: _c, ...rest } = opts;
    Object.defineProperty(copy, "opts", { value: cache ? { ...rest, cache } : rest });
    Object.defineProperty(copy, "stats", { value: new ModelStats() });
  }
  return copy;
}

function cacheOf(model: Model): ResponseCache | undefined {
  return (model as unknown as { opts: { cache?: ResponseCache } }).opts.cache;
}

/** Reads of a cache, without its writes (a collect pass must not turn batch answers into cache hits). */
function readOnly(cache: ResponseCache | undefined): ResponseCache | null {
  return cache ? { get: (key) => cache.get(key), put: () => {} } : null;
}
