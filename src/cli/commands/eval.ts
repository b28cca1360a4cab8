/** `assay eval`, `assay resume`, `assay retry-errors`: start or continue a run. */
import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import type { GenerateConfig, TaskArgs } from "../../core/types.js";
import { buildManifest, type RunOutcome, runEval } from "../../engine/run.js";
import { defaultJudgeId, defaultModelId } from "../../providers/default-model.js";
import { prepareLocalModels } from "../../providers/gguf.js";
import type { Model } from "../../providers/model.js";
import type { RunStore } from "../../store/run-store.js";
import { createTask, getTaskDefinition } from "../../tasks/index.js";
import { UserError } from "../../util/errors.js";
import { buildModel, collectTaskArg, intOption, numberOption, openStore, printJson } from "../common.js";
import { renderReport } from "./report.js";
import { printSummary } from "./show.js";

interface ExecFlags {
  concurrency: number;
  judgeConcurrency?: number;
  timeout?: number;
  maxRetries: number;
  backoffMs: number;
  cache: boolean;
  db?: string;
  json?: boolean;
  progress: "auto" | "tty" | "plain" | "silent";
}

interface EvalFlags extends ExecFlags {
  model?: string;
  modelBaseUrl?: string;
  modelApiKeyEnv?: string;
  judge?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  dataset?: string;
  data?: string;
  fields?: string;
  judgePrompts?: string;
  taskArg?: TaskArgs;
  limit?: number;
  epochs: number;
  seed?: number;
  runId?: string;
  temperature?: number;
  maxTokens?: number;
}

function addExecOptions(cmd: Command): Command {
  return cmd
    .option(
      "--concurrency <n>",
      "samples in flight at once (and the model's connection limit)",
      intOption("--concurrency", 1),
      16,
    )
    .option(
      "--judge-concurrency <n>",
      "connection limit for the judge (default: --concurrency)",
      intOption("--judge-concurrency", 1),
    )
    .option("--timeout <seconds>", "per-request timeout", numberOption("--timeout", 0.001))
    .option(
      "--max-retries <n>",
      "retries per request for 429/5xx/timeouts/malformed replies",
      intOption("--max-retries", 0),
      6,
    )
    .option(
      "--backoff-ms <ms>",
      "first retry delay; doubles each retry, with jitter",
      intOption("--backoff-ms", 0),
      1000,
    )
    .option("--no-cache", "neither read nor write the response cache")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--progress <mode>", "progress display: auto, tty, plain or silent", "auto")
    .option("--json", "print the result as JSON on stdout");
}

export function registerEvalCommands(program: Command): void {
  addExecOptions(
    program
      .command("eval")
      .description("run a task against a model and store every result")
      .argument("<task>", "task name (see: assay tasks)")
      .option(
        "--model <provider/model>",
        "model under test, e.g. openai/gpt-4o-mini (default: the embedded local GGUF model)",
      )
      .option(
        "--model-base-url <url>",
        "OpenAI-compatible base URL (default $OPENAI_BASE_URL or api.openai.com)",
      )
      .option(
        "--model-api-key-env <name>",
        "environment variable holding the model's API key (default OPENAI_API_KEY)",
      )
      .option(
        "--judge <provider/model>",
        "judge model for model-graded scorers (default: the embedded local model)",
      )
      .option("--judge-base-url <url>", "base URL for the judge")
      .option("--judge-api-key-env <name>", "environment variable holding the judge's API key")
      .option("--dataset <path|url>", "dataset file or URL (JSON, JSONL, Parquet)")
      .option("--data <path>", "same as --dataset (e.g. a GameQA folder)")
      .option("--fields <mapping>", "record→sample field mapping, e.g. input=question,target=answer,id=qid")
      .option("-T, --task-arg <key=value>", "task option (repeatable)", collectTaskArg)
      .option("--judge-prompts <dir>", "replacement judge prompt folder (same as -T judge_prompts=DIR)")
      .option("--limit <n>", "only the first N samples", intOption("--limit", 1))
      .option("--epochs <k>", "repeat each sample K times", intOption("--epochs", 1), 1)
      .option(
        "--seed <s>",
        "seed sent to the model (epoch k uses s+k-1) and used for resampling",
        intOption("--seed", 0),
      )
      .option("--temperature <t>", "sampling temperature", numberOption("--temperature", 0))
      .option("--max-tokens <n>", "maximum output tokens", intOption("--max-tokens", 1))
      .option("--run-id <id>", "id for the new run (default <task>-<time>-<random>)"),
  ).action(async (taskName: string, flags: EvalFlags) => {
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
      const outcome = await withInterrupts((signal) =>
        runEval({
          store,
          manifest,
          task,
          model,
          ...(judge ? { judge } : {}),
          mode: "new",
          concurrency: flags.concurrency,
          signal,
          progress: flags.progress,
        }),
      );
      finish(outcome, store, flags, model, judge);
    } finally {
      store.close();
    }
  });

  for (const [name, mode, description] of [
    ["resume", "resume", "finish an interrupted run: runs only the samples that have no stored result"],
    ["retry-errors", "retry-errors", "re-run only the samples that failed (bypassing cached answers)"],
  ] as const) {
    addExecOptions(
      program
        .command(name)
        .description(description)
        .argument("<run-id>", "run id (or a unique prefix)")
        .option("--model-base-url <url>", "serve the model from a different URL this time")
        .option("--model-api-key-env <name>", "environment variable holding the model's API key")
        .option("--judge-base-url <url>", "serve the judge from a different URL this time")
        .option("--judge-api-key-env <name>", "environment variable holding the judge's API key")
        .option(
          "--force",
          "continue even if the task or configuration no longer matches the stored manifest",
        ),
    ).action(async (id: string, flags: EvalFlags & { force?: boolean }) => {
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
        const outcome = await withInterrupts((signal) =>
          runEval({
            store,
            manifest: m,
            task,
            model,
            ...(judge ? { judge } : {}),
            mode,
            concurrency: flags.concurrency,
            signal,
            progress: flags.progress,
          }),
        );
        finish(outcome, store, flags, model, judge);
      } finally {
        store.close();
      }
    });
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

function describeMismatch(
  a: import("../../store/run-store.js").RunManifest,
  b: import("../../store/run-store.js").RunManifest,
): string {
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

/** Ctrl-C (or SIGTERM) once: stop starting work, keep what finished, mark the run interrupted. Twice: quit now. */
async function withInterrupts<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let presses = 0;
  const onSignal = () => {
    presses++;
    if (presses === 1) {
      process.stderr.write("\nstopping: saving finished results (Ctrl-C again to quit at once)\n");
      controller.abort(new Error("interrupted"));
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
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
