/**
 * `assay smi …`: count → merge → fit → predict (→ probe). Each subcommand prints a human summary, or
 * JSON with --json. User mistakes throw UserError (exit 2).
 */
import type { Command } from "commander";
import { UserError } from "../util/errors.js";
import { registerProbeCommand } from "./cli-probe.js";
import type { CountRules } from "./shard.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 1)}\n` : `${human}\n`);
}

function parseWorkers(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--workers must be a positive integer, got "${v}"`);
  return n;
}

interface RuleFlags {
  textField: string;
  fallbackField?: string;
  exclude?: string;
  onBadLine: string;
}

function rulesFrom(flags: RuleFlags): CountRules {
  if (flags.onBadLine !== "error" && flags.onBadLine !== "skip") {
    throw new UserError(`--on-bad-line must be "error" or "skip", got "${flags.onBadLine}"`);
  }
  const rules: CountRules = { textField: flags.textField, onBadLine: flags.onBadLine };
  if (flags.fallbackField) rules.fallbackField = flags.fallbackField;
  if (flags.exclude) {
    const eq = flags.exclude.indexOf("=");
    if (eq <= 0)
      throw new UserError(
        `--exclude ${flags.exclude}: expected path=value, e.g. meta.redpajama_set_name=RedPajamaGithub`,
      );
    rules.exclude = { path: flags.exclude.slice(0, eq), value: flags.exclude.slice(eq + 1) };
  }
  return rules;
}

export function registerSmiCommands(program: Command): void {
  const smi = program
    .command("smi")
    .description(
      "SMI: predict closed-book QA accuracy from pre-training corpus statistics (arXiv 2502.04066)",
    );

  smi
    .command("count")
    .description("count subject/object occurrence and co-occurrence per document over corpus shards")
    .argument("[shards...]", "more shard files (e.g. a glob the shell expanded)")
    .requiredOption("--triples <file>", "triples JSON (e.g. pararel_15classes.json)")
    .option(
      "--corpus <glob>",
      "shard file, directory or quoted glob (.jsonl, .jsonl.gz, .jsonl.zst, .parquet); repeatable",
      collect,
      [],
    )
    .option("--out <file>", "counts JSON (the original's merge.json format) for the shards of this job")
    .option(
      "--parts <dir>",
      "folder of per-shard partial results (default: <out>.parts, or smi-count.parts); finished shards are skipped",
    )
    .option(
      "--shard <i/N>",
      "count only shards k with k mod N = i-1 (1-based i), for splitting across machines",
    )
    .option("--workers <k>", "worker threads (default: available cores)", parseWorkers)
    .option("--text-field <name>", "JSON field / Parquet column holding the document text", "text")
    .option(
      "--fallback-field <name>",
      "field used when the text field is missing or empty (the original's SlimPajama rule: content)",
    )
    .option(
      "--exclude <path=value>",
      "skip documents whose field equals value, e.g. meta.redpajama_set_name=RedPajamaGithub",
    )
    .option("--on-bad-line <what>", "error (stop, naming file and line) or skip (count them)", "error")
    .option("--json", "print JSON")
    .action(async (shards: string[], opts) => {
      const { runCount } = await import("./count.js");
      const { formatBytes } = await import("../util/progress.js");
      const corpus = [...opts.corpus, ...shards];
      if (corpus.length === 0) {
        throw new UserError("smi count: give --corpus (a file, folder or quoted glob) or shard files");
      }
      const summary = await runCount({
        triples: opts.triples,
        corpus,
        out: opts.out,
        parts: opts.parts,
        shard: opts.shard,
        workers: opts.workers,
        rules: rulesFrom(opts),
      });
      const { rows, ...rest } = summary;
      const rate = summary.seconds > 0 ? summary.textBytes / summary.seconds : 0;
      print(
        opts.json,
        { ...rest, triples: rows.length },
        [
          `counted ${summary.shardsCounted} shard(s), resumed ${summary.shardsResumed}, of ${summary.shardsSelected} selected`,
          `documents: ${summary.documents} · skipped lines: ${summary.skippedLines} · excluded documents: ${summary.excludedDocuments}`,
          `text scanned this run: ${formatBytes(summary.textBytes)} in ${summary.seconds.toFixed(1)} s (${formatBytes(rate)}/s)`,
          `partial results: ${summary.partsDir}${summary.out ? ` · counts: ${summary.out}` : ""}`,
        ].join("\n"),
      );
    });

  smi
    .command("merge")
    .description("merge per-shard partial results (files or folders) from smi count into one counts file")
    .argument("<inputs...>", "partial result files or folders of them")
    .requiredOption("--triples <file>", "the triples file the partials were counted for")
    .requiredOption("--out <file>", "counts JSON to write")
    .option("--json", "print JSON")
    .action(async (inputs: string[], opts) => {
      const { runMerge } = await import("./count.js");
      const r = runMerge({ triples: opts.triples, inputs, out: opts.out });
      print(
        opts.json,
        { shards: r.shards, documents: r.documents, triples: r.rows.length, out: opts.out },
        `merged ${r.shards} shard(s), ${r.documents} documents, ${r.rows.length} triples → ${opts.out}`,
      );
    });

  smi
    .command("fit")
    .description("fit bin-mean accuracy against CO-OCCUR, MI and SMI for one or more models, and plot it")
    .requiredOption(
      "--data <path>",
      "merge_outputs-style JSON (counts + acc) or a directory of them; repeatable",
      collect,
      [],
    )
    .option(
      "--model-size <n>",
      "parameters per --data file, e.g. 12e9, 12b, 410m (default: from the file name)",
      collect,
      [],
    )
    .option("--method <m>", "method to plot: smi, mi, cooccur or all", "smi")
    .option("--mode <mode>", "exact (the original's arithmetic) or corrected (see docs/smi.md)", "exact")
    .option(
      "--mi-definition <d>",
      "pointwise (the original's p(s,o)·PMI) or full (2×2 mutual information)",
      "pointwise",
    )
    .option("--out <file>", "write the fits (input of smi predict) as JSON")
    .option("--plot <file>", "plot file (.png or .svg); one --data and one --method only")
    .option("--plot-dir <dir>", "folder for <model>-<method>.png plots", ".")
    .option("--json", "print JSON")
    .action(async (opts) => {
      const { formatFitTable, runFit } = await import("./cli-fit.js");
      const { fit, plots, skipped } = runFit(opts);
      const notes = skipped.map((x) => `skipped ${x.file}: ${x.reason}`).join("\n");
      print(
        opts.json,
        skipped.length ? { ...fit, skipped } : fit,
        `${formatFitTable(fit)}\nplots: ${plots.join(", ")}${notes ? `\n${notes}` : ""}`,
      );
    });

  smi
    .command("predict")
    .description("expected accuracy per triple and overall for an untrained model size")
    .requiredOption("--counts <file>", "counts JSON (smi count/merge output or the original's merge.json)")
    .requiredOption("--fit <file>", "fit JSON written by smi fit --out")
    .requiredOption("--model-size <n>", "target parameters, e.g. 7e9")
    .option("--method <m>", "smi, mi or cooccur", "smi")
    .option("--out <file>", "write per-triple predictions as JSON")
    .option("--json", "print JSON (summary only; per-triple rows go to --out)")
    .action(async (opts) => {
      const { formatPrediction, runPredict } = await import("./cli-fit.js");
      const result = runPredict(opts);
      print(opts.json, result.summary, formatPrediction(result));
    });

  registerProbeCommand(smi);
}
