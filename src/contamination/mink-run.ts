/**
 * `contamination mink`: membership scores per item from the TypeScript reference engine's token
 * log-probabilities. The reference engine has no tokenizer, so items come as token ids (a JSONL file:
 * id, tokens, and optionally text and member); the text, when given, is what the zlib ratio
 * compresses, otherwise the token ids as 32-bit integers.
 */
import { readFileSync } from "node:fs";
import { type Checkpoint, openCheckpoint } from "../formats/checkpoint.js";
import { encodeText } from "../formats/tokenizer-codec.js";
import { checkpointTokenizer, loadTokenizerFile } from "../formats/tokenizer-files.js";
import { LlamaEngine } from "../llama/engine.js";
import { loadLlamaWeights } from "../llama/weights.js";
import { UserError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { minKProb, perplexity, rocAuc, zlibRatio } from "./mink.js";
import type { TextItem } from "./mink-text.js";

export interface TokenItem {
  id: string;
  tokens: number[];
  text?: string;
  member?: boolean;
}

export interface MinkRow {
  id: string;
  tokens: number;
  minK: number;
  perplexity: number;
  zlibRatio: number;
  member?: boolean;
}

export interface MinkResult {
  k: number;
  rows: MinkRow[];
  /** With labels: ROC-AUC of each score, oriented so that 1 means members are ranked first. */
  auc?: { minK: number; perplexity: number; zlibRatio: number; members: number; nonMembers: number };
}

function fail(path: string, line: number, message: string): never {
  throw new UserError(`${path}:${line}: ${message}`);
}

export function readTokenItems(path: string, vocabSize: number): TokenItem[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read (${(err as Error).message})`);
  }
  const items: TokenItem[] = [];
  text.split("\n").forEach((line, k) => {
    if (line.trim() === "") return;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      fail(path, k + 1, "not a JSON line");
    }
    const id =
      typeof v.id === "string" || typeof v.id === "number"
        ? String(v.id)
        : fail(path, k + 1, 'field "id" is missing');
    const tokens = v.tokens;
    if (!Array.isArray(tokens) || tokens.length < 2)
      fail(path, k + 1, 'field "tokens" must list at least 2 token ids');
    for (const t of tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= vocabSize) {
        fail(path, k + 1, `field "tokens": ${JSON.stringify(t)} is not a token id in [0, ${vocabSize})`);
      }
    }
    const item: TokenItem = { id, tokens: tokens as number[] };
    if (v.text !== undefined) {
      if (typeof v.text !== "string") fail(path, k + 1, 'field "text" must be a string');
      item.text = v.text;
    }
    if (v.member !== undefined) {
      if (typeof v.member !== "boolean") fail(path, k + 1, 'field "member" must be true or false');
      item.member = v.member;
    }
    items.push(item);
  });
  if (items.length === 0) throw new UserError(`${path}: no items`);
  return items;
}

/** What the zlib ratio compresses: the item's UTF-8 text, or else its token ids as 32-bit integers. */
export function itemBytes(item: TokenItem): Uint8Array {
  if (item.text !== undefined) return Buffer.from(item.text, "utf8");
  return new Uint8Array(Int32Array.from(item.tokens).buffer);
}

/** Membership labels by id (e.g. a contamination scan's verdicts) replace the items' own. */
export function applyLabels(items: TokenItem[], labels: ReadonlyMap<string, boolean> | undefined): void {
  if (!labels) return;
  for (const item of items) {
    const label = labels.get(item.id);
    if (label !== undefined) item.member = label;
  }
}

/** One item's scores from the log-probabilities of its predicted tokens; `bytes` is what zlib compresses. */
export function minkRow(
  id: string,
  perToken: ArrayLike<number>,
  bytes: Uint8Array,
  k: number,
  member?: boolean,
): MinkRow {
  return {
    id,
    tokens: perToken.length,
    minK: minKProb(perToken, k),
    perplexity: perplexity(perToken),
    zlibRatio: zlibRatio(perToken, bytes),
    ...(member !== undefined ? { member } : {}),
  };
}

/** Rows with ROC-AUCs when both members and non-members are labelled. */
export function minkResult(k: number, rows: MinkRow[]): MinkResult {
  const labelled = rows.filter((r) => r.member !== undefined);
  const result: MinkResult = { k, rows };
  const members = labelled.filter((r) => r.member).length;
  if (members > 0 && members < labelled.length) {
    const labels = labelled.map((r) => r.member!);
    const auc = (score: (r: MinkRow) => number) => rocAuc(labelled.map(score), labels);
    result.auc = {
      minK: auc((r) => r.minK),
      perplexity: auc((r) => -r.perplexity),
      zlibRatio: auc((r) => -r.zlibRatio),
      members,
      nonMembers: labelled.length - members,
    };
  }
  return result;
}

/** Scores items with an engine; `bos` is prepended as context so that the first item token is scored too. */
export function scoreItems(
  engine: LlamaEngine,
  items: readonly TokenItem[],
  k: number,
  bos: number | undefined,
  onItem: () => void = () => {},
): MinkResult {
  const rows = items.map((item): MinkRow => {
    const seq = bos === undefined ? item.tokens : [bos, ...item.tokens];
    const { perToken } = engine.logLikelihood(seq);
    onItem();
    return minkRow(item.id, perToken, itemBytes(item), k, item.member);
  });
  return minkResult(k, rows);
}

export interface MinkOptions {
  model: string;
  /** JSONL of token-id items; or give `texts` (a task's items), which the model's tokenizer encodes. */
  tokens?: string;
  texts?: readonly TextItem[];
  /** Tokenizer file for `texts` when the checkpoint carries none (llama2.c tokenizer.bin, tokenizer.json, GGUF). */
  tokenizer?: string;
  k: number;
  /** Prepend the model's BOS token (default true). */
  bos: boolean;
  /** Membership labels by id, overriding the items' own (e.g. a contamination scan's verdicts). */
  labels?: ReadonlyMap<string, boolean>;
  progress?: "auto" | "silent";
}

/** Text items as token ids, by the given tokenizer file or the one the checkpoint carries. */
function encodeItems(
  opts: MinkOptions,
  ck: Checkpoint,
  vocabSize: number,
  texts: readonly TextItem[],
): TokenItem[] {
  const tok = opts.tokenizer ? loadTokenizerFile(opts.tokenizer, vocabSize) : checkpointTokenizer(ck);
  if (!tok) {
    throw new UserError(
      `${opts.model} carries no tokenizer: give --tokenizer (tokenizer.bin, tokenizer.json or a GGUF file), or --tokens with token ids`,
    );
  }
  return texts.map((t) => {
    const tokens = encodeText(tok, t.text, { specials: false });
    if (tokens.some((x) => x >= vocabSize)) {
      throw new UserError(
        `${tok.source}: encodes item "${t.id}" with ids beyond the model's ${vocabSize} tokens`,
      );
    }
    return encodedItem(t, tokens, opts.bos);
  });
}

