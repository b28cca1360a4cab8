import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { GgufWriter, readGguf } from "../../src/formats/gguf.js";
import { mergesFromScores, scoresFromMerges, type Tokenizer } from "../../src/formats/tokenizer.js";
import { decodeTokens, encodeText } from "../../src/formats/tokenizer-codec.js";
import { loadTokenizerFile } from "../../src/formats/tokenizer-files.js";
import { tokenizerFromGguf, tokenizerToGguf } from "../../src/formats/tokenizer-gguf.js";
import { readHfTokenizer, writeHfTokenizer } from "../../src/formats/tokenizer-hf.js";
import {
  encodeLlama2cTokenizer,
  parseLlama2cTokenizer,
  readLlama2cTokenizer,
  runcCaveat,
} from "../../src/formats/tokenizer-llama2c.js";
import { assertUserError, tempDir } from "./helpers.js";
import { buildByteLevel, buildSentencePiece, SAMPLE_TEXTS } from "./tokenizer-fixtures.js";

const dir = tempDir("tokenizer");

type Format = "gguf" | "hf" | "llama2c";
let counter = 0;

/** Write `tok` in `format` and read it back with that format's reader. */
function through(format: Format, tok: Tokenizer): Tokenizer {
  const base = join(dir, `t${counter++}`);
  if (format === "gguf") {
    new GgufWriter(`${base}.gguf`, tokenizerToGguf(tok), []).close();
    return tokenizerFromGguf(readGguf(`${base}.gguf`).metadata, `${base}.gguf`)!;
  }
  if (format === "hf") {
    mkdirSync(base);
    writeHfTokenizer(tok, base);
    return readHfTokenizer(join(base, "tokenizer.json"));
  }
  writeFileSync(`${base}.bin`, encodeLlama2cTokenizer(tok, base));
  return readLlama2cTokenizer(`${base}.bin`, tok.pieces.length);
}

function specials(t: Tokenizer) {
  return { bos: t.bosId, eos: t.eosId, unk: t.unkId, addBos: t.addBos, addEos: t.addEos, model: t.model };
}

const f32 = (xs: number[]) => xs.map((x) => Math.fround(x));

describe("llama2.c tokenizer.bin", () => {
  test("a hand-built file: ▁ stored as a space, BOS/EOS as \\n<s>\\n and \\n</s>\\n; written back byte for byte", () => {
    const entries: [number, string][] = [
      [0, "<unk>"],
      [0, "\n<s>\n"],
      [0, "\n</s>\n"],
      [0, "<0x0A>"],
      [-1.5, " the"],
      [-2.25, "é"],
    ];
    const parts = [Buffer.alloc(4)];
    parts[0]!.writeInt32LE(6, 0); // max byte length (" the" = 4, "\n</s>\n" = 6)
    for (const [score, text] of entries) {
      const head = Buffer.alloc(8);
      head.writeFloatLE(score, 0);
      head.writeInt32LE(Buffer.byteLength(text), 4);
      parts.push(head, Buffer.from(text, "utf8"));
    }
    const bytes = Buffer.concat(parts);
    const tok = parseLlama2cTokenizer(bytes, "hand.bin");
    assert.deepEqual(tok.pieces, ["<unk>", "<s>", "</s>", "<0x0A>", "\u2581the", "é"]);
    assert.deepEqual(tok.scores, [0, 0, 0, 0, -1.5, -2.25]);
    assert.deepEqual(tok.types, [2, 3, 3, 6, 1, 1]);
    assert.deepEqual([tok.unkId, tok.bosId, tok.eosId], [0, 1, 2]);
    assert.ok(encodeLlama2cTokenizer(tok, "out").equals(bytes));
    // run.c reads exactly vocab_size tokens: a count that differs is refused, naming the file.
    assertUserError(() => parseLlama2cTokenizer(bytes, "hand.bin", 5), "hand.bin", "vocab_size 5");
    assertUserError(
      () => parseLlama2cTokenizer(bytes, "hand.bin", 7),
      "hand.bin",
      "6 tokens",
      "vocab_size is 7",
    );
    assertUserError(
      () => parseLlama2cTokenizer(bytes.subarray(0, bytes.length - 1), "cut.bin"),
      "cut.bin",
      "token 5",
    );
    assertUserError(() => parseLlama2cTokenizer(Buffer.from([0, 0, 0, 0]), "zero.bin"), "max_token_length");
  });

  test("byte-level BPE does not fit tokenizer.bin; ids run.c would misread are named", () => {
    assertUserError(() => encodeLlama2cTokenizer(buildByteLevel(20), "x.bin"), "x.bin", "gpt2");
    const spm = buildSentencePiece(300);
    assert.equal(runcCaveat(spm), undefined);
    assert.match(runcCaveat({ ...spm, bosId: 5 }) ?? "", /BOS 5/);
    const moved = { ...spm, pieces: [...spm.pieces] };
    [moved.pieces[3], moved.pieces[299]] = [moved.pieces[299]!, moved.pieces[3]!];
    assert.match(runcCaveat(moved) ?? "", /byte pieces/);
  });
});

