/** `assay runs`, `show`, `export`, `rescore`, `tasks`: read and re-score stored runs (the work is in show-actions.ts). */
import type { Command } from "commander";
import { intOption } from "../../cli-kit/options.js";

export interface RunsFlags {
  limit: number;
  db?: string;
  json?: boolean;
}

export interface ShowFlags {
  db?: string;
  json?: boolean;
  sample?: string;
}

export interface ExportFlags {
  format: string;
  out?: string;
  slim?: boolean;
  db?: string;
}

export interface RescoreFlags {
  scorer?: string[];
  scorerArg?: string[];
  judge?: string;
  judgeBaseUrl?: string;
  concurrency: number;
  db?: string;
  json?: boolean;
}

export function registerShowCommands(program: Command): void {
  program
    .command("runs")
    .description("list stored runs, newest first")
    .option("--limit <n>", "how many", intOption("--limit", 1), 50)
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (flags: RunsFlags) => {
      const { runsCommand } = await import("./show-actions.js");
      runsCommand(flags);
    });

  program
    .command("show")
    .description("summary metrics of a run, with confidence intervals and per-group breakdown")
    .argument("<run-id>", "run id (or a unique prefix)")
    .option("--sample <id>", "one sample's output and scores with their full explanations (judge verdicts)")
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (id: string, flags: ShowFlags) => {
      const { showCommand } = await import("./show-actions.js");
      showCommand(id, flags);
    });

  program
    .command("export")
    .description(
      "one line per sample: the whole transcript, output, scores with answers and explanations, judge calls, tokens, latency, error",
    )
    .argument("<run-id>", "run id (or a unique prefix)")
    .option("--format <format>", "jsonl or csv", "jsonl")
    .option("--slim", "JSONL without transcripts, per-sample store (judge calls) and score metadata")
    .option("--out <file>", "write to a file instead of stdout")
    .option("--db <path>", "run database")
    .action(async (id: string, flags: ExportFlags) => {
      const { exportCommand } = await import("./show-actions.js");
      await exportCommand(id, flags);
    });

  program
    .command("rescore")
    .description("score a stored run again without calling the model under test")
    .argument("<run-id>", "run id (or a unique prefix)")
    .option("--scorer <name...>", "registered scorer(s) to apply instead of the task's own")
    .option("--scorer-arg <key=value...>", "argument of the --scorer (scorer.key=value with several)")
    .option("--judge <provider/model>", "judge model (default: the run's judge)")
    .option("--judge-base-url <url>", "base URL for the judge")
    .option("--concurrency <n>", "samples scored at once", intOption("--concurrency", 1), 16)
    .option("--db <path>", "run database")
    .option("--json", "print JSON")
    .action(async (id: string, flags: RescoreFlags) => {
      const { rescoreCommand } = await import("./show-actions.js");
      await rescoreCommand(id, flags);
    });

  program
    .command("tasks")
    .description("list the tasks Assay can run, with their options (or those a task file defines)")
    .argument("[file]", "a task file (./my-task.ts) or config (eval.yaml): list what it defines")
    .option("--json", "print JSON")
    .action(async (file: string | undefined, flags: { json?: boolean }) => {
      if (file !== undefined) {
        const { taskFileCommand } = await import("./tasks-file.js");
        return taskFileCommand(file, flags);
      }
      const { tasksCommand } = await import("./show-actions.js");
      tasksCommand(flags);
    });
}
