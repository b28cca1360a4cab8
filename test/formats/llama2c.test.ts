import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { readLlama2c } from "../../src/formats/llama2c.js";
import { randomLlamaWeights } from "../../src/llama/weights.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { assertUserError, tempDir } from "./helpers.js";

const dir = tempDir("llama2c");

const tiny: LlamaConfig = {
  hiddenSize: 16,
  intermediateSize: 24,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 4,
  vocabSize: 40,
  maxSeqLen: 32,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  modelType: "llama",
};

/** Write a llama2.c v0 file by hand, following run.c's memory_map_weights order. */
function writeLlama2c(file: string, config: LlamaConfig, seed: number) {
  const w = randomLlamaWeights(config, seed, 0.1, "interleaved");
  const header = Buffer.alloc(28);
  const vocab = config.tieWordEmbeddings ? config.vocabSize : -config.vocabSize;
  const { hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, maxSeqLen } = config;
  const fields = [hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, vocab, maxSeqLen];
  for (const [i, v] of fields.entries()) header.writeInt32LE(v, i * 4);
  const parts: Float32Array[] = [w.embed];
  for (const key of ["attnNorm", "wq", "wk", "wv", "wo", "ffnNorm", "wGate", "wDown", "wUp"] as const) {
    for (const L of w.layers) parts.push(L[key]);
  }
  parts.push(w.finalNorm);
  parts.push(new Float32Array(config.maxSeqLen * config.headDim)); // freq_cis_real + imag
  if (!config.tieWordEmbeddings) parts.push(w.output);
  writeFileSync(
    file,
    Buffer.concat([header, ...parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))]),
  );
  return w;
}

describe("llama2.c v0 checkpoints", () => {
  test("stories260K header and layout", (t) => {
    const file = sharedPath("models", "stories260K.bin");
    if (!file) {
      t.skip(SHARED_MISSING);
      return;
    }
    const f = readLlama2c(file);
    assert.equal(f.config.hiddenSize, 64);
    assert.equal(f.config.intermediateSize, 172);
    assert.equal(f.config.numLayers, 5);
    assert.equal(f.config.numHeads, 8);
    assert.equal(f.config.numKvHeads, 4);
    assert.equal(f.config.vocabSize, 512);
    assert.equal(f.config.maxSeqLen, 512);
    assert.equal(f.sharedClassifier, true);
    const ck = openCheckpoint(file);
    assert.equal(ck.format, "llama2c");
    assert.equal(ck.has("lm_head.weight"), false);
    assert.deepEqual(ck.tensor("model.layers.4.self_attn.k_proj.weight").shape, [32, 64]);
    // 260,032 parameters (embedding 32,768 + 5 layers × 45,440 + final norm 64).
    assert.equal(ck.parameterCount(), 32768 + 5 * 45440 + 64);
    ck.close();
  });

  test("an unshared classifier (negative vocab size) is read, with every tensor at its place", () => {
    const file = join(dir, "tiny.bin");
    const w = writeLlama2c(file, tiny, 3);
    const ck = openCheckpoint(file);
    assert.equal(ck.config?.tieWordEmbeddings, false);
    assert.deepEqual(ck.readF32("lm_head.weight"), w.output);
    assert.deepEqual(ck.readF32("model.embed_tokens.weight"), w.embed);
    assert.deepEqual(ck.readF32("model.layers.1.mlp.down_proj.weight"), w.layers[1]!.wDown);
    assert.deepEqual(ck.readF32("model.layers.0.self_attn.k_proj.weight"), w.layers[0]!.wk);
    assert.deepEqual(ck.readF32("model.norm.weight"), w.finalNorm);
    ck.close();
  });

  test("wrong sizes and headers give clear errors", () => {
    const file = join(dir, "cut.bin");
    writeLlama2c(file, tiny, 4);
    const cut = join(dir, "cut2.bin");
    writeFileSync(cut, Buffer.alloc(20));
    assertUserError(() => readLlama2c(cut), cut, "truncated");
    const bad = join(dir, "bad.bin");
    const b = Buffer.alloc(64);
    for (const [i, v] of [16, 24, 2, 3, 1, 40, 32].entries()) b.writeInt32LE(v, i * 4);
    writeFileSync(bad, b);
    assertUserError(() => readLlama2c(bad), bad, "not divisible");
    const short = join(dir, "short.bin");
    for (const [i, v] of [16, 24, 2, 4, 2, 40, 32].entries()) b.writeInt32LE(v, i * 4);
    writeFileSync(short, b);
    assertUserError(() => readLlama2c(short), short, "does not match the header");
  });
});
