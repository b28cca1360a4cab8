/**
 * `assay llmeval-med ...`: tools around the `llmeval-med` task and the LLMEval-Med release.
 *   aggregate FILE...             usability rates / OP of scored files written by the release's Evaluate.py
 *   import-answers FILE --model   store an Answer.py answers file as a run, ready for `assay rescore --judge`
 *   report RUN...                 the paper's Table 2 for stored runs (table, json or html)
 *   export-scored RUN --out-dir   a judged run as Evaluate.py score files (one per judge run)
 *   dataset [--dataset P|U]       load (or download) the dataset and report its shape and missing values
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { UserError } from "../util/errors.js";
import type { Protocol } from "./aggregate.js";
import type { MtgHumanRating } from "./mtg.js";
import type { Pricing } from "./pricing.js";

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
    .action(async (files: string[], opts: Record<string, string | boolean | undefined>) => {
      const { aggregateFiles, formatSummary, MTG_NOTE, summaryJson } = await import("./aggregate-cli.js");
      const str = (k: string) => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
      const result = await aggregateFiles(files, {
        threshold: str("threshold"),
        protocol: str("protocol"),
        bootstrap: str("bootstrap"),
        seed: str("seed"),
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summaryJson(result), null, 2)}\n`);
        return;
      }
      if (result.categories.some((c) => c.code === "MTG")) process.stderr.write(`${MTG_NOTE}\n`);
      process.stdout.write(`${formatSummary(result, { byCategory2: opts.byCategory2 === true })}\n`);
    });

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
    .action(
      async (
        file: string,
        opts: {
          model: string;
          runId?: string;
          judgePrompts?: string;
          judgeLang?: string;
          db?: string;
          json?: boolean;
        },
      ) => {
        const { openStore } = await import("../cli/common.js");
        const { importAnswers } = await import("./import-answers.js");
        const store = openStore(opts.db);
        try {
          const r = await importAnswers(store, file, {
            model: opts.model,
            ...(opts.runId ? { runId: opts.runId } : {}),
            ...(opts.judgePrompts ? { judgePrompts: opts.judgePrompts } : {}),
            ...(opts.judgeLang ? { judgeLang: opts.judgeLang } : {}),
          });
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
            return;
          }
          process.stdout.write(
            `imported ${r.questions} answers in ${r.conversations} conversations as run ${r.runId}\n` +
              `judge it with:  assay rescore ${r.runId} --judge <provider/model> [--judge-base-url URL]\n` +
              `then:           assay llmeval-med report ${r.runId}\n`,
          );
        } finally {
          store.close();
        }
      },
    );

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
    .action(
      async (
        runIds: string[],
        opts: {
          pricing?: string;
          mtgHuman?: string;
          format: string;
          json?: boolean;
          protocol: string;
          bootstrap: string;
          seed: string;
          out?: string;
          db?: string;
        },
      ) => {
        const { openStore } = await import("../cli/common.js");
        const { parseMtgRatings } = await import("./mtg.js");
        const { parsePricing } = await import("./pricing.js");
        const { buildReport, formatReportHtml, formatReportTable, reportJson } = await import("./report.js");
        const format = opts.json ? "json" : opts.format;
        if (!["table", "json", "html"].includes(format))
          throw new UserError(`--format: expected table, json or html, got "${format}"`);
        if (opts.protocol !== "release" && opts.protocol !== "paper") {
          throw new UserError(`--protocol: expected release or paper, got "${opts.protocol}"`);
        }
        const bootstrap = Number(opts.bootstrap);
        if (!Number.isInteger(bootstrap) || bootstrap < 0)
          throw new UserError(`--bootstrap: expected a whole number ≥ 0, got "${opts.bootstrap}"`);
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed))
          throw new UserError(`--seed: expected a whole number, got "${opts.seed}"`);
        let mtgHuman: Map<string, MtgHumanRating> | undefined;
        if (opts.mtgHuman) {
          let ratingsText: string;
          try {
            ratingsText = await readFile(opts.mtgHuman, "utf8");
          } catch (err) {
            throw new UserError(`--mtg-human ${opts.mtgHuman}: ${(err as Error).message}`);
          }
          mtgHuman = parseMtgRatings(ratingsText, opts.mtgHuman);
        }
        let pricing: Pricing | undefined;
        if (opts.pricing) {
          try {
            pricing = parsePricing(await readFile(opts.pricing, "utf8"), opts.pricing);
          } catch (err) {
            if (err instanceof UserError) throw err;
            throw new UserError(`--pricing ${opts.pricing}: ${(err as Error).message}`);
          }
        }
        const store = openStore(opts.db);
        let text: string;
        try {
          const reports = buildReport(store, runIds, {
            ...(pricing ? { pricing } : {}),
            protocol: opts.protocol as Protocol,
            bootstrap,
            seed,
            ...(mtgHuman ? { mtgHuman } : {}),
          });
          text =
            format === "json"
              ? `${JSON.stringify(reportJson(reports), null, 2)}\n`
              : format === "html"
                ? formatReportHtml(reports)
                : `${formatReportTable(reports)}\n`;
        } finally {
          store.close();
        }
        if (opts.out) await writeFile(opts.out, text);
        else process.stdout.write(text);
      },
    );

  med
    .command("export-scored")
    .description(
      "write a judged run as the release Evaluate.py's score files, one per judge run (for its Aggregate.py)",
    )
    .argument("<run-id>", "run id (or a unique prefix)")
    .requiredOption("--out-dir <dir>", "folder for <run>_run<k>_score.json")
    .option("--db <path>", "run database (default .assay/assay.db or $ASSAY_DB)")
    .action(async (runId: string, opts: { outDir: string; db?: string }) => {
      const { openStore } = await import("../cli/common.js");
      const { exportScored } = await import("./export-scored.js");
      const store = openStore(opts.db);
      try {
        const paths = await exportScored(store, runId, opts.outDir);
        process.stdout.write(`${paths.join("\n")}\n`);
      } finally {
        store.close();
      }
    });

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
    .action(async (opts: { dataset?: string; json?: boolean }) => {
      const { describeMissing, loadDatasetFile } = await import("./dataset.js");
      const { resolveDataset } = await import("./download.js");
      const resolved = await resolveDataset(opts.dataset);
      const ds = await loadDatasetFile(resolved.path);
      const multi = ds.conversations.filter((c) => c.turns.length > 1).length;
      const summary = {
        source: resolved.origin,
        path: resolved.path,
        sha256: resolved.sha256,
        questions: ds.items.length,
        conversations: ds.conversations.length,
        multiTurnConversations: multi,
        perCategory: Object.fromEntries(
          [...new Set(ds.items.map((i) => i.info.code))].map((code) => [
            code,
            ds.items.filter((i) => i.info.code === code).length,
          ]),
        ),
        missing: ds.missing,
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        [
          `${summary.source} (sha256 ${summary.sha256.slice(0, 12)}…)`,
          `${summary.questions} questions in ${summary.conversations} conversations (${multi} multi-turn)`,
          `per category: ${Object.entries(summary.perCategory)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
          `missing values (NaN, null or absent; treated as missing): ${describeMissing(ds)}`,
          "",
        ].join("\n"),
      );
    });
}
