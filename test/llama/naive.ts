/**
 * A deliberately plain second implementation of the LLaMA forward pass, for tests only: float64 throughout,
 * no KV cache (every prefix recomputed), Hugging Face formulas written out (rotate_half RoPE on the "halves"
 * layout, repeat_kv for grouped heads, softmax over the causal prefix). It shares no code with src/llama.
 */
import type { LlamaWeights } from "../../src/llama/weights.js";

function matvec(w: Float32Array, x: number[], rows: number): number[] {
  const n = x.length;
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += w[i * n + j]! * x[j]!;
    out.push(s);
  }
  return out;
}

function rmsNorm(x: number[], g: Float32Array, eps: number): number[] {
  const ms = x.reduce((a, v) => a + v * v, 0) / x.length;
  return x.map((v, i) => (v / Math.sqrt(ms + eps)) * g[i]!);
}

/** HF apply_rotary_pos_emb on one head vector: x·cos + rotate_half(x)·sin. */
function ropeHalves(x: number[], pos: number, theta: number): number[] {
  const d = x.length;
  const half = d / 2;
  return x.map((v, i) => {
    const j = i % half;
    const angle = pos * theta ** (-(2 * j) / d);
    const rotated = i < half ? -x[i + half]! : x[i - half]!;
    return v * Math.cos(angle) + rotated * Math.sin(angle);
  });
}

/** Logits after each position of `tokens` (weights must be in the "halves" layout). */
export function naiveLogits(w: LlamaWeights, tokens: number[]): number[][] {
  const c = w.config;
  const d = c.hiddenSize;
  const hd = c.headDim;
  const group = c.numHeads / c.numKvHeads;
  let xs = tokens.map((t) => Array.from(w.embed.subarray(t * d, (t + 1) * d)));
  for (const L of w.layers) {
    const normed = xs.map((x) => rmsNorm(x, L.attnNorm, c.rmsNormEps));
    const qs = normed.map((x) => matvec(L.wq, x, c.numHeads * hd));
    const ks = normed.map((x) => matvec(L.wk, x, c.numKvHeads * hd));
    const vs = normed.map((x) => matvec(L.wv, x, c.numKvHeads * hd));
    const head = (v: number[], h: number) => v.slice(h * hd, (h + 1) * hd);
    const attnOut = xs.map((_, p) => {
      const out: number[] = [];
      for (let h = 0; h < c.numHeads; h++) {
        const kvh = Math.floor(h / group);
        const q = ropeHalves(head(qs[p]!, h), p, c.ropeTheta);
        const scores: number[] = [];
        for (let t = 0; t <= p; t++) {
          const k = ropeHalves(head(ks[t]!, kvh), t, c.ropeTheta);
          scores.push(q.reduce((a, v, i) => a + v * k[i]!, 0) / Math.sqrt(hd));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < hd; i++) {
          let s = 0;
          for (let t = 0; t <= p; t++) s += (e[t]! / z) * vs[t]![kvh * hd + i]!;
          out.push(s);
        }
      }
      return matvec(L.wo, out, d);
    });
    xs = xs.map((x, p) => x.map((v, i) => v + attnOut[p]![i]!));
    xs = xs.map((x) => {
      const n = rmsNorm(x, L.ffnNorm, c.rmsNormEps);
      const g = matvec(L.wGate, n, c.intermediateSize);
      const u = matvec(L.wUp, n, c.intermediateSize);
      const hidden = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]!);
      const down = matvec(L.wDown, hidden, d);
      return x.map((v, i) => v + down[i]!);
    });
  }
  return xs.map((x) => matvec(w.output, rmsNorm(x, w.finalNorm, c.rmsNormEps), c.vocabSize));
}
