/**
 * Hugging Face tokenizer.json (the `tokenizers` library's serialisation) and the special tokens of
 * tokenizer_config.json. Read: model "BPE" (vocab {piece: id}, merges as "a b" strings or [a, b] pairs,
 * byte_fallback, unk_token) and "Unigram" (vocab [[piece, score]], unk_id), added_tokens (special →
 * control, otherwise user-defined). A ByteLevel pre-tokenizer or decoder makes it a byte-level ("gpt2")
 * tokenizer, anything else a SentencePiece-style ("llama") one. Written: the layout transformers' own LLaMA
 * and GPT-2 conversions produce (normalizer/pre-tokenizer/decoder chains included) so the folder loads with
 * AutoTokenizer.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../util/errors.js";
import { writeFileAtomic } from "./file.js";
import {
  bytePieceValue,
  mergesFromScores,
  scoresFromMerges,
  TOKEN_TYPE,
  type Tokenizer,
  UnsupportedTokenizerError,
  validateTokenizer,
} from "./tokenizer.js";

type Json = Record<string, unknown>;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every object nested in a pre-tokenizer/normalizer/decoder chain (Sequence members included). */
function components(v: unknown): Json[] {
  if (!isObject(v)) return [];
  const inner = [v.normalizers, v.pretokenizers, v.decoders, v.processors].flatMap((list) =>
    Array.isArray(list) ? list.flatMap(components) : [],
  );
  return [v, ...inner];
}

/** Special ids from other sources, used when tokenizer_config.json does not name them. */
export interface HfTokenizerHints {
  bosTokenId?: number;
  eosTokenId?: number;
}

