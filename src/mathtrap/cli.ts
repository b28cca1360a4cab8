import { type Command, InvalidArgumentError } from "commander";
import { collectTaskArg, intOption, numberOption } from "../cli-kit/options.js";
// Static, unlike the rest: --types is parsed (and its default computed) before any action runs.
import { parseTrapTypes } from "./trap-types.js";

function typesOption(value: string) {
  try {
    return parseTrapTypes(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function registerMathtrapCommands(program: Command): void {
  const mt = program
    .command("mathtrap")
    .description("MathTrap: trap-problem reports, trap generation and approval");

  mt.command("report")
    .description(
      "the paper's table for stored mathtrap runs (rows = models): Conceptual, Original, Trap, Ratio",
    )
    .argument("<runs...>", "run ids")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--no-ci", "leave out bootstrap confidence intervals")
    .option("--breakdown", "also print per trap type and per subject tables")
    .option("--resamples <n>", "bootstrap resamples", intOption("--resamples", 10), 1000)
    .option("--json", "print the reports as JSON")
    .action(async (runs, flags) => (await import("./cli-actions.js")).reportAction(runs, flags));

  mt.command("generate")
    .description(
      "ask a model to insert traps into original problems; writes unverified records in the MathTrap_Public schema",
    )
    .requiredOption(
      "--from <file>",
      "source problems: GSM8K_test.jsonl, GSM8K-ori/MATH-ori.jsonl or a trap-record file",
    )
    .requiredOption("--model <provider/model>", "generator model, e.g. openai/gpt-4o")
    .option("--types <list>", "trap types, comma-separated, or all", typesOption, parseTrapTypes("all"))
    .option("--all-types", "one trap of every type per problem (default: types taken in turn)")
    .option("--limit <n>", "use only N source problems", intOption("--limit", 1))
    .option("--seed <s>", "shuffle the source problems with this seed before --limit", intOption("--seed", 0))
    .option("--out <file>", "output file (.jsonl, or .json for a JSON array)", "mathtrap-generated.jsonl")
    .option("--force", "overwrite the output file")
    .option("--model-base-url <url>", "OpenAI-compatible base URL")
    .option("--model-api-key-env <name>", "environment variable holding the API key")
    .option("--concurrency <n>", "requests in flight", intOption("--concurrency", 1), 8)
    .option("--temperature <t>", "sampling temperature", numberOption("--temperature", 0))
    .option("--prompts <dir>", "prompt set folder replacing resources/mathtrap/prompts/v1")
    .option(
      "--verify-with <provider/model>",
      "also ask this model whether each trap is really flawed and of its type (recorded as auto_check)",
    )
    .option("--verify-base-url <url>", "OpenAI-compatible base URL of the verifier")
    .option("--verify-prompt <file>", "verifier prompt replacing resources/mathtrap/verify-trap.txt")
    .option("--progress <mode>", "auto, tty, plain or silent", "auto")
    .option("--json", "print a JSON summary")
    .action(async (flags) => (await import("./cli-actions.js")).generateAction(flags));

  mt.command("verify-traps")
    .description(
      "ask a model whether generated traps are really flawed and of their labelled type; recorded as auto_check beside the human approval",
    )
    .argument("<file>", "trap-record file (.json or .jsonl)")
    .requiredOption("--model <provider/model>", "verifier model")
    .option("--model-base-url <url>", "OpenAI-compatible base URL")
    .option("--model-api-key-env <name>", "environment variable holding the API key")
    .option("--all", "check approved records too (default: only those awaiting review)")
    .option("--concurrency <n>", "requests in flight", intOption("--concurrency", 1), 8)
    .option("--prompts <dir>", "prompt set folder (for the trap type definitions)")
    .option("--verify-prompt <file>", "verifier prompt replacing resources/mathtrap/verify-trap.txt")
    .option("--json", "print a JSON summary")
    .action(async (file, flags) => (await import("./cli-actions.js")).verifyTrapsAction(file, flags));

  mt.command("approve")
    .description(
      "list generated trap records awaiting review, or mark some verified (--index / --all) or drop them (--reject)",
    )
    .argument("<file>", "trap-record file (.json or .jsonl)")
    .option("--index <list>", "0-based record indices to approve, e.g. 0,3,5-7")
    .option("--all", "approve every unverified record")
    .option("--reject <list>", "record indices to remove from the file")
    .option("--by <name>", "who approved (stored with the record)")
    .option("--json", "print the result as JSON")
    .action(async (file, flags) => (await import("./cli-actions.js")).approveAction(file, flags));

  mt.command("import-answers")
    .description(
      "store answers produced elsewhere as a mathtrap run (then score it with: assay rescore RUN --judge ...)",
    )
    .argument("<file>", "JSON/JSONL records: response, and id (Assay's item id) or problem (the item's text)")
    .requiredOption("--model <name>", "name of the model that wrote the answers (the row label in reports)")
    .requiredOption("--dataset <path>", "the MathTrap data folder or trap-record file the answers are for")
    .option(
      "-T, --task-arg <key=value>",
      "mathtrap task option, as for assay eval (repeatable)",
      collectTaskArg,
    )
    .option("--run-id <id>", "id for the new run")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .option("--json", "print the result as JSON")
    .action(async (file, flags) => (await import("./cli-actions.js")).importAnswersAction(file, flags));

  mt.command("check")
    .description(
      "run the rule-based answer checker on one response, or on a JSONL file of {response, reference} lines",
    )
    .argument("[response]", "model response text (values are positional: -5 is a value, not an option)")
    .argument("[reference]", "reference final answer, e.g. \\frac{1}{2}")
    .option("--jsonl <file>", "batch mode: one {response, reference} object per line")
    .option("--json", "batch mode: print JSON (verdicts and accuracy) instead of a table")
    // A response or reference may start with "-" (a negative number): unknown "options" are values here.
    .allowUnknownOption()
    .action(async (response, reference, flags) =>
      (await import("./cli-actions.js")).checkAction(response, reference, flags),
    );
}
