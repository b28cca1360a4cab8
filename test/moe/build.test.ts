import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gguf as hfGguf } from "@huggingface/gguf";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { writeSafetensors } from "../../src/formats/safetensors.js";
import { loadLlamaWeights, randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { type BuildOptions, buildMoe } from "../../src/moe/build.js";
import { openDense } from "../../src/moe/dense.js";
import type { MoeLayer } from "../../src/moe/layer.js";
import { nearTie } from "../../src/moe/llamacpp.js";
import { computeSplit } from "../../src/moe/methods.js";
import { openMoe } from "../../src/moe/model.js";
import { readSplit, writeSplit } from "../../src/moe/split.js";
import { verifyMoe } from "../../src/moe/verify.js";
import { assertUserError, tempDir } from "../formats/helpers.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { tinyLlamaConfig } from "./tiny-config.js";

const dir = tempDir("moe-build");

const tiny = tinyLlamaConfig();

function tinyModel(name: string, dtype: "F32" | "BF16", config: LlamaConfig = tiny): string {
  const path = join(dir, name);
  saveHfModel(path, randomLlamaWeights(config, 7, 0.2), dtype);
  return path;
}

const opts = (format: BuildOptions["format"], extra: Partial<BuildOptions> = {}): BuildOptions => ({
  format,
  topK: 2,
  gate: "random",
  gateNetwork: "linear",
  seed: 1,
  ...extra,
});

describe("build and verify on a random tiny model", () => {
  for (const dtype of ["F32", "BF16"] as const) {
    for (const method of ["random", "clustering"] as const) {
      test(`${dtype}, ${method} split: all three formats verify exactly`, async () => {
        const model = tinyModel(`m-${dtype}-${method}`, dtype);
        const dense = openDense(model);
        const split = computeSplit(dense, { method, experts: 4, seed: 3, remainder: "spread" });
        const splitFile = join(dir, `split-${dtype}-${method}.json`);
        writeSplit(splitFile, split);
        assert.deepEqual(readSplit(splitFile), split, "split file round trip");
        for (const format of ["llama-moe", "mixtral", "gguf"] as const) {
          const out = join(dir, `out-${dtype}-${method}-${format}${format === "gguf" ? ".gguf" : ""}`);
          buildMoe(
            dense,
            split,
            out,
            opts(format, { gate: method === "clustering" ? "centroid" : "random" }),
          );
          const moe = openMoe(out);
          const report = await verifyMoe(moe, dense, { llamaCpp: false });
          for (const c of report.checks) assert.ok(c.ok, `${format}: ${c.name}: ${c.detail}`);
          assert.ok(report.equivalence.ok, `${format}: equivalence ${report.equivalence.maxAbsDiff}`);
          assert.ok(report.equivalence.maxAbsDiff < 1e-4, `${format}: ${report.equivalence.maxAbsDiff}`);
          assert.ok(
            report.model && report.model.maxAbsLogitDiff < 1e-3,
            `${format}: model logits ${report.model?.maxAbsLogitDiff}`,
          );
          // The streaming path used for large models (one layer at a time, no whole-model run) agrees.
          const streamed = await verifyMoe(moe, dense, { llamaCpp: false, maxModelParams: 0 });
          assert.ok(streamed.ok && streamed.model === undefined, `${format}: streamed verify`);
          assert.equal(streamed.equivalence.perLayer.length, tiny.numLayers);
          moe.ck.close();
        }
        dense.ck.close();
      });
    }
  }

  test("16-bit expert slices are the source's stored bytes; the scale is folded only into Mixtral/GGUF", () => {
    const model = tinyModel("bits", "BF16");
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "random", experts: 4, seed: 9, remainder: "spread" });
    const out = join(dir, "bits-lm");
    buildMoe(dense, split, out, opts("llama-moe", { scale: 4 }));
    const moe = openMoe(out).ck;
    const src = dense.ck.readRaw("model.layers.1.mlp.up_proj.weight");
    const S = split.layers[1]!.experts[2]!;
    const got = moe.readRaw("model.layers.1.mlp.calculator.experts.weight_up.2");
    const rowBytes = tiny.hiddenSize * 2;
    S.forEach((i, c) => {
      assert.deepEqual(
        got.subarray(c * rowBytes, (c + 1) * rowBytes),
        src.subarray(i * rowBytes, (i + 1) * rowBytes),
      );
    });
    // Down columns: element-wise raw copies.
    const down = dense.ck.readRaw("model.layers.1.mlp.down_proj.weight");
    const gotDown = moe.readRaw("model.layers.1.mlp.calculator.experts.weight_down.2");
    const n = tiny.intermediateSize;
    for (let r = 0; r < tiny.hiddenSize; r++) {
      S.forEach((i, c) => {
        assert.equal(gotDown.readUInt16LE((r * S.length + c) * 2), down.readUInt16LE((r * n + i) * 2));
      });
    }
    const cfg = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    assert.equal(cfg.model_type, "llama_moe");
    assert.equal(cfg.num_experts, 4);
    assert.equal(cfg.num_selects, 2);
    assert.equal(cfg.score_scale_factor, 4);
    assert.equal(cfg.intermediate_size, 40);
    assert.deepEqual(cfg.size_experts, [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ]);
    assert.equal(cfg.gate_network, "linear");
    assert.equal(cfg.auto_map.AutoModelForCausalLM, "modeling_llama_moe_hf.LlamaMoEForCausalLM");
    assert.equal(moe.tensors.find((t) => t.name.endsWith("weight_noise.weight"))?.dtype, "BF16");
    assert.ok(moe.readF32("model.layers.0.mlp.gate.weight_noise.weight").every((v) => v === 0));
    moe.close();
    dense.ck.close();
  });

  test("unequal experts (40 neurons over 3): LLaMA-MoE works, Mixtral and GGUF refuse clearly", async () => {
    const model = tinyModel("uneq", "F32");
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "clustering", experts: 3, seed: 0, remainder: "spread" });
    assert.deepEqual(
      split.layers[0]!.experts.map((e) => e.length),
      [14, 13, 13],
    );
    const out = join(dir, "uneq-lm");
    buildMoe(dense, split, out, opts("llama-moe", { topK: 1 }));
    const moe = openMoe(out);
    assert.ok((await verifyMoe(moe, dense)).ok);
    moe.ck.close();
    assertUserError(
      () => buildMoe(dense, split, join(dir, "uneq-mx"), opts("mixtral")),
      "Mixtral needs equal-sized experts",
      "14/13",
      "--format llama-moe",
    );
    assertUserError(
      () => buildMoe(dense, split, join(dir, "uneq.gguf"), opts("gguf")),
      "GGUF",
      "equal-sized",
    );
    assert.ok(!existsSync(join(dir, "uneq.gguf")));
    dense.ck.close();
  });

  test("impossible requests are UserErrors", () => {
    const model = tinyModel("bad", "F32");
    const dense = openDense(model);
    assertUserError(
      () => computeSplit(dense, { method: "random", experts: 41, seed: 0, remainder: "spread" }),
      "41 experts",
      "more experts than neurons",
    );
    assertUserError(
      () => computeSplit(dense, { method: "random", experts: 3, seed: 0, remainder: "error" }),
      "not divisible",
    );
    const split = computeSplit(dense, { method: "random", experts: 4, seed: 0, remainder: "spread" });
    assertUserError(
      () => buildMoe(dense, split, join(dir, "bad-k"), opts("llama-moe", { topK: 5 })),
      "--top-k",
    );
    assertUserError(
      () => buildMoe(dense, split, join(dir, "bad-mlp"), opts("mixtral", { gateNetwork: "mlp" })),
      "linear",
    );
    dense.ck.close();
    // A checkpoint missing an FFN tensor.
    const w = randomLlamaWeights(tiny, 1, 0.1);
    const dropped = "model.layers.1.mlp.down_proj.weight";
    saveHfModel(join(dir, "missing"), w, "F32");
    const ck = openCheckpoint(join(dir, "missing"));
    const keep = ck.tensors
      .filter((t) => t.name !== dropped)
      .map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: ck.readRaw(t.name) }));
    ck.close();
    rmSync(join(dir, "missing", "model.safetensors"));
    writeSafetensors(join(dir, "missing", "model.safetensors"), keep, { format: "pt" });
    assertUserError(() => openDense(join(dir, "missing")), dropped, "not found");
  });

  test("GGUF export parses with the independent @huggingface/gguf parser", async () => {
    const model = tinyModel("ggufcheck", "F32");
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "random", experts: 4, seed: 2, remainder: "error" });
    const out = join(dir, "check.gguf");
    buildMoe(dense, split, out, opts("gguf", { topK: 2, scale: 2 }));
    dense.ck.close();
    const parsed = await hfGguf(out, { allowLocalFile: true });
    const meta = parsed.metadata as Record<string, unknown>;
    assert.equal(meta["general.architecture"], "llama");
    assert.equal(meta["llama.expert_count"], 4);
    assert.equal(meta["llama.expert_used_count"], 2);
    assert.equal(meta["llama.feed_forward_length"], 10);
    const dims = (name: string): number[] | undefined =>
      parsed.tensorInfos.find((t) => t.name === name)?.shape.map(Number);
    assert.deepEqual(dims("blk.0.ffn_gate_inp.weight"), [16, 4]);
    assert.deepEqual(dims("blk.0.ffn_gate_exps.weight"), [16, 10, 4]);
    assert.deepEqual(dims("blk.0.ffn_up_exps.weight"), [16, 10, 4]);
    assert.deepEqual(dims("blk.1.ffn_down_exps.weight"), [10, 16, 4]);
    assert.equal(dims("blk.0.ffn_gate.weight"), undefined);
    // Our reader sees expert 3's down block = 2 × the dense columns.
    const ck = openCheckpoint(out);
    const stacked = ck.readF32("blk.1.ffn_down_exps.weight");
    const w = loadLlamaWeights(openCheckpoint(model));
    const S = split.layers[1]!.experts[3]!;
    for (let r = 0; r < 16; r++)
      S.forEach((i, c) => {
        assert.equal(stacked[3 * 16 * 10 + r * 10 + c], 2 * w.layers[1]!.wDown[r * 40 + i]!);
      });
    ck.close();
  });
});