/** Read tokenizer.json (and tokenizer_config.json beside it, when present). */
export function readHfTokenizer(file: string, hints: HfTokenizerHints = {}): Tokenizer {
  const json = readJson(file);
  if (!isObject(json) || !isObject(json.model))
    throw new UserError(`${file}: field "model" is missing (not a tokenizer.json?)`);
  const model = json.model;
  const type = typeof model.type === "string" ? model.type : Array.isArray(model.vocab) ? "Unigram" : "BPE";
  const parts = [json.normalizer, json.pre_tokenizer, json.decoder].flatMap(components);
  const byteLevel = parts.some((c) => c.type === "ByteLevel");
  const pieces: (string | undefined)[] = [];
  const scores: number[] = [];
  let merges: [string, string][] = [];
  const put = (id: unknown, piece: unknown, where: string): number => {
    if (
      typeof piece !== "string" ||
      typeof id !== "number" ||
      !Number.isInteger(id) ||
      id < 0 ||
      id > 1 << 24
    )
      throw new UserError(`${file}: ${where}: needs a string piece and a non-negative integer id`);
    if (pieces[id] !== undefined && pieces[id] !== piece)
      throw new UserError(`${file}: ${where}: id ${id} is both "${pieces[id]}" and "${piece}"`);
    pieces[id] = piece;
    return id;
  };
  if (type === "BPE") {
    if (!isObject(model.vocab)) throw new UserError(`${file}: field "model.vocab" must be an object`);
    for (const [piece, id] of Object.entries(model.vocab)) put(id, piece, `model.vocab["${piece}"]`);
    const raw = model.merges ?? [];
    if (!Array.isArray(raw)) throw new UserError(`${file}: field "model.merges" must be an array`);
    merges = raw.map((m, i): [string, string] => {
      const pair = typeof m === "string" ? m.split(" ") : m;
      if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => typeof p !== "string" || p === ""))
        throw new UserError(`${file}: model.merges[${i}] is not "left right" or ["left", "right"]`);
      return [pair[0], pair[1]];
    });
  } else if (type === "Unigram") {
    if (byteLevel)
      throw new UnsupportedTokenizerError(`${file}: a byte-level Unigram tokenizer is not supported`);
    if (!Array.isArray(model.vocab)) throw new UserError(`${file}: field "model.vocab" must be an array`);
    model.vocab.forEach((entry, i) => {
      if (!Array.isArray(entry) || typeof entry[1] !== "number")
        throw new UserError(`${file}: model.vocab[${i}] must be [piece, score]`);
      put(i, entry[0], `model.vocab[${i}]`);
      scores[i] = entry[1];
    });
  } else {
    throw new UnsupportedTokenizerError(
      `${file}: field "model.type" is "${String(type)}"; only BPE and Unigram are supported`,
    );
  }
  const types: number[] = [];
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) throw new UserError(`${file}: field "added_tokens" must be an array`);
  added.forEach((a, i) => {
    if (!isObject(a)) throw new UserError(`${file}: added_tokens[${i}] must be an object`);
    const id = put(a.id, a.content, `added_tokens[${i}]`);
    types[id] = a.special === false ? TOKEN_TYPE.userDefined : TOKEN_TYPE.control;
  });
  // (A sparse array: indexOf would skip the holes that findIndex visits.)
  let missing = -1;
  for (let i = 0; i < pieces.length && missing < 0; i++) if (pieces[i] === undefined) missing = i;
  if (missing >= 0 || pieces.length === 0)
    throw new UserError(
      `${file}: no piece has id ${Math.max(missing, 0)} (ids must run from 0 without gaps)`,
    );
  const byteFallback = model.byte_fallback === true;
  const unkPiece =
    type === "BPE" ? (typeof model.unk_token === "string" ? model.unk_token : undefined) : undefined;
  const all = pieces as string[];
  let unkId = type === "Unigram" && typeof model.unk_id === "number" ? model.unk_id : undefined;
  if (unkPiece !== undefined) unkId = all.indexOf(unkPiece);
  for (let i = 0; i < all.length; i++) {
    if (types[i] !== undefined) continue;
    if (i === unkId) types[i] = TOKEN_TYPE.unknown;
    else if (byteFallback && bytePieceValue(all[i]!) !== undefined) types[i] = TOKEN_TYPE.byte;
    else types[i] = TOKEN_TYPE.normal;
  }
  if (unkId !== undefined && unkId >= 0) types[unkId] = TOKEN_TYPE.unknown;
  const prependsSpace = parts.some(
    (c) =>
      (c.type === "Prepend" && c.prepend === "\u2581") ||
      (c.type === "Metaspace" &&
        (c.add_prefix_space === true || c.prepend_scheme === "always" || c.prepend_scheme === "first")),
  );
  const tok: Tokenizer = {
    model: byteLevel ? "gpt2" : "llama",
    pieces: all,
    scores: all.map((_, i) => scores[i] ?? 0),
    types,
    merges,
    addBos: false,
    addEos: false,
    addSpacePrefix: !byteLevel && prependsSpace,
    source: file,
  };
  if (unkId !== undefined && unkId >= 0) tok.unkId = unkId;
  if (type === "Unigram") tok.hfModel = "Unigram";
  if (tok.model === "llama" && type === "BPE") {
    tok.scores = scoresFromMerges(tok);
    tok.scoresDerived = true;
  }
  if (tok.model === "gpt2" && !byteFallback) tok.pre = "gpt-2";
  applySpecials(tok, json, join(dirname(file), "tokenizer_config.json"), hints);
  validateTokenizer(tok, file);
  return tok;
}

