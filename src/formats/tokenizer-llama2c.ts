/**
 * llama2.c's tokenizer.bin (written by its tokenizer.py, read by run.c): an int32 max_token_length, then per
 * token a float32 score, an int32 byte length and the piece's UTF-8 bytes (no terminator). tokenizer.py
 * stores "▁" as a plain space, BOS as "\n<s>\n" and EOS as "\n</s>\n"; byte pieces stay "<0xAB>". The file
 * has no token count (run.c takes it from the model) and no types or merges: types are inferred from the
 * pieces, and run.c hard-codes BOS 1, EOS 2 and byte ids 3–258, so only SentencePiece-style ("llama")
 * vocabularies fit.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { writeFileAtomic } from "./file.js";
import { bytePieceValue, TOKEN_TYPE, type Tokenizer, validateTokenizer } from "./tokenizer.js";

const SPACE = "\u2581";
const STORED_BOS = "\n<s>\n";
const STORED_EOS = "\n</s>\n";

export function readLlama2cTokenizer(file: string, expectedSize?: number): Tokenizer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseLlama2cTokenizer(buf, file, expectedSize);
}

export function parseLlama2cTokenizer(buf: Buffer, file: string, expectedSize?: number): Tokenizer {
  if (buf.byteLength < 4)
    throw new UserError(`${file}: too short for a llama2.c tokenizer (no max_token_length)`);
  const maxLen = buf.readInt32LE(0);
  if (maxLen <= 0 || maxLen > 1 << 16)
    throw new UserError(
      `${file}: max_token_length ${maxLen} is not plausible (not a llama2.c tokenizer.bin?)`,
    );
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const pieces: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  let at = 4;
  while (at < buf.byteLength && (expectedSize === undefined || pieces.length < expectedSize)) {
    const i = pieces.length;
    if (at + 8 > buf.byteLength)
      throw new UserError(`${file}: token ${i} at byte ${at}: truncated score/length fields`);
    const score = buf.readFloatLE(at);
    const len = buf.readInt32LE(at + 4);
    if (len < 0 || len > maxLen || at + 8 + len > buf.byteLength) {
      throw new UserError(
        `${file}: token ${i} at byte ${at}: length ${len} is negative, above max_token_length ${maxLen} or past the end of the file`,
      );
    }
    let text: string;
    try {
      text = decoder.decode(buf.subarray(at + 8, at + 8 + len));
    } catch {
      throw new UserError(`${file}: token ${i} at byte ${at}: piece is not valid UTF-8`);
    }
    at += 8 + len;
    const piece = storedToPiece(text);
    pieces.push(piece);
    scores.push(score);
    types.push(inferType(piece, i));
  }
  if (expectedSize !== undefined && pieces.length !== expectedSize) {
    throw new UserError(
      `${file}: has ${pieces.length} tokens but the model's vocab_size is ${expectedSize} (a tokenizer for another model?)`,
    );
  }
  if (expectedSize !== undefined && at !== buf.byteLength) {
    throw new UserError(
      `${file}: ${buf.byteLength - at} bytes after token ${expectedSize - 1}: the tokenizer has more tokens than the model's vocab_size ${expectedSize}`,
    );
  }
  const tok: Tokenizer = {
    model: "llama",
    pieces,
    scores,
    types,
    merges: [],
    addBos: true,
    addEos: false,
    addSpacePrefix: true,
    source: file,
  };
  // run.c's fixed ids, recorded when the pieces agree.
  if (pieces[0] === "<unk>") tok.unkId = 0;
  if (pieces[1] === "<s>") tok.bosId = 1;
  if (pieces[2] === "</s>") tok.eosId = 2;
  validateTokenizer(tok, file);
  return tok;
}

function storedToPiece(text: string): string {
  if (text === STORED_BOS) return "<s>";
  if (text === STORED_EOS) return "</s>";
  return text.replaceAll(" ", SPACE);
}

function inferType(piece: string, id: number): number {
  if (piece === "<unk>") return TOKEN_TYPE.unknown;
  if ((piece === "<s>" && id === 1) || (piece === "</s>" && id === 2)) return TOKEN_TYPE.control;
  if (bytePieceValue(piece) !== undefined) return TOKEN_TYPE.byte;
  return TOKEN_TYPE.normal;
}

/** The bytes of tokenizer.bin for `tok` (a "llama" tokenizer; scores derived from merges when absent). */
export function encodeLlama2cTokenizer(tok: Tokenizer, where: string): Buffer {
  if (tok.model !== "llama") {
    throw new UserError(
      `${where}: llama2.c's tokenizer.bin holds only SentencePiece-style ("llama") vocabularies, not "${tok.model}" (byte-level BPE)`,
    );
  }
  const scores = tok.scores;
  const stored = tok.pieces.map((p, i) => {
    if (i === tok.bosId && tok.types[i] === TOKEN_TYPE.control) return Buffer.from(STORED_BOS, "utf8");
    if (i === tok.eosId && tok.types[i] === TOKEN_TYPE.control) return Buffer.from(STORED_EOS, "utf8");
    return Buffer.from(p.replaceAll(SPACE, " "), "utf8");
  });
  const maxLen = Math.max(1, ...stored.map((b) => b.byteLength));
  const out = Buffer.alloc(4 + stored.reduce((n, b) => n + 8 + b.byteLength, 0));
  out.writeInt32LE(maxLen, 0);
  let at = 4;
  stored.forEach((b, i) => {
    out.writeFloatLE(scores[i]!, at);
    out.writeInt32LE(b.byteLength, at + 4);
    b.copy(out, at + 8);
    at += 8 + b.byteLength;
  });
  return out;
}

/**
 * Why run.c would mis-handle `tok` though tokenizer.bin can hold it (run.c hard-codes BOS 1, EOS 2 and the byte
 * piece of byte b at id 3 + b), or undefined when it fits.
 */
export function runcCaveat(tok: Tokenizer): string | undefined {
  const problems: string[] = [];
  if (tok.bosId !== 1 || tok.eosId !== 2)
    problems.push(`BOS ${tok.bosId ?? "none"} and EOS ${tok.eosId ?? "none"} (run.c: 1 and 2)`);
  const bytesAt = tok.pieces.every((p, i) => {
    const b = bytePieceValue(p);
    return b === undefined || b + 3 === i;
  });
  const byteCount = tok.pieces.filter((p) => bytePieceValue(p) !== undefined).length;
  if (!bytesAt || byteCount !== 256) problems.push("byte pieces not at ids 3–258");
  return problems.length > 0 ? `run.c expects other ids: ${problems.join("; ")}` : undefined;
}

export function writeLlama2cTokenizer(tok: Tokenizer, file: string): void {
  writeFileAtomic(file, encodeLlama2cTokenizer(tok, file));
}
