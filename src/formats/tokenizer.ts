/**
 * One in-memory tokenizer shared by every format (llama2.c tokenizer.bin, Hugging Face tokenizer.json,
 * GGUF tokenizer.* keys): pieces, scores, token types, ranked merges and special ids. Two model kinds,
 * named as GGUF's `tokenizer.ggml.model` names them:
 *   - "llama": SentencePiece-style — pieces use "▁" for a space, unknown characters fall back to the
 *     byte pieces "<0x00>"…"<0xFF>", text is merged by piece score (BPE) or carries unigram scores;
 *   - "gpt2": byte-level BPE — every byte is mapped to a printable character (GPT-2's byte alphabet) and
 *     text is merged by merge rank.
 * Conversions that a format cannot carry directly are derived here: merges from scores (for tokenizer.json)
 * and scores from merge ranks (for GGUF "llama" and tokenizer.bin).
 */
import { UserError } from "../util/errors.js";

/** GGUF token types (llama.cpp's llama_token_type); 0 is "undefined". */
export const TOKEN_TYPE = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

export type TokenizerModel = "llama" | "gpt2";

export interface Tokenizer {
  model: TokenizerModel;
  pieces: string[];
  /** One per piece; 0 where the source had none. */
  scores: number[];
  /** One per piece, values of TOKEN_TYPE. */
  types: number[];
  /** Ranked merges (first = applied first); empty when the source has none. */
  merges: [string, string][];
  bosId?: number;
  eosId?: number;
  unkId?: number;
  padId?: number;
  /** Encoding a prompt starts with BOS / ends with EOS. */
  addBos: boolean;
  addEos: boolean;
  /** "llama" only: a space is put before the text (SentencePiece's dummy prefix). */
  addSpacePrefix: boolean;
  /** GGUF tokenizer.ggml.pre (the pre-tokenizer of a "gpt2" tokenizer), when known. */
  pre?: string;
  /** How Hugging Face stored a "llama" tokenizer; written back the same way. Default BPE. */
  hfModel?: "BPE" | "Unigram";
  /** True when scores were derived from merge ranks (the source had none). */
  scoresDerived?: boolean;
  /** Where it came from, for messages. */
  source: string;
}

/** A tokenizer of a kind we do not convert (a converter may go on without it; a malformed file may not). */
export class UnsupportedTokenizerError extends UserError {}

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** The byte a "<0xAB>" piece stands for, or undefined. */
export function bytePieceValue(piece: string): number | undefined {
  const m = BYTE_PIECE.exec(piece);
  return m ? Number.parseInt(m[1]!, 16) : undefined;
}

