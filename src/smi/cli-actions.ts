/** What `assay smi …` do; loaded when a command runs (see cli.ts). */

import { print } from "../cli-kit/output.js";
import type { CountRules } from "../corpus/shard.js";
import { UserError } from "../util/errors.js";
import type { FitCommandOptions, PredictCommandOptions } from "./cli-fit.js";
import type { ProbeScoring } from "./probe.js";

/** Flags of `smi count` (see cli.ts). */
export interface CountFlags extends RuleFlags {
  corpus: string[];
  triples: string;
  out?: string;
  parts?: string;
  shard?: string;
  workers?: number;
  json?: boolean;
}

/** Flags of `smi merge`. */
export interface MergeFlags {
  triples: string;
  out: string;
  json?: boolean;
}

interface RuleFlags {
  textField: string;
  fallbackField?: string;
  exclude?: string;
  onBadLine: string;
}

function rulesFrom(flags: RuleFlags): CountRules {
  if (flags.onBadLine !== "error" && flags.onBadLine !== "skip") {
    throw new UserError(`--on-bad-line must be "error" or "skip", got "${flags.onBadLine}"`);
  }
  const rules: CountRules = { textField: flags.textField, onBadLine: flags.onBadLine };
  if (flags.fallbackField) rules.fallbackField = flags.fallbackField;
  if (flags.exclude) {
    const eq = flags.exclude.indexOf("=");
    if (eq <= 0)
      throw new UserError(
        `--exclude ${flags.exclude}: expected path=value, e.g. meta.redpajama_set_name=RedPajamaGithub`,
      );
    rules.exclude = { path: flags.exclude.slice(0, eq), value: flags.exclude.slice(eq + 1) };
  }
  return rules;
}

export async function countAction(shards: string[], opts: CountFlags): Promise<void> {
  const { runCount } = await import("./count.js");
  const { formatBytes } = await import("../util/progress.js");
  const corpus = [...opts.corpus, ...shards];
  if (corpus.length === 0) {
    throw new UserError("smi count: give --corpus (a file, folder or quoted glob) or shard files");
  }
  const summary = await runCount({
    triples: opts.triples,
    corpus,
    out: opts.out,
    parts: opts.parts,
    shard: opts.shard,
    workers: opts.workers,
    rules: rulesFrom(opts),
  });
  const { rows, ...rest } = summary;
  const rate = summary.seconds > 0 ? summary.textBytes / summary.seconds : 0;
  print(
    opts.json,
    { ...rest, triples: rows.length },
    [
      `counted ${summary.shardsCounted} shard(s), resumed ${summary.shardsResumed}, of ${summary.shardsSelected} selected`,
      `documents: ${summary.documents} · skipped lines: ${summary.skippedLines} · excluded documents: ${summary.excludedDocuments}`,
      `text scanned this run: ${formatBytes(summary.textBytes)} in ${summary.seconds.toFixed(1)} s (${formatBytes(rate)}/s)`,
      `partial results: ${summary.partsDir}${summary.out ? ` · counts: ${summary.out}` : ""}`,
    ].join("\n"),
  );
}

export async function mergeAction(inputs: string[], opts: MergeFlags): Promise<void> {
  const { runMerge } = await import("./count.js");
  const r = runMerge({ triples: opts.triples, inputs, out: opts.out });
  print(
    opts.json,
    { shards: r.shards, documents: r.documents, triples: r.rows.length, out: opts.out },
    `merged ${r.shards} shard(s), ${r.documents} documents, ${r.rows.length} triples → ${opts.out}`,
  );
}

export async function fitAction(opts: FitCommandOptions & { json?: boolean }): Promise<void> {
  const { formatFitTable, runFit } = await import("./cli-fit.js");
  const { fit, plots, skipped } = runFit(opts);
  const notes = skipped.map((x) => `skipped ${x.file}: ${x.reason}`).join("\n");
  print(
    opts.json,
    skipped.length ? { ...fit, skipped } : fit,
    `${formatFitTable(fit)}\nplots: ${plots.join(", ")}${notes ? `\n${notes}` : ""}`,
  );
}

export async function predictAction(opts: PredictCommandOptions & { json?: boolean }): Promise<void> {
  const { formatPrediction, runPredict } = await import("./cli-fit.js");
  const result = runPredict(opts);
  print(opts.json, result.summary, formatPrediction(result));
}

export interface ProbeFlags {
  model: string;
  modelBaseUrl?: string;
  triples: string;
  templates: string;
  counts?: string;
  out: string;
  samples: number;
  temperature: number;
  maxTokens: number;
  chat?: boolean;
  scoring: string;
  concurrency: number;
  limit?: number;
  db?: string;
  json?: boolean;
  progress?: "auto" | "silent";
}

export interface ProbeSummary {
  runId: string;
  probed: number;
  failed: number;
  meanAcc: number;
  interrupted: boolean;
  /** The engine stopped the run (every sample failed, a run control) rather than a signal. */
  stopped: boolean;
}

