/**
 * `assay sweep`: the same task under N prompt formats, per model, and how far accuracy moves. Each
 * (model, format) is an ordinary stored run of `format-sweep` with a deterministic id, so running the
 * sweep again reuses finished runs, and an interrupted one is rerun through the response cache.
 */
import { createHash } from "node:crypto";
import type { RunSummary } from "../engine/summary.js";
import { evaluate, type ModelChoice } from "../evaluate.js";
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { describeFormat, generateFormats, type PromptFormat } from "./formats.js";
import { SWEEP_TASK } from "./task.js";

export interface SweepOptions {
  kind: "mcq" | "qa";
  dataset: string;
  /** Model ids (with base URLs) to sweep, each over every format. */
  models: Array<{ id: string; baseUrl?: string; apiKeyEnv?: string }>;
  formats: number;
  seed: number;
  store: RunStore;
  limit?: number;
  concurrency?: number;
  groupBy?: string;
  progress?: "auto" | "tty" | "plain" | "silent";
  signal?: AbortSignal;
  /** Called before each run starts (model, format number, run id). */
  onRun?: (model: string, index: number, runId: string, reused: boolean) => void;
}

export interface FormatResult {
  index: number;
  format: PromptFormat;
  description: string;
  runId: string;
  accuracy: number;
  n: number;
  errors: number;
}

export interface ModelSweep {
  model: string;
  results: FormatResult[];
  min: number;
  median: number;
  max: number;
  /** max − min accuracy over the formats. */
  spread: number;
  best: FormatResult;
  worst: FormatResult;
}

export interface SweepResult {
  kind: "mcq" | "qa";
  dataset: string;
  seed: number;
  formats: PromptFormat[];
  /** Models whose every format finished (all of them unless interrupted). */
  models: ModelSweep[];
  /** Stopped by Ctrl-C / SIGTERM: finished runs are stored, and running the sweep again continues. */
  interrupted: boolean;
  /** Why the engine stopped a run (every sample failed, …) when a signal did not: the run and reason. */
  stop?: { runId: string; message: string; exitCode: number };
}

/** A run id that names the sweep, the model and the format, so a rerun finds its runs. */
export function sweepRunId(
  opts: Pick<SweepOptions, "kind" | "dataset" | "seed" | "limit">,
  model: string,
  format: PromptFormat,
): string {
  const h = createHash("sha256")
    .update(JSON.stringify([opts.kind, opts.dataset, opts.seed, opts.limit ?? null, model, format]))
    .digest("hex")
    .slice(0, 12);
  return `sweep-${h}`;
}

function accuracyOf(summary: RunSummary | undefined): { accuracy: number; n: number } {
  const s = summary?.scorers[0];
  const acc = s?.metrics.accuracy;
  return { accuracy: typeof acc === "number" ? acc : Number.NaN, n: s?.n ?? 0 };
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  if (opts.models.length === 0) throw new UserError("sweep: give at least one --model");
  const formats = generateFormats(opts.formats, opts.seed, opts.kind);
  if (formats.length < opts.formats)
    throw new UserError(`sweep: the grammar gives only ${formats.length} distinct ${opts.kind} formats`);
  const models: ModelSweep[] = [];
  const stopped = () => ({
    kind: opts.kind,
    dataset: opts.dataset,
    seed: opts.seed,
    formats,
    models,
    interrupted: true,
  });
  for (const m of opts.models) {
    const results: FormatResult[] = [];
    for (const [index, format] of formats.entries()) {
      if (opts.signal?.aborted) return stopped();
      const runId = sweepRunId(opts, m.id, format);
      const existing = opts.store.getRun(runId);
      if (existing?.status === "running")
        throw new UserError(
          `run ${runId} (format ${index} of ${m.id}) is still marked running: if no sweep is running it, finish it with  assay resume ${runId}`,
        );
      let summary: RunSummary | undefined;
      if (existing?.status === "completed") {
        summary = existing.summary as RunSummary;
        opts.onRun?.(m.id, index, runId, true);
      } else {
        // An interrupted run starts again; its finished answers come back from the response cache.
        if (existing) opts.store.deleteRun(runId);
        opts.onRun?.(m.id, index, runId, false);
        const model: ModelChoice = {
          id: m.id,
          ...(m.baseUrl ? { baseUrl: m.baseUrl } : {}),
          ...(m.apiKeyEnv ? { apiKeyEnv: m.apiKeyEnv } : {}),
        };
        const out = await evaluate({
          task: SWEEP_TASK,
          taskArgs: {
            kind: opts.kind,
            format: JSON.stringify(format),
            format_index: index,
            ...(opts.groupBy ? { group_by: opts.groupBy } : {}),
          },
          dataset: opts.dataset,
          model,
          store: opts.store,
          runId,
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
          ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
          progress: opts.progress ?? "silent",
        });
        if (out.interrupted)
          return out.stopped
            ? {
                ...stopped(),
                stop: { runId, message: out.stopped.message, exitCode: out.stopped.exitCode },
              }
            : stopped();
        summary = out.summary;
      }
      results.push({
        index,
        format,
        description: describeFormat(format, opts.kind),
        runId,
        ...accuracyOf(summary),
        errors: summary?.errors ?? 0,
      });
    }
    const scored = results.filter((r) => Number.isFinite(r.accuracy));
    if (scored.length === 0) throw new UserError(`sweep: no format of ${m.id} produced a score`);
    const byAcc = [...scored].sort((a, b) => a.accuracy - b.accuracy || a.index - b.index);
    const values = byAcc.map((r) => r.accuracy);
    // Ties go to the lower format number, for best and worst alike.
    const best = byAcc.find((r) => r.accuracy === values[values.length - 1])!;
    models.push({
      model: m.id,
      results,
      min: values[0]!,
      median: median(values),
      max: values[values.length - 1]!,
      spread: values[values.length - 1]! - values[0]!,
      best,
      worst: byAcc[0]!,
    });
  }
  return { kind: opts.kind, dataset: opts.dataset, seed: opts.seed, formats, models, interrupted: false };
}
