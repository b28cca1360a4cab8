/**
 * The MoE FFN in float32 storage / float64 arithmetic, matching LLaMA-MoE's inference path (softmax over the
 * top-k gate logits, times the score scale factor) — which equals Mixtral's and llama.cpp's routing (softmax
 * over all logits, keep top-k, renormalise). Residual (shared) experts are always on, each weighted 1/R and
 * multiplied by the residual scale factor.
 */
import { matmul } from "../llama/engine.js";
import type { LayerWeights } from "../llama/weights.js";
import type { LayerSplit } from "./split.js";

export interface Expert {
  size: number;
  gate: Float32Array; // [size, d]
  up: Float32Array; // [size, d]
  down: Float32Array; // [d, size]
}

export type GateWeights =
  | { kind: "linear"; w: Float32Array } // [E, d]
  | { kind: "mlp"; w0: Float32Array; w2: Float32Array }; // [E, d], [E, E]; logits = w2 · tanh(w0 · x)

export interface MoeLayer {
  dim: number;
  experts: Expert[];
  residual: Expert[];
  gate: GateWeights;
  topK: number;
  scale: number;
  residualScale: number;
}

/** Per-call statistics a caller may collect (routing load, gate entropy). */
/**
 * Sees each routing decision: the selected experts (best first), k, every expert's probability, and the
 * raw gate logits and FFN input behind them (valid only during the call).
 */
export type RoutingObserver = (
  selected: Int32Array,
  k: number,
  probsAll: Float64Array,
  logits: Float32Array,
  x: Float32Array,
) => void;

/** Scratch buffers for one layer size, reused across calls. */
export class MoeScratch {
  readonly logits: Float32Array;
  readonly probs: Float64Array;
  readonly selected: Int32Array;
  readonly h1: Float32Array;
  readonly h2: Float32Array;
  readonly y: Float32Array;
  readonly mid: Float32Array;
  constructor(E: number, maxExpert: number, dim: number) {
    this.logits = new Float32Array(E);
    this.probs = new Float64Array(E);
    this.selected = new Int32Array(E);
    this.h1 = new Float32Array(maxExpert);
    this.h2 = new Float32Array(maxExpert);
    this.y = new Float32Array(dim);
    this.mid = new Float32Array(E);
  }
}

export function scratchFor(layer: MoeLayer): MoeScratch {
  const max = Math.max(1, ...layer.experts.map((e) => e.size), ...layer.residual.map((e) => e.size));
  return new MoeScratch(layer.experts.length, max, layer.dim);
}

/** out += weight · Expert(x). */
export function addExpert(
  e: Expert,
  x: Float32Array,
  weight: number,
  out: Float32Array,
  s: MoeScratch,
): void {
  const d = x.length;
  matmul(s.h1, x, e.gate, d, e.size);
  matmul(s.h2, x, e.up, d, e.size);
  for (let i = 0; i < e.size; i++) {
    const g = s.h1[i]!;
    s.h1[i] = (g / (1 + Math.exp(-g))) * s.h2[i]!;
  }
  matmul(s.y, s.h1, e.down, e.size, d);
  for (let i = 0; i < d; i++) out[i] = out[i]! + weight * s.y[i]!;
}

export function gateLogits(gate: GateWeights, x: Float32Array, E: number, s: MoeScratch): Float32Array {
  const d = x.length;
  if (gate.kind === "linear") {
    matmul(s.logits, x, gate.w, d, E);
  } else {
    matmul(s.mid, x, gate.w0, d, E);
    for (let i = 0; i < E; i++) s.mid[i] = Math.tanh(s.mid[i]!);
    matmul(s.logits, s.mid, gate.w2, E, E);
  }
  return s.logits;
}

