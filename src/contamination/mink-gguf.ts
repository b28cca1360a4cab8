/**
 * `contamination mink --model gguf/<file.gguf>` (or `gguf/hf:<owner>/<repo>/<file>`, the gguf provider's
 * names): membership scores from llama.cpp's token log-probabilities, in process (mink-gguf-engine.ts),
 * scored exactly as the reference engine's (minkRow). Any architecture llama.cpp runs; text items are
 * tokenised by llama.cpp with the file's own vocabulary, and the file's BOS token is prepended as context
 * (unless --no-bos), as the reference path does. A bare `.gguf` path still goes to the reference engine.
 */
import { ggufOptionsFromEnv } from "../providers/gguf-provider.js";
import { UserError } from "../util/errors.js";
import { GgufScorer, type GgufScorerOptions } from "./mink-gguf-engine.js";
import {
  applyLabels,
  checkItemLengths,
  checkK,
  encodedItem,
  itemBytes,
  type MinkOptions,
  type MinkResult,
  type MinkRow,
  minkProgress,
  minkResult,
  minkRow,
  readTokenItems,
  type TokenItem,
} from "./mink-run.js";

export const GGUF_PREFIX = "gguf/";

export function isGgufModel(model: string): boolean {
  return model.startsWith(GGUF_PREFIX);
}

/**
 * As the reference engine's, with `model` = `gguf/<path.gguf>` or `gguf/hf:<owner>/<repo>[@rev]/<file.gguf>`;
 * `texts` are tokenised by llama.cpp and `tokenizer` is refused (the file's own vocabulary is used).
 */
export interface GgufMinkOptions extends MinkOptions {
  /** Defaults from ASSAY_GGUF_GPU / ASSAY_GGUF_THREADS. */
  scorer?: GgufScorerOptions;
}

export interface GgufMinkResult extends MinkResult {
  engine: "llama.cpp";
  path: string;
}

function loadItems(opts: GgufMinkOptions, scorer: GgufScorer): TokenItem[] {
  if (opts.texts) return opts.texts.map((t) => encodedItem(t, scorer.tokenize(t.text), opts.bos));
  if (opts.tokens) return readTokenItems(opts.tokens, scorer.vocabSize);
  throw new UserError("contamination mink: give --tokens or --task");
}

export async function runGgufMink(opts: GgufMinkOptions): Promise<GgufMinkResult> {
  checkK(opts.k);
  if (!isGgufModel(opts.model)) throw new Error(`not a gguf/ model: ${opts.model}`);
  if (opts.tokenizer !== undefined) {
    throw new UserError(
      "--tokenizer applies to the reference engine: llama.cpp (--model gguf/…) tokenises with the file's own vocabulary",
    );
  }
  const env = ggufOptionsFromEnv();
  const scorer = await GgufScorer.open(opts.model.slice(GGUF_PREFIX.length), {
    ...(env.gpu !== undefined ? { gpu: env.gpu } : {}),
    ...(env.threads !== undefined ? { threads: env.threads } : {}),
    ...opts.scorer,
  });
  try {
    const items = loadItems(opts, scorer);
    let bos: number | undefined;
    if (opts.bos) {
      bos = scorer.bos;
      if (bos === undefined) throw new UserError(`${scorer.path} defines no BOS token: score with --no-bos`);
    }
    checkItemLengths(items, bos, scorer.trainContextSize, opts.tokens ?? "task");
    applyLabels(items, opts.labels);
    const progress = minkProgress(items.length, opts.progress);
    const rows: MinkRow[] = [];
    try {
      for (const item of items) {
        const lp = await scorer.logProbs(bos === undefined ? item.tokens : [bos, ...item.tokens]);
        rows.push(minkRow(item.id, lp, itemBytes(item), opts.k, item.member));
        progress.tick();
      }
    } finally {
      progress.finish();
    }
    return { ...minkResult(opts.k, rows), engine: "llama.cpp", path: scorer.path };
  } finally {
    await scorer.close();
  }
}
