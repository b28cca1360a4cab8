import { readFileSync } from "node:fs";
/** What `assay eval`, `assay resume` and `assay retry-errors` do; loaded when one of them runs (see eval.ts). */

import { requireHttpUrl } from "../../cli-kit/options.js";
import { printJson } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import type { GenerateConfig, TaskArgs } from "../../core/types.js";
import { missingDatasetDownload } from "../../dataset/download.js";
import { batchSettings, runBatchEval } from "../../engine/batch-run.js";
import { buildManifest, type RunOptions, type RunOutcome, runEval } from "../../engine/run.js";
import { selectionFromFlags, selectionOf } from "../../engine/shard.js";
import type { SubsetSpec } from "../../engine/subset.js";
import type { RunSummary } from "../../engine/summary.js";
import { buildModel } from "../../providers/build-model.js";
import { defaultJudgeId, defaultModelId } from "../../providers/default-model.js";
import { prepareLocalModels } from "../../providers/gguf-provider.js";
import { missingModelDownloads } from "../../providers/hf-download.js";
import type { Model } from "../../providers/model.js";
import {
  type RunExecution,
  type RunManifest,
  type RunStore,
  StoreWriteError,
} from "../../store/run-store.js";
import { applyGates, checkGatesApply } from "../../taskfile/fail-under.js";
import { createTask, findTaskDefinition } from "../../tasks/index.js";
import { errorMessage, UserError } from "../../util/errors.js";
import { interruptExitCode, withInterrupts } from "../../util/interrupt.js";
import { OfflineError } from "../../util/offline.js";
import { newRunId } from "../../util/run-id.js";
import { secretFieldName } from "../../util/secrets.js";
import type { EvalFlags, ExecFlagKey, ExecFlags } from "./eval.js";
import {
  costOfRun,
  preflightRun,
  priceOverrides,
  printCost,
  reportStop,
  runControl,
} from "./eval-control.js";
import { estimateRun, printEstimate } from "./eval-estimate.js";
import { renderReport } from "./report-actions.js";
import { printSummary } from "./show-actions.js";
import { argsFromStartFolder } from "./start-folder.js";

/** `assay eval`: a new run. */
export async function evalCommand(taskName: string | undefined, flags: EvalFlags): Promise<void> {
  try {
    await newRun(taskName, flags);
  } catch (err) {
    // Offline: one message for every download the command still needs (dataset and models), not one
    // per attempt.
    if (!(err instanceof OfflineError)) throw err;
    const dataset = missingDatasetDownload(flags.dataset ?? flags.data);
    const candidates = [
      ...(dataset ? [dataset] : []),
      ...missingModelDownloads([flags.model ?? defaultModelId(), flags.judge]),
    ];
    const known = new Set(err.downloads.map((d) => d.url));
    const more = candidates.filter((d) => !known.has(d.url));
    throw more.length ? new OfflineError([...err.downloads, ...more]) : err;
  }
}

