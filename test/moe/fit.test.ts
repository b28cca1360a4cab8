import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Llama2cRandom } from "../../src/llama/sampler.js";
import { randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { buildMoe } from "../../src/moe/build.js";
import { openDense } from "../../src/moe/dense.js";
import { cv } from "../../src/moe/fidelity.js";
import { fitGates, fitLayerGate, layerError } from "../../src/moe/fit.js";
import { type MoeLayer, moeForward, moeLayerFromDense, scratchFor } from "../../src/moe/layer.js";
import { computeSplit } from "../../src/moe/methods.js";
import { openMoe } from "../../src/moe/model.js";
import { refitDown } from "../../src/moe/refit-down.js";
import { runReport } from "../../src/moe/report.js";
import { verifyMoe } from "../../src/moe/verify.js";
import { tempDir } from "../formats/helpers.js";
import { tinyLlamaConfig } from "./tiny-config.js";

const dir = tempDir("moe-fit");

const tiny = tinyLlamaConfig({ intermediateSize: 32, vocabSize: 64, tieWordEmbeddings: true });

function inputs(n: number, d: number, seed: number): Float32Array[] {
  const rng = new Llama2cRandom(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: d }, () => rng.normal()));
}

describe("gate fitting", () => {
  test("recovers a planted gate: targets made by a MoE with gate W*, fitted from a random gate", () => {
    const w = randomLlamaWeights(tiny, 3, 0.3);
    const d = tiny.hiddenSize;
    const split = { experts: [0, 1, 2, 3].map((j) => Array.from({ length: 8 }, (_, c) => j * 8 + c)) };
    const rng = new Llama2cRandom(5);
    const planted = Float32Array.from({ length: 4 * d }, () => rng.normal());
    const truth: MoeLayer = moeLayerFromDense(w.layers[0]!, d, split, { kind: "linear", w: planted }, 1, 1);
    const xs = inputs(600, d, 1);
    const s = scratchFor(truth);
    const ys = xs.map((x) => {
      const y = new Float32Array(d);
      moeForward(truth, x, y, s);
      return y;
    });
    const start: MoeLayer = {
      ...truth,
      gate: { kind: "linear", w: Float32Array.from({ length: 4 * d }, () => 0.02 * rng.normal()) },
    };
    const r = fitLayerGate(start, xs.slice(0, 500), ys.slice(0, 500), {
      epochs: 40,
      lr: 0.02,
      rescale: false,
    });
    assert.ok(r.trainBefore > 0.3, `random gate should be far off (${r.trainBefore})`);
    assert.ok(r.trainAfter < 0.1 * r.trainBefore, `fit ${r.trainBefore} → ${r.trainAfter}`);
    const fitted: MoeLayer = { ...start, gate: { kind: "linear", w: r.gate } };
    const heldBefore = layerError(start, xs.slice(500), ys.slice(500));
    const heldAfter = layerError(fitted, xs.slice(500), ys.slice(500));
    assert.ok(heldAfter < 0.2 * heldBefore, `held-out ${heldBefore} → ${heldAfter}`);
  });

  test("refitting the down projections lowers the error further on a dense target", () => {
    const w = randomLlamaWeights(tiny, 4, 0.3);
    const d = tiny.hiddenSize;
    const split = { experts: [0, 1, 2, 3].map((j) => Array.from({ length: 8 }, (_, c) => 4 * c + j)) };
    const layer = moeLayerFromDense(
      w.layers[1]!,
      d,
      split,
      { kind: "linear", w: new Float32Array(4 * d) },
      2,
      2,
    );
    const xs = inputs(400, d, 2);
    const ys = xs.map((x) => {
      const y = new Float32Array(d);
      const full = moeLayerFromDense(
        w.layers[1]!,
        d,
        split,
        { kind: "linear", w: new Float32Array(4 * d) },
        4,
        4,
      );
      moeForward(full, x, y, scratchFor(full));
      return y;
    });
    const before = layerError(layer, xs.slice(300), ys.slice(300));
    refitDown(layer, xs.slice(0, 300), ys.slice(0, 300));
    const after = layerError(layer, xs.slice(300), ys.slice(300));
    assert.ok(after < before, `${before} → ${after}`);
  });

  test("coefficient of variation by hand", () => {
    assert.equal(cv([0.25, 0.25, 0.25, 0.25]), 0);
    // mean 0.25, population std 0.25 → CV 1
    assert.ok(Math.abs(cv([0.5, 0, 0.5, 0]) - 1) < 1e-12);
  });
});