/** BOS/EOS/PAD ids and add_bos/add_eos from tokenizer_config.json, the hints, or the post-processor. */
function applySpecials(tok: Tokenizer, json: Json, configFile: string, hints: HfTokenizerHints): void {
  const cfg = existsSync(configFile) ? readJson(configFile) : {};
  const c = isObject(cfg) ? cfg : {};
  const idOf = (field: string): number | undefined => {
    const v = c[field];
    const content =
      typeof v === "string" ? v : isObject(v) && typeof v.content === "string" ? v.content : undefined;
    if (content === undefined) return undefined;
    const id = tok.pieces.indexOf(content);
    if (id < 0)
      throw new UserError(
        `${configFile}: field "${field}" names "${content}", which is not in the vocabulary`,
      );
    return id;
  };
  // The post-processor's template shows which special token starts (and ends) an encoded sequence.
  const single = isObject(json.post_processor) ? json.post_processor.single : undefined;
  const template = Array.isArray(single) ? single : [];
  const special = (item: unknown): number | undefined => {
    const s = isObject(item) && isObject(item.SpecialToken) ? item.SpecialToken.id : undefined;
    return typeof s === "string" && tok.pieces.includes(s) ? tok.pieces.indexOf(s) : undefined;
  };
  const first = special(template[0]);
  const last = template.length > 1 ? special(template[template.length - 1]) : undefined;
  const guess = (names: string[]): number | undefined => {
    for (const n of names) {
      const i = tok.pieces.indexOf(n);
      if (i >= 0 && tok.types[i] === TOKEN_TYPE.control) return i;
    }
    return undefined;
  };
  const inRange = (id: number | undefined) => (id !== undefined && id < tok.pieces.length ? id : undefined);
  const bos = idOf("bos_token") ?? inRange(hints.bosTokenId) ?? first ?? guess(["<s>", "<|begin_of_text|>"]);
  const eos =
    idOf("eos_token") ??
    inRange(hints.eosTokenId) ??
    last ??
    guess(["</s>", "<|endoftext|>", "<|end_of_text|>"]);
  const pad = idOf("pad_token");
  const unk = idOf("unk_token");
  if (bos !== undefined) tok.bosId = bos;
  if (eos !== undefined) tok.eosId = eos;
  if (pad !== undefined) tok.padId = pad;
  if (unk !== undefined && tok.unkId === undefined) tok.unkId = unk;
  const flag = (field: string): boolean | undefined =>
    typeof c[field] === "boolean" ? (c[field] as boolean) : undefined;
  // Without a template, LLaMA's tokenizer class adds BOS by default and GPT-2's does not.
  tok.addBos =
    flag("add_bos_token") ??
    (template.length > 0 ? first !== undefined : tok.model === "llama" && bos !== undefined);
  tok.addEos = flag("add_eos_token") ?? (last !== undefined && last === eos);
}

