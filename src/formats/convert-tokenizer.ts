/**
 * Which tokenizer a conversion carries and where it goes: the one given with --tokenizer, else the source's
 * own (GGUF keys, tokenizer.json beside safetensors); written as GGUF keys, as tokenizer.json in a Hugging
 * Face folder, and to --tokenizer-out (llama2.c tokenizer.bin, or tokenizer.json). Without one, GGUF output
 * gets the placeholder vocabulary and the result says so.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../util/errors.js";
import type { Checkpoint } from "./checkpoint.js";
import type { GgufMetaValue } from "./gguf.js";
import {
  cloneTokenizer,
  fitToVocab,
  isPlaceholderVocabulary,
  type Tokenizer,
  UnsupportedTokenizerError,
} from "./tokenizer.js";
import { checkpointTokenizer } from "./tokenizer-files.js";
import { tokenizerToGguf } from "./tokenizer-gguf.js";
import { writeHfTokenizer, writeHfTokenizerJson } from "./tokenizer-hf.js";
import { runcCaveat, writeLlama2cTokenizer } from "./tokenizer-llama2c.js";

export interface TokenizerPlan {
  /** The tokenizer carried (fitted to the model's vocabulary), if any. */
  tokenizer?: Tokenizer;
  /** GGUF tokenizer keys to write (undefined: the placeholder vocabulary). */
  ggufKeys?: Map<string, GgufMetaValue>;
  notes: string[];
}

export function planTokenizer(
  src: Checkpoint,
  opts: { to: "gguf" | "safetensors"; tokenizer?: Tokenizer; tokenizerOut?: string },
): TokenizerPlan {
  const notes: string[] = [];
  // GGUF → GGUF without --tokenizer copies every tokenizer.* key (chat template, pre-tokenizer, …) as it is.
  const copyKeys = opts.to === "gguf" && !opts.tokenizer && src.format === "gguf";
  let tok = opts.tokenizer;
  if (!tok) {
    try {
      tok = checkpointTokenizer(src);
    } catch (err) {
      // The source's own tokenizer of a kind we do not convert: the weights still convert (GGUF → GGUF
      // copies the keys anyway). A malformed tokenizer stops the conversion.
      if (!(err instanceof UnsupportedTokenizerError)) throw err;
      notes.push(`the source's tokenizer is not converted: ${err.message}`);
    }
  }
  if (!tok && src.format === "safetensors") {
    const dir = statSync(src.path).isDirectory() ? src.path : dirname(src.path);
    if (existsSync(join(dir, "tokenizer.model")))
      notes.push(
        "tokenizer.model (SentencePiece protobuf) is not read; give a tokenizer.json with --tokenizer",
      );
  }
  if (tok && isPlaceholderVocabulary(tok.pieces)) {
    notes.push(
      `${src.path} carries only the placeholder vocabulary ("▁t<id>" pieces): it is not a tokenizer`,
    );
    tok = undefined;
  }
  if (tok && src.config && !copyKeys) {
    tok = cloneTokenizer(tok);
    const added = fitToVocab(tok, src.config.vocabSize, src.path);
    if (added > 0)
      notes.push(
        `the tokenizer was padded with ${added} unused pieces to the model's vocab_size ${src.config.vocabSize}`,
      );
  }
  const plan: TokenizerPlan = { notes };
  if (tok) plan.tokenizer = tok;
  if (opts.tokenizerOut && !tok) {
    throw new UserError(
      `--tokenizer-out ${opts.tokenizerOut}: ${src.path} has no tokenizer to write; give one with --tokenizer`,
    );
  }
  if (opts.to === "gguf") {
    if (copyKeys) {
      const keys = new Map<string, GgufMetaValue>();
      for (const [k, v] of src.metadata)
        if (k.startsWith("tokenizer.") && typeof v !== "string") keys.set(k, v);
      if (keys.size > 0) plan.ggufKeys = keys;
    } else if (tok) {
      plan.ggufKeys = tokenizerToGguf(tok);
    }
    if (!plan.ggufKeys)
      notes.push(
        "no tokenizer: the GGUF file carries a placeholder vocabulary (token ids only); give one with --tokenizer",
      );
  } else if (!tok) {
    notes.push("no tokenizer: none written (give one with --tokenizer)");
  }
  return plan;
}

/** Write the tokenizer files of a plan: tokenizer.json into a HF output folder, and --tokenizer-out. */
export function writeTokenizerFiles(
  plan: TokenizerPlan,
  opts: { hfFolder?: string; tokenizerOut?: string; singleSafetensors?: boolean },
): string[] {
  const tok = plan.tokenizer;
  if (!tok) return [];
  const files: string[] = [];
  if (opts.hfFolder) files.push(...writeHfTokenizer(tok, opts.hfFolder));
  else if (opts.singleSafetensors && !opts.tokenizerOut)
    plan.notes.push("a single .safetensors file holds no tokenizer: write a folder, or use --tokenizer-out");
  const out = opts.tokenizerOut;
  if (out) {
    if (out.endsWith(".json")) files.push(writeHfTokenizerJson(tok, out));
    else {
      writeLlama2cTokenizer(tok, out);
      files.push(out);
      const caveat = runcCaveat(tok);
      if (caveat) plan.notes.push(`${out}: ${caveat}`);
    }
  }
  return files;
}