describe("round trips through every pair of formats", () => {
  const spm = buildSentencePiece(300);
  for (const first of ["gguf", "hf", "llama2c"] as Format[]) {
    for (const second of ["gguf", "hf", "llama2c"] as Format[]) {
      test(`SentencePiece-style, 300 pieces: ${first} → ${second}`, () => {
        const back = through(second, through(first, spm));
        assert.deepEqual(back.pieces, spm.pieces);
        assert.deepEqual(back.types, spm.types);
        assert.deepEqual(specials(back), specials(spm));
        assert.equal(back.addSpacePrefix, true);
        if (first !== "hf" && second !== "hf") {
          assert.deepEqual(back.scores, f32(spm.scores)); // GGUF and tokenizer.bin both store float32 scores
        } else {
          // tokenizer.json has merge ranks instead of scores: the order survives, so do the merges.
          assert.deepEqual(mergesFromScores(back), mergesFromScores(spm));
        }
        for (const text of SAMPLE_TEXTS)
          assert.deepEqual(encodeText(back, text), encodeText(spm, text), text);
      });
    }
  }

  const bpe = buildByteLevel(60);
  for (const [first, second] of [
    ["gguf", "hf"],
    ["hf", "gguf"],
    ["gguf", "gguf"],
    ["hf", "hf"],
  ] as [Format, Format][]) {
    test(`byte-level BPE: ${first} → ${second}`, () => {
      const back = through(second, through(first, bpe));
      assert.deepEqual(back.pieces, bpe.pieces);
      assert.deepEqual(back.types, bpe.types);
      assert.deepEqual(back.merges, bpe.merges);
      assert.deepEqual(specials(back), specials(bpe));
      assert.equal(back.pre, "gpt-2");
      for (const text of SAMPLE_TEXTS) assert.deepEqual(encodeText(back, text), encodeText(bpe, text), text);
    });
  }

  test("merges and scores derive from each other without changing the order", () => {
    const spm = buildSentencePiece(400);
    const merges = mergesFromScores(spm);
    assert.ok(merges.length > 50, `${merges.length} merges`);
    const derived: Tokenizer = { ...spm, merges, scores: scoresFromMerges({ ...spm, merges }) };
    assert.deepEqual(mergesFromScores(derived), merges);
    for (const text of SAMPLE_TEXTS) assert.deepEqual(encodeText(derived, text), encodeText(spm, text), text);
  });
});