async function newRun(taskName: string | undefined, flags: EvalFlags): Promise<void> {
  if (taskName === undefined)
    throw new UserError(
      "name a task (see: assay tasks), a task file (./my-task.ts) or a config (-c eval.yaml)",
    );
  checkUrls(flags);
  const { limit, selection } = selectionFromFlags(flags);
  if (flags.batchRetry !== undefined && !flags.batch) throw new UserError("--batch-retry needs --batch");
  const args: TaskArgs = { ...flags.taskArg };
  if (flags.dataset !== undefined && flags.data !== undefined)
    throw new UserError("give --dataset or --data, not both");
  if ((flags.dataset ?? flags.data) !== undefined) args.dataset = (flags.dataset ?? flags.data)!;
  if (flags.fields !== undefined) args.fields = flags.fields;
  if (flags.judgePrompts !== undefined) args.judge_prompts = flags.judgePrompts;
  const { task, args: resolvedArgs } = await createTask(taskName, args);
  if (flags.failUnder?.length) checkGatesApply(flags.failUnder, task.scorers, "--fail-under");
  const extra = { ...readModelArgs(flags.modelArgs), ...flags.modelArg };
  const secretField = secretFieldName(extra);
  if (secretField !== undefined)
    throw new UserError(
      `request field "${secretField}" (-M/--model-args) would be stored with the run: put the key in an environment variable and name it with --model-api-key-env`,
    );
  const overrides: GenerateConfig = {
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
    ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
    ...(flags.reasoningEffort !== undefined ? { reasoningEffort: flags.reasoningEffort } : {}),
    ...(flags.logprobs !== undefined ? { logprobs: flags.logprobs } : {}),
    ...(Object.keys(extra).length ? { extra } : {}),
    ...(flags.keepThink ? { keepThink: true } : {}),
  };
  task.config = { ...task.config, ...overrides };
  const store = openStore(flags.db);
  try {
    const cache = flags.cache ? store : undefined;
    // No --model: the embedded local model (downloaded once; see docs/local-models.md).
    const model = buildModel({
      id: flags.model ?? defaultModelId(),
      concurrency: flags.concurrency,
      ...modelFlags(flags, cache),
      ...(flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {}),
      ...(flags.modelApiKeyEnv ? { apiKeyEnv: flags.modelApiKeyEnv } : {}),
    });
    // Zero-configuration mode (no --model) uses the embedded model as judge too; a user who names the
    // model under test but forgets the judge gets told, rather than a silent 0.5B judge.
    const needsJudge = task.scorers.some((s) => s.requiresJudge);
    if (needsJudge && !flags.judge && flags.model) {
      throw new UserError(
        `task "${task.name}" is judged by a model: pass --judge <provider/model> ` +
          "(or leave out --model as well, to use the embedded local model for both)",
      );
    }
    const judgeId = flags.judge ?? (needsJudge ? defaultJudgeId() : undefined);
    const judge = judgeId
      ? buildJudge(flags, judgeId, flags.judgeBaseUrl, flags.judgeApiKeyEnv, cache, judgeSampling(flags))
      : undefined;
    const sample = subsetOf(flags, task.groupBy?.[0]);
    if (flags.dryRun) {
      const estimate = await estimateRun({
        task,
        epochs: flags.epochs,
        limit,
        sample,
        modelId: model.id,
        judgeId,
        judgeMaxTokens: flags.judgeMaxTokens,
        prices: priceOverrides(flags),
      });
      printEstimate(estimate, flags.json);
      return;
    }
    // The dataset's hash first: a mistyped --dataset path is named before a model download starts.
    const fingerprint = await task.dataset.fingerprint?.();
    // Download/load local models before the run, so an offline machine gets one clear error up front.
    await prepareLocalModels([model.provider, judge?.provider]);
    const runId = flags.runId ?? newRunId(task.name);
    const manifest = buildManifest({
      runId,
      task,
      taskArgs: resolvedArgs,
      model,
      ...(judge ? { judge } : {}),
      epochs: flags.epochs,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(sample ? { sample } : {}),
      ...(fingerprint ? { datasetFingerprint: fingerprint } : {}),
      execution: { ...executionOf(flags), cwd: process.cwd() },
      selection,
    });
    if (limit !== undefined && selection.limitFrom === undefined && task.groupBy?.length)
      process.stderr.write(
        `note: --limit ${limit} takes the first ${limit} samples in file order, whatever their ` +
          `${task.groupBy[0]}; --sample ${limit} --seed S takes a random subset stratified by ${task.groupBy[0]}\n`,
      );
    await execute({ store, manifest, task, model, ...(judge ? { judge } : {}), mode: "new" }, flags);
    if (flags.failUnder?.length)
      applyGates(flags.failUnder, store.requireRun(runId).summary as RunSummary | undefined, !flags.quiet);
  } finally {
    store.close();
  }
}

