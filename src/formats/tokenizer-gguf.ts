/**
 * GGUF's tokenizer keys (ggml docs/gguf.md, "Tokenizer"): tokenizer.ggml.model ("llama" = SentencePiece,
 * "gpt2" = byte-level BPE), .tokens, .scores (f32), .token_type (i32, TOKEN_TYPE values), .merges ("a b"
 * strings), .bos/.eos/.unknown/.padding_token_id, .add_bos_token, .add_eos_token, .add_space_prefix and,
 * for BPE, .pre (the pre-tokenizer llama.cpp applies).
 */
import { UserError } from "../util/errors.js";
import { type GgufMetaValue, gguf, metaPlain } from "./gguf.js";
import {
  scoresFromMerges,
  TOKEN_TYPE,
  type Tokenizer,
  type TokenizerModel,
  UnsupportedTokenizerError,
  validateTokenizer,
} from "./tokenizer.js";

const SUPPORTED = new Set(["llama", "gpt2"]);

/** The tokenizer in a GGUF file's metadata, or undefined when it has no tokenizer.ggml.model key. */
export function tokenizerFromGguf(
  metadata: ReadonlyMap<string, GgufMetaValue | string>,
  file: string,
): Tokenizer | undefined {
  const get = (key: string): unknown => {
    const v = metadata.get(key);
    return typeof v === "string" ? v : metaPlain(v);
  };
  const model = get("tokenizer.ggml.model");
  if (model === undefined) return undefined;
  if (typeof model !== "string" || !SUPPORTED.has(model)) {
    throw new UnsupportedTokenizerError(
      `${file}: GGUF key "tokenizer.ggml.model" is ${JSON.stringify(model)}; only "llama" (SentencePiece) and "gpt2" (byte-level BPE) tokenizers are converted`,
    );
  }
  const array = (key: string, item: "string" | "number"): unknown[] | undefined => {
    const v = metadata.get(key);
    if (v === undefined) return undefined;
    if (typeof v === "string" || v.type !== "array")
      throw new UserError(`${file}: GGUF key "${key}" must be an array`);
    v.value.forEach((x, i) => {
      if (typeof x !== item) throw new UserError(`${file}: GGUF key "${key}" item ${i} is not a ${item}`);
    });
    return v.value;
  };
  const pieces = array("tokenizer.ggml.tokens", "string") as string[] | undefined;
  if (!pieces) throw new UserError(`${file}: GGUF key "tokenizer.ggml.tokens" is missing`);
  const n = pieces.length;
  const sized = (key: string, values: unknown[] | undefined): number[] | undefined => {
    if (values && values.length !== n)
      throw new UserError(`${file}: GGUF key "${key}" has ${values.length} items for ${n} tokens`);
    return values as number[] | undefined;
  };
  const scores = sized("tokenizer.ggml.scores", array("tokenizer.ggml.scores", "number"));
  const types = sized("tokenizer.ggml.token_type", array("tokenizer.ggml.token_type", "number"));
  const merges = (array("tokenizer.ggml.merges", "string") as string[] | undefined)?.map(
    (m, i): [string, string] => {
      const parts = m.split(" ");
      if (parts.length !== 2 || !parts[0] || !parts[1])
        throw new UserError(
          `${file}: GGUF key "tokenizer.ggml.merges" item ${i} ("${m}") is not "left right"`,
        );
      return [parts[0], parts[1]];
    },
  );
  const id = (key: string): number | undefined => {
    const v = get(key);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= n)
      throw new UserError(`${file}: GGUF key "${key}" = ${String(v)} is not a token id in [0, ${n})`);
    return v;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    return typeof v === "boolean" ? v : fallback;
  };
  const tok: Tokenizer = {
    model: model as TokenizerModel,
    pieces: [...pieces],
    scores: scores ? [...scores] : new Array(n).fill(0),
    types: types ? [...types] : new Array(n).fill(TOKEN_TYPE.normal),
    merges: merges ?? [],
    addBos: flag("tokenizer.ggml.add_bos_token", model === "llama"),
    addEos: flag("tokenizer.ggml.add_eos_token", false),
    addSpacePrefix: flag("tokenizer.ggml.add_space_prefix", model === "llama"),
    source: file,
  };
  const ids = {
    bosId: id("tokenizer.ggml.bos_token_id"),
    eosId: id("tokenizer.ggml.eos_token_id"),
    unkId: id("tokenizer.ggml.unknown_token_id"),
    padId: id("tokenizer.ggml.padding_token_id"),
  };
  for (const [k, v] of Object.entries(ids)) if (v !== undefined) tok[k as keyof typeof ids] = v;
  const pre = get("tokenizer.ggml.pre");
  if (typeof pre === "string") tok.pre = pre;
  if (model === "llama" && !scores && tok.merges.length > 0) {
    tok.scores = scoresFromMerges(tok);
    tok.scoresDerived = true;
  }
  validateTokenizer(tok, `${file} (GGUF tokenizer keys)`);
  return tok;
}

/** GGUF key/values for `tok` (what llama.cpp reads to build its vocabulary). */
export function tokenizerToGguf(tok: Tokenizer): Map<string, GgufMetaValue> {
  const m = new Map<string, GgufMetaValue>();
  m.set("tokenizer.ggml.model", gguf.str(tok.model));
  if (tok.model === "gpt2") m.set("tokenizer.ggml.pre", gguf.str(tok.pre ?? "gpt-2"));
  else if (tok.pre) m.set("tokenizer.ggml.pre", gguf.str(tok.pre));
  m.set("tokenizer.ggml.tokens", gguf.arr("string", tok.pieces));
  if (tok.model === "llama" || tok.scores.some((s) => s !== 0))
    m.set("tokenizer.ggml.scores", gguf.arr("f32", tok.scores));
  m.set("tokenizer.ggml.token_type", gguf.arr("i32", tok.types));
  if (tok.merges.length > 0)
    m.set(
      "tokenizer.ggml.merges",
      gguf.arr(
        "string",
        tok.merges.map(([a, b]) => `${a} ${b}`),
      ),
    );
  const ids: [string, number | undefined][] = [
    ["tokenizer.ggml.bos_token_id", tok.bosId],
    ["tokenizer.ggml.eos_token_id", tok.eosId],
    ["tokenizer.ggml.unknown_token_id", tok.unkId],
    ["tokenizer.ggml.padding_token_id", tok.padId],
  ];
  for (const [k, v] of ids) if (v !== undefined) m.set(k, gguf.u32(v));
  m.set("tokenizer.ggml.add_bos_token", gguf.bool(tok.addBos));
  m.set("tokenizer.ggml.add_eos_token", gguf.bool(tok.addEos));
  if (tok.model === "llama") m.set("tokenizer.ggml.add_space_prefix", gguf.bool(tok.addSpacePrefix));
  return m;
}
