import type { Command } from "commander";

export function registerLlmevalMedCommands(program: Command): void {
  const med = program
    .command("llmeval-med")
    .description(
      "LLMEval-Med (clinical benchmark) tools: aggregate release score files, inspect the dataset",
    );

  med
    .command("aggregate")
    .description(
      "usability rate per category and OP for scored files from the release's Evaluate.py (one file per judge run), exactly as its Aggregate.py computes them",
    )
    .argument("<files...>", "scored JSON files (category → items with model_answer_score)")
    .option("--json", "print the summary as JSON")
    .option("--threshold <score>", "usable when the averaged score is at least this", "4.0")
    .option(
      "--protocol <name>",
      "release (average runs, question-weighted OP) or paper (pooled runs, OP = mean of rates)",
      "release",
    )
    .option("--bootstrap <rounds>", "bootstrap confidence intervals with this many resamples (0 = none)", "0")
    .option("--seed <n>", "seed for the bootstrap", "0")
    .option("--by-category2", "also break each category down by category2")
    .action(async (files, opts) => (await import("./cli-actions.js")).aggregateAction(files, opts));

  med
    .command("import-answers")
    .description(
      "store an answers file from the release's Answer.py as an llmeval-med run (judge it with: assay rescore RUN --judge ...)",
    )
    .argument("<file>", "Answer.py output: the dataset with model_answer on every item")
    .requiredOption("--model <name>", "name of the model that wrote the answers (the row label in reports)")
    .option("--run-id <id>", "id for the new run")
    .option("--judge-prompts <dir>", "judge prompt folder to use when the run is judged")
    .option("--judge-lang <lang>", "built-in judge prompt language: zh or en")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--json", "print the result as JSON")
    .action(async (file, opts) => (await import("./cli-actions.js")).importAnswersAction(file, opts));

  med
    .command("report")
    .description(
      "the paper's Table 2 (usability per category and OP, with bootstrap CIs) for one or more llmeval-med runs",
    )
    .argument("<run-ids...>", "run ids (or unique prefixes), one row each")
    .option("--format <format>", "table, json or html", "table")
    .option("--json", "short for --format json")
    .option(
      "--protocol <name>",
      "release (Aggregate.py) or paper (pooled runs, OP = mean of rates)",
      "release",
    )
    .option("--bootstrap <rounds>", "bootstrap resamples for the CIs (0 = none)", "1000")
    .option("--seed <n>", "seed for the bootstrap", "0")
    .option("--out <file>", "write the report to a file instead of stdout")
    .option(
      "--mtg-human <file>",
      "human MTG ratings (JSONL: id, safety, b, c, d, e) to rate MTG as the paper does (one run only)",
    )
    .option(
      "--pricing <file>",
      'JSON prices per model id, e.g. {"openai/gpt-4o": {"input": 2.5, "output": 10}} ($/Mtok)',
    )
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .action(async (runIds, opts) => (await import("./cli-actions.js")).reportAction(runIds, opts));

  med
    .command("export-scored")
    .description(
      "write a judged run as the release Evaluate.py's score files, one per judge run (for its Aggregate.py)",
    )
    .argument("<run-id>", "run id (or a unique prefix)")
    .requiredOption("--out-dir <dir>", "folder for <run>_run<k>_score.json")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .action(async (runId, opts) => (await import("./cli-actions.js")).exportScoredAction(runId, opts));

  med
    .command("dataset")
    .description(
      "load the dataset (downloading the pinned public release when no --dataset is given) and summarise it",
    )
    .option(
      "--dataset <path|url>",
      "dataset.json in the release's format (default: the pinned public release)",
    )
    .option("--json", "print the summary as JSON")
    .action(async (opts) => (await import("./cli-actions.js")).datasetAction(opts));
}