describe("encoding and decoding", () => {
  test("SentencePiece: merges by score, falls back to bytes, decodes back to the text", () => {
    const tok = buildSentencePiece(400);
    const ids = encodeText(tok, "the girl");
    assert.equal(ids[0], 1, "BOS first");
    assert.deepEqual(
      ids.slice(1).map((i) => tok.pieces[i]),
      ["\u2581the", "\u2581girl"],
    );
    const e = encodeText(tok, "é", { specials: false });
    assert.deepEqual(
      e.map((i) => tok.pieces[i]),
      ["\u2581", "<0xC3>", "<0xA9>"],
    );
    for (const text of SAMPLE_TEXTS) assert.equal(decodeTokens(tok, encodeText(tok, text)), text);
  });

  test("SentencePiece: the best-scored pair merges first (hand-made vocabulary)", () => {
    // "abc": "ab" (score -1) and "bc" (score -0.5) compete; "bc" wins, and "abc" cannot form from a+bc
    // because "abc" is not a piece.
    const tok: Tokenizer = {
      model: "llama",
      pieces: ["<unk>", "a", "b", "c", "ab", "bc", "\u2581"],
      scores: [0, -10, -10, -10, -1, -0.5, -10],
      types: [2, 1, 1, 1, 1, 1, 1],
      merges: [],
      unkId: 0,
      addBos: false,
      addEos: false,
      addSpacePrefix: false,
      source: "hand",
    };
    assert.deepEqual(encodeText(tok, "abc"), [1, 5]);
    tok.scores[4] = 0; // now "ab" is better
    assert.deepEqual(encodeText(tok, "abc"), [4, 3]);
    assert.deepEqual(encodeText(tok, "x"), [0], "no byte pieces: unknown");
  });

  test("byte-level BPE: merges by rank, every byte encodable, decodes back to the text", () => {
    const tok = buildByteLevel(80);
    for (const text of SAMPLE_TEXTS) {
      const ids = encodeText(tok, text);
      assert.equal(decodeTokens(tok, ids), text);
      assert.ok(
        ids.length < Buffer.byteLength(text) || text.startsWith("zzz"),
        "merges shorten learned text",
      );
    }
    const eot = tok.pieces.length - 1;
    assert.equal(decodeTokens(tok, [eot, ...encodeText(tok, "the dog"), eot]), "the dog");
    assertUserError(() => encodeText({ ...tok, pre: "llama-bpe" }, "x"), "llama-bpe", "not implemented");
  });
});

