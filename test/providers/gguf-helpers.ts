/** Tiny LLaMA models written by our own code as GGUF, for the gguf provider and cross-engine tests. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { GgufWriter, gguf, readGguf } from "../../src/formats/gguf.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { type LlamaWeights, randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `assay-${prefix}-`));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Grouped-query attention (4 heads, 2 KV heads), untied output, and a vocabulary of 320 tokens so that the
 * placeholder vocabulary's 256 byte tokens fit (llama.cpp needs them to tokenise any text).
 */
export const TINY_CONFIG: LlamaConfig = {
  hiddenSize: 32,
  intermediateSize: 64,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 8,
  vocabSize: 320,
  maxSeqLen: 256,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  bosTokenId: 1,
  eosTokenId: 2,
  modelType: "llama",
};

/** Random weights → HF folder (safetensors) → GGUF with our converter; returns the GGUF path. */
export function writeTinyGguf(
  dir: string,
  opts: { seed?: number; config?: LlamaConfig; name?: string } = {},
): { path: string; weights: LlamaWeights } {
  const weights = randomLlamaWeights(opts.config ?? TINY_CONFIG, opts.seed ?? 7, 0.2);
  const hf = join(dir, `${opts.name ?? "tiny"}-hf`);
  saveHfModel(hf, weights);
  const path = join(dir, `${opts.name ?? "tiny"}.gguf`);
  const ck = openCheckpoint(hf);
  try {
    convertCheckpoint(ck, path, { to: "gguf", name: opts.name ?? "tiny" });
  } finally {
    ck.close();
  }
  return { path, weights };
}

/** Copy a GGUF file, adding `tokenizer.chat_template` (a Jinja chat template, as real GGUF models carry). */
export function withChatTemplate(src: string, out: string, template: string): string {
  const file = readGguf(src);
  const metadata = new Map(file.metadata);
  metadata.set("tokenizer.chat_template", gguf.str(template));
  const writer = new GgufWriter(
    out,
    metadata,
    file.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
  );
  const ck = openCheckpoint(src);
  try {
    for (const t of file.tensors) writer.writeTensor(t.name, ck.readRaw(t.name));
    writer.close();
  } finally {
    ck.close();
  }
  return out;
}
