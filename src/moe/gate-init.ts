/** Gate initialisation: random N(0, 0.02²) (LLaMA-MoE's initializer_range), expert centroids, or zero. */
import { Llama2cRandom } from "../llama/sampler.js";
import type { GateWeights } from "./layer.js";

export type GateInit = "random" | "centroid" | "zero";
export type GateNetwork = "linear" | "mlp";

/**
 * Centroid of each expert's L2-normalised up-projection rows (the "select"-style initialisation): a token
 * whose normalised input points the way an expert's rows point gets a high logit for that expert.
 * `upRow(i, into)` fills row i of W_up as float32 (so callers can stream rows).
 */
export function centroidRows(
  experts: readonly number[][],
  d: number,
  upRow: (i: number) => Float32Array,
): Float32Array {
  const out = new Float32Array(experts.length * d);
  experts.forEach((S, j) => {
    const acc = new Float64Array(d);
    for (const i of S) {
      const row = upRow(i);
      let s = 0;
      for (let k = 0; k < d; k++) s += row[k]! ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let k = 0; k < d; k++) acc[k] = acc[k]! + row[k]! * inv;
    }
    for (let k = 0; k < d; k++) out[j * d + k] = acc[k]! / Math.max(1, S.length);
  });
  return out;
}

export function initGate(
  network: GateNetwork,
  init: GateInit,
  E: number,
  d: number,
  rng: Llama2cRandom,
  centroids?: () => Float32Array,
): GateWeights {
  const normal = (n: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = 0.02 * rng.normal();
    return a;
  };
  const first = init === "zero" ? new Float32Array(E * d) : init === "random" ? normal(E * d) : centroids!();
  if (network === "linear") return { kind: "linear", w: first };
  let second: Float32Array;
  if (init === "zero") second = new Float32Array(E * E);
  else if (init === "random") second = normal(E * E);
  else {
    second = new Float32Array(E * E);
    for (let j = 0; j < E; j++) second[j * E + j] = 1;
  }
  return { kind: "mlp", w0: first, w2: second };
}

export function gateRng(seed: number, layer: number): Llama2cRandom {
  return new Llama2cRandom(seed * 1_000_003 + layer + 17);
}