describe("fit-gates and report end to end", () => {
  test("fit-gates rewrites the gate in place; the export still verifies; fidelity is reported", async () => {
    const model = join(dir, "m");
    saveHfModel(model, randomLlamaWeights(tiny, 8, 0.3), "F32");
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "clustering", experts: 4, seed: 0, remainder: "spread" });
    const out = join(dir, "fit-lm");
    buildMoe(dense, split, out, {
      format: "llama-moe",
      topK: 1,
      gate: "random",
      gateNetwork: "linear",
      seed: 0,
    });
    const moe = openMoe(out);
    const gateBefore = Float32Array.from((moe.layers[0]!.gate as { w: Float32Array }).w);
    const r = fitGates(moe, dense, {
      tokens: 256,
      heldOut: 128,
      epochs: 10,
      lr: 0.01,
      rescale: true,
      seed: 0,
      write: true,
    });
    assert.equal(r.layers.length, 2);
    for (const l of r.layers)
      assert.ok(
        l.trainAfter <= l.trainBefore + 1e-12,
        `layer ${l.layer}: ${l.trainBefore} → ${l.trainAfter}`,
      );
    assert.ok(r.before && r.after && Number.isFinite(r.after.perplexity));
    moe.ck.close();
    const again = openMoe(out);
    const gateAfter = (again.layers[0]!.gate as { w: Float32Array }).w;
    assert.ok(
      gateAfter.some((v, i) => v !== gateBefore[i]),
      "gate changed on disk",
    );
    assert.equal((again.hfConfig!.score_scale_factor as number[]).length, 2, "per-layer scale written");
    assert.ok((await verifyMoe(again, dense)).ok, "equivalence does not depend on the gate");
    again.ck.close();
    dense.ck.close();
  });

  test("report: k = E with a zero gate reproduces the dense perplexity; rows and plot files", async () => {
    const model = join(dir, "r");
    saveHfModel(model, randomLlamaWeights(tiny, 9, 0.3), "F32");
    const dense = openDense(model);
    const out = join(dir, "report");
    const r = await runReport(dense, {
      methods: ["random", "coactivation"],
      configs: [{ experts: 4, topK: 2 }],
      gates: ["random", "fit"],
      sequences: 2,
      length: 24,
      fitTokens: 64,
      seed: 0,
      outDir: out,
    });
    assert.ok(
      Math.abs(r.equivalencePerplexity - r.densePerplexity) < 1e-6 * r.densePerplexity,
      `${r.equivalencePerplexity} vs ${r.densePerplexity}`,
    );
    assert.equal(r.rows.length, 4);
    for (const row of r.rows) {
      assert.ok(Number.isFinite(row.perplexity) && row.perplexity > 1);
      assert.ok(row.routingEntropy >= 0 && row.routingEntropy <= Math.log(4) + 1e-9);
    }
    for (const f of ["report.json", "report.md", "report.svg", "report.png"])
      assert.ok(existsSync(join(out, f)), f);
    dense.ck.close();
  });
});

describe("fit-gates on a GGUF export", () => {
  test("--rescale folds the fitted scale into the down projections; llama.cpp still matches our engine", async () => {
    const model = join(dir, "g");
    saveHfModel(model, randomLlamaWeights({ ...tiny, vocabSize: 300 }, 10, 0.3), "F32");
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "random", experts: 4, seed: 0, remainder: "error" });
    const out = join(dir, "fit.gguf");
    buildMoe(dense, split, out, { format: "gguf", topK: 2, gate: "random", gateNetwork: "linear", seed: 0 });
    const fitted = openMoe(out);
    const r = fitGates(fitted, dense, {
      tokens: 256,
      heldOut: 128,
      epochs: 5,
      lr: 0.01,
      rescale: true,
      seed: 0,
      write: true,
    });
    fitted.ck.close();
    const moe = openMoe(out);
    // The stored down projections now carry build scale (2) × fitted scale.
    const want = 2 * r.layers[1]!.scale;
    const col = split.layers[1]!.experts[0]![0]!;
    const denseDown = openDense(model);
    const d0 = denseDown.ck.readF32("model.layers.1.mlp.down_proj.weight")[col]!;
    assert.ok(
      Math.abs(moe.layer(1).experts[0]!.down[0]! - Math.fround(d0 * want)) <=
        1e-6 * Math.abs(d0 * want) + 1e-12,
    );
    const v = await verifyMoe(moe, dense, { tokens: 24 });
    assert.ok(v.llamaCpp?.ok, JSON.stringify(v.llamaCpp));
    moe.ck.close();
    denseDown.ck.close();
    dense.ck.close();
  });
});
