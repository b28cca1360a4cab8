/** `assay eval`, `assay resume`, `assay retry-errors`: start or continue a run (the work is in eval-actions.ts). */
import type { Command } from "commander";
import {
  choiceOption,
  collectModelArg,
  collectTaskArg,
  intOption,
  numberOption,
} from "../../cli-kit/options.js";
import type { TaskArgs } from "../../core/types.js";
import { collectFailUnder, type FailUnder } from "../../taskfile/fail-under.js";

export interface ExecFlags {
  concurrency: number;
  judgeConcurrency?: number;
  timeout?: number;
  maxRetries: number;
  backoffMs: number;
  cache: boolean;
  db?: string;
  json?: boolean;
  progress: "auto" | "tty" | "plain" | "silent";
  /** Print nothing at the end (a config eval prints one combined result instead). */
  quiet?: boolean;
  /** `eval --batch` (a continuation finds it in the manifest). */
  batch?: boolean;
  batchRetry?: "live" | "batch";
  /** false with --no-preflight. */
  preflight?: boolean;
  /** Stop after this many samples in a row failed with the same error (0: never). */
  maxConsecutiveErrors: number;
  /** `--fail-on-error [N|fraction]` as typed (true when bare). */
  failOnError?: string | boolean;
  costLimit?: number;
  tokenLimit?: number;
  /** `in=…,out=…` for the model under test / the judge (USD per 1M tokens). */
  price?: string;
  judgePrice?: string;
  /** A JSON price file (model or prefix → {input, output}). */
  prices?: string;
}

/** The execution flags a continuation may take from the run's manifest. */
export const EXEC_FLAG_KEYS = [
  "concurrency",
  "judgeConcurrency",
  "timeout",
  "maxRetries",
  "backoffMs",
  "cache",
] as const satisfies ReadonlyArray<keyof ExecFlags>;

export type ExecFlagKey = (typeof EXEC_FLAG_KEYS)[number];

export interface EvalFlags extends ExecFlags {
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
  /** `--limit N` or `--limit A-B` (parsed by the engine's shard.ts). */
  limit?: string;
  shard?: string;
  sampleId?: string;
  epochs: number;
  seed?: number;
  runId?: string;
  temperature?: number;
  maxTokens?: number;
  sample?: number;
  judgeTemperature?: number;
  judgeSeed?: number;
  judgeMaxTokens?: number;
  reasoningEffort?: "minimal" | "low" | "medium" | "high";
  logprobs?: number;
  modelArg?: Record<string, unknown>;
  modelArgs?: string;
  /** A config-file eval (src/taskfile): `-c eval.yaml`. */
  config?: string;
  failUnder?: FailUnder[];
  dryRun?: boolean;
  keepThink?: boolean;
}

/** Bounds of the numeric flags: wide enough for any real use, narrow enough to catch a typo like 1e9. */
export const LIMITS = {
  concurrency: 100_000,
  timeoutS: 86_400,
  maxRetries: 100,
  backoffMs: 600_000,
  epochs: 10_000,
  maxTokens: 10_000_000,
  temperature: 10,
} as const;

export const PROGRESS_MODES = ["auto", "tty", "plain", "silent"] as const;

function addExecOptions(cmd: Command): Command {
  return cmd
    .option(
      "--concurrency <n>",
      "samples in flight at once (and the model's connection limit)",
      intOption("--concurrency", 1, LIMITS.concurrency),
      16,
    )
    .option(
      "--judge-concurrency <n>",
      "connection limit for the judge (default: --concurrency)",
      intOption("--judge-concurrency", 1, LIMITS.concurrency),
    )
    .option("--timeout <seconds>", "per-request timeout", numberOption("--timeout", 0.001, LIMITS.timeoutS))
    .option(
      "--max-retries <n>",
      "retries per request for 429/5xx/timeouts/malformed replies",
      intOption("--max-retries", 0, LIMITS.maxRetries),
      6,
    )
    .option(
      "--backoff-ms <ms>",
      "first retry delay; doubles each retry, with jitter",
      intOption("--backoff-ms", 0, LIMITS.backoffMs),
      1000,
    )
    .option("--no-cache", "neither read nor write the response cache")
    .option("--no-preflight", "skip the one cheap request that checks URL, key and model name before the run")
    .option(
      "--max-consecutive-errors <n>",
      "stop the run (exit 4) when this many samples in a row fail with the same error; 0: never",
      intOption("--max-consecutive-errors", 0, LIMITS.concurrency),
      10,
    )
    .option(
      "--fail-on-error [n|fraction]",
      "stop the run (exit 4) at the first failed sample, after N failed samples, or when over a fraction of them failed",
    )
    .option(
      "--cost-limit <usd>",
      "stop the run cleanly (exit 5, resumable) once this invocation has spent this many dollars",
      numberOption("--cost-limit", 0),
    )
    .option(
      "--token-limit <n>",
      "stop the run cleanly (exit 5, resumable) once this invocation has used this many tokens (model + judge)",
      intOption("--token-limit", 1),
    )
    .option(
      "--price <in=X,out=Y>",
      "the model's price in USD per 1M input/output tokens (overrides the table)",
    )
    .option("--judge-price <in=X,out=Y>", "the judge's price in USD per 1M input/output tokens")
    .option("--prices <file.json>", 'prices by model name or prefix: {"name": {"input": X, "output": Y}}')
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option(
      "--progress <mode>",
      "progress display: auto, tty, plain or silent",
      choiceOption("--progress", PROGRESS_MODES),
      "auto",
    )
    .option("--json", "print the result as JSON on stdout");
}