/** `assay resume` and `assay retry-errors`: continue a stored run. */
export async function continueCommand(
  mode: "resume" | "retry-errors",
  id: string,
  commandLine: EvalFlags & { force?: boolean },
  given: ReadonlySet<ExecFlagKey> = new Set(),
): Promise<void> {
  checkUrls(commandLine);
  const store = openStore(commandLine.db);
  try {
    const run = store.requireRun(id);
    // Said in words instead of a "0/0 samples" progress line (scripts asking for JSON get the usual result).
    const nothingToRetry = mode === "retry-errors" && run.status === "completed" && !commandLine.json;
    if (nothingToRetry && !commandLine.quiet && store.countSamples(id).errors === 0) {
      process.stderr.write(
        `run ${id} has no failed samples: nothing to retry (its results:  assay show ${id})\n`,
      );
      return;
    }
    const stored = run.manifest;
    // The run's own execution settings, unless this command line gives others (which are recorded).
    const flags = { ...commandLine, ...continuationExec(stored.execution, commandLine, given) };
    const cwd = stored.execution.cwd;
    const m = recordExecution(stored, { ...executionOf(flags), ...(cwd ? { cwd } : {}) });
    const { task } = await createTask(m.task.name, argsFromStartFolder(m.task.args, cwd));
    task.config = { ...m.generate };
    const cache = flags.cache ? store : undefined;
    const model = buildModel({
      id: m.model.id,
      concurrency: flags.concurrency,
      ...modelFlags(flags, cache),
      ...((flags.modelBaseUrl ?? m.model.endpoint)
        ? { baseUrl: (flags.modelBaseUrl ?? m.model.endpoint)! }
        : {}),
      ...(flags.modelApiKeyEnv ? { apiKeyEnv: flags.modelApiKeyEnv } : {}),
    });
    const judge = m.judge
      ? buildJudge(
          flags,
          m.judge.id,
          flags.judgeBaseUrl ?? m.judge.endpoint,
          flags.judgeApiKeyEnv,
          cache,
          m.judge.generate,
        )
      : undefined;
    await prepareLocalModels([model.provider, judge?.provider]);
    const fingerprint = m.dataset ? await task.dataset.fingerprint?.() : undefined;
    const check = buildManifest({
      runId: m.runId,
      task,
      taskArgs: m.task.args,
      model,
      ...(judge ? { judge } : {}),
      epochs: m.epochs,
      ...(m.seed !== undefined ? { seed: m.seed } : {}),
      ...(m.limit !== undefined ? { limit: m.limit } : {}),
      ...(m.sample ? { sample: m.sample } : {}),
      ...(fingerprint ? { datasetFingerprint: fingerprint } : {}),
      execution: m.execution,
      selection: selectionOf(m),
      // The same model names served from another URL this time give the same results: the run's own
      // endpoints are hashed, and the new ones are recorded beside them.
      recordedEndpoints: {
        ...(m.model.endpoint ? { model: m.model.endpoint } : {}),
        ...(m.judge?.endpoint ? { judge: m.judge.endpoint } : {}),
      },
    });
    if (check.configHash !== m.configHash && !flags.force) {
      throw new UserError(
        `run ${m.runId} was made with a different configuration (${describeMismatch(m, check)}); ` +
          "results would mix. Start a new run, or pass --force to continue anyway.",
      );
    }
    const manifest = withLaterEndpoints(m, model.provider.endpoint, judge?.provider.endpoint);
    if (manifest !== stored) store.setManifest(m.runId, manifest);
    await execute({ store, manifest, task, model, ...(judge ? { judge } : {}), mode }, flags);
  } finally {
    store.close();
  }
}

function modelFlags(flags: ExecFlags, cache: RunStore | undefined) {
  return {
    retry: { maxRetries: flags.maxRetries, baseMs: flags.backoffMs },
    ...(flags.timeout ? { timeoutS: flags.timeout } : {}),
    ...(cache ? { cache } : {}),
  };
}

function buildJudge(
  flags: ExecFlags,
  id: string,
  baseUrl: string | undefined,
  apiKeyEnv: string | undefined,
  cache: RunStore | undefined,
  sampling: GenerateConfig | undefined,
): Model {
  return buildModel({
    id,
    concurrency: flags.judgeConcurrency ?? flags.concurrency,
    ...modelFlags(flags, cache),
    ...(baseUrl ? { baseUrl } : {}),
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
    ...(sampling && Object.keys(sampling).length ? { defaults: sampling } : {}),
  });
}

