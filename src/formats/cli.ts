/**
 * `assay model inspect FILE`, `assay model convert IN OUT --to gguf|safetensors`, and
 * `assay model generate FILE` (token ids from the TypeScript reference engine, and text when a tokenizer is known).
 * Human output by default, JSON with --json; bad input throws UserError (exit 2).
 */
import type { Command } from "commander";
import { intOption, numberOption } from "../cli-kit/options.js";

export function registerModelCommands(program: Command): void {
  const model = program
    .command("model")
    .description(
      "inspect and convert model checkpoints (safetensors, Hugging Face folders, GGUF, llama2.c .bin)",
    );

  model
    .command("inspect <file>")
    .description("format, architecture, configuration, tensor shapes and dtypes, parameter count")
    .option("--json", "print JSON (every tensor with its byte range, and the format's metadata)")
    .action(async (file, opts) => (await import("./cli-actions.js")).inspectAction(file, opts));

  model
    .command("convert <in> <out>")
    .description(
      "convert a checkpoint, one tensor at a time (OUT: a .gguf file, a .safetensors file, or a folder)",
    )
    .requiredOption("--to <format>", "gguf or safetensors")
    .option("--dtype <type>", "element type of matrices: f32, f16 or bf16 (default: as stored)")
    .option("--name <name>", "general.name written into GGUF")
    .option(
      "--tokenizer <file>",
      "tokenizer to carry: llama2.c tokenizer.bin, tokenizer.json (or its folder), or a GGUF file (default: the source's own)",
    )
    .option(
      "--tokenizer-out <file>",
      "also write the tokenizer: llama2.c tokenizer.bin, or tokenizer.json if FILE ends in .json",
    )
    .option("--json", "print JSON")
    .action(async (input, out, opts) => (await import("./cli-actions.js")).convertAction(input, out, opts));

  model
    .command("generate <file>")
    .description(
      "run a LLaMA checkpoint with the TypeScript reference engine and print token ids, and text when it has a tokenizer (small models)",
    )
    .option("--prompt <ids>", "comma-separated prompt token ids (default: the BOS id)")
    .option("--prompt-text <text>", "prompt text, encoded with the checkpoint's tokenizer (or --tokenizer)")
    .option("--tokenizer <file>", "tokenizer.bin, tokenizer.json or GGUF file to decode and encode with")
    .option("--max-tokens <n>", "tokens to generate", intOption("--max-tokens", 1), 64)
    .option("--temperature <t>", "0 = greedy", numberOption("--temperature", 0), 0)
    .option("--top-p <p>", "nucleus threshold (1 = off)", numberOption("--top-p", 0, 1), 1)
    .option("--seed <s>", "sampling seed (llama2.c run.c's generator)", intOption("--seed", 0), 1)
    .option("--json", "print JSON")
    // The reference engine's own command lives beside it (src/llama).
    .action(async (file, opts) => (await import("../llama/cli-actions.js")).generateAction(file, opts));
}
