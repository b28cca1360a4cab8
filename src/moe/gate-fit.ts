/**
 * Fitting one layer's linear gate so that the MoE output under top-k routing,
 * sf · Σ_{j ∈ top-k(Wx)} softmax_j · E_j(x), comes close to the dense FFN output FFN(x):
 *   1. warm start: cross-entropy towards the oracle expert set (greedy best k experts for that token);
 *   2. Adam on the squared error itself, gradients through the softmax over the selected experts;
 *   3. keep the best of {initial, warm start, refined} by training error.
 * Optionally one output scale per layer is refitted by least squares.
 */
import { UserError } from "../util/errors.js";
import { addExpert, type MoeLayer, moeForward, scratchFor, topK } from "./layer.js";

export interface LayerFitOptions {
  epochs: number;
  lr: number;
  rescale: boolean;
}

export interface LayerFitResult {
  gate: Float32Array;
  scale: number;
  /** Relative squared error Σ‖MoE − FFN‖² / Σ‖FFN‖² on the training inputs. */
  trainBefore: number;
  trainAfter: number;
}

/** Per-token expert outputs E_j(x) (unscaled), residual part, and the routed target FFN(x) − residual. */
interface Cache {
  T: number;
  E: number;
  d: number;
  outs: Float32Array; // [T, E, d]
  target: Float32Array; // [T, d]
  xs: Float32Array; // [T, d]
  norm: number; // Σ‖FFN(x)‖²
}

function buildCache(layer: MoeLayer, xs: readonly Float32Array[], ys: readonly Float32Array[]): Cache {
  const E = layer.experts.length;
  const d = layer.dim;
  const T = xs.length;
  if (T * E * d > 80e6)
    throw new UserError(
      `fit-gates: ${T} tokens × ${E} experts × ${d} dims needs too much memory; use fewer --tokens`,
    );
  const s = scratchFor(layer);
  const outs = new Float32Array(T * E * d);
  const target = new Float32Array(T * d);
  const X = new Float32Array(T * d);
  const tmp = new Float32Array(d);
  let norm = 0;
  for (let t = 0; t < T; t++) {
    const x = xs[t]!;
    X.set(x, t * d);
    for (let j = 0; j < E; j++) {
      tmp.fill(0);
      addExpert(layer.experts[j]!, x, 1, tmp, s);
      outs.set(tmp, (t * E + j) * d);
    }
    tmp.fill(0);
    for (const e of layer.residual) addExpert(e, x, layer.residualScale / layer.residual.length, tmp, s);
    const y = ys[t]!;
    for (let i = 0; i < d; i++) {
      target[t * d + i] = y[i]! - tmp[i]!;
      norm += y[i]! * y[i]!;
    }
  }
  return { T, E, d, outs, target, xs: X, norm };
}

function logitsOf(W: Float32Array | Float64Array, c: Cache, t: number, out: Float64Array): void {
  const { E, d } = c;
  for (let j = 0; j < E; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += W[j * d + i]! * c.xs[t * d + i]!;
    out[j] = s;
  }
}

/** Relative squared error of the routed MoE with gate W and scale sf over the cache. */
export function routedError(W: Float32Array | Float64Array, sf: number, k: number, c: Cache): number {
  const { E, d } = c;
  const logits = new Float64Array(E);
  const sel = new Int32Array(E);
  const f32 = new Float32Array(E);
  let err = 0;
  for (let t = 0; t < c.T; t++) {
    logitsOf(W, c, t, logits);
    f32.set(logits);
    topK(f32, k, sel);
    const p = selectedSoftmax(logits, sel, k);
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let r = 0; r < k; r++) v += p[r]! * c.outs[(t * E + sel[r]!) * d + i]!;
      const diff = sf * v - c.target[t * d + i]!;
      err += diff * diff;
    }
  }
  return err / Math.max(c.norm, 1e-30);
}

function selectedSoftmax(logits: Float64Array, sel: Int32Array, k: number): Float64Array {
  const p = new Float64Array(k);
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < k; r++) max = Math.max(max, logits[sel[r]!]!);
  let z = 0;
  for (let r = 0; r < k; r++) {
    p[r] = Math.exp(logits[sel[r]!]! - max);
    z += p[r]!;
  }
  for (let r = 0; r < k; r++) p[r] = p[r]! / z;
  return p;
}

/** Greedy oracle: the k experts that, averaged with equal weights and scaled, best match the target. */
function oracleSets(c: Cache, sf: number, k: number): Int32Array {
  const { E, d } = c;
  const sets = new Int32Array(c.T * k);
  const acc = new Float64Array(d);
  for (let t = 0; t < c.T; t++) {
    acc.fill(0);
    const chosen: number[] = [];
    for (let r = 0; r < k; r++) {
      let best = -1;
      let bestErr = Number.POSITIVE_INFINITY;
      for (let j = 0; j < E; j++) {
        if (chosen.includes(j)) continue;
        let e = 0;
        for (let i = 0; i < d; i++) {
          const v = (sf / (r + 1)) * (acc[i]! + c.outs[(t * E + j) * d + i]!) - c.target[t * d + i]!;
          e += v * v;
        }
        if (e < bestErr) {
          bestErr = e;
          best = j;
        }
      }
      chosen.push(best);
      for (let i = 0; i < d; i++) acc[i] = acc[i]! + c.outs[(t * E + best) * d + i]!;
      sets[t * k + r] = best;
    }
  }
  return sets;
}

