import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { runOk, usageError } from "../helpers/in-process-cli.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("model-cli");

const run = runOk;

const config: LlamaConfig = {
  hiddenSize: 16,
  intermediateSize: 24,
  numLayers: 3,
  numHeads: 2,
  numKvHeads: 1,
  headDim: 8,
  vocabSize: 280,
  maxSeqLen: 32,
  rmsNormEps: 1e-6,
  ropeTheta: 500000,
  tieWordEmbeddings: false,
  modelType: "llama",
};

describe("assay model inspect / convert", () => {
  saveHfModel(join(dir, "m"), randomLlamaWeights(config, 31), "BF16");

  test("inspect prints format, config, grouped tensors and the parameter count", async () => {
    const text = await run("model", "inspect", join(dir, "m"));
    const expectedParams = 2 * 280 * 16 + 16 + 3 * (2 * 16 + 16 * 16 + 2 * 8 * 16 + 16 * 16 + 3 * 16 * 24);
    assert.match(text, /format\s+safetensors · architecture llama · RoPE layout halves/);
    assert.ok(text.includes(expectedParams.toLocaleString("en-US")), text);
    assert.match(text, /model\.layers\.\{L\}\.self_attn\.k_proj\.weight\s+BF16\s+\[8, 16\].*L ∈ \{0–2\}/);
    const json = JSON.parse(await run("model", "inspect", join(dir, "m"), "--json"));
    assert.equal(json.parameterCount, expectedParams);
    assert.equal(json.config.ropeTheta, 500000);
    assert.deepEqual(json.dtypes, { BF16: 2 + 3 * 9 + 1 });
  });

  test("convert writes GGUF and back, keeping the tensors; bad flags are user errors", async () => {
    const result = JSON.parse(
      await run("model", "convert", join(dir, "m"), join(dir, "m.gguf"), "--to", "gguf", "--json"),
    );
    assert.equal(result.tensors, 2 + 3 * 9 + 1);
    await run("model", "convert", join(dir, "m.gguf"), join(dir, "back"), "--to", "safetensors", "--json");
    const a = openCheckpoint(join(dir, "m"));
    const b = openCheckpoint(join(dir, "back"));
    for (const t of a.tensors) {
      // Matrices keep their BF16 bytes; 1-D tensors went through GGUF as F32 (exact for BF16 values).
      if (t.shape.length > 1) assert.ok(a.readRaw(t.name).equals(b.readRaw(t.name)), t.name);
      else assert.equal(b.tensor(t.name).dtype, "F32");
      assert.deepEqual(a.readF32(t.name), b.readF32(t.name), t.name);
    }
    a.close();
    b.close();
    await assert.rejects(run("model", "convert", join(dir, "m"), join(dir, "x"), "--to", "onnx"), usageError);
    await assert.rejects(
      run("model", "convert", join(dir, "m"), join(dir, "x"), "--to", "gguf", "--dtype", "q4"),
      usageError,
    );
    await assert.rejects(run("model", "inspect", join(dir, "nothing-here")), usageError);
  });

  test("generate prints reproducible token ids and checks its flags", async () => {
    const args = [
      "model",
      "generate",
      join(dir, "m"),
      "--max-tokens",
      "12",
      "--temperature",
      "1",
      "--seed",
      "5",
      "--json",
    ];
    const first = JSON.parse(await run(...args));
    const again = JSON.parse(await run(...args));
    assert.equal(first.tokens.length, 12);
    assert.deepEqual(first.tokens, again.tokens);
    const greedy = await run("model", "generate", join(dir, "m"), "--prompt", "1,2,3", "--max-tokens", "4");
    assert.match(greedy, /^(\d+ ){3}\d+\n\(4 tokens/);
    await assert.rejects(run("model", "generate", join(dir, "m"), "--prompt", "1,999"), usageError);
    await assert.rejects(run("model", "generate", join(dir, "m"), "--temperature", "-1"), usageError);
  });
});
