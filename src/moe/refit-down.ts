/**
 * Optional expert recovery for fit-gates (--refit-down): with the routing fixed (the fitted gate and top-k),
 * the MoE output is linear in the experts' down projections: y = D · z(x), where z(x) stacks, for each selected
 * expert j, scale · p_j · h_j(x) (its SwiGLU activations) and zeros for the others. Ridge regression over the
 * collected inputs, D = Y Zᵀ (Z Zᵀ + λI)⁻¹, gives every expert's new down projection at once. The system is
 * n × n for n = Σ expert sizes, so this is for small models (n ≤ 4096).
 */
import { matmul } from "../llama/engine.js";
import { UserError } from "../util/errors.js";
import { addExpert, gateLogits, type MoeLayer, scratchFor, topK } from "./layer.js";

/** In-place Cholesky factorisation of a symmetric positive definite n×n matrix (lower triangle). */
function cholesky(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!;
    for (let k = 0; k < j; k++) s -= a[j * n + k]! ** 2;
    if (s <= 0) throw new Error("refit-down: matrix not positive definite");
    const ljj = Math.sqrt(s);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j]!;
      for (let k = 0; k < j; k++) t -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = t / ljj;
    }
  }
}

/** Solve L Lᵀ x = b in place. */
function cholSolve(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * b[k]!;
    b[i] = s / l[i * n + i]!;
  }
}

/** Replace the routed experts' down projections by the ridge-regression fit; returns nothing (mutates `layer`). */
export function refitDown(
  layer: MoeLayer,
  xs: readonly Float32Array[],
  ys: readonly Float32Array[],
  ridge = 1e-3,
): void {
  const E = layer.experts.length;
  const d = layer.dim;
  const offsets: number[] = [];
  let n = 0;
  for (const e of layer.experts) {
    offsets.push(n);
    n += e.size;
  }
  if (n > 4096)
    throw new UserError(
      `--refit-down solves a ${n}×${n} system per layer; only for models with at most 4096 expert neurons per layer`,
    );
  const s = scratchFor(layer);
  const A = new Float64Array(n * n);
  const B = new Float64Array(d * n);
  const z = new Float64Array(n);
  const res = new Float32Array(d);
  const h1 = new Float32Array(Math.max(...layer.experts.map((e) => e.size)));
  const h2 = new Float32Array(h1.length);
  const nz: number[] = [];
  xs.forEach((x, t) => {
    const logits = gateLogits(layer.gate, x, E, s);
    topK(logits, layer.topK, s.selected);
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < layer.topK; r++) max = Math.max(max, logits[s.selected[r]!]!);
    let sum = 0;
    for (let r = 0; r < layer.topK; r++) sum += Math.exp(logits[s.selected[r]!]! - max);
    z.fill(0);
    nz.length = 0;
    for (let r = 0; r < layer.topK; r++) {
      const j = s.selected[r]!;
      const e = layer.experts[j]!;
      const w = (layer.scale * Math.exp(logits[j]! - max)) / sum;
      matmul(h1, x, e.gate, d, e.size);
      matmul(h2, x, e.up, d, e.size);
      for (let i = 0; i < e.size; i++) {
        const g = h1[i]!;
        z[offsets[j]! + i] = w * (g / (1 + Math.exp(-g))) * h2[i]!;
        nz.push(offsets[j]! + i);
      }
    }
    res.fill(0);
    for (const e of layer.residual) addExpert(e, x, layer.residualScale / layer.residual.length, res, s);
    const y = ys[t]!;
    for (const a of nz) {
      const za = z[a]!;
      for (const b of nz) A[a * n + b] = A[a * n + b]! + za * z[b]!;
      for (let i = 0; i < d; i++) B[i * n + a] = B[i * n + a]! + (y[i]! - res[i]!) * za;
    }
  });
  let trace = 0;
  for (let i = 0; i < n; i++) trace += A[i * n + i]!;
  const lambda = ridge * Math.max(trace / n, 1e-12);
  for (let i = 0; i < n; i++) A[i * n + i] = A[i * n + i]! + lambda;
  cholesky(A, n);
  const row = new Float64Array(n);
  for (let i = 0; i < d; i++) {
    for (let a = 0; a < n; a++) row[a] = B[i * n + a]!;
    cholSolve(A, n, row);
    layer.experts.forEach((e, j) => {
      for (let c = 0; c < e.size; c++) e.down[i * e.size + c] = row[offsets[j]! + c]!;
    });
  }
}
