/**
 * `assay contamination …`: scan (n-gram overlap of a benchmark with a corpus), merge (part files of
 * sharded scans), mink (Min-K% Prob membership scores). Definitions here, actions in cli-actions.ts.
 */
import type { Command } from "commander";
import { collectTaskArg, intOption, numberOption } from "../cli-kit/options.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Options that pick the benchmark items and their n-grams (scan and merge must agree on them). */
function benchmarkOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--task <name>", "the benchmark's task (e.g. qa, mcq)")
    .option("--dataset <path|url>", "the task's dataset")
    .option("-T, --task-arg <key=value>", "task option (repeatable)", collectTaskArg)
    .option("--n <n>", "n-gram length in normalised tokens", intOption("--n", 1), 13)
    .option(
      "--min-tokens <n>",
      "segments shorter than this are not checked; shorter than --n but this long: one n-gram of their length",
      intOption("--min-tokens", 1),
      8,
    )
    .option("--fields <list>", "sample fields to check: input, target, choices", "input,target")
    .option(
      "--min-coverage <f>",
      "an item is contaminated when some n-gram is found and this share of its tokens is covered",
      numberOption("--min-coverage", 0, 1),
      0,
    );
}

export function registerContaminationCommands(program: Command): void {
  const group = program
    .command("contamination")
    .description("is a benchmark in a pre-training corpus? n-gram overlap and Min-K% Prob membership scores");

  benchmarkOptions(
    group
      .command("scan")
      .description("find each benchmark item's n-grams in corpus shards (JSONL, .gz, .zst, Parquet)")
      .argument("[shards...]", "more shard files"),
  )
    .option("--corpus <glob>", "shard file, folder or quoted glob; repeatable", collect, [])
    .option("--out <file>", "per-item JSONL of this job's shards")
    .option(
      "--parts <dir>",
      "folder of per-shard part files (default <out>.parts); finished shards are skipped",
    )
    .option("--shard <i/N>", "scan only shards k with k mod N = i-1, for splitting across machines")
    .option("--locations <k>", "corpus locations (file:line) kept per item", intOption("--locations", 0), 5)
    .option("--workers <k>", "worker threads scanning shards in parallel", intOption("--workers", 1), 1)
    .option("--text-field <name>", "JSON field / Parquet column holding the document text", "text")
    .option("--on-bad-line <what>", "error (stop, naming file and line) or skip", "error")
    .option(
      "--matcher <m>",
      "window (token-window hashing in a WebAssembly kernel, the fastest), window-js (the same in JavaScript, the reference) or smi (the SMI scanner); same results",
      "window",
    )
    .option("--all", "list every item in the table, not only contaminated ones")
    .option("--json", "print JSON")
    .action(async (shards, opts) => (await import("./cli-actions.js")).scanAction(shards, opts));

  benchmarkOptions(
    group
      .command("merge")
      .description("merge part files of sharded scans into the per-item JSONL")
      .argument("<inputs...>", "part files or folders of them"),
  )
    .requiredOption("--out <file>", "per-item JSONL to write")
    .option("--all", "list every item in the table, not only contaminated ones")
    .option("--json", "print JSON")
    .action(async (inputs, opts) => (await import("./cli-actions.js")).mergeAction(inputs, opts));

  group
    .command("mink")
    .description(
      "Min-K% Prob, perplexity and zlib-ratio membership scores per item: reference engine (checkpoint), llama.cpp in process (gguf/<file>) or an OpenAI-compatible server's prompt log-probabilities",
    )
    .requiredOption(
      "--model <checkpoint|provider/model>",
      "llama2.c .bin, safetensors or GGUF checkpoint (LLaMA architecture, reference engine), gguf/<file.gguf> (llama.cpp), or openai/<m>, vllm/<m>, llamacpp/<m>, ollama/<m>",
    )
    .option(
      "--tokens <file>",
      "JSONL of items as token ids: id, tokens, and optionally text (for the zlib ratio) and member",
    )
    .option("--task <name>", "score a task's samples as text (instead of --tokens)")
    .option("--dataset <path|url>", "the task's dataset")
    .option("-T, --task-arg <key=value>", "task option (repeatable)", collectTaskArg)
    .option(
      "--fields <list>",
      "with --task: sample fields joined into the item text (input, target, choices)",
      "input,target",
    )
    .option(
      "--tokenizer <file>",
      "with --task and a checkpoint that carries none: tokenizer.bin, tokenizer.json or GGUF",
    )
    .option("--model-base-url <url>", "the server's base URL (…/v1)")
    .option("--model-api-key-env <name>", "environment variable holding the server's API key")
    .option(
      "--logprobs-api <api>",
      "how the server returns prompt log-probabilities: auto, vllm-prompt (prompt_logprobs) or completions-echo (echo + logprobs)",
      "auto",
    )
    .option("--concurrency <n>", "server requests in flight", intOption("--concurrency", 1), 4)
    .option(
      "--k <fraction>",
      "share of lowest-probability tokens averaged by Min-K%",
      numberOption("--k", 0, 1),
      0.2,
    )
    .option("--no-bos", "do not prepend the model's BOS token (the first item token is then context only)")
    .option(
      "--labels <file>",
      "membership labels by id: a contamination scan's JSONL, or JSONL of id and member",
    )
    .option("--out <file>", "per-item scores as JSONL")
    .option("--json", "print JSON")
    .action(async (opts) => (await import("./cli-actions.js")).minkAction(opts));
}