/**
 * Probe through the engine (a `smi-probe` run in the run store), then write the merge_outputs rows of
 * the triples whose samples all finished. Interrupted: nothing is written, and the same command
 * continues the run.
 */
export async function runProbe(flags: ProbeFlags): Promise<ProbeSummary> {
  if (flags.scoring !== "exact" && flags.scoring !== "completion") {
    throw new UserError(`--scoring must be "exact" or "completion", got "${flags.scoring}"`);
  }
  const scoring: ProbeScoring = flags.scoring;
  // Loaded here, not at the top: registering the command must not load providers (CLI start-up).
  const { Model, ModelStats } = await import("../providers/model.js");
  const { createProvider } = await import("../providers/registry.js");
  const { AdaptiveLimiter } = await import("../scheduler/limiter.js");
  const { openStore } = await import("../store/open.js");
  const { interruptExitCode, withInterrupts } = await import("../util/interrupt.js");
  const { loadTemplates, mergeOutputs, writeJson } = await import("./probe.js");
  const { probeTriplesOf } = await import("./probe-task.js");
  const { probeTriples } = await import("./probe-run.js");
  const { loadCountRows } = await import("./rows.js");
  const triples = probeTriplesOf(flags.triples, loadTemplates(flags.templates), flags.limit);
  const counts = flags.counts ? loadCountRows(flags.counts) : undefined;
  if (counts) {
    const have = new Set(counts.map((r) => r.idx));
    const missing = triples.find((t) => !have.has(t.idx));
    if (missing)
      throw new UserError(`${flags.counts}: no counts for triple idx ${missing.idx} of ${flags.triples}`);
  }
  const store = openStore(flags.db);
  const provider = createProvider(flags.model, flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {});
  try {
    const model = new Model(provider, {
      id: flags.model,
      limiter: new AdaptiveLimiter(
        Math.min(flags.concurrency, provider.maxConcurrency ?? Number.POSITIVE_INFINITY),
      ),
      timeoutMs: 120_000,
      cache: store,
      stats: new ModelStats(),
    });
    const outcome = await withInterrupts("saving finished samples", (signal) =>
      probeTriples(store, model, {
        triples: flags.triples,
        templates: flags.templates,
        ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
        samples: flags.samples,
        temperature: flags.temperature,
        maxTokens: flags.maxTokens,
        scoring,
        completion: !flags.chat,
        concurrency: flags.concurrency,
        signal,
        ...(flags.progress ? { progress: flags.progress } : {}),
      }),
    );
    const accuracies = outcome.accuracies;
    const ok = accuracies.filter((a) => a.error === undefined);
    const failed = accuracies.length - ok.length;
    if (!outcome.interrupted) {
      if (counts) {
        const wanted = new Set(triples.map((t) => t.idx));
        writeJson(
          flags.out,
          mergeOutputs(
            counts.filter((r) => wanted.has(r.idx)),
            accuracies,
          ),
        );
      } else {
        const byIdx = new Map(ok.map((a) => [a.idx, a.acc]));
        writeJson(
          flags.out,
          triples.filter((t) => byIdx.has(t.idx)).map((t) => ({ ...t, acc: byIdx.get(t.idx)! })),
        );
      }
    }
    if (outcome.stopped) {
      // Stopped by the engine, not by a signal: say why, and what failed.
      for (const e of store.topErrors(outcome.runId, 3)) process.stderr.write(`  ${e.count} × ${e.error}\n`);
      process.stderr.write(`${outcome.stopped.message}\n`);
    }
    process.exitCode = outcome.stopped
      ? outcome.stopped.exitCode
      : outcome.interrupted
        ? interruptExitCode()
        : failed > 0
          ? 1
          : 0;
    const meanAcc = ok.reduce((a, r) => a + r.acc, 0) / Math.max(1, ok.length);
    return {
      runId: outcome.runId,
      probed: ok.length,
      failed,
      meanAcc,
      interrupted: outcome.interrupted,
      stopped: outcome.stopped !== undefined,
    };
  } finally {
    await provider.close?.();
    store.close();
  }
}

export async function probeAction(flags: ProbeFlags): Promise<void> {
  const r = await runProbe(flags);
  if (r.interrupted) {
    process.stderr.write(
      r.stopped
        ? `probe stopped (run ${r.runId}); after fixing the cause, the same command retries the failed samples\n`
        : `probe interrupted (run ${r.runId}): run the same command again to continue\n`,
    );
    return;
  }
  const text = `probed ${r.probed} triple(s)${r.failed ? `, ${r.failed} failed` : ""}; mean accuracy ${r.meanAcc.toFixed(4)} → ${flags.out} (run ${r.runId})`;
  process.stdout.write(flags.json ? `${JSON.stringify({ ...r, out: flags.out })}\n` : `${text}\n`);
}