/** The tokenizer.json object for `tok`. */
export function toHfTokenizerJson(tok: Tokenizer, where: string): Json {
  const vocabIds = new Map<string, number>();
  tok.pieces.forEach((p, i) => {
    const before = vocabIds.get(p);
    if (before !== undefined)
      throw new UserError(
        `${where}: piece "${p}" has ids ${before} and ${i}; tokenizer.json cannot hold duplicates`,
      );
    vocabIds.set(p, i);
  });
  const added = tok.pieces.flatMap((p, i) => {
    const t = tok.types[i];
    if (
      t !== TOKEN_TYPE.control &&
      t !== TOKEN_TYPE.unknown &&
      t !== TOKEN_TYPE.userDefined &&
      t !== TOKEN_TYPE.unused
    )
      return [];
    return [
      {
        id: i,
        content: p,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: t !== TOKEN_TYPE.userDefined,
      },
    ];
  });
  const piece = (id: number | undefined) => (id === undefined ? null : tok.pieces[id]!);
  const bos = piece(tok.bosId);
  const eos = piece(tok.eosId);
  const template = (a: Json[]): Json[] => [
    ...(tok.addBos && bos ? [{ SpecialToken: { id: bos, type_id: 0 } }] : []),
    ...a,
    ...(tok.addEos && eos ? [{ SpecialToken: { id: eos, type_id: 0 } }] : []),
  ];
  const specialTokens: Json = {};
  for (const [p, id] of [
    [bos, tok.bosId],
    [eos, tok.eosId],
  ] as const) {
    if (p !== null && id !== undefined) specialTokens[p] = { id: p, ids: [id], tokens: [p] };
  }
  const postProcessor =
    (tok.addBos && bos) || (tok.addEos && eos)
      ? {
          type: "TemplateProcessing",
          single: template([{ Sequence: { id: "A", type_id: 0 } }]),
          pair: template([{ Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }]),
          special_tokens: specialTokens,
        }
      : null;
  const mergeList = tok.model === "llama" && tok.merges.length === 0 ? mergesFromScores(tok) : tok.merges;
  const asPairs = mergeList.some(([a, b]) => a.includes(" ") || b.includes(" "));
  const merges = mergeList.map(([a, b]) => (asPairs ? [a, b] : `${a} ${b}`));
  const base = { version: "1.0", truncation: null, padding: null, added_tokens: added };
  if (tok.model === "gpt2") {
    const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
    return {
      ...base,
      normalizer: null,
      pre_tokenizer: { type: "ByteLevel", ...byteLevel },
      post_processor: postProcessor ?? { type: "ByteLevel", ...byteLevel, trim_offsets: false },
      decoder: { type: "ByteLevel", ...byteLevel },
      model: {
        type: "BPE",
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab: Object.fromEntries(vocabIds),
        merges,
      },
    };
  }
  const replaceSpace = { type: "Replace", pattern: { String: " " }, content: "\u2581" };
  const model =
    tok.hfModel === "Unigram"
      ? {
          type: "Unigram",
          unk_id: tok.unkId ?? null,
          vocab: tok.pieces.map((p, i) => [p, tok.scores[i]]),
          byte_fallback: true,
        }
      : {
          type: "BPE",
          dropout: null,
          unk_token: piece(tok.unkId),
          continuing_subword_prefix: null,
          end_of_word_suffix: null,
          fuse_unk: true,
          byte_fallback: true,
          ignore_merges: false,
          vocab: Object.fromEntries(vocabIds),
          merges,
        };
  return {
    ...base,
    normalizer: tok.addSpacePrefix
      ? { type: "Sequence", normalizers: [{ type: "Prepend", prepend: "\u2581" }, replaceSpace] }
      : replaceSpace,
    pre_tokenizer: null,
    post_processor: postProcessor,
    decoder: {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "\u2581" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        ...(tok.addSpacePrefix ? [{ type: "Strip", content: " ", start: 1, stop: 0 }] : []),
      ],
    },
    model,
  };
}

/** tokenizer_config.json: the special tokens and add_bos/add_eos, as transformers reads them. */
export function toHfTokenizerConfig(tok: Tokenizer): Json {
  const piece = (id: number | undefined) => (id === undefined ? null : tok.pieces[id]!);
  return {
    tokenizer_class: tok.model === "llama" ? "LlamaTokenizerFast" : "PreTrainedTokenizerFast",
    add_bos_token: tok.addBos,
    add_eos_token: tok.addEos,
    bos_token: piece(tok.bosId),
    eos_token: piece(tok.eosId),
    unk_token: piece(tok.unkId),
    pad_token: piece(tok.padId),
    clean_up_tokenization_spaces: false,
    ...(tok.model === "llama" ? { legacy: false } : {}),
  };
}

/** Write `tok` as a tokenizer.json file; returns its path. */
export function writeHfTokenizerJson(tok: Tokenizer, file: string): string {
  writeFileAtomic(file, `${JSON.stringify(toHfTokenizerJson(tok, file), null, 2)}\n`);
  return file;
}

/** Write tokenizer.json and tokenizer_config.json into `dir`; returns the files written. */
export function writeHfTokenizer(tok: Tokenizer, dir: string): string[] {
  const cfg = join(dir, "tokenizer_config.json");
  const file = writeHfTokenizerJson(tok, join(dir, "tokenizer.json"));
  writeFileAtomic(cfg, `${JSON.stringify(toHfTokenizerConfig(tok), null, 2)}\n`);
  return [file, cfg];
}