export function registerEvalCommands(program: Command): void {
  addExecOptions(
    program
      .command("eval")
      .description("run a task against a model and store every result")
      .argument(
        "[task]",
        "task name (see: assay tasks), task file (./my-task.ts[@name]) or config (eval.yaml)",
      )
      .option("-c, --config <file>", "a config-file eval (YAML or JSON; see docs/tasks.md)")
      .option(
        "--fail-under <metric=value>",
        "exit 3 when a metric (or scorer.metric) is below value, e.g. accuracy=0.8 (repeatable)",
        collectFailUnder,
      )
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
      .option("--limit <n|a-b>", "only the first N samples, or records A to B (1-based), in file order")
      .option(
        "--shard <i/N>",
        "run only shard i of N: a fixed 1/N of the (sample, epoch) units (assay merge joins them)",
      )
      .option("--sample-id <ids>", "only the samples with these ids (comma-separated)")
      .option("--batch", "send the model's (and judge's) requests through the provider's Batch API")
      .option(
        "--batch-retry <how>",
        "requests a batch failed or let expire: retried live (default) or in a new batch",
        choiceOption("--batch-retry", ["live", "batch"] as const),
      )
      .option(
        "--sample <n>",
        "a random subset of N samples, stratified by the task's group (e.g. category); --seed picks it",
        intOption("--sample", 1),
      )
      .option("--epochs <k>", "repeat each sample K times", intOption("--epochs", 1, LIMITS.epochs), 1)
      .option(
        "--seed <s>",
        "seed sent to the model (epoch k uses s+k-1) and used for resampling",
        intOption("--seed", 0),
      )
      .option(
        "--temperature <t>",
        "sampling temperature",
        numberOption("--temperature", 0, LIMITS.temperature),
      )
      .option("--max-tokens <n>", "maximum output tokens", intOption("--max-tokens", 1, LIMITS.maxTokens))
      .option(
        "--reasoning-effort <level>",
        "reasoning models' effort: minimal, low, medium or high",
        choiceOption("--reasoning-effort", ["minimal", "low", "medium", "high"] as const),
      )
      .option(
        "-M, --model-arg <key=value>",
        "a field sent as it is in the model's request body, e.g. -M top_k=20 (repeatable; JSON values allowed)",
        collectModelArg,
      )
      .option("--model-args <file.json>", "request-body fields from a JSON object (-M entries win)")
      .option(
        "--keep-think",
        "leave <think>…</think> blocks in the answer (default: moved to the sample's reasoning)",
      )
      .option(
        "--logprobs <n>",
        "keep token log-probabilities with n alternatives each",
        intOption("--logprobs", 0, 20),
      )
      .option(
        "--judge-temperature <t>",
        "judge sampling temperature",
        numberOption("--judge-temperature", 0, LIMITS.temperature),
      )
      .option("--judge-seed <s>", "seed sent to the judge", intOption("--judge-seed", 0))
      .option(
        "--judge-max-tokens <n>",
        "maximum judge output tokens",
        intOption("--judge-max-tokens", 1, LIMITS.maxTokens),
      )
      .option("--run-id <id>", "id for the new run (default <task>-<time>-<random>)")
      .option(
        "--dry-run",
        "print the samples, model and judge calls, estimated tokens and cost, and exit without calling a model",
      ),
  ).action(async (taskName: string | undefined, flags: EvalFlags, cmd: Command) => {
    if (flags.config !== undefined || /\.(?:ya?ml|json)$/i.test(taskName ?? "")) {
      const { configEvalCommand } = await import("./eval-config-actions.js");
      return configEvalCommand(taskName, flags, cmd);
    }
    const { evalCommand } = await import("./eval-actions.js");
    await evalCommand(taskName, flags);
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
    ).action(async (id: string, flags: EvalFlags & { force?: boolean }, cmd: Command) => {
      const { continueCommand } = await import("./eval-actions.js");
      // Flags typed on this command line override the run's stored execution settings; defaults don't.
      const given = new Set(
        EXEC_FLAG_KEYS.filter((k) => {
          const source = cmd.getOptionValueSource(k);
          return source === "cli" || source === "env";
        }),
      );
      await continueCommand(mode, id, flags, given);
    });
  }
}