describe("stories260K", () => {
  const model = sharedPath("models", "stories260K.bin");
  test("equivalence for E = 2, 4, 8 (8 unequal, LLaMA-MoE) and llama.cpp agrees on the GGUF export", async (t) => {
    if (!model) {
      t.skip(SHARED_MISSING);
      return;
    }
    const dense = openDense(model);
    for (const E of [2, 4, 8]) {
      const split = computeSplit(dense, {
        method: E === 4 ? "clustering" : "random",
        experts: E,
        seed: 1,
        remainder: "spread",
      });
      const out = join(dir, `s260-${E}`);
      buildMoe(dense, split, out, opts("llama-moe", { topK: 2 }));
      const moe = openMoe(out);
      const r = await verifyMoe(moe, dense);
      assert.ok(r.ok, `E=${E}: ${JSON.stringify(r.checks)} ${r.equivalence.maxAbsDiff}`);
      assert.ok(r.equivalence.maxAbsDiff < 1e-5);
      moe.ck.close();
      if (E === 8)
        assertUserError(
          () => buildMoe(dense, split, join(dir, "s8.gguf"), opts("gguf")),
          "equal-sized",
          "172",
        );
    }
    const split = computeSplit(dense, { method: "random", experts: 4, seed: 4, remainder: "error" });
    const out = join(dir, "s260.gguf");
    buildMoe(dense, split, out, opts("gguf", { topK: 2, gate: "centroid" }));
    const moe = openMoe(out);
    const r = await verifyMoe(moe, dense, { tokens: 24 });
    assert.ok(r.llamaCpp, "llama.cpp comparison ran");
    assert.ok(r.llamaCpp.ok, `llama.cpp: ${JSON.stringify(r.llamaCpp)}`);
    assert.ok(r.llamaCpp.maxAbsLogitDiff < 1e-3);
    assert.ok(r.ok);
    moe.ck.close();
    dense.ck.close();
  });
});

