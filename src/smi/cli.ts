/**
 * `assay smi …`: count → merge → fit → predict (→ probe). Each subcommand prints a human summary, or
 * JSON with --json. User mistakes throw UserError (exit 2).
 */
import type { Command } from "commander";
import { intOption, numberOption } from "../cli-kit/options.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

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
    .option("--workers <k>", "worker threads (default: available cores)", intOption("--workers", 1))
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
    .action(async (shards, opts) => (await import("./cli-actions.js")).countAction(shards, opts));

  smi
    .command("merge")
    .description("merge per-shard partial results (files or folders) from smi count into one counts file")
    .argument("<inputs...>", "partial result files or folders of them")
    .requiredOption("--triples <file>", "the triples file the partials were counted for")
    .requiredOption("--out <file>", "counts JSON to write")
    .option("--json", "print JSON")
    .action(async (inputs, opts) => (await import("./cli-actions.js")).mergeAction(inputs, opts));

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
    .action(async (opts) => (await import("./cli-actions.js")).fitAction(opts));

  smi
    .command("predict")
    .description("expected accuracy per triple and overall for an untrained model size")
    .requiredOption("--counts <file>", "counts JSON (smi count/merge output or the original's merge.json)")
    .requiredOption("--fit <file>", "fit JSON written by smi fit --out")
    .requiredOption("--model-size <n>", "target parameters, e.g. 7e9")
    .option("--method <m>", "smi, mi or cooccur", "smi")
    .option("--out <file>", "write per-triple predictions as JSON")
    .option("--json", "print JSON (summary only; per-triple rows go to --out)")
    .action(async (opts) => (await import("./cli-actions.js")).predictAction(opts));

  registerProbeCommand(smi);
}

function registerProbeCommand(smi: Command): void {
  smi
    .command("probe")
    .description("measure closed-book accuracy per triple with paraphrased templates through a provider")
    .requiredOption("--model <provider/model>", "model under test, e.g. vllm/EleutherAI/pythia-1.4b")
    .option("--model-base-url <url>", "endpoint of an OpenAI-compatible server")
    .requiredOption("--triples <file>", "triples JSON (pararel_15classes.json)")
    .requiredOption("--templates <file>", "relation → templates with [S] (multi_templates.json)")
    .option("--counts <file>", "corpus counts: output rows then carry counts, acc and mi, ready for smi fit")
    .requiredOption("--out <file>", "output JSON (merge_outputs fields)")
    .option("--samples <n>", "samples per template (the original: 20)", intOption("--samples", 1), 20)
    .option(
      "--temperature <t>",
      "sampling temperature (the original: 0.7)",
      numberOption("--temperature", 0),
      0.7,
    )
    .option("--max-tokens <n>", "new tokens per sample (the original: 32)", intOption("--max-tokens", 1), 32)
    .option(
      "--scoring <s>",
      "exact (object in prompt + continuation, as the original) or completion",
      "exact",
    )
    .option("--chat", "send each prompt as a chat message instead of a raw text continuation (/completions)")
    .option("--concurrency <n>", "parallel calls", intOption("--concurrency", 1), 16)
    .option("--limit <n>", "probe only the first n triples", intOption("--limit", 1))
    .option(
      "--db <path>",
      "run database; the same command continues an interrupted probe (default .assay/assay.db or $ASSAY_DB)",
    )
    .option("--json", "print JSON")
    .action(async (flags) => (await import("./cli-actions.js")).probeAction(flags));
}
