/** What `assay model inspect|convert|generate` do; loaded when one of them runs (see cli.ts). */

import { print } from "../cli-kit/output.js";
import { UserError } from "../util/errors.js";
import type { ConvertTarget } from "./convert.js";
import type { FloatDType } from "./dtype.js";

export async function inspectAction(file: string, opts: { json?: boolean }): Promise<void> {
  const { openCheckpoint } = await import("./checkpoint.js");
  const { formatSummary, summarise } = await import("./inspect.js");
  const ck = openCheckpoint(file);
  try {
    const summary = summarise(ck);
    print(opts.json, summary, formatSummary(summary));
  } finally {
    ck.close();
  }
}

export async function convertAction(
  input: string,
  out: string,
  opts: {
    to: string;
    dtype?: string;
    name?: string;
    tokenizer?: string;
    tokenizerOut?: string;
    json?: boolean;
  },
): Promise<void> {
  const { openCheckpoint } = await import("./checkpoint.js");
  const { loadTokenizerFile } = await import("./tokenizer-files.js");
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
  const tokenizer = opts.tokenizer ? loadTokenizerFile(opts.tokenizer, src.config?.vocabSize) : undefined;
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
      ...(tokenizer ? { tokenizer } : {}),
      ...(opts.tokenizerOut ? { tokenizerOut: opts.tokenizerOut } : {}),
      progress,
    });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    print(
      opts.json,
      { ...result, from: src.format, to: opts.to, seconds },
      `converted ${src.format} → ${opts.to}: ${result.tensors} tensors, ${formatBytes(result.bytes)} in ${seconds.toFixed(1)}s\n` +
        result.files.map((f) => `  wrote ${f}`).join("\n") +
        (result.tokenizer
          ? `\n  tokenizer ${result.tokenizer.model}, ${result.tokenizer.size} pieces (BOS ${result.tokenizer.bos ?? "none"}, EOS ${result.tokenizer.eos ?? "none"})`
          : "") +
        result.notes.map((n) => `\n  note: ${n}`).join(""),
    );
  } finally {
    src.close();
  }
}
