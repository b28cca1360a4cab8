/** Calibration data for fitting: FFN inputs and dense FFN outputs collected by running the dense model. */
import { LlamaEngine } from "../llama/engine.js";
import type { LlamaWeights } from "../llama/weights.js";
import { denseFfn, type MoeLayer, moeForward, scratchFor } from "./layer.js";
import { collectFfnInputs } from "./verify.js";

/**
 * Sequential calibration pairs for layer `l`: FFN inputs seen when layers < l already run as MoE (so layer l
 * is fitted to the inputs it will really get), with the dense FFN's output on those inputs as the target.
 */
export function sequentialPairs(
  dense: LlamaWeights,
  moeLayers: readonly MoeLayer[],
  l: number,
  seqs: readonly number[][],
): { xs: Float32Array[]; ys: Float32Array[] } {
  const scratch = moeLayers.map(scratchFor);
  const xs: Float32Array[] = [];
  const engine = new LlamaEngine(dense, {
    maxSeqLen: Math.max(...seqs.map((s) => s.length)),
    ffnOverride: (layer, input, out) => {
      if (layer >= l) return false;
      moeForward(moeLayers[layer]!, input, out, scratch[layer]!);
      return true;
    },
    observeFfn: (layer, input) => {
      if (layer === l) xs.push(Float32Array.from(input));
    },
  });
  for (const seq of seqs) for (let p = 0; p < seq.length; p++) engine.forward(seq[p]!, p);
  const ys = xs.map((x) => {
    const y = new Float32Array(x.length);
    denseFfn(dense.layers[l]!, x, y);
    return y;
  });
  return { xs, ys };
}

/** Inputs and dense outputs per layer from sequences. */
export function ffnPairs(
  dense: LlamaWeights,
  seqs: number[][],
): { xs: Float32Array[][]; ys: Float32Array[][] } {
  const xs = collectFfnInputs(dense, seqs);
  const ys = xs.map((layerXs, l) =>
    layerXs.map((x) => {
      const y = new Float32Array(x.length);
      denseFfn(dense.layers[l]!, x, y);
      return y;
    }),
  );
  return { xs, ys };
}
