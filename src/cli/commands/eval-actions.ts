/** What `assay eval`, `assay resume` and `assay retry-errors` do; loaded when one of them runs (see eval.ts). */
import { randomBytes } from "node:crypto";
import type { GenerateConfig, TaskArgs } from "../../core/types.js";
import { buildManifest, type RunOptions, type RunOutcome, runEval } from "../../engine/run.js";
import { defaultJudgeId, defaultModelId } from "../../providers/default-model.js";
import { prepareLocalModels } from "../../providers/gguf-provider.js";
import type { Model } from "../../providers/model.js";
import type { RunManifest, RunStore } from "../../store/run-store.js";
import { createTask, getTaskDefinition } from "../../tasks/index.js";
import { UserError } from "../../util/errors.js";
import { withInterrupts } from "../../util/interrupt.js";
import { buildModel, openStore, printJson } from "../common.js";
import type { EvalFlags, ExecFlags } from "./eval.js";
import { renderReport } from "./report-actions.js";
import { printSummary } from "./show-actions.js";

/** `assay eval`: a new run. */
export async function evalCommand(taskName: string, flags: EvalFlags): Promise<void> {
  const args: TaskArgs = { ...flags.taskArg };
  if (flags.dataset !== undefined && flags.data !== undefined)
    throw new UserError("give --dataset or --data, not both");
  if ((flags.dataset ?? flags.data) !== undefined) args.dataset = (flags.dataset ?? flags.data)!;
  if (flags.fields !== undefined) args.fields = flags.fields;
  if (flags.judgePrompts !== undefined) args.judge_prompts = flags.judgePrompts;
  const { task, args: resolvedArgs } = await createTask(taskName, args);
  const overrides: GenerateConfig = {
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
    ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
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
      ? buildJudge(flags, judgeId, flags.judgeBaseUrl, flags.judgeApiKeyEnv, cache)
      : undefined;
    // Download/load local models before the run, so an offline machine gets one clear error up front.
    await prepareLocalModels([model.provider, judge?.provider]);
    const runId = flags.runId ?? newRunId(task.name);
    const fingerprint = await task.dataset.fingerprint?.();
    const manifest = buildManifest({
      runId,
      task,
      taskArgs: resolvedArgs,
      model,
      ...(judge ? { judge } : {}),
      epochs: flags.epochs,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
      ...(fingerprint ? { datasetFingerprint: fingerprint } : {}),
      execution: executionOf(flags),
    });
    await execute({ store, manifest, task, model, ...(judge ? { judge } : {}), mode: "new" }, flags);
  } finally {
    store.close();
  }
}

/** `assay resume` and `assay retry-errors`: continue a stored run. */
export async function continueCommand(
  mode: "resume" | "retry-errors",
  id: string,
  flags: EvalFlags & { force?: boolean },
): Promise<void> {
  const store = openStore(flags.db);
  try {
    const run = store.requireRun(id);
    const m = run.manifest;
    const { task } = await createTask(m.task.name, m.task.args);
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
      ? buildJudge(flags, m.judge.id, flags.judgeBaseUrl ?? m.judge.endpoint, flags.judgeApiKeyEnv, cache)
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
      ...(fingerprint ? { datasetFingerprint: fingerprint } : {}),
      execution: m.execution,
    });
    if (check.configHash !== m.configHash && !flags.force) {
      throw new UserError(
        `run ${m.runId} was made with a different configuration (${describeMismatch(m, check)}); ` +
          "results would mix. Start a new run, or pass --force to continue anyway.",
      );
    }
    await execute({ store, manifest: m, task, model, ...(judge ? { judge } : {}), mode }, flags);
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
): Model {
  return buildModel({
    id,
    concurrency: flags.judgeConcurrency ?? flags.concurrency,
    ...modelFlags(flags, cache),
    ...(baseUrl ? { baseUrl } : {}),
    ...(apiKeyEnv ? { apiKeyEnv } : {}),
  });
}

function executionOf(flags: ExecFlags) {
  return {
    concurrency: flags.concurrency,
    ...(flags.timeout ? { timeoutS: flags.timeout } : {}),
    maxRetries: flags.maxRetries,
    cache: flags.cache,
  };
}

function describeMismatch(a: RunManifest, b: RunManifest): string {
  const diffs: string[] = [];
  if (a.dataset?.sha256 !== b.dataset?.sha256) {
    diffs.push(
      `dataset ${a.dataset?.name ?? ""} changed since the run started (sha256 ${a.dataset?.sha256.slice(0, 12)} → ${b.dataset?.sha256.slice(0, 12) ?? "?"})`,
    );
  }
  if (a.task.version !== b.task.version) diffs.push(`task version ${a.task.version} → ${b.task.version}`);
  if (JSON.stringify(a.scorers) !== JSON.stringify(b.scorers)) diffs.push("scorers changed");
  if (a.model.endpoint !== b.model.endpoint)
    diffs.push(`model endpoint ${a.model.endpoint} → ${b.model.endpoint}`);
  if (a.judge?.endpoint !== b.judge?.endpoint)
    diffs.push(`judge endpoint ${a.judge?.endpoint} → ${b.judge?.endpoint}`);
  return diffs.join("; ") || "task definition changed";
}

export function newRunId(task: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${task}-${t}-${randomBytes(2).toString("hex")}`;
}

/** Run (or continue) a stored run with Ctrl-C handling, then print its outcome. */
async function execute(
  run: Omit<RunOptions, "concurrency" | "signal" | "progress">,
  flags: ExecFlags,
): Promise<void> {
  const outcome = await withInterrupts("saving finished results", (signal) =>
    runEval({ ...run, concurrency: flags.concurrency, signal, progress: flags.progress }),
  );
  finish(outcome, run.store, flags, run.model, run.judge);
}

function finish(
  outcome: RunOutcome,
  store: RunStore,
  flags: ExecFlags,
  model: Model,
  judge: Model | undefined,
): void {
  const run = store.requireRun(outcome.runId);
  const counts = store.countSamples(outcome.runId);
  if (flags.json) {
    printJson({
      runId: outcome.runId,
      status: run.status,
      ran: outcome.ran,
      failed: counts.errors,
      calls: { model: { ...model.stats }, ...(judge ? { judge: { ...judge.stats } } : {}) },
      summary: outcome.summary,
    });
  } else {
    printSummary(run, outcome.summary);
    if (getTaskDefinition(run.task).report && outcome.summary.samples > 0) {
      process.stdout.write(`\n${renderReport(store, [run], "table")}\n`);
    }
    if (outcome.interrupted)
      process.stderr.write(`run interrupted: continue with  assay resume ${outcome.runId}\n`);
    else if (counts.errors) {
      // The commonest errors, so a wrong URL or key is visible without exporting the run.
      const top = store.db
        .prepare(
          "SELECT error, COUNT(*) AS n FROM samples WHERE run_id = ? AND error IS NOT NULL GROUP BY error ORDER BY n DESC LIMIT 3",
        )
        .all(outcome.runId) as Array<{ error: string; n: number }>;
      for (const e of top) process.stderr.write(`  ${e.n} × ${e.error}\n`);
      process.stderr.write(
        `${counts.errors} sample(s) failed: see  assay export ${outcome.runId}  or retry with  assay retry-errors ${outcome.runId}\n`,
      );
    }
  }
  process.exitCode = outcome.interrupted ? 130 : counts.errors > 0 ? 1 : 0;
}