/** A text item with its token ids; at least one token must be predicted (two without BOS as context). */
export function encodedItem(t: TextItem, tokens: number[], bos: boolean): TokenItem {
  if (tokens.length < (bos ? 1 : 2))
    throw new UserError(`item "${t.id}": ${tokens.length} token(s), too short to score`);
  return { id: t.id, tokens, text: t.text, ...(t.member !== undefined ? { member: t.member } : {}) };
}

/** Every item, with BOS if given, must fit the model's context. */
export function checkItemLengths(
  items: readonly TokenItem[],
  bos: number | undefined,
  maxLength: number,
  source: string,
): void {
  for (const item of items) {
    const len = item.tokens.length + (bos === undefined ? 0 : 1);
    if (len > maxLength) {
      throw new UserError(
        `${source}: item "${item.id}" has ${len} tokens, more than the model's ${maxLength}`,
      );
    }
  }
}

/** The per-item progress line of `contamination mink`. */
export function minkProgress(total: number, mode: "auto" | "silent" = "auto"): Progress {
  return new Progress({ label: "contamination mink", total, unit: "items", mode });
}

export function checkK(k: number): void {
  if (!(k > 0 && k <= 1)) throw new UserError(`--k must be in (0, 1], got ${k}`);
}

export function runMink(opts: MinkOptions): MinkResult {
  checkK(opts.k);
  const ck = openCheckpoint(opts.model);
  let weights: ReturnType<typeof loadLlamaWeights>;
  let items: TokenItem[];
  try {
    weights = loadLlamaWeights(ck);
    const vocab = weights.config.vocabSize;
    if (opts.texts) items = encodeItems(opts, ck, vocab, opts.texts);
    else if (opts.tokens) items = readTokenItems(opts.tokens, vocab);
    else throw new UserError("contamination mink: give --tokens or --task");
  } finally {
    ck.close();
  }
  const engine = new LlamaEngine(weights);
  const bos = opts.bos ? (weights.config.bosTokenId ?? 1) : undefined;
  checkItemLengths(items, bos, engine.maxSeqLen, opts.tokens ?? "task");
  applyLabels(items, opts.labels);
  const progress = minkProgress(items.length, opts.progress);
  try {
    return scoreItems(engine, items, opts.k, bos, () => progress.tick());
  } finally {
    progress.finish();
  }
}
