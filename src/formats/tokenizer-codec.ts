/**
 * Text ↔ token ids for the two tokenizer kinds, following what llama.cpp does with the same GGUF keys:
 *   - "llama" (SentencePiece BPE): the text gets a leading space when add_space_prefix is set, spaces become
 *     "▁", the text is split into characters, and the adjacent pair whose concatenation is a piece with the
 *     highest score is merged until none is left (ties: leftmost first); a character that is no piece is
 *     written as its UTF-8 bytes ("<0xAB>" pieces, else the unknown id).
 *   - "gpt2" (byte-level BPE): the text is split by GPT-2's pre-tokenizer pattern, each chunk's UTF-8 bytes
 *     are mapped to GPT-2's byte alphabet and merged by merge rank (lowest first, leftmost on ties).
 * Not done: special tokens written in the text are encoded as plain text (never as their control ids);
 * Unigram vocabularies are encoded by the same score-driven merging (as llama.cpp's "llama" tokenizer does),
 * not by SentencePiece's Viterbi search; byte-level pre-tokenizers other than GPT-2's are refused; no
 * normalisation (NFKC etc.) is applied.
 */
import { UserError } from "../util/errors.js";
import { byteLevelAlphabet, bytePiece, TOKEN_TYPE, type Tokenizer } from "./tokenizer.js";

const SPACE = "\u2581";
/** GPT-2's pre-tokenizer: contractions, letters, digits, other symbols, each with one optional leading space. */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const GPT2_PRE = new Set(["gpt-2", "gpt2"]);

/** Piece → id (the first id when a piece repeats). */
function pieceIds(tok: Tokenizer): Map<string, number> {
  const ids = new Map<string, number>();
  tok.pieces.forEach((p, i) => {
    if (!ids.has(p)) ids.set(p, i);
  });
  return ids;
}

