/** `assay sweep mcq|qa --dataset F --model M [--model M2 …] --formats N`: prompt-format sensitivity. */
import type { Command } from "commander";
import { intOption } from "../cli-kit/options.js";

export interface SweepFlags {
  dataset: string;
  model: string[];
  modelBaseUrl?: string;
  apiKeyEnv?: string;
  formats: number;
  seed: number;
  limit?: number;
  concurrency: number;
  groupBy?: string;
  db?: string;
  progress: "auto" | "tty" | "plain" | "silent";
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerSweepCommands(program: Command): void {
  program
    .command("sweep")
    .description(
      "evaluate a task under N equivalent prompt formats (FormatSpread-style) and report the accuracy spread per model",
    )
    .argument("<task>", "mcq (question, choices, answer) or qa (input, target)")
    .requiredOption("--dataset <path|url>", "the task's dataset")
    .requiredOption("--model <provider/model>", "model to sweep (repeat for several)", collect)
    .option("--model-base-url <url>", "OpenAI-compatible base URL for the models")
    .option("--api-key-env <name>", "environment variable holding the API key")
    .option(
      "--formats <n>",
      "number of formats, the default one included",
      intOption("--formats", 2, 200),
      10,
    )
    .option("--seed <s>", "seed of the format draw", intOption("--seed", 0), 0)
    .option("--limit <n>", "first N samples only", intOption("--limit", 1))
    .option("--concurrency <n>", "samples in flight", intOption("--concurrency", 1, 4096), 8)
    .option("--group-by <fields>", "metadata field(s) to break metrics down by, separated by |")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--progress <mode>", "auto, tty, plain or silent", "auto")
    .option("--json", "print JSON")
    .action(async (task: string, flags: SweepFlags) =>
      (await import("./cli-actions.js")).sweepAction(task, flags),
    );
}
