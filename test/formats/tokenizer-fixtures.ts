/**
 * Small tokenizers built in the tests by a plain BPE trainer: a SentencePiece-style one ("▁" for spaces,
 * <unk>/<s>/</s>, 256 byte-fallback pieces, learned pieces scored by merge order) and a byte-level GPT-2-style
 * one (256 byte characters, learned merges, <|endoftext|>).
 */
import { byteLevelAlphabet, bytePiece, TOKEN_TYPE, type Tokenizer } from "../../src/formats/tokenizer.js";

export const CORPUS = [
  "Once upon a time there was a little girl named Lily.",
  "She liked to play in the park with her little dog.",
  "One day the sun was hot and the girl was happy.",
  "The dog ran to the tree and the girl ran after him.",
  "They played all day and then they went home to sleep.",
  "Lily said: thank you mom, I love the park!",
  "Once there was a big cat that liked to eat fish.",
].join(" ");

/** Texts for encoder checks: learned words, unseen characters (byte fallback), spaces, digits, newlines. */
export const SAMPLE_TEXTS = [
  "Once upon a time there was a little girl.",
  "the dog and the cat played",
  "Héllo wörld — 日本語 🙂",
  "two  spaces,\nnew line\tand tab 123",
  " leading space",
  "zzz qqq xyzzy",
];

/** Learn `count` merges over words (each a list of symbols); returns the merges in order. */
function learnMerges(words: string[][], count: number): [string, string][] {
  const merges: [string, string][] = [];
  for (let m = 0; m < count; m++) {
    const pairs = new Map<string, { a: string; b: string; n: number }>();
    for (const w of words) {
      for (let i = 0; i + 1 < w.length; i++) {
        const key = `${w[i]!.length}:${w[i]}${w[i + 1]}`;
        const p = pairs.get(key) ?? { a: w[i]!, b: w[i + 1]!, n: 0 };
        p.n++;
        pairs.set(key, p);
      }
    }
    let best: { a: string; b: string; n: number } | undefined;
    for (const p of pairs.values()) if (!best || p.n > best.n) best = p;
    if (!best || best.n < 2) break;
    merges.push([best.a, best.b]);
    for (const w of words) {
      for (let i = 0; i + 1 < w.length; i++) {
        if (w[i] === best.a && w[i + 1] === best.b) w.splice(i, 2, best.a + best.b);
      }
    }
  }
  return merges;
}

/** A SentencePiece-style BPE vocabulary of exactly `size` pieces (size ≥ 259 + the corpus's characters). */
export function buildSentencePiece(size: number, corpus = CORPUS): Tokenizer {
  const pieces = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  const scores = [0, 0, 0];
  for (let b = 0; b < 256; b++) {
    pieces.push(bytePiece(b));
    types.push(TOKEN_TYPE.byte);
    scores.push(0);
  }
  const words = corpus.split(" ").map((w) => [...("\u2581" + w)]);
  const chars = [...new Set(words.flat())].sort();
  const merges = learnMerges(
    words.map((w) => [...w]),
    size - pieces.length - chars.length,
  );
  // Learned pieces score by merge order (first learned = best); characters below all of them.
  merges.forEach(([a, b], i) => {
    if (pieces.includes(a + b)) return;
    pieces.push(a + b);
    types.push(TOKEN_TYPE.normal);
    scores.push(-i);
  });
  chars.forEach((c, i) => {
    pieces.push(c);
    types.push(TOKEN_TYPE.normal);
    scores.push(-1000 - i);
  });
  // Pad with distinct rare pieces when the corpus ran out of merges.
  for (let i = 0; pieces.length < size; i++) {
    pieces.push(`\u2581rare${i}`);
    types.push(TOKEN_TYPE.normal);
    scores.push(-2000 - i);
  }
  if (pieces.length !== size) throw new Error(`built ${pieces.length} pieces, wanted ${size}`);
  return {
    model: "llama",
    pieces,
    scores,
    types,
    merges: [],
    bosId: 1,
    eosId: 2,
    unkId: 0,
    addBos: true,
    addEos: false,
    addSpacePrefix: true,
    source: "test-sentencepiece",
  };
}

const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** A byte-level BPE tokenizer: 256 byte characters, up to `mergeCount` learned merges, then <|endoftext|>. */
export function buildByteLevel(mergeCount: number, corpus = CORPUS): Tokenizer {
  const { toChar } = byteLevelAlphabet();
  const pieces = [...toChar];
  const words = (corpus.match(GPT2_SPLIT) ?? []).map((chunk) =>
    [...Buffer.from(chunk, "utf8")].map((b) => toChar[b]!),
  );
  const merges = learnMerges(words, mergeCount);
  for (const [a, b] of merges) if (!pieces.includes(a + b)) pieces.push(a + b);
  pieces.push("<|endoftext|>");
  const types = pieces.map((_, i) => (i === pieces.length - 1 ? TOKEN_TYPE.control : TOKEN_TYPE.normal));
  return {
    model: "gpt2",
    pieces,
    scores: pieces.map(() => 0),
    types,
    merges,
    bosId: pieces.length - 1,
    eosId: pieces.length - 1,
    addBos: false,
    addEos: false,
    addSpacePrefix: false,
    pre: "gpt-2",
    source: "test-byte-level",
  };
}
