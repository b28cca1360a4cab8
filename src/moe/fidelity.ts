/**
 * How faithful a MoE model is to its dense source on the same token sequences: perplexity, mean KL(dense ‖ MoE)
 * per predicted token, expert load (share of routed token-slots per expert), its coefficient of variation, and
 * routing entropy (mean entropy of the gate's softmax over all experts, in nats).
 */
import { LlamaEngine } from "../llama/engine.js";
import type { LlamaWeights } from "../llama/weights.js";
import type { MoeLayer } from "./layer.js";
import { moeEngine } from "./model.js";

export interface Fidelity {
  tokens: number;
  densePerplexity: number;
  perplexity: number;
  meanKl: number;
  /** load[layer][expert]: share of the layer's selections that went to the expert (sums to 1). */
  load: number[][];
  /** Mean over layers of the coefficient of variation (std / mean) of the expert loads. */
  loadCv: number;
  /** Mean gate entropy in nats (log E when uniform). */
  routingEntropy: number;
}

function logSoftmax(logits: Float32Array, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += Math.exp(logits[i]! - max);
  const lz = Math.log(z) + max;
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lz;
}

export function cv(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return mean > 0 ? Math.sqrt(variance) / mean : 0;
}

/** Dense log-probabilities per sequence position (computed once and shared by many MoE variants). */
export function denseLogProbs(dense: LlamaWeights, sequences: readonly number[][]): Float64Array[][] {
  const engine = new LlamaEngine(dense, { maxSeqLen: Math.max(...sequences.map((s) => s.length)) });
  return sequences.map((seq) => {
    const rows: Float64Array[] = [];
    for (let p = 0; p + 1 < seq.length; p++) {
      const lp = new Float64Array(dense.config.vocabSize);
      logSoftmax(engine.forward(seq[p]!, p), lp);
      rows.push(lp);
    }
    return rows;
  });
}

export function measureFidelity(
  nonFfn: LlamaWeights,
  layers: readonly MoeLayer[],
  sequences: readonly number[][],
  dense: Float64Array[][],
): Fidelity {
  const L = layers.length;
  const counts = layers.map((l) => new Float64Array(l.experts.length));
  let entropySum = 0;
  let entropyN = 0;
  const engine = moeEngine(
    nonFfn,
    layers,
    Math.max(...sequences.map((s) => s.length)),
    (l) => (selected, k, probs) => {
      const c = counts[l]!;
      for (let r = 0; r < k; r++) c[selected[r]!] = c[selected[r]!]! + 1;
      let h = 0;
      for (let j = 0; j < probs.length; j++) if (probs[j]! > 0) h -= probs[j]! * Math.log(probs[j]!);
      entropySum += h;
      entropyN++;
    },
  );
  const lp = new Float64Array(nonFfn.config.vocabSize);
  let nll = 0;
  let denseNll = 0;
  let kl = 0;
  let n = 0;
  sequences.forEach((seq, s) => {
    for (let p = 0; p + 1 < seq.length; p++) {
      logSoftmax(engine.forward(seq[p]!, p), lp);
      const dp = dense[s]![p]!;
      const next = seq[p + 1]!;
      nll -= lp[next]!;
      denseNll -= dp[next]!;
      let k = 0;
      for (let i = 0; i < lp.length; i++) {
        const q = dp[i]!;
        if (q > -700) k += Math.exp(q) * (q - lp[i]!);
      }
      kl += k;
      n++;
    }
  });
  const load = counts.map((c) => {
    const total = c.reduce((a, b) => a + b, 0);
    return Array.from(c, (x) => (total > 0 ? x / total : 0));
  });
  return {
    tokens: n,
    densePerplexity: Math.exp(denseNll / n),
    perplexity: Math.exp(nll / n),
    meanKl: kl / n,
    load,
    loadCv: load.reduce((a, l) => a + cv(l), 0) / Math.max(1, L),
    routingEntropy: entropyN > 0 ? entropySum / entropyN : 0,
  };
}
