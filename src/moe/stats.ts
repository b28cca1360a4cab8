/**
 * Statistics collected by running the dense model with the reference engine: neuron co-activation matrices
 * (for the co-activation split) and activation-based importance per data cluster (for the importance split).
 */
import { LlamaEngine } from "../llama/engine.js";
import type { LlamaWeights } from "../llama/weights.js";
import { balancedKMeans } from "./kmeans.js";
import { expertSizes } from "./split.js";

/** A[l][i*d_h + j] = Σ_tokens |h_i|·|h_j| of layer l's SwiGLU activations h (the down projection's input). */
export function coactivation(weights: LlamaWeights, sequences: readonly number[][]): Float64Array[] {
  const { numLayers: L, intermediateSize: n } = weights.config;
  const A = Array.from({ length: L }, () => new Float64Array(n * n));
  const abs = new Float64Array(n);
  const engine = new LlamaEngine(weights, {
    maxSeqLen: Math.max(...sequences.map((s) => s.length)),
    observeFfn: (layer, _input, hidden) => {
      const a = A[layer]!;
      for (let i = 0; i < n; i++) abs[i] = Math.abs(hidden[i]!);
      for (let i = 0; i < n; i++) {
        const hi = abs[i]!;
        if (hi === 0) continue;
        const row = i * n;
        for (let j = 0; j < n; j++) a[row + j] = a[row + j]! + hi * abs[j]!;
      }
    },
  });
  for (const seq of sequences) for (let p = 0; p < seq.length; p++) engine.forward(seq[p]!, p);
  return A;
}

/**
 * Per-neuron importance for each of E data clusters, computed without gradients: sequences are grouped into
 * E clusters by balanced k-means on their mean first-layer FFN input, and neuron i's score in cluster c is the
 * mean over the cluster's tokens of |h_i|·‖W_down[:, i]‖ (the size of the neuron's contribution to the FFN
 * output). LLaMA-MoE uses |h_i · ∂L/∂h_i| instead, which needs backpropagation through the whole model.
 * Returns scores[layer][cluster] (length d_h each).
 */
export function activationImportance(
  weights: LlamaWeights,
  sequences: readonly number[][],
  E: number,
  seed: number,
): Float64Array[][] {
  const { numLayers: L, intermediateSize: n, hiddenSize: d } = weights.config;
  const colNorm = weights.layers.map((layer) => {
    const norms = new Float64Array(n);
    for (let r = 0; r < d; r++)
      for (let i = 0; i < n; i++) norms[i] = norms[i]! + layer.wDown[r * n + i]! ** 2;
    return norms.map(Math.sqrt);
  });
  // Per sequence: mean layer-0 FFN input (for clustering) and per-layer sums of |h|.
  const seqFeature = new Float64Array(sequences.length * d);
  const seqSums = sequences.map(() => Array.from({ length: L }, () => new Float64Array(n)));
  let current = 0;
  const engine = new LlamaEngine(weights, {
    maxSeqLen: Math.max(...sequences.map((s) => s.length)),
    observeFfn: (layer, input, hidden) => {
      const sums = seqSums[current]![layer]!;
      for (let i = 0; i < n; i++) sums[i] = sums[i]! + Math.abs(hidden[i]!);
      if (layer === 0)
        for (let k = 0; k < d; k++) seqFeature[current * d + k] = seqFeature[current * d + k]! + input[k]!;
    },
  });
  sequences.forEach((seq, s) => {
    current = s;
    for (let p = 0; p < seq.length; p++) engine.forward(seq[p]!, p);
  });
  const clusters = Math.min(E, sequences.length);
  const labels =
    clusters === 1
      ? new Int32Array(sequences.length)
      : balancedKMeans(seqFeature, sequences.length, d, {
          sizes: expertSizes(sequences.length, clusters, "spread"),
          restarts: 3,
          maxIterations: 50,
          seed,
        }).labels;
  const scores: Float64Array[][] = [];
  for (let l = 0; l < L; l++) {
    const perCluster: Float64Array[] = [];
    for (let c = 0; c < E; c++) {
      const v = new Float64Array(n);
      let tokens = 0;
      sequences.forEach((seq, s) => {
        if (labels[s]! !== c % clusters) return;
        tokens += seq.length;
        const sums = seqSums[s]![l]!;
        for (let i = 0; i < n; i++) v[i] = v[i]! + sums[i]!;
      });
      for (let i = 0; i < n; i++) v[i] = (v[i]! / Math.max(1, tokens)) * colNorm[l]![i]!;
      perCluster.push(v);
    }
    scores.push(perCluster);
  }
  return scores;
}