/** The judge's sampling options from the command line (recorded in the manifest; a task's own win per call). */
function judgeSampling(flags: EvalFlags): GenerateConfig {
  return {
    ...(flags.judgeTemperature !== undefined ? { temperature: flags.judgeTemperature } : {}),
    ...(flags.judgeSeed !== undefined ? { seed: flags.judgeSeed } : {}),
    ...(flags.judgeMaxTokens !== undefined ? { maxTokens: flags.judgeMaxTokens } : {}),
  };
}

function subsetOf(flags: EvalFlags, by: string | undefined): SubsetSpec | undefined {
  if (flags.sample === undefined) return undefined;
  if (flags.limit !== undefined) throw new UserError("give --sample or --limit, not both");
  return { n: flags.sample, seed: flags.seed ?? 0, ...(by ? { by } : {}) };
}

/** The manifest with this continuation's endpoints recorded, when they differ from the run's own. */
function withLaterEndpoints(
  m: RunManifest,
  model: string | undefined,
  judge: string | undefined,
): RunManifest {
  const add = <R extends { endpoint?: string; laterEndpoints?: string[] }>(
    role: R,
    url: string | undefined,
  ): R =>
    url && url !== role.endpoint && !role.laterEndpoints?.includes(url)
      ? { ...role, laterEndpoints: [...(role.laterEndpoints ?? []), url] }
      : role;
  const nextModel = add(m.model, model);
  const nextJudge = m.judge ? add(m.judge, judge) : undefined;
  if (nextModel === m.model && nextJudge === m.judge) return m;
  return {
    ...m,
    model: nextModel,
    ...(nextJudge ? { judge: nextJudge as NonNullable<RunManifest["judge"]> } : {}),
  };
}

function executionOf(flags: ExecFlags): RunExecution {
  return {
    concurrency: flags.concurrency,
    ...(flags.timeout ? { timeoutS: flags.timeout } : {}),
    maxRetries: flags.maxRetries,
    cache: flags.cache,
    backoffMs: flags.backoffMs,
    ...(flags.judgeConcurrency !== undefined ? { judgeConcurrency: flags.judgeConcurrency } : {}),
  };
}

/**
 * A continuation's execution flags: each one typed on its command line (`given`) wins, every other
 * comes from the run's manifest; settings older runs did not record keep the command's defaults.
 */
function continuationExec(
  stored: RunExecution,
  flags: ExecFlags,
  given: ReadonlySet<ExecFlagKey>,
): Pick<ExecFlags, ExecFlagKey> {
  const pick = <K extends ExecFlagKey>(key: K, value: ExecFlags[K]): ExecFlags[K] =>
    given.has(key) ? flags[key] : value;
  const timeout = pick("timeout", stored.timeoutS);
  const judgeConcurrency = pick("judgeConcurrency", stored.judgeConcurrency);
  return {
    concurrency: pick("concurrency", stored.concurrency),
    maxRetries: pick("maxRetries", stored.maxRetries),
    backoffMs: pick("backoffMs", stored.backoffMs ?? flags.backoffMs),
    cache: pick("cache", stored.cache),
    ...(timeout !== undefined ? { timeout } : {}),
    ...(judgeConcurrency !== undefined ? { judgeConcurrency } : {}),
  };
}

/** The manifest with this continuation's execution settings, when they differ (not hashed). */
function recordExecution(m: RunManifest, execution: RunExecution): RunManifest {
  return JSON.stringify(execution) === JSON.stringify(m.execution) ? m : { ...m, execution };
}

function checkUrls(flags: EvalFlags): void {
  if (flags.modelBaseUrl !== undefined) requireHttpUrl("--model-base-url", flags.modelBaseUrl);
  if (flags.judgeBaseUrl !== undefined) requireHttpUrl("--judge-base-url", flags.judgeBaseUrl);
}