describe("data-driven splits on a random tiny model", () => {
  test("coactivation from supplied tokens and importance (computed, residual, sharing, scores file) build and verify", async () => {
    const model = tinyModel("data", "F32");
    const dense = openDense(model);
    const tokensFile = join(dir, "tokens.txt");
    writeFileSync(tokensFile, "1,5,9,200,7,7,3\n1,44,45,46,47,48\n");
    const co = computeSplit(dense, {
      method: "coactivation",
      experts: 4,
      seed: 0,
      remainder: "spread",
      tokensFile,
    });
    assert.equal(co.options.tokens, 13);
    for (const layer of co.layers)
      assert.deepEqual(
        layer.experts.flat().sort((a, b) => a - b),
        Array.from({ length: 40 }, (_, i) => i),
      );
    const residual = computeSplit(dense, {
      method: "importance",
      experts: 3,
      residual: 1,
      seed: 0,
      remainder: "spread",
      sequences: 4,
      sequenceLength: 16,
    });
    assert.equal(residual.numResidual, 1);
    assert.equal(residual.layers[0]!.residual!.length, 1);
    const out = join(dir, "data-res");
    buildMoe(dense, residual, out, opts("llama-moe"));
    const cfg = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    assert.equal(cfg.model_type, "llama_moe_residual");
    assert.equal(cfg.num_experts_residual, 1);
    const moe = openMoe(out);
    assert.ok(
      (await verifyMoe(moe, dense)).ok,
      "residual split: k = E, zero gate, scales E and R give the dense FFN",
    );
    moe.ck.close();
    assertUserError(() => buildMoe(dense, residual, join(dir, "res-mx"), opts("mixtral")), "residual");
    // Sharing split from a scores file: expert j takes the neurons with the largest scores[l][j].
    const scores = Array.from({ length: 2 }, () =>
      Array.from({ length: 4 }, (_, j) => Array.from({ length: 40 }, (_, i) => ((i * 7 + j * 13) % 40) / 40)),
    );
    const scoresFile = join(dir, "scores.json");
    writeFileSync(scoresFile, JSON.stringify({ scores }));
    const sharing = computeSplit(dense, {
      method: "importance",
      experts: 4,
      sharing: true,
      expertSize: 12,
      seed: 0,
      remainder: "spread",
      scoresFile,
    });
    assert.ok(sharing.sharing);
    // Expected by hand: scores[0][0][i] = (7i mod 40)/40 is largest for 7i ≡ 39, 38, 37 … (mod 40), i.e. i = 17, 34, 11, …
    assert.deepEqual(sharing.layers[0]!.experts[0]!.slice(0, 3), [17, 34, 11]);
    const g = join(dir, "sharing.gguf");
    buildMoe(dense, sharing, g, opts("gguf"));
    const sm = openMoe(g);
    const r = await verifyMoe(sm, dense, { llamaCpp: false });
    assert.ok(r.ok, JSON.stringify(r.checks));
    sm.ck.close();
    writeFileSync(scoresFile, JSON.stringify({ scores: [[[1, 2]]] }));
    assertUserError(
      () =>
        computeSplit(dense, { method: "importance", experts: 4, seed: 0, remainder: "spread", scoresFile }),
      scoresFile,
      "scores",
    );
    dense.ck.close();
  });
});

