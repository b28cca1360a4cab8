/**
 * `assay moe fit-gates`: cheap per-layer recovery. Collect each layer's FFN inputs by running the dense model
 * (sequentially: layers before l already run as the fitted MoE), fit the layer's gate (gate-fit.ts), optionally
 * a per-layer scale and the experts' down projections (refit-down.ts), report fidelity before and after, and
 * write the new tensors back in place (write-back.ts).
 */
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import { ffnPairs, sequentialPairs } from "./calibration.js";
import { type DenseModel, loadDenseWeights, requireRunnable, sampleSequences } from "./dense.js";
import { denseLogProbs, type Fidelity, measureFidelity } from "./fidelity.js";
import { fitLayerGate, layerError } from "./gate-fit.js";
import { loadNonFfnWeights, type MoeModel } from "./model.js";
import { refitDown } from "./refit-down.js";
import { writeDowns, writeGates } from "./write-back.js";

export { fitLayerGate, layerError } from "./gate-fit.js";

export interface FitOptions {
  tokens: number;
  heldOut: number;
  epochs: number;
  lr: number;
  rescale: boolean;
  /** Also refit the experts' down projections by ridge regression (small models). */
  refitDown?: boolean;
  seed: number;
  write: boolean;
  progress?: Progress;
}

export interface FitResult {
  out: string;
  layers: {
    layer: number;
    heldOutBefore: number;
    heldOutAfter: number;
    trainBefore: number;
    trainAfter: number;
    scale: number;
  }[];
  before?: Fidelity;
  after?: Fidelity;
  written: boolean;
}

export function fitGates(moe: MoeModel, dense: DenseModel, opts: FitOptions): FitResult {
  requireRunnable(dense, "fit-gates");
  if (moe.layers.some((l) => l.gate.kind !== "linear"))
    throw new UserError(`${moe.path}: fit-gates fits linear gates only; build with --gate-network linear`);
  const denseW = loadDenseWeights(dense);
  const len = Math.min(128, dense.config.maxSeqLen);
  const trainSeqs = sampleSequences(denseW, Math.ceil(opts.tokens / len), len, opts.seed + 101);
  const heldSeqs = sampleSequences(denseW, Math.ceil(opts.heldOut / len), len, opts.seed + 202);
  opts.progress?.setDetail("collecting FFN inputs");
  const held = ffnPairs(denseW, heldSeqs);
  const nonFfn = loadNonFfnWeights(moe.ck, moe.config);
  const denseLp = denseLogProbs(denseW, heldSeqs);
  const before = measureFidelity(nonFfn, moe.layers, heldSeqs, denseLp);
  opts.progress?.setTotal(moe.layers.length);
  const layers: FitResult["layers"] = [];
  moe.layers.forEach((layer, l) => {
    opts.progress?.setDetail(`layer ${l}`);
    const heldBefore = layerError(layer, held.xs[l]!, held.ys[l]!);
    // Layers before l already run as (fitted) MoE while layer l's inputs are collected.
    const train = sequentialPairs(denseW, moe.layers, l, trainSeqs);
    const r = fitLayerGate(layer, train.xs.slice(0, opts.tokens), train.ys.slice(0, opts.tokens), {
      epochs: opts.epochs,
      lr: opts.lr,
      rescale: opts.rescale,
    });
    layer.gate = { kind: "linear", w: r.gate };
    layer.scale = r.scale;
    if (moe.format !== "llama-moe" && layer.scale !== 1) {
      // Mixtral/GGUF have no scale factor field: fold the fitted scale into the routed experts' down projections.
      for (const e of layer.experts)
        for (let i = 0; i < e.down.length; i++) e.down[i] = e.down[i]! * layer.scale;
      layer.scale = 1;
    }
    if (opts.refitDown) refitDown(layer, train.xs.slice(0, opts.tokens), train.ys.slice(0, opts.tokens));
    layers.push({
      layer: l,
      heldOutBefore: heldBefore,
      heldOutAfter: layerError(layer, held.xs[l]!, held.ys[l]!),
      trainBefore: r.trainBefore,
      trainAfter: opts.refitDown
        ? layerError(layer, train.xs.slice(0, opts.tokens), train.ys.slice(0, opts.tokens))
        : r.trainAfter,
      scale: r.scale,
    });
    opts.progress?.tick();
  });
  const after = measureFidelity(nonFfn, moe.layers, heldSeqs, denseLp);
  if (opts.write) {
    writeGates(moe, opts.rescale);
    if (opts.refitDown || (opts.rescale && moe.format !== "llama-moe")) writeDowns(moe);
  }
  return { out: moe.path, layers, before, after, written: opts.write };
}

/** Overwrite the gate tensors in place (same shapes and dtypes), and the per-layer scale in config.json. */
export function formatFit(r: FitResult): string {
  const lines = [
    `fit-gates ${r.out}`,
    "  layer  held-out rel. error before → after   (train before → after)   scale",
  ];
  for (const l of r.layers) {
    lines.push(
      `  ${String(l.layer).padStart(5)}  ${l.heldOutBefore.toFixed(4).padStart(10)} → ${l.heldOutAfter.toFixed(4).padEnd(10)}        (${l.trainBefore.toFixed(4)} → ${l.trainAfter.toFixed(4)})   ${l.scale.toFixed(3)}`,
    );
  }
  if (r.before && r.after) {
    lines.push(
      `  held-out model: perplexity ${r.before.perplexity.toFixed(2)} → ${r.after.perplexity.toFixed(2)} (dense ${r.after.densePerplexity.toFixed(2)}), mean KL ${r.before.meanKl.toFixed(3)} → ${r.after.meanKl.toFixed(3)} over ${r.after.tokens} tokens`,
    );
  }
  lines.push(r.written ? "  gates written in place" : "  dry run: nothing written");
  return lines.join("\n");
}