describe("Hugging Face tokenizer.json as transformers writes it", () => {
  test("LLaMA style (Metaspace pre-tokenizer, merges as pairs) with tokenizer_config.json", () => {
    const d = join(dir, "llama-hf");
    mkdirSync(d);
    const vocab: Record<string, number> = { "<unk>": 0, "<s>": 1, "</s>": 2 };
    for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`] = 3 + b;
    Object.assign(vocab, { "\u2581": 259, h: 260, i: 261, "\u2581h": 262, "\u2581hi": 263 });
    writeFileSync(
      join(d, "tokenizer.json"),
      JSON.stringify({
        version: "1.0",
        added_tokens: [
          { id: 0, content: "<unk>", special: true },
          { id: 1, content: "<s>", special: true },
          { id: 2, content: "</s>", special: true },
          { id: 264, content: "<|tool|>", special: false },
        ],
        normalizer: null,
        pre_tokenizer: { type: "Metaspace", replacement: "\u2581", prepend_scheme: "first", split: false },
        decoder: { type: "Sequence", decoders: [{ type: "Replace" }, { type: "ByteFallback" }] },
        model: {
          type: "BPE",
          unk_token: "<unk>",
          byte_fallback: true,
          vocab,
          merges: [
            ["\u2581", "h"],
            ["\u2581h", "i"],
          ],
        },
      }),
    );
    writeFileSync(
      join(d, "tokenizer_config.json"),
      JSON.stringify({ bos_token: { content: "<s>" }, eos_token: "</s>", add_bos_token: true }),
    );
    const tok = loadTokenizerFile(d);
    assert.equal(tok.model, "llama");
    assert.equal(tok.pieces.length, 265);
    assert.deepEqual(
      [tok.types[0], tok.types[1], tok.types[13], tok.types[262], tok.types[264]],
      [2, 3, 6, 1, 4],
    );
    assert.deepEqual(
      [tok.bosId, tok.eosId, tok.unkId, tok.addBos, tok.addSpacePrefix],
      [1, 2, 0, true, true],
    );
    assert.ok(tok.scores[262]! > tok.scores[263]!, "earlier merge, better score");
    assert.deepEqual(encodeText(tok, "hi"), [1, 263]);
    assert.equal(decodeTokens(tok, [1, 263, 263]), "hi hi");
  });

  test("Unigram vocabulary and a GPT-2 style byte-level file", () => {
    const u = join(dir, "unigram.json");
    writeFileSync(
      u,
      JSON.stringify({
        normalizer: { type: "Sequence", normalizers: [{ type: "Prepend", prepend: "\u2581" }] },
        model: {
          type: "Unigram",
          unk_id: 0,
          vocab: [
            ["<unk>", 0],
            ["\u2581a", -1.5],
            ["a", -3],
          ],
        },
      }),
    );
    const t = loadTokenizerFile(u);
    assert.deepEqual(
      [t.model, t.hfModel, t.scores, t.types, t.unkId],
      ["llama", "Unigram", [0, -1.5, -3], [2, 1, 1], 0],
    );
    const again = through("hf", t);
    assert.deepEqual([again.hfModel, again.scores, again.pieces], ["Unigram", t.scores, t.pieces]);

    const bpe = buildByteLevel(10);
    const g = join(dir, "gpt2.json");
    writeFileSync(
      g,
      JSON.stringify({
        added_tokens: [{ id: bpe.pieces.length - 1, content: "<|endoftext|>", special: true }],
        pre_tokenizer: { type: "ByteLevel", add_prefix_space: false },
        decoder: { type: "ByteLevel" },
        model: {
          type: "BPE",
          vocab: Object.fromEntries(bpe.pieces.map((p, i) => [p, i])),
          merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
        },
      }),
    );
    const b = loadTokenizerFile(g);
    assert.deepEqual(
      [b.model, b.merges, b.eosId, b.addBos],
      ["gpt2", bpe.merges, bpe.pieces.length - 1, false],
    );
  });

  test("malformed files are UserErrors naming the file and field", () => {
    const bad = (name: string, json: string) => {
      const f = join(dir, name);
      writeFileSync(f, json);
      return f;
    };
    assertUserError(() => readHfTokenizer(bad("a.json", "{")), "a.json", "not valid JSON");
    assertUserError(() => readHfTokenizer(bad("b.json", "{}")), "b.json", '"model"');
    assertUserError(
      () =>
        readHfTokenizer(
          bad("c.json", JSON.stringify({ model: { type: "BPE", vocab: { a: 0, b: 2 }, merges: [] } })),
        ),
      "c.json",
      "id 1",
    );
    assertUserError(
      () =>
        readHfTokenizer(
          bad("d.json", JSON.stringify({ model: { type: "BPE", vocab: { a: 0, b: 1 }, merges: ["a b"] } })),
        ),
      "d.json",
      "merge 0",
    );
    assertUserError(
      () => readHfTokenizer(bad("e.json", JSON.stringify({ model: { type: "WordPiece", vocab: {} } }))),
      "e.json",
      "model.type",
    );
  });
});

describe("GGUF tokenizer keys", () => {
  test("inconsistent arrays and ids are refused, naming the key", () => {
    const tok = buildSentencePiece(300);
    const keys = tokenizerToGguf(tok);
    const scores = keys.get("tokenizer.ggml.scores")!;
    assert.equal(scores.type, "array");
    const short = new Map(keys);
    short.set("tokenizer.ggml.scores", { type: "array", itemType: "f32", value: [1, 2] });
    assertUserError(() => tokenizerFromGguf(short, "m.gguf"), "m.gguf", "tokenizer.ggml.scores", "2 items");
    const badId = new Map(keys);
    badId.set("tokenizer.ggml.bos_token_id", { type: "u32", value: 999 });
    assertUserError(() => tokenizerFromGguf(badId, "m.gguf"), "tokenizer.ggml.bos_token_id", "999");
    const bert = new Map(keys);
    bert.set("tokenizer.ggml.model", { type: "string", value: "bert" });
    assertUserError(() => tokenizerFromGguf(bert, "m.gguf"), "tokenizer.ggml.model", "bert");
    assert.equal(tokenizerFromGguf(new Map(), "none.gguf"), undefined);
  });
});
