/**
 * Where tokenizers live: a tokenizer file named by the user (llama2.c tokenizer.bin, Hugging Face
 * tokenizer.json or a folder holding one, or a GGUF file's keys), or the one a checkpoint carries (GGUF keys;
 * tokenizer.json beside safetensors). llama2.c checkpoints carry none (run.c reads tokenizer.bin separately).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../util/errors.js";
import type { Checkpoint } from "./checkpoint.js";
import { readGguf } from "./gguf.js";
import type { Tokenizer } from "./tokenizer.js";
import { tokenizerFromGguf } from "./tokenizer-gguf.js";
import { readHfTokenizer } from "./tokenizer-hf.js";
import { readLlama2cTokenizer } from "./tokenizer-llama2c.js";

function startsWith(file: string, magic: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(magic.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString("latin1") === magic;
  } finally {
    closeSync(fd);
  }
}

/**
 * Read a tokenizer file given on the command line. `vocabSize` (the model's) lets a llama2.c tokenizer.bin,
 * which has no token count, be read exactly as run.c reads it.
 */
export function loadTokenizerFile(path: string, vocabSize?: number): Tokenizer {
  if (!existsSync(path)) throw new UserError(`${path}: no such tokenizer file`);
  if (statSync(path).isDirectory()) {
    const inside = join(path, "tokenizer.json");
    if (!existsSync(inside)) throw new UserError(`${path}: folder has no tokenizer.json`);
    return readHfTokenizer(inside);
  }
  if (path.endsWith(".json")) return readHfTokenizer(path);
  if (startsWith(path, "GGUF")) {
    const tok = tokenizerFromGguf(readGguf(path).metadata, path);
    if (!tok) throw new UserError(`${path}: GGUF file has no tokenizer.ggml.model key`);
    return tok;
  }
  return readLlama2cTokenizer(path, vocabSize);
}

/** The tokenizer a checkpoint carries, or undefined (llama2.c; safetensors without tokenizer.json). */
export function checkpointTokenizer(ck: Checkpoint): Tokenizer | undefined {
  if (ck.format === "gguf") return tokenizerFromGguf(ck.metadata, ck.path);
  if (ck.format !== "safetensors") return undefined;
  const dir = statSync(ck.path).isDirectory() ? ck.path : dirname(ck.path);
  const file = join(dir, "tokenizer.json");
  if (!existsSync(file)) return undefined;
  const hints: { bosTokenId?: number; eosTokenId?: number } = {};
  if (ck.config?.bosTokenId !== undefined) hints.bosTokenId = ck.config.bosTokenId;
  if (ck.config?.eosTokenId !== undefined) hints.eosTokenId = ck.config.eosTokenId;
  return readHfTokenizer(file, hints);
}