/** Indices of the k largest logits (ties: lower index first), in descending order, into `selected`. */
export function topK(logits: Float32Array, k: number, selected: Int32Array): void {
  const E = logits.length;
  for (let r = 0; r < k; r++) {
    let best = -1;
    for (let j = 0; j < E; j++) {
      let used = false;
      for (let q = 0; q < r; q++) if (selected[q] === j) used = true;
      if (used) continue;
      if (best < 0 || logits[j]! > logits[best]!) best = j;
    }
    selected[r] = best;
  }
}

/** out = MoE-FFN(x). */
export function moeForward(
  layer: MoeLayer,
  x: Float32Array,
  out: Float32Array,
  s: MoeScratch,
  observe?: RoutingObserver,
): void {
  out.fill(0);
  const E = layer.experts.length;
  const logits = gateLogits(layer.gate, x, E, s);
  const k = layer.topK;
  topK(logits, k, s.selected);
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < k; r++) max = Math.max(max, logits[s.selected[r]!]!);
  let sum = 0;
  for (let r = 0; r < k; r++) sum += Math.exp(logits[s.selected[r]!]! - max);
  for (let r = 0; r < k; r++) {
    const j = s.selected[r]!;
    const p = Math.exp(logits[j]! - max) / sum;
    addExpert(layer.experts[j]!, x, layer.scale * p, out, s);
  }
  const R = layer.residual.length;
  for (const e of layer.residual) addExpert(e, x, layer.residualScale / R, out, s);
  if (observe) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < E; j++) m = Math.max(m, logits[j]!);
    let z = 0;
    for (let j = 0; j < E; j++) z += Math.exp(logits[j]! - m);
    for (let j = 0; j < E; j++) s.probs[j] = Math.exp(logits[j]! - m) / z;
    observe(s.selected, k, s.probs, logits, x);
  }
}

/** Dense FFN: out = W_down (SiLU(W_gate x) ⊙ W_up x), optionally weighting neuron i by mult[i]. */
export function denseFfn(
  L: Pick<LayerWeights, "wGate" | "wUp" | "wDown">,
  x: Float32Array,
  out: Float32Array,
  mult?: Float64Array,
): void {
  const d = x.length;
  const n = L.wGate.length / d;
  const h1 = new Float32Array(n);
  const h2 = new Float32Array(n);
  matmul(h1, x, L.wGate, d, n);
  matmul(h2, x, L.wUp, d, n);
  for (let i = 0; i < n; i++) {
    const g = h1[i]!;
    h1[i] = (g / (1 + Math.exp(-g))) * h2[i]! * (mult ? mult[i]! : 1);
  }
  matmul(out, h1, L.wDown, n, d);
}

/** Slice a dense layer's FFN into experts (float32), for in-memory evaluation. */
export function expertsFromDense(
  L: Pick<LayerWeights, "wGate" | "wUp" | "wDown">,
  d: number,
  sets: readonly number[][],
): Expert[] {
  const n = L.wGate.length / d;
  return sets.map((S) => {
    const m = S.length;
    const gate = new Float32Array(m * d);
    const up = new Float32Array(m * d);
    const down = new Float32Array(d * m);
    S.forEach((i, c) => {
      gate.set(L.wGate.subarray(i * d, (i + 1) * d), c * d);
      up.set(L.wUp.subarray(i * d, (i + 1) * d), c * d);
      for (let r = 0; r < d; r++) down[r * m + c] = L.wDown[r * n + i]!;
    });
    return { size: m, gate, up, down };
  });
}

/** MoE layer from a dense layer and its split, with a given gate, top-k and scale factors. */
export function moeLayerFromDense(
  L: Pick<LayerWeights, "wGate" | "wUp" | "wDown">,
  d: number,
  split: LayerSplit,
  gate: GateWeights,
  topK: number,
  scale: number,
  residualScale?: number,
): MoeLayer {
  const residual = expertsFromDense(L, d, split.residual ?? []);
  return {
    dim: d,
    experts: expertsFromDense(L, d, split.experts),
    residual,
    gate,
    topK,
    scale,
    residualScale: residualScale ?? residual.length,
  };
}