export function bytePiece(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`;
}

let byteLevel: { toChar: string[]; toByte: Map<string, number> } | undefined;

/**
 * GPT-2's byte alphabet: printable Latin-1 bytes (! … ~, ¡ … ¬, ® … ÿ) stand for themselves, every other
 * byte for the code point 256 + n, n counting those bytes in order. So "Ġ" (U+0120) is a space.
 */
export function byteLevelAlphabet(): { toChar: string[]; toByte: Map<string, number> } {
  if (byteLevel) return byteLevel;
  const toChar: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    toChar[b] = String.fromCodePoint(printable ? b : 256 + extra++);
  }
  byteLevel = { toChar, toByte: new Map(toChar.map((c, b) => [c, b])) };
  return byteLevel;
}

/** Check a tokenizer's internal consistency; `where` names the file. */
export function validateTokenizer(tok: Tokenizer, where: string): void {
  const n = tok.pieces.length;
  if (n === 0) throw new UserError(`${where}: the tokenizer has no pieces`);
  if (tok.scores.length !== n || tok.types.length !== n) {
    throw new UserError(
      `${where}: ${n} pieces but ${tok.scores.length} scores and ${tok.types.length} token types`,
    );
  }
  tok.types.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t > 6)
      throw new UserError(`${where}: token ${i} has token type ${t} (0–6 allowed)`);
  });
  tok.scores.forEach((s, i) => {
    if (typeof s !== "number" || Number.isNaN(s))
      throw new UserError(`${where}: token ${i} has a score that is not a number`);
  });
  for (const key of ["bosId", "eosId", "unkId", "padId"] as const) {
    const id = tok[key];
    if (id !== undefined && (!Number.isInteger(id) || id < 0 || id >= n))
      throw new UserError(`${where}: ${key} ${id} is not a token id in [0, ${n})`);
  }
  if (tok.merges.length > 0) {
    const known = new Set(tok.pieces);
    tok.merges.forEach(([a, b], i) => {
      if (!known.has(a) || !known.has(b) || !known.has(a + b)) {
        throw new UserError(
          `${where}: merge ${i} ("${a}" "${b}") names a piece that is not in the vocabulary`,
        );
      }
    });
  }
}

/** Pieces an encoder may produce from text (not control, unused or byte tokens). */
function isTextPiece(type: number): boolean {
  return type === TOKEN_TYPE.normal || type === TOKEN_TYPE.userDefined || type === 0;
}

/**
 * Merges for a score-ordered ("llama") vocabulary, as Hugging Face's SentencePiece conversion builds them:
 * every split of a piece into two pieces of the vocabulary, ranked by the whole piece's score (highest
 * first), ties by piece id, then by the left part's id.
 */
export function mergesFromScores(tok: Tokenizer): [string, string][] {
  const ids = new Map<string, number>();
  tok.pieces.forEach((p, i) => {
    if (isTextPiece(tok.types[i]!) && !ids.has(p)) ids.set(p, i);
  });
  const found: { a: string; b: string; score: number; id: number; left: number }[] = [];
  for (const [piece, id] of ids) {
    const chars = [...piece];
    let prefix = "";
    for (let k = 1; k < chars.length; k++) {
      prefix += chars[k - 1];
      const rest = piece.slice(prefix.length);
      const left = ids.get(prefix);
      if (left !== undefined && ids.has(rest)) {
        found.push({ a: prefix, b: rest, score: tok.scores[id]!, id, left });
      }
    }
  }
  found.sort((x, y) => y.score - x.score || x.id - y.id || x.left - y.left);
  return found.map((m) => [m.a, m.b]);
}

/**
 * Scores for a merge-ranked vocabulary: the piece made by merge r scores −r (its first merge counts), so
 * merging the best-scored pair (SentencePiece, llama.cpp's "llama" tokenizer) follows the merge order. Pieces
 * no merge makes score below every merged piece; byte, control and unused pieces score 0.
 */
export function scoresFromMerges(tok: Tokenizer): number[] {
  const rank = new Map<string, number>();
  tok.merges.forEach(([a, b], r) => {
    if (!rank.has(a + b)) rank.set(a + b, r);
  });
  const floor = tok.merges.length;
  return tok.pieces.map((p, i) => {
    if (!isTextPiece(tok.types[i]!)) return 0;
    const r = rank.get(p);
    return r === undefined ? -(floor + i) : -r;
  });
}

/** The tokenizer with merges (derived from scores when it has none). */
export function withMerges(tok: Tokenizer): [string, string][] {
  return tok.merges.length > 0 || tok.model !== "llama" ? tok.merges : mergesFromScores(tok);
}

/** True for the placeholder vocabulary our converter writes when no tokenizer is known ("▁t<id>" pieces). */
export function isPlaceholderVocabulary(pieces: readonly string[]): boolean {
  if (pieces.length <= 259) return false;
  for (let i = 259; i < pieces.length; i++) if (pieces[i] !== `\u2581t${i}`) return false;
  return true;
}

/**
 * Fit a tokenizer to a model's vocabulary size: a tokenizer larger than the model is refused (UserError
 * naming the file); a smaller one is padded with unused "<pad_N>" pieces, as llama.cpp's converter does
 * for models whose embedding matrix was rounded up. Returns the number of pieces added.
 */
export function fitToVocab(tok: Tokenizer, vocabSize: number, modelWhere: string): number {
  const n = tok.pieces.length;
  if (n > vocabSize) {
    throw new UserError(
      `${tok.source}: the tokenizer has ${n} pieces but the model ${modelWhere} has vocab_size ${vocabSize}`,
    );
  }
  for (let i = n; i < vocabSize; i++) {
    tok.pieces.push(`<pad_${i}>`);
    tok.scores.push(0);
    tok.types.push(TOKEN_TYPE.unused);
  }
  return vocabSize - n;
}

/** Copy (so that padding or derived fields do not change the caller's object). */
export function cloneTokenizer(tok: Tokenizer): Tokenizer {
  return {
    ...tok,
    pieces: [...tok.pieces],
    scores: [...tok.scores],
    types: [...tok.types],
    merges: tok.merges.map(([a, b]) => [a, b]),
  };
}

/** A short description for inspect and convert output. */
export function describeTokenizer(tok: Tokenizer): {
  model: TokenizerModel;
  size: number;
  merges: number;
  bos: string | null;
  eos: string | null;
  unk: string | null;
  addBos: boolean;
  placeholder: boolean;
} {
  const name = (id: number | undefined): string | null =>
    id === undefined ? null : `${id} ${JSON.stringify(tok.pieces[id])}`;
  return {
    model: tok.model,
    size: tok.pieces.length,
    merges: tok.merges.length,
    bos: name(tok.bosId),
    eos: name(tok.eosId),
    unk: name(tok.unkId),
    addBos: tok.addBos,
    placeholder: isPlaceholderVocabulary(tok.pieces),
  };
}
