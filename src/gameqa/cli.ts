import type { Command } from "commander";

/** `assay gameqa list|generate|conform|export`. */
export function registerGameqaCommands(program: Command): void {
  const gq = program
    .command("gameqa")
    .description("GameQA: game-code-driven visual reasoning data (Code2Logic)");

  gq.command("list")
    .description("list games with their category and tasks")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./cli-actions.js")).listAction(opts));

  gq.command("generate")
    .description("generate a dataset: DIR/data.json (or data.jsonl), DIR/images/*.png, DIR/states/*.json")
    .requiredOption("--games <list>", "comma-separated game names, or 'all'")
    .requiredOption("--out <dir>", "output folder")
    .option("--per-task <n>", "samples per task and plot level", "10")
    .option("--plot-levels <list>", "easy,medium,hard", "easy,medium,hard")
    .option("--tasks <list>", "only these task names or ids")
    .option("--seed <seed>", "master seed (same seed → byte-identical output)", "0")
    .option("--workers <k>", "worker threads", "1")
    .option("--format <fmt>", "json | jsonl | auto (jsonl above 20,000 samples)", "auto")
    .option(
      "--no-share-boards",
      "one state and image per sample (default: a game's tasks share one board per level and index)",
    )
    .option(
      "--resume",
      "continue a run into --out that was stopped (Ctrl-C, kill, crash): only unfinished boards are built and the result is byte-identical; the settings must be the same (without a stopped run, start anew)",
    )
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      "\nA stopped run keeps its finished boards in <out>/.gameqa-partial-<pid>/; the same command with --resume\ncontinues it. Without --resume a run starts over and, once it has finished, removes stopped runs' folders.",
    )
    .action(async (opts) => (await import("./cli-actions.js")).generateAction(opts));

  gq.command("conform")
    .description("recompute the answers of published samples with our engine and report agreement")
    .requiredOption("--game <name>", "game name")
    .requiredOption("--examples <dir>", "folder holding the published data.json and states/")
    .option("--json", "print JSON: {game, total, matched, mismatches}")
    .action(async (opts) => (await import("./cli-actions.js")).conformAction(opts));

  gq.command("export")
    .description("convert a dataset to a training format (sharegpt | llava | swift | grpo)")
    .requiredOption("--data <dir>", "dataset folder (data.json or data.jsonl)")
    .requiredOption("--format <fmt>", "sharegpt | llava | swift (SFT) | grpo (prompts + reward columns)")
    .requiredOption("--out <file>", "output file (.json; .jsonl writes one record per line)")
    .option("--absolute-paths", "write absolute image paths (default: relative to the output file)")
    .option("--json", "print the summary as JSON")
    .action(async (opts) => (await import("./cli-actions.js")).exportAction(opts));

  gq.command("reward")
    .description(
      "score responses for RL: read JSON lines {sample, response} on stdin, write {reward} lines (0 or 1)",
    )
    .action(async () => (await import("./cli-actions.js")).rewardAction());
}
