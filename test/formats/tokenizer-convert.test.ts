/** What `convertCheckpoint` does with tokenizers it cannot or need not translate (no llama.cpp involved). */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { GgufWriter, gguf, readGguf } from "../../src/formats/gguf.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { checkpointTokenizer } from "../../src/formats/tokenizer-files.js";
import { writeHfTokenizer } from "../../src/formats/tokenizer-hf.js";
import { randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { assertUserError, tempDir } from "./helpers.js";
import { buildSentencePiece } from "./tokenizer-fixtures.js";

const dir = tempDir("tok-convert");
const config: LlamaConfig = {
  hiddenSize: 16,
  intermediateSize: 32,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 2,
  headDim: 8,
  vocabSize: 320,
  maxSeqLen: 64,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  bosTokenId: 7,
  eosTokenId: 8,
  modelType: "llama",
};

function model(name: string): string {
  const folder = join(dir, name);
  saveHfModel(folder, randomLlamaWeights(config, 3));
  return folder;
}

describe("tokenizers in conversions", () => {
  test("a smaller tokenizer is padded to vocab_size with unused pieces; its BOS/EOS ids become the model's", () => {
    const folder = model("padded");
    writeHfTokenizer(buildSentencePiece(300), folder);
    const src = openCheckpoint(folder);
    const r = convertCheckpoint(src, join(dir, "padded.gguf"), { to: "gguf" });
    src.close();
    assert.equal(r.tokenizer?.size, 320);
    assert.match(r.notes.join("\n"), /padded with 20 unused pieces/);
    const g = readGguf(join(dir, "padded.gguf"));
    const types = g.metadata.get("tokenizer.ggml.token_type")!;
    assert.equal(types.type === "array" && types.value[319], 5);
    const back = join(dir, "padded-hf");
    const ck = openCheckpoint(join(dir, "padded.gguf"));
    convertCheckpoint(ck, back, { to: "safetensors" });
    ck.close();
    const cfg = JSON.parse(readFileSync(join(back, "config.json"), "utf8"));
    assert.deepEqual([cfg.bos_token_id, cfg.eos_token_id], [1, 2]);
  });

  test("a tokenizer kind we do not convert is a note, not a failure; a malformed one is a UserError", () => {
    const folder = model("wordpiece");
    writeFileSync(
      join(folder, "tokenizer.json"),
      JSON.stringify({ model: { type: "WordPiece", vocab: {} } }),
    );
    writeFileSync(join(folder, "tokenizer.model"), "");
    const src = openCheckpoint(folder);
    const r = convertCheckpoint(src, join(dir, "wp.gguf"), { to: "gguf" });
    assert.equal(r.tokenizer, null);
    assert.match(r.notes.join("\n"), /WordPiece/);
    assert.match(r.notes.join("\n"), /tokenizer\.model \(SentencePiece protobuf\) is not read/);
    assert.match(r.notes.join("\n"), /placeholder vocabulary/);
    writeFileSync(join(folder, "tokenizer.json"), "{ not json");
    assertUserError(
      () => convertCheckpoint(src, join(dir, "bad.gguf"), { to: "gguf" }),
      "tokenizer.json",
      "JSON",
    );
    assert.equal(existsSync(join(dir, "bad.gguf")), false);
    src.close();
  });

  test("GGUF → GGUF copies an unconverted (bert) tokenizer's keys unchanged; GGUF → HF notes it", () => {
    const plain = model("plain");
    const src = openCheckpoint(plain);
    convertCheckpoint(src, join(dir, "plain.gguf"), { to: "gguf" });
    src.close();
    const g = readGguf(join(dir, "plain.gguf"));
    const meta = new Map(g.metadata);
    meta.set("tokenizer.ggml.model", gguf.str("bert"));
    const bert = join(dir, "bert.gguf");
    const w = new GgufWriter(
      bert,
      meta,
      g.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
    );
    const ck = openCheckpoint(join(dir, "plain.gguf"));
    for (const t of g.tensors) w.writeTensor(t.name, ck.readRaw(t.name));
    w.close();
    ck.close();
    const b = openCheckpoint(bert);
    const copy = convertCheckpoint(b, join(dir, "bert-copy.gguf"), { to: "gguf" });
    assert.match(copy.notes.join("\n"), /bert/);
    const copied = readGguf(join(dir, "bert-copy.gguf")).metadata;
    assert.deepEqual(copied.get("tokenizer.ggml.model"), gguf.str("bert"));
    assert.deepEqual(copied.get("tokenizer.ggml.tokens"), g.metadata.get("tokenizer.ggml.tokens"));
    const hf = convertCheckpoint(b, join(dir, "bert-hf"), { to: "safetensors" });
    b.close();
    assert.equal(existsSync(join(dir, "bert-hf", "tokenizer.json")), false);
    assert.match(hf.notes.join("\n"), /"bert"/);
    // The placeholder vocabulary is not written out as a tokenizer either.
    const p = openCheckpoint(join(dir, "plain.gguf"));
    const fromPlaceholder = convertCheckpoint(p, join(dir, "plain-hf"), { to: "safetensors" });
    assert.equal(checkpointTokenizer(p)?.pieces[300], "\u2581t300");
    p.close();
    assert.equal(existsSync(join(dir, "plain-hf", "tokenizer.json")), false);
    assert.match(fromPlaceholder.notes.join("\n"), /placeholder/);
  });
});