/** A binary heap of candidate merges: best `key` first, then smallest left position. */
class MergeQueue {
  private items: { left: number; right: number; key: number; size: number }[] = [];
  private better(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.key > y.key || (x.key === y.key && x.left < y.left);
  }
  private swap(a: number, b: number): void {
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }
  push(item: { left: number; right: number; key: number; size: number }): void {
    this.items.push(item);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): { left: number; right: number; key: number; size: number } | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (this.items.length > 0 && last) {
      this.items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.items.length && this.better(l, best)) best = l;
        if (r < this.items.length && this.better(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }
}

/**
 * Merge adjacent symbols of `symbols` in place: `pairKey(a, b)` gives a merge's priority (higher first) or
 * undefined when the pair does not merge. Returns the surviving symbols in order.
 */
function mergeSymbols(symbols: string[], pairKey: (a: string, b: string) => number | undefined): string[] {
  const text = [...symbols];
  const prev = text.map((_, i) => i - 1);
  const next = text.map((_, i) => (i + 1 < text.length ? i + 1 : -1));
  const queue = new MergeQueue();
  const tryPair = (left: number, right: number): void => {
    if (left < 0 || right < 0) return;
    const key = pairKey(text[left]!, text[right]!);
    if (key !== undefined) queue.push({ left, right, key, size: text[left]!.length + text[right]!.length });
  };
  for (let i = 1; i < text.length; i++) tryPair(i - 1, i);
  for (let m = queue.pop(); m; m = queue.pop()) {
    const a = text[m.left]!;
    const b = text[m.right]!;
    // Stale entries: a side was merged away, or changed since the pair was queued.
    if (a === "" || b === "" || next[m.left] !== m.right || a.length + b.length !== m.size) continue;
    text[m.left] = a + b;
    text[m.right] = "";
    next[m.left] = next[m.right]!;
    if (next[m.right]! >= 0) prev[next[m.right]!] = m.left;
    tryPair(prev[m.left]!, m.left);
    tryPair(m.left, next[m.left]!);
  }
  return text.filter((s) => s !== "");
}

function encodeSentencePiece(tok: Tokenizer, text: string, ids: Map<string, number>): number[] {
  const spaced = ((tok.addSpacePrefix ? " " : "") + text).replaceAll(" ", SPACE);
  const merged = mergeSymbols([...spaced], (a, b) => {
    const id = ids.get(a + b);
    return id === undefined ? undefined : tok.scores[id]!;
  });
  const out: number[] = [];
  for (const s of merged) {
    const id = ids.get(s);
    if (id !== undefined) {
      out.push(id);
      continue;
    }
    for (const byte of Buffer.from(s, "utf8")) {
      const b = ids.get(bytePiece(byte));
      if (b !== undefined) out.push(b);
      else if (tok.unkId !== undefined) out.push(tok.unkId);
      else
        throw new UserError(
          `${tok.source}: cannot encode "${s}": no byte piece ${bytePiece(byte)} and no unknown token`,
        );
    }
  }
  return out;
}

function encodeByteLevel(tok: Tokenizer, text: string, ids: Map<string, number>): number[] {
  if (tok.pre !== undefined && !GPT2_PRE.has(tok.pre)) {
    throw new UserError(
      `${tok.source}: encoding with the "${tok.pre}" pre-tokenizer is not implemented (only GPT-2's); token ids can still be decoded`,
    );
  }
  const rank = new Map<string, number>();
  tok.merges.forEach(([a, b], r) => {
    const key = `${a.length}:${a}${b}`;
    if (!rank.has(key)) rank.set(key, r);
  });
  const { toChar } = byteLevelAlphabet();
  const out: number[] = [];
  for (const chunk of text.match(GPT2_SPLIT) ?? []) {
    const symbols = [...Buffer.from(chunk, "utf8")].map((b) => toChar[b]!);
    const merged = mergeSymbols(symbols, (a, b) => {
      const r = rank.get(`${a.length}:${a}${b}`);
      return r === undefined ? undefined : -r;
    });
    for (const s of merged) {
      const id = ids.get(s) ?? tok.unkId;
      if (id === undefined)
        throw new UserError(`${tok.source}: cannot encode "${chunk}": "${s}" is not a piece`);
      out.push(id);
    }
  }
  return out;
}

/** Token ids for `text`, with BOS/EOS added as the tokenizer asks (`specials: false` leaves them out). */
export function encodeText(tok: Tokenizer, text: string, opts: { specials?: boolean } = {}): number[] {
  const ids = pieceIds(tok);
  const body = tok.model === "llama" ? encodeSentencePiece(tok, text, ids) : encodeByteLevel(tok, text, ids);
  if (opts.specials === false) return body;
  return [
    ...(tok.addBos && tok.bosId !== undefined ? [tok.bosId] : []),
    ...body,
    ...(tok.addEos && tok.eosId !== undefined ? [tok.eosId] : []),
  ];
}

/**
 * Text for token ids. Control tokens (BOS, EOS, …) print nothing; byte pieces become their bytes; a
 * SentencePiece text loses the one space its prefix added. Invalid UTF-8 becomes U+FFFD.
 */
export function decodeTokens(tok: Tokenizer, tokens: readonly number[]): string {
  const bytes: number[] = [];
  const { toByte } = byteLevelAlphabet();
  let first = true;
  for (const id of tokens) {
    const piece = tok.pieces[id];
    if (piece === undefined)
      throw new UserError(`token id ${id} is outside the vocabulary (${tok.pieces.length} pieces)`);
    const type = tok.types[id];
    if (type === TOKEN_TYPE.control || type === TOKEN_TYPE.unused) continue;
    if (tok.model === "llama") {
      const byte = type === TOKEN_TYPE.byte ? /^<0x([0-9A-Fa-f]{2})>$/.exec(piece) : null;
      if (byte) bytes.push(Number.parseInt(byte[1]!, 16));
      else {
        let text = piece.replaceAll(SPACE, " ");
        if (first && tok.addSpacePrefix && text.startsWith(" ")) text = text.slice(1);
        bytes.push(...Buffer.from(text, "utf8"));
      }
    } else {
      for (const ch of piece) {
        const b = type === TOKEN_TYPE.normal ? toByte.get(ch) : undefined;
        if (b !== undefined) bytes.push(b);
        else bytes.push(...Buffer.from(ch, "utf8"));
      }
    }
    first = false;
  }
  return new TextDecoder("utf-8").decode(Uint8Array.from(bytes));
}
