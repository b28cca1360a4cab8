/**
 * `assay model inspect FILE`, `assay model convert IN OUT --to gguf|safetensors`, and
 * `assay model generate FILE` (token ids from the TypeScript reference engine; there is no tokenizer here).
 * Human output by default, JSON with --json; bad input throws UserError (exit 2).
 */
import type { Command } from "commander";
import { UserError } from "../util/errors.js";
import type { ConvertTarget } from "./convert.js";
import type { FloatDType } from "./dtype.js";

function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 1)}\n` : `${human}\n`);
}

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
    .action(async (file: string, opts: { json?: boolean }) => {
      const { openCheckpoint } = await import("./checkpoint.js");
      const { formatSummary, summarise } = await import("./inspect.js");
      const ck = openCheckpoint(file);
      try {
        const summary = summarise(ck);
        print(opts.json, summary, formatSummary(summary));
      } finally {
        ck.close();
      }
    });

  model
    .command("convert <in> <out>")
    .description(
      "convert a checkpoint, one tensor at a time (OUT: a .gguf file, a .safetensors file, or a folder)",
    )
    .requiredOption("--to <format>", "gguf or safetensors")
    .option("--dtype <type>", "element type of matrices: f32, f16 or bf16 (default: as stored)")
    .option("--name <name>", "general.name written into GGUF")
    .option("--json", "print JSON")
    .action(
      async (
        input: string,
        out: string,
        opts: { to: string; dtype?: string; name?: string; json?: boolean },
      ) => {
        const { openCheckpoint } = await import("./checkpoint.js");
        const { convertCheckpoint } = await import("./convert.js");
        const { formatBytes, Progress } = await import("../util/progress.js");
        if (opts.to !== "gguf" && opts.to !== "safetensors") {
          throw new UserError(`--to must be gguf or safetensors, got "${opts.to}"`);
        }
        let dtype: FloatDType | undefined;
        if (opts.dtype !== undefined) {
          const d = opts.dtype.toUpperCase();
          if (d !== "F32" && d !== "F16" && d !== "BF16")
            throw new UserError(`--dtype must be f32, f16 or bf16, got "${opts.dtype}"`);
          dtype = d;
        }
        const src = openCheckpoint(input);
        const progress = new Progress({
          label: "convert",
          unit: "tensors",
          mode: opts.json ? "silent" : "auto",
        });
        const started = Date.now();
        try {
          const result = convertCheckpoint(src, out, {
            to: opts.to as ConvertTarget,
            ...(dtype ? { dtype } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            progress,
          });
          progress.finish();
          const seconds = (Date.now() - started) / 1000;
          print(
            opts.json,
            { ...result, from: src.format, to: opts.to, seconds },
            `converted ${src.format} → ${opts.to}: ${result.tensors} tensors, ${formatBytes(result.bytes)} in ${seconds.toFixed(1)}s\n` +
              result.files.map((f) => `  wrote ${f}`).join("\n"),
          );
        } finally {
          src.close();
        }
      },
    );

  model
    .command("generate <file>")
    .description(
      "run a LLaMA checkpoint with the TypeScript reference engine and print token ids (small models)",
    )
    .option("--prompt <ids>", "comma-separated prompt token ids (default: the BOS id)")
    .option("--max-tokens <n>", "tokens to generate", "64")
    .option("--temperature <t>", "0 = greedy", "0")
    .option("--top-p <p>", "nucleus threshold (1 = off)", "1")
    .option("--seed <s>", "sampling seed (llama2.c run.c's generator)", "1")
    .option("--json", "print JSON")
    .action(
      async (
        file: string,
        opts: {
          prompt?: string;
          maxTokens: string;
          temperature: string;
          topP: string;
          seed: string;
          json?: boolean;
        },
      ) => {
        const { openCheckpoint } = await import("./checkpoint.js");
        const { LlamaEngine } = await import("../llama/engine.js");
        const { loadLlamaWeights } = await import("../llama/weights.js");
        const num = (flag: string, v: string, min: number, integer: boolean): number => {
          const n = Number(v);
          if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
            throw new UserError(
              `${flag} must be ${integer ? "an integer" : "a number"} ≥ ${min}, got "${v}"`,
            );
          }
          return n;
        };
        const ck = openCheckpoint(file);
        let weights: ReturnType<typeof loadLlamaWeights>;
        try {
          weights = loadLlamaWeights(ck);
        } finally {
          ck.close();
        }
        const vocab = weights.config.vocabSize;
        const prompt = opts.prompt?.split(",").map((p) => {
          const id = Number(p.trim());
          if (!Number.isInteger(id) || id < 0 || id >= vocab)
            throw new UserError(`--prompt: "${p}" is not a token id in [0, ${vocab})`);
          return id;
        });
        const engine = new LlamaEngine(weights);
        const started = process.hrtime.bigint();
        const tokens = engine.generate({
          ...(prompt ? { prompt } : {}),
          maxTokens: num("--max-tokens", opts.maxTokens, 1, true),
          temperature: num("--temperature", opts.temperature, 0, false),
          topP: num("--top-p", opts.topP, 0, false),
          seed: num("--seed", opts.seed, 0, true),
        });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const rate = tokens.length / seconds;
        print(
          opts.json,
          { tokens, seconds, tokensPerSecond: rate },
          `${tokens.join(" ")}\n(${tokens.length} tokens, ${rate.toFixed(0)} tokens/s)`,
        );
      },
    );
}
