import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gguf as hfGguf } from "@huggingface/gguf";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { encodeFromF32 } from "../../src/formats/dtype.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { hfToGgufName, permuteRopeRows } from "../../src/formats/names.js";
import { writeSafetensors } from "../../src/formats/safetensors.js";
import { loadLlamaWeights, randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { assertUserError, tempDir } from "./helpers.js";

const dir = tempDir("convert");

const tiny: LlamaConfig = {
  hiddenSize: 16,
  intermediateSize: 40,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 4,
  vocabSize: 300,
  maxSeqLen: 128,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  bosTokenId: 1,
  eosTokenId: 2,
  modelType: "llama",
};

describe("RoPE row permutation", () => {
  test("hand-checked on one head of 4 rows, and inverse", () => {
    const rows = Uint8Array.from([10, 11, 20, 21, 30, 31, 40, 41]); // 4 rows × 2 bytes
    const halves = permuteRopeRows(rows, 1, 4, 2, "interleaved", "halves");
    assert.deepEqual([...halves], [10, 11, 30, 31, 20, 21, 40, 41]); // rows 0, 2, 1, 3
    assert.deepEqual(permuteRopeRows(halves, 1, 4, 2, "halves", "interleaved"), rows);
  });
});

describe("checkpoint conversion", () => {
  test("random tiny model: safetensors → GGUF → safetensors keeps every byte, GGUF passes an independent parser", async () => {
    const w = randomLlamaWeights(tiny, 21);
    saveHfModel(join(dir, "src"), w);
    const src = openCheckpoint(join(dir, "src"));
    assert.equal(src.architecture, "llama");
    convertCheckpoint(src, join(dir, "t.gguf"), { to: "gguf", name: "tiny" });
    const g = openCheckpoint(join(dir, "t.gguf"));
    assert.equal(g.format, "gguf");
    assert.deepEqual(g.config, { ...src.config, modelType: "llama" });
    for (const t of src.tensors) {
      const target = hfToGgufName(t.name)!;
      let expected: Uint8Array = src.readRaw(t.name);
      if (t.name.endsWith("q_proj.weight"))
        expected = permuteRopeRows(expected, 4, 4, 64, "halves", "interleaved");
      if (t.name.endsWith("k_proj.weight"))
        expected = permuteRopeRows(expected, 2, 4, 64, "halves", "interleaved");
      assert.deepEqual(new Uint8Array(g.readRaw(target)), new Uint8Array(expected), t.name);
    }
    convertCheckpoint(g, join(dir, "back"), { to: "safetensors" });
    const back = openCheckpoint(join(dir, "back"));
    assert.deepEqual(back.config, src.config);
    assert.deepEqual(back.tensors.map((t) => t.name).sort(), src.tensors.map((t) => t.name).sort());
    for (const t of src.tensors) assert.ok(src.readRaw(t.name).equals(back.readRaw(t.name)), t.name);
    for (const c of [src, g, back]) c.close();

    const parsed = await hfGguf(join(dir, "t.gguf"), { allowLocalFile: true });
    const m = parsed.metadata as Record<string, unknown>;
    assert.equal(m["general.architecture"], "llama");
    assert.equal(m["llama.block_count"], 2);
    assert.equal(m["llama.embedding_length"], 16);
    assert.equal(m["llama.feed_forward_length"], 40);
    assert.equal(m["llama.attention.head_count_kv"], 2);
    assert.equal(m["llama.rope.dimension_count"], 4);
    assert.equal((m["tokenizer.ggml.tokens"] as string[]).length, 300);
    assert.equal((m["tokenizer.ggml.tokens"] as string[])[3 + 10], "<0x0A>");
    const q = parsed.tensorInfos.find((t) => t.name === "blk.1.attn_q.weight");
    assert.deepEqual(q?.shape.map(Number), [16, 16]);
    const gate = parsed.tensorInfos.find((t) => t.name === "blk.0.ffn_gate.weight");
    assert.deepEqual(gate?.shape.map(Number), [16, 40]); // ggml order: row length first
    assert.equal(parsed.tensorInfos.length, 2 + 2 * 9 + 1);
  });

  test("dtype conversion: F16 GGUF stores rounded matrices and F32 norms; BF16 safetensors file", () => {
    const w = randomLlamaWeights({ ...tiny, tieWordEmbeddings: true }, 22);
    saveHfModel(join(dir, "tied"), w);
    const src = openCheckpoint(join(dir, "tied"));
    convertCheckpoint(src, join(dir, "tied-f16.gguf"), { to: "gguf", dtype: "F16" });
    convertCheckpoint(src, join(dir, "tied.safetensors"), { to: "safetensors", dtype: "BF16" });
    const g = openCheckpoint(join(dir, "tied-f16.gguf"));
    assert.equal(g.has("output.weight"), false);
    assert.equal(g.config?.tieWordEmbeddings, true);
    assert.equal(g.tensor("blk.0.ffn_up.weight").dtype, "F16");
    assert.equal(g.tensor("blk.0.attn_norm.weight").dtype, "F32");
    assert.deepEqual(
      new Uint8Array(g.readRaw("blk.0.ffn_up.weight")),
      encodeFromF32(w.layers[0]!.wUp, "F16"),
    );
    const b = openCheckpoint(join(dir, "tied.safetensors"));
    assert.equal(b.config?.hiddenSize, 16); // carried in __metadata__ without a config.json
    assert.deepEqual(new Uint8Array(b.readRaw("model.norm.weight")), encodeFromF32(w.finalNorm, "BF16"));
    for (const c of [src, g, b]) c.close();
  });

  test("sharded Hugging Face folders are read through the index", () => {
    const shard = join(dir, "sharded");
    saveHfModel(shard, randomLlamaWeights(tiny, 23));
    const whole = openCheckpoint(shard);
    const names = whole.tensors.map((t) => t.name);
    const half = Math.floor(names.length / 2);
    const parts = [names.slice(0, half), names.slice(half)];
    const weightMap: Record<string, string> = {};
    mkdirSync(join(dir, "sharded2"));
    parts.forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeSafetensors(
        join(dir, "sharded2", file),
        part.map((n) => ({ ...whole.tensor(n), data: whole.readRaw(n) })),
      );
      for (const n of part) weightMap[n] = file;
    });
    writeFileSync(
      join(dir, "sharded2", "model.safetensors.index.json"),
      JSON.stringify({ weight_map: weightMap }),
    );
    writeFileSync(join(dir, "sharded2", "config.json"), readFileSync(join(shard, "config.json")));
    const two = openCheckpoint(join(dir, "sharded2"));
    assert.equal(new Set(two.tensors.map((t) => t.file)).size, 2);
    for (const n of names) assert.ok(two.readRaw(n).equals(whole.readRaw(n)), n);
    whole.close();
    two.close();
  });

  test("stories260K: GGUF keeps llama2.c's interleaved rows; safetensors gets HF-ordered rows", (t) => {
    const file = sharedPath("models", "stories260K.bin");
    if (!file) {
      t.skip(SHARED_MISSING);
      return;
    }
    const src = openCheckpoint(file);
    convertCheckpoint(src, join(dir, "s.gguf"), { to: "gguf" });
    convertCheckpoint(src, join(dir, "s-hf"), { to: "safetensors" });
    const g = openCheckpoint(join(dir, "s.gguf"));
    const h = openCheckpoint(join(dir, "s-hf"));
    const q = "model.layers.2.self_attn.q_proj.weight";
    assert.ok(src.readRaw(q).equals(g.readRaw("blk.2.attn_q.weight")));
    assert.ok(!src.readRaw(q).equals(h.readRaw(q)));
    assert.deepEqual(
      new Uint8Array(h.readRaw(q)),
      permuteRopeRows(src.readRaw(q), 8, 8, 256, "interleaved", "halves"),
    );
    assert.equal(g.has("output.weight"), false);
    assert.ok(existsSync(join(dir, "s-hf", "config.json")));
    assert.equal(h.parameterCount(), src.parameterCount());
    for (const c of [src, g, h]) c.close();
  });

  test("unsupported inputs give clear errors", () => {
    const file = join(dir, "noconfig.safetensors");
    writeSafetensors(file, [{ name: "x", dtype: "I32", shape: [1], data: new Uint8Array(4) }]);
    const ck = openCheckpoint(file);
    assertUserError(() => convertCheckpoint(ck, join(dir, "x.gguf"), { to: "gguf" }), "LLaMA");
    assertUserError(() => convertCheckpoint(ck, join(dir, "x-out"), { to: "safetensors" }), '"x"', "I32");
    ck.close();
    assertUserError(() => openCheckpoint(join(dir, "missing.gguf")), "no such file");
    // A config variant we cannot represent (scaled RoPE) is refused for GGUF and by the engine, not dropped.
    const scaled = join(dir, "scaled");
    saveHfModel(scaled, randomLlamaWeights(tiny, 24));
    const cfg = JSON.parse(readFileSync(join(scaled, "config.json"), "utf8"));
    writeFileSync(
      join(scaled, "config.json"),
      JSON.stringify({ ...cfg, rope_scaling: { rope_type: "llama3", factor: 8 } }),
    );
    const sc = openCheckpoint(scaled);
    assertUserError(
      () => convertCheckpoint(sc, join(dir, "scaled.gguf"), { to: "gguf" }),
      "GGUF writer",
      "rope_scaling",
    );
    assertUserError(() => loadLlamaWeights(sc), "reference engine", "rope_scaling");
    convertCheckpoint(sc, join(dir, "scaled-copy"), { to: "safetensors" });
    const copied = JSON.parse(readFileSync(join(dir, "scaled-copy", "config.json"), "utf8"));
    assert.deepEqual(copied.rope_scaling, { rope_type: "llama3", factor: 8 });
    sc.close();
  });
});