describe("llama.cpp (node-llama-cpp) on GGUF exports of random tiny models", () => {
  for (const dtype of ["F32", "BF16"] as const) {
    test(`${dtype}: llama.cpp loads the export and its logits match our engine's MoE (top-2 of 4, 40 tokens)`, async () => {
      const model = tinyModel(`llamacpp-${dtype}`, dtype);
      const dense = openDense(model);
      const split = computeSplit(dense, { method: "clustering", experts: 4, seed: 1, remainder: "error" });
      const out = join(dir, `llamacpp-${dtype}.gguf`);
      buildMoe(dense, split, out, opts("gguf", { topK: 2, gate: "centroid" }));
      const moe = openMoe(out);
      const r = await verifyMoe(moe, dense, { tokens: 40 });
      assert.ok(r.llamaCpp && r.llamaCpp.tokens === 40, JSON.stringify(r.llamaCpp));
      assert.ok(r.llamaCpp.ok, JSON.stringify(r.llamaCpp));
      if (dtype === "F32") assert.ok(r.llamaCpp.maxAbsLogitDiff < 1e-4, `${r.llamaCpp.maxAbsLogitDiff}`);
      assert.ok(r.ok);
      moe.ck.close();
      dense.ck.close();
    });
  }
});

describe("llama.cpp check of BF16 routed exports", () => {
  // With seed 6 llama.cpp once routed a near-tied token differently (|Δlogit| 0.62 against a 0.10
  // tolerance) and a correct export failed; near ties are now found and left out of the comparison.
  test("passes for every seed, comparing the tokens whose routing is not within rounding of a tie", async () => {
    let ties = 0;
    for (const seed of [6, 11, 14]) {
      const path = join(dir, `bf16-seed-${seed}`);
      saveHfModel(path, randomLlamaWeights(tiny, seed, 0.2), "BF16");
      const dense = openDense(path);
      const split = computeSplit(dense, { method: "random", experts: 4, seed, remainder: "spread" });
      const out = join(dir, `bf16-seed-${seed}.gguf`);
      buildMoe(dense, split, out, opts("gguf", { seed }));
      const moe = openMoe(out);
      const r = await verifyMoe(moe, dense, { tokens: 64 });
      assert.ok(r.llamaCpp?.ok, `seed ${seed}: ${JSON.stringify(r.llamaCpp)}`);
      assert.ok(r.llamaCpp.compared >= 16, `seed ${seed}: only ${r.llamaCpp.compared} tokens compared`);
      ties += r.llamaCpp.nearTies;
      moe.ck.close();
      dense.ck.close();
    }
    assert.ok(ties > 0, "these seeds have near ties to leave out");
  });

  test("a near tie is judged against the rounding of the gate's inputs", () => {
    const layer = {
      gate: { kind: "linear", w: new Float32Array([1, 0, 0, 1, 1, 1]) },
    } as unknown as MoeLayer;
    const x = new Float32Array([100, 100]);
    const sel = new Int32Array([2]);
    // Logits 100, 100.5, 200 → top-1 is expert 2; the runner-up (expert 1, at 100.5) is far behind.
    assert.equal(nearTie(layer, sel, 1, new Float32Array([100, 100.5, 200]), x, 2 ** -8), false);
    // Top-2 = {2, 1}: expert 1 leads expert 0 by 0.5, well inside the rounding of terms of size 100.
    assert.equal(
      nearTie(layer, new Int32Array([2, 1]), 2, new Float32Array([100, 100.5, 200]), x, 2 ** -8),
      true,
    );
    assert.equal(nearTie(layer, new Int32Array([2, 1]), 2, new Float32Array([100, 100.5, 200]), x, 0), false);
  });
});

