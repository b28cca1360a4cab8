/**
 * `assay mathtrap ...`: report (the paper's table for stored runs), generate (LLM-inserted traps,
 * written unverified), approve (a person marks generated traps verified or drops them), check (the
 * rule-based answer checker on one response, for debugging).
 */
import { existsSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import { intOption, numberOption } from "../cli/commands/options.js";
import { UserError } from "../util/errors.js";
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
    .action(
      async (
        runs: string[],
        flags: { db?: string; ci: boolean; breakdown?: boolean; resamples: number; json?: boolean },
      ) => {
        const { openStore, printJson } = await import("../cli/common.js");
        const { formatRunReports, reportForRun } = await import("./report.js");
        const store = openStore(flags.db);
        try {
          const reports = runs.map((id) => reportForRun(store, id, { resamples: flags.resamples }));
          if (flags.json) printJson(reports);
          else
            process.stdout.write(
              `${formatRunReports(reports, { ci: flags.ci, ...(flags.breakdown ? { breakdown: true } : {}) })}\n`,
            );
        } finally {
          store.close();
        }
      },
    );

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
    .option("--progress <mode>", "auto, tty, plain or silent", "auto")
    .option("--json", "print a JSON summary")
    .action(async (flags: GenerateFlags) => {
      const { buildModel, printJson } = await import("../cli/common.js");
      const { generateTraps, loadGenerationSources, planJobs, writeRecordObjects } = await import(
        "./generate.js"
      );
      const { loadPromptSet } = await import("./prompts.js");
      const { Progress } = await import("../util/progress.js");
      if (existsSync(flags.out) && !flags.force)
        throw new UserError(`${flags.out} exists: pass --force to overwrite, or choose another --out`);
      const prompts = loadPromptSet(flags.prompts);
      const sources = loadGenerationSources(flags.from);
      const jobs = planJobs(sources, flags.types, {
        ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        ...(flags.allTypes ? { allTypes: true } : {}),
      });
      const model = buildModel({
        id: flags.model,
        concurrency: flags.concurrency,
        ...(flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {}),
        ...(flags.modelApiKeyEnv ? { apiKeyEnv: flags.modelApiKeyEnv } : {}),
      });
      const progress = new Progress({
        label: "mathtrap generate",
        total: jobs.length,
        unit: "traps",
        mode: flags.progress,
      });
      const { records, failures } = await generateTraps(jobs, model, prompts, {
        concurrency: flags.concurrency,
        ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
        onDone: () => progress.tick(),
      });
      progress.finish();
      writeRecordObjects(flags.out, records);
      if (flags.json)
        printJson({
          out: flags.out,
          written: records.length,
          failed: failures.length,
          failures,
          prompt_hash: prompts.hash,
        });
      else {
        process.stdout.write(`wrote ${records.length} unverified trap record(s) to ${flags.out}\n`);
        for (const f of failures) process.stdout.write(`failed: ${f.source} (${f.trapType}): ${f.error}\n`);
        if (records.length) process.stdout.write(`review them with  assay mathtrap approve ${flags.out}\n`);
      }
      if (failures.length) process.exitCode = 1;
    });

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
    .action(
      async (
        file: string,
        flags: { index?: string; all?: boolean; reject?: string; by?: string; json?: boolean },
      ) => {
        const { printJson } = await import("../cli/common.js");
        const { loadTrapRecords } = await import("./data.js");
        const { approveRecords, parseIndexList, readRecordObjects, writeRecordObjects } = await import(
          "./generate.js"
        );
        const raw = readRecordObjects(file);
        const parsed = loadTrapRecords(file);
        if (!flags.index && !flags.all && !flags.reject) {
          const pending = parsed.filter((r) => !r.verified);
          if (flags.json) {
            printJson(
              pending.map((r) => ({
                index: r.index,
                trap_type: r.trapType,
                trap_problem: r.trapProblem,
                human_annotation: r.humanAnnotation,
                original_problem: r.originalProblem,
              })),
            );
            return;
          }
          process.stdout.write(`${pending.length} of ${parsed.length} record(s) await review in ${file}\n`);
          for (const r of pending) {
            process.stdout.write(
              `\n[${r.index}] ${r.trapType} (${r.subject})\n  original: ${r.originalProblem}\n  trap:     ${r.trapProblem}\n  flaw:     ${r.humanAnnotation}\n`,
            );
          }
          if (pending.length)
            process.stdout.write(
              `\napprove with  assay mathtrap approve ${file} --index 0,2  (or --all); drop with --reject\n`,
            );
          return;
        }
        const approve = flags.all
          ? parsed.filter((r) => !r.verified).map((r) => r.index)
          : flags.index
            ? parseIndexList(flags.index, raw.length, "--index")
            : [];
        const reject = flags.reject ? parseIndexList(flags.reject, raw.length, "--reject") : [];
        const result = approveRecords(raw, approve, reject, flags.by);
        writeRecordObjects(file, result.records);
        if (flags.json)
          printJson({
            file,
            approved: result.approved,
            rejected: result.rejected,
            remaining: result.records.length,
          });
        else
          process.stdout.write(
            `${file}: approved ${result.approved}, removed ${result.rejected}, ${result.records.length} record(s) remain\n`,
          );
      },
    );

  mt.command("check")
    .description("run the rule-based answer checker on one response (debugging aid)")
    .argument("<response>", "model response text")
    .argument("<target>", "reference final answer, e.g. \\frac{1}{2}")
    .action(async (response: string, target: string) => {
      const { printJson } = await import("../cli/common.js");
      const { checkMathAnswer } = await import("./math-answer.js");
      printJson(checkMathAnswer(response, target));
    });
}

interface GenerateFlags {
  from: string;
  model: string;
  types: ReturnType<typeof parseTrapTypes>;
  allTypes?: boolean;
  limit?: number;
  seed?: number;
  out: string;
  force?: boolean;
  modelBaseUrl?: string;
  modelApiKeyEnv?: string;
  concurrency: number;
  temperature?: number;
  prompts?: string;
  progress: "auto" | "tty" | "plain" | "silent";
  json?: boolean;
}