class Adam {
  private m: Float64Array;
  private v: Float64Array;
  private step = 0;
  constructor(
    n: number,
    private readonly lr: number,
  ) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }
  apply(w: Float64Array, g: Float64Array): void {
    this.step++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    for (let i = 0; i < w.length; i++) {
      this.m[i] = b1 * this.m[i]! + (1 - b1) * g[i]!;
      this.v[i] = b2 * this.v[i]! + (1 - b2) * g[i]! * g[i]!;
      w[i] = w[i]! - (this.lr * (this.m[i]! / c1)) / (Math.sqrt(this.v[i]! / c2) + 1e-8);
    }
  }
}

export function fitLayerGate(
  layer: MoeLayer,
  xs: readonly Float32Array[],
  ys: readonly Float32Array[],
  opts: LayerFitOptions,
): LayerFitResult {
  if (layer.gate.kind !== "linear")
    throw new UserError("fit-gates fits linear gates only (build with --gate-network linear)");
  const c = buildCache(layer, xs, ys);
  const { E, d, T } = c;
  const k = layer.topK;
  const sf = layer.scale;
  const W0 = Float64Array.from(layer.gate.w);
  const before = routedError(W0, sf, k, c);
  const batch = 64;
  // 1. Warm start: softmax cross-entropy towards the oracle sets (each chosen expert weighted 1/k).
  const oracle = oracleSets(c, sf, k);
  const W1 = Float64Array.from(W0);
  const grad = new Float64Array(E * d);
  const logits = new Float64Array(E);
  let adam = new Adam(E * d, opts.lr);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let start = 0; start < T; start += batch) {
      grad.fill(0);
      const end = Math.min(T, start + batch);
      for (let t = start; t < end; t++) {
        logitsOf(W1, c, t, logits);
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < E; j++) max = Math.max(max, logits[j]!);
        let z = 0;
        for (let j = 0; j < E; j++) z += Math.exp(logits[j]! - max);
        for (let j = 0; j < E; j++) {
          let g = Math.exp(logits[j]! - max) / z;
          for (let r = 0; r < k; r++) if (oracle[t * k + r] === j) g -= 1 / k;
          if (g === 0) continue;
          for (let i = 0; i < d; i++)
            grad[j * d + i] = grad[j * d + i]! + (g * c.xs[t * d + i]!) / (end - start);
        }
      }
      adam.apply(W1, grad);
    }
  }
  // 2. Refine on the squared error under top-k routing (no gradient reaches unselected experts).
  const W2 = Float64Array.from(W1);
  adam = new Adam(E * d, opts.lr / 3);
  const f32 = new Float32Array(E);
  const sel = new Int32Array(E);
  const gsel = new Float64Array(E);
  for (let epoch = 0; epoch < Math.max(1, Math.floor(opts.epochs / 2)); epoch++) {
    for (let start = 0; start < T; start += batch) {
      grad.fill(0);
      const end = Math.min(T, start + batch);
      for (let t = start; t < end; t++) {
        logitsOf(W2, c, t, logits);
        f32.set(logits);
        topK(f32, k, sel);
        const p = selectedSoftmax(logits, sel, k);
        // residual r = sf Σ p_j O_j − target; dL/dp_j = 2 sf <r, O_j>; dL/dl_j = p_j (g_j − Σ p g).
        let mean = 0;
        for (let r = 0; r < k; r++) {
          let dot = 0;
          for (let i = 0; i < d; i++) {
            let v = 0;
            for (let q = 0; q < k; q++) v += p[q]! * c.outs[(t * E + sel[q]!) * d + i]!;
            dot += (sf * v - c.target[t * d + i]!) * c.outs[(t * E + sel[r]!) * d + i]!;
          }
          gsel[r] = 2 * sf * dot;
          mean += p[r]! * gsel[r]!;
        }
        for (let r = 0; r < k; r++) {
          const gl = (p[r]! * (gsel[r]! - mean)) / (c.norm / T) / (end - start);
          const j = sel[r]!;
          for (let i = 0; i < d; i++) grad[j * d + i] = grad[j * d + i]! + gl * c.xs[t * d + i]!;
        }
      }
      adam.apply(W2, grad);
    }
  }
  const candidates = [W0, W1, W2].map((W) => ({ W, err: routedError(W, sf, k, c) }));
  const best = candidates.reduce((a, b) => (b.err < a.err ? b : a));
  let scale = sf;
  if (opts.rescale) {
    // Least-squares scale α for the routed output z: α = <z, target> / <z, z>.
    let zy = 0;
    let zz = 0;
    for (let t = 0; t < T; t++) {
      logitsOf(best.W, c, t, logits);
      f32.set(logits);
      topK(f32, k, sel);
      const p = selectedSoftmax(logits, sel, k);
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let r = 0; r < k; r++) v += p[r]! * c.outs[(t * E + sel[r]!) * d + i]!;
        zy += v * c.target[t * d + i]!;
        zz += v * v;
      }
    }
    if (zz > 0) scale = zy / zz;
  }
  return {
    gate: Float32Array.from(best.W),
    scale,
    trainBefore: before,
    trainAfter: routedError(best.W, scale, k, c),
  };
}

/** Relative squared error of whole layers on held-out inputs: Σ‖MoE(x) − FFN(x)‖² / Σ‖FFN(x)‖². */
export function layerError(
  layer: MoeLayer,
  xs: readonly Float32Array[],
  ys: readonly Float32Array[],
): number {
  const s = scratchFor(layer);
  const out = new Float32Array(layer.dim);
  let err = 0;
  let norm = 0;
  xs.forEach((x, t) => {
    moeForward(layer, x, out, s);
    const y = ys[t]!;
    for (let i = 0; i < layer.dim; i++) {
      err += (out[i]! - y[i]!) ** 2;
      norm += y[i]! ** 2;
    }
  });
  return err / Math.max(norm, 1e-30);
}
