/** `assay pairwise RUN RUN [RUN …] --judge MODEL`: compare stored runs with a judge and rank them. */
import type { Command } from "commander";
import { intOption } from "../cli-kit/options.js";

export interface PairwiseFlags {
  judge: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  baseline?: string;
  rubric?: string;
  prompt?: string;
  db?: string;
  runId?: string;
  concurrency: number;
  rounds: number;
  seed: number;
  styleControl?: boolean;
  html?: string;
  progress: "auto" | "tty" | "plain" | "silent";
  json?: boolean;
}

export function registerPairwiseCommands(program: Command): void {
  program
    .command("pairwise")
    .description(
      "judge stored runs' answers pairwise (both orders) and rank the runs: Bradley–Terry with CIs, win matrix, length-controlled win rate",
    )
    .argument("<runs...>", "two or more run ids over the same samples")
    .requiredOption("--judge <provider/model>", "judge model")
    .option("--judge-base-url <url>", "OpenAI-compatible base URL of the judge")
    .option("--judge-api-key-env <name>", "environment variable holding the judge's API key")
    .option(
      "--baseline <run>",
      "compare every run with this one only (and report length-controlled win rates)",
    )
    .option("--rubric <file>", "a rubric the judge applies")
    .option("--prompt <file>", "judge prompt replacing the built-in one")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--run-id <id>", "id for the pairwise run")
    .option("--concurrency <n>", "judge calls in flight", intOption("--concurrency", 1, 4096), 8)
    .option("--rounds <n>", "bootstrap resamples for the rating CIs", intOption("--rounds", 0, 100_000), 1000)
    .option("--seed <s>", "bootstrap seed", intOption("--seed", 0), 1)
    .option(
      "--style-control",
      "also rank with length and markdown differences held equal (Chatbot Arena style control)",
    )
    .option("--progress <mode>", "auto, tty, plain or silent", "auto")
    .option("--json", "print the report as JSON")
    .action(async (runs: string[], flags: PairwiseFlags) =>
      (await import("./cli-actions.js")).pairwiseAction(runs, flags),
    );

  program
    .command("judge-audit")
    .description(
      "test a judge: position, verbosity and self-preference bias, planted-error detection, stability (probes built from a stored run)",
    )
    .requiredOption("--judge <provider/model>", "judge model to audit")
    .requiredOption(
      "--run <id>",
      "run whose answers the probes are built from (e.g. a qa or llmeval-med run)",
    )
    .option("--self-run <id>", "a run of the judge model on the same samples (for the self-preference probe)")
    .option("--judge-base-url <url>", "OpenAI-compatible base URL of the judge")
    .option("--judge-api-key-env <name>", "environment variable holding the judge's API key")
    .option("--probes <list>", "probes to run, separated by , (verbosity, planted, self, stability)")
    .option(
      "--repeats <n>",
      "stability: judgments per item at each temperature",
      intOption("--repeats", 2, 50),
      5,
    )
    .option("--temperature <t>", "stability: the temperature compared with 0", "1")
    .option("--seed <s>", "seed of the probe construction and the bootstrap", intOption("--seed", 0), 0)
    .option("--rounds <n>", "bootstrap resamples for the CIs", intOption("--rounds", 0, 100_000), 1000)
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--run-id <id>", "id for the audit run")
    .option("--concurrency <n>", "items judged at once", intOption("--concurrency", 1, 4096), 8)
    .option("--progress <mode>", "auto, tty, plain or silent", "auto")
    .option("--json", "print the report as JSON")
    .action(async (flags: JudgeAuditFlags) => (await import("./cli-actions.js")).judgeAuditAction(flags));
}

export interface JudgeAuditFlags {
  judge: string;
  run: string;
  selfRun?: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  probes?: string;
  repeats: number;
  temperature: string;
  seed: number;
  rounds: number;
  db?: string;
  runId?: string;
  concurrency: number;
  progress: "auto" | "tty" | "plain" | "silent";
  json?: boolean;
}