describe("verify catches broken exports", () => {
  test("a config that disagrees with the tensors, and a missing expert tensor", async () => {
    const model = tinyModel("broken", "F32");
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "random", experts: 4, seed: 0, remainder: "spread" });
    const out = join(dir, "broken-lm");
    buildMoe(dense, split, out, opts("llama-moe"));
    const cfgFile = join(out, "config.json");
    const cfg = JSON.parse(readFileSync(cfgFile, "utf8"));
    cfg.size_experts[1] = [12, 8, 10, 10];
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const moe = openMoe(out);
    const r = await verifyMoe(moe, dense, { llamaCpp: false });
    const check = r.checks.find((c) => c.name === "export configuration");
    assert.ok(check && !check.ok && check.detail.includes("layer 1"), JSON.stringify(check));
    assert.equal(r.ok, false);
    moe.ck.close();
    // Drop one expert tensor from the safetensors file.
    const full = openMoe(out).ck;
    const dropped = "model.layers.0.mlp.calculator.experts.weight_up.3";
    const keep = full.tensors
      .filter((t) => t.name !== dropped)
      .map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: full.readRaw(t.name) }));
    full.close();
    rmSync(join(out, "model.safetensors"));
    writeSafetensors(join(out, "model.safetensors"), keep, { format: "pt" });
    assertUserError(() => openMoe(out).layer(0), dropped, "not found");
    dense.ck.close();
  });
});

describe("a GGUF dense source", () => {
  test("builds LLaMA-MoE and Mixtral (q/k permuted to the HF layout) and GGUF, all verified", async () => {
    const hf = tinyModel("gguf-src", "F32");
    const src = join(dir, "dense.gguf");
    const ck = openCheckpoint(hf);
    convertCheckpoint(ck, src, { to: "gguf" });
    ck.close();
    const dense = openDense(src);
    assert.equal(dense.ck.format, "gguf");
    const split = computeSplit(dense, { method: "clustering", experts: 2, seed: 0, remainder: "error" });
    for (const format of ["llama-moe", "mixtral", "gguf"] as const) {
      const out = join(dir, `from-gguf-${format}${format === "gguf" ? ".gguf" : ""}`);
      buildMoe(dense, split, out, opts(format, { topK: 1 }));
      const moe = openMoe(out);
      const r = await verifyMoe(moe, dense, { llamaCpp: false });
      assert.ok(
        r.ok,
        `${format}: ${JSON.stringify(r.checks.filter((c) => !c.ok))} ${r.equivalence.maxAbsDiff}`,
      );
      moe.ck.close();
    }
    dense.ck.close();
  });
});