function describeMismatch(a: RunManifest, b: RunManifest): string {
  const diffs: string[] = [];
  if (a.dataset?.sha256 !== b.dataset?.sha256) {
    diffs.push(
      `dataset ${a.dataset?.name ?? ""} changed since the run started (sha256 ${a.dataset?.sha256.slice(0, 12)} → ${b.dataset?.sha256.slice(0, 12) ?? "?"})`,
    );
  }
  if (a.task.version !== b.task.version) diffs.push(`task version ${a.task.version} → ${b.task.version}`);
  // Task files and config evals (src/taskfile): the version carries the file's sha256.
  const source = a.task.args.task_file ?? a.task.args.config_file;
  if (source !== undefined && a.task.version !== b.task.version) diffs.push(`${source} was edited since`);
  if (JSON.stringify(a.scorers) !== JSON.stringify(b.scorers)) diffs.push("scorers changed");
  if (a.model.endpoint !== b.model.endpoint)
    diffs.push(`model endpoint ${a.model.endpoint} → ${b.model.endpoint}`);
  if (a.judge?.endpoint !== b.judge?.endpoint)
    diffs.push(`judge endpoint ${a.judge?.endpoint} → ${b.judge?.endpoint}`);
  return diffs.join("; ") || "task definition changed";
}

/** Run (or continue) a stored run with Ctrl-C handling, then print its outcome. */
async function execute(
  run: Omit<RunOptions, "concurrency" | "signal" | "progress">,
  flags: ExecFlags,
): Promise<void> {
  let exitCode = 130;
  const control = runControl(flags, run.model, run.judge);
  const outcome = await withInterrupts("saving finished results", async (signal) => {
    try {
      const args = {
        ...run,
        concurrency: flags.concurrency,
        signal,
        progress: flags.progress,
        ...(flags.preflight === false ? {} : { beforeStart: () => preflightRun(run, signal) }),
        control,
      };
      const batch = batchSettings(run.manifest, flags.batch ? (flags.batchRetry ?? "live") : undefined);
      return await (batch ? runBatchEval({ ...args, batch }) : runEval(args));
    } catch (err) {
      if (err instanceof StoreWriteError)
        throw new StoreWriteError(
          `${err.message}; run ${run.manifest.runId} stopped (finished samples are kept): ` +
            `fix that, then  assay resume ${run.manifest.runId}`,
          err.fatal,
          err,
        );
      throw err;
    } finally {
      exitCode = interruptExitCode(signal);
    }
  });
  if (outcome.stopped) {
    reportStop(run.store, run.manifest.runId, outcome.stopped, flags, run.model, run.judge);
    return;
  }
  finish(outcome, run.store, flags, run.model, run.judge, exitCode);
}

function finish(
  outcome: RunOutcome,
  store: RunStore,
  flags: ExecFlags,
  model: Model,
  judge: Model | undefined,
  interruptedExit: number,
): void {
  const run = store.requireRun(outcome.runId);
  const counts = store.countSamples(outcome.runId);
  if (flags.quiet) {
    // The caller prints (a config eval's combined result).
  } else if (flags.json) {
    printJson({
      runId: outcome.runId,
      status: run.status,
      ran: outcome.ran,
      failed: counts.errors,
      calls: { model: { ...model.stats }, ...(judge ? { judge: { ...judge.stats } } : {}) },
      summary: outcome.summary,
      cost: costOfRun(store, outcome.runId, flags) ?? null,
    });
  } else {
    printSummary(run, outcome.summary);
    printCost(store, outcome.runId, flags);
    if (findTaskDefinition(run.task)?.report && outcome.summary.samples > 0) {
      process.stdout.write(`\n${renderReport(store, [run], "table")}\n`);
    }
    if (outcome.interrupted)
      process.stderr.write(`run interrupted: continue with  assay resume ${outcome.runId}\n`);
    else if (counts.errors) {
      // The commonest errors, so a wrong URL or key is visible without exporting the run.
      for (const e of store.topErrors(outcome.runId, 3)) process.stderr.write(`  ${e.count} × ${e.error}\n`);
      process.stderr.write(
        `${counts.errors} sample(s) failed: see  assay export ${outcome.runId}  or retry with  assay retry-errors ${outcome.runId}\n`,
      );
    }
  }
  process.exitCode = outcome.interrupted ? interruptedExit : counts.errors > 0 ? 1 : 0;
}

/** `--model-args file.json`: one JSON object of request-body fields. */
function readModelArgs(file: string | undefined): Record<string, unknown> {
  if (file === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`--model-args ${file}: ${errorMessage(err)}`);
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new UserError(`--model-args ${file}: expected a JSON object of request fields`);
  return value as Record<string, unknown>;
}
