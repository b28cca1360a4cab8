/**
 * Reference forward pass of a LLaMA-architecture transformer over Float32Array, one token at a time with a
 * KV cache: RMSNorm → attention (RoPE, grouped-query heads) → residual → RMSNorm → SwiGLU FFN → residual,
 * then final RMSNorm and the output projection. All buffers are allocated once; `forward` allocates nothing.
 *
 * RoPE: pair i of each head rotates by pos·theta^(-2i/headDim). Which two elements form pair i depends on
 * how the checkpoint stores q/k rows: "interleaved" (llama2.c, GGUF) pairs (2i, 2i+1); "halves" (Hugging Face)
 * pairs (i, i + headDim/2). The two layouts describe the same model up to a row permutation of wq/wk.
 */
import type { LlamaConfig } from "../formats/hf-config.js";
import type { RopeLayout } from "../formats/names.js";
import { Sampler, type SamplingOptions } from "./sampler.js";
import type { LlamaWeights } from "./weights.js";

/**
 * out[outOffset + i] = Σ_j w[i·n + j] · x[j] for i < rows (w row-major [rows, n]); reads x[0, n). Two rows at a time with four partial
 * sums each: V8 does not vectorise, and sharing the x loads between rows is measurably faster.
 */
export function matmul(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  n: number,
  rows: number,
  outOffset = 0,
): void {
  const n4 = n - (n % 4);
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const b0 = i * n;
    const b1 = b0 + n;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let j = 0;
    for (; j < n4; j += 4) {
      const x0 = x[j]!;
      const x1 = x[j + 1]!;
      const x2 = x[j + 2]!;
      const x3 = x[j + 3]!;
      a0 += w[b0 + j]! * x0;
      a1 += w[b0 + j + 1]! * x1;
      a2 += w[b0 + j + 2]! * x2;
      a3 += w[b0 + j + 3]! * x3;
      c0 += w[b1 + j]! * x0;
      c1 += w[b1 + j + 1]! * x1;
      c2 += w[b1 + j + 2]! * x2;
      c3 += w[b1 + j + 3]! * x3;
    }
    for (; j < n; j++) {
      a0 += w[b0 + j]! * x[j]!;
      c0 += w[b1 + j]! * x[j]!;
    }
    out[outOffset + i] = a0 + a1 + a2 + a3;
    out[outOffset + i + 1] = c0 + c1 + c2 + c3;
  }
  for (; i < rows; i++) {
    const b = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += w[b + j]! * x[j]!;
    out[outOffset + i] = s;
  }
}

/** out[i] = weight[i] · x[i] / √(mean(x²) + eps) over x's length (out may be longer). */
export function rmsnorm(out: Float32Array, x: Float32Array, weight: Float32Array, eps: number): void {
  const n = x.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += x[i]! * x[i]!;
  const scale = 1 / Math.sqrt(ss / n + eps);
  for (let i = 0; i < n; i++) out[i] = weight[i]! * (scale * x[i]!);
}

export interface EngineOptions {
  /** Longest sequence the KV cache holds (default: the model's context length). */
  maxSeqLen?: number;
  /**
   * Replace a layer's FFN (e.g. by a mixture of experts): write FFN(input) into `out` (length config.hiddenSize) and
   * return true, or return false to run the dense SwiGLU FFN. `input` is the RMS-normalised residual stream.
   * Both arrays are reused buffers: copy them to keep them.
   */
  ffnOverride?: (layer: number, input: Float32Array, out: Float32Array) => boolean;
  /**
   * Observe the dense FFN: the normalised input and the SwiGLU activations SiLU(W_gate·x) ⊙ (W_up·x), i.e. the
   * input of the down projection (for co-activation statistics or gate fitting). Reused buffers.
   */
  observeFfn?: (layer: number, input: Float32Array, hidden: Float32Array) => void;
}

export interface GenerateOptions extends SamplingOptions {
  /** Tokens fed first (default [bos]). */
  prompt?: number[];
  /** Tokens to generate after the prompt. */
  maxTokens: number;
  /** Stop (without emitting it) when this token is sampled; run.c stops at BOS (1). */
  stopToken?: number;
}

export interface LogLikelihood {
  /** Σ log p(tokens[i] | tokens[<i]) for i ≥ 1 (natural log). */
  total: number;
  /** Per predicted token (length tokens.length − 1). */
  perToken: Float64Array;
}

export class LlamaEngine {
  readonly config: LlamaConfig;
  readonly maxSeqLen: number;
  private readonly w: LlamaWeights;
  private readonly kvDim: number;
  private readonly qDim: number;
  private readonly x: Float32Array;
  private readonly xb: Float32Array;
  private readonly xb2: Float32Array;
  private readonly q: Float32Array;
  private readonly att: Float32Array;
  private readonly hb: Float32Array;
  private readonly hb2: Float32Array;
  private readonly logits: Float32Array;
  private readonly keyCache: Float32Array;
  private readonly valueCache: Float32Array;
  private readonly ropeCos: Float32Array;
  private readonly ropeSin: Float32Array;
  private readonly invFreq: Float64Array;
  private readonly interleaved: boolean;
  private readonly ffnInput: Float32Array;
  private readonly ffnOverride: EngineOptions["ffnOverride"];
  private readonly observeFfn: EngineOptions["observeFfn"];

  constructor(weights: LlamaWeights, options: EngineOptions = {}) {
    const c = weights.config;
    this.config = c;
    this.w = weights;
    this.maxSeqLen = options.maxSeqLen ?? c.maxSeqLen;
    this.qDim = c.numHeads * c.headDim;
    this.kvDim = c.numKvHeads * c.headDim;
    this.x = new Float32Array(c.hiddenSize);
    this.xb = new Float32Array(Math.max(c.hiddenSize, this.qDim));
    this.xb2 = new Float32Array(c.hiddenSize);
    this.q = new Float32Array(this.qDim);
    this.att = new Float32Array(this.maxSeqLen);
    this.hb = new Float32Array(c.intermediateSize);
    this.hb2 = new Float32Array(c.intermediateSize);
    this.logits = new Float32Array(c.vocabSize);
    this.keyCache = new Float32Array(c.numLayers * this.maxSeqLen * this.kvDim);
    this.valueCache = new Float32Array(c.numLayers * this.maxSeqLen * this.kvDim);
    const half = c.headDim / 2;
    this.ropeCos = new Float32Array(half);
    this.ropeSin = new Float32Array(half);
    this.invFreq = new Float64Array(half);
    // float32 arithmetic as in run.c (powf, then 1/x), so llama2.c checkpoints match it closely.
    for (let i = 0; i < half; i++) {
      this.invFreq[i] = Math.fround(1 / Math.fround(c.ropeTheta ** Math.fround((2 * i) / c.headDim)));
    }
    this.interleaved = weights.ropeLayout === "interleaved";
    this.ffnInput = this.xb.subarray(0, c.hiddenSize);
    this.ffnOverride = options.ffnOverride;
    this.observeFfn = options.observeFfn;
  }

  get ropeLayout(): RopeLayout {
    return this.interleaved ? "interleaved" : "halves";
  }

  /**
   * Run token `token` at position `pos` (positions must be fed in order 0, 1, 2, … for one sequence; feeding
   * pos 0 starts a new one) and return the logits for the next token. The returned array is reused.
   */
  forward(token: number, pos: number): Float32Array {
    const c = this.config;
    const { hiddenSize: dim, headDim, numHeads, intermediateSize: hidden, rmsNormEps: eps } = c;
    if (!(token >= 0 && token < c.vocabSize))
      throw new RangeError(`token ${token} outside vocabulary [0, ${c.vocabSize})`);
    if (!(pos >= 0 && pos < this.maxSeqLen))
      throw new RangeError(`position ${pos} outside [0, ${this.maxSeqLen})`);
    const { x, xb, xb2, q, hb, hb2, keyCache, valueCache } = this;
    const kvDim = this.kvDim;
    const kvMul = numHeads / c.numKvHeads;
    const half = headDim / 2;
    const scale = 1 / Math.sqrt(headDim);
    const embed = this.w.embed;
    for (let i = 0, e = token * dim; i < dim; i++, e++) x[i] = embed[e]!;
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(pos * this.invFreq[i]!);
      this.ropeCos[i] = Math.cos(angle);
      this.ropeSin[i] = Math.sin(angle);
    }
    for (let l = 0; l < this.w.layers.length; l++) {
      const L = this.w.layers[l]!;
      rmsnorm(xb, x, L.attnNorm, eps);
      const layerOff = l * this.maxSeqLen * kvDim;
      const kvAt = layerOff + pos * kvDim;
      matmul(q, xb, L.wq, dim, this.qDim);
      matmul(keyCache, xb, L.wk, dim, kvDim, kvAt);
      matmul(valueCache, xb, L.wv, dim, kvDim, kvAt);
      this.rope(q, 0, numHeads);
      this.rope(keyCache, kvAt, c.numKvHeads);
      for (let h = 0; h < numHeads; h++) {
        const qOff = h * headDim;
        const kvOff = layerOff + Math.floor(h / kvMul) * headDim;
        this.attendHead(qOff, kvOff, pos, scale);
      }
      matmul(xb2, xb, L.wo, this.qDim, dim);
      for (let i = 0; i < dim; i++) x[i] = x[i]! + xb2[i]!;
      rmsnorm(xb, x, L.ffnNorm, eps);
      if (!this.ffnOverride?.(l, this.ffnInput, xb2)) {
        matmul(hb, xb, L.wGate, dim, hidden);
        matmul(hb2, xb, L.wUp, dim, hidden);
        for (let i = 0; i < hidden; i++) {
          const g = hb[i]!;
          hb[i] = (g / (1 + Math.exp(-g))) * hb2[i]!;
        }
        this.observeFfn?.(l, this.ffnInput, hb);
        matmul(xb2, hb, L.wDown, hidden, dim);
      }
      for (let i = 0; i < dim; i++) x[i] = x[i]! + xb2[i]!;
    }
    rmsnorm(xb, x, this.w.finalNorm, eps);
    matmul(this.logits, xb, this.w.output, dim, c.vocabSize);
    return this.logits;
  }

  /**
   * One attention head at position `pos`: scores q·k over the cached positions, softmax, weighted sum of the
   * cached values into xb. Loops are unrolled by four over the head dimension (the common case) because
   * heads are short (often 8 to 128) and loop overhead dominates otherwise.
   */
  private attendHead(qOff: number, kvOff: number, pos: number, scale: number): void {
    const { q, att, xb, keyCache, valueCache, kvDim } = this;
    const hd = this.config.headDim;
    const hd4 = hd - (hd % 4);
    let max = Number.NEGATIVE_INFINITY;
    for (let t = 0; t <= pos; t++) {
      const kBase = kvOff + t * kvDim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < hd4; i += 4) {
        s0 += q[qOff + i]! * keyCache[kBase + i]!;
        s1 += q[qOff + i + 1]! * keyCache[kBase + i + 1]!;
        s2 += q[qOff + i + 2]! * keyCache[kBase + i + 2]!;
        s3 += q[qOff + i + 3]! * keyCache[kBase + i + 3]!;
      }
      for (; i < hd; i++) s0 += q[qOff + i]! * keyCache[kBase + i]!;
      const score = (s0 + s1 + s2 + s3) * scale;
      att[t] = score;
      if (score > max) max = score;
    }
    let sum = 0;
    for (let t = 0; t <= pos; t++) {
      const e = Math.exp(att[t]! - max);
      att[t] = e;
      sum += e;
    }
    const inv = 1 / sum;
    // Output element by element: one long loop over positions with a scalar accumulator.
    for (let i = 0; i < hd; i++) {
      let acc = 0;
      let vIdx = kvOff + i;
      for (let t = 0; t <= pos; t++, vIdx += kvDim) acc += att[t]! * valueCache[vIdx]!;
      xb[qOff + i] = acc * inv;
    }
  }

  /** Rotate each head of `vec` (starting at `offset`) in place for the position whose cos/sin were prepared by `forward`. */
  private rope(vec: Float32Array, offset: number, heads: number): void {
    const hd = this.config.headDim;
    const half = hd / 2;
    const cos = this.ropeCos;
    const sin = this.ropeSin;
    for (let h = 0; h < heads; h++) {
      const base = offset + h * hd;
      for (let i = 0; i < half; i++) {
        const a = this.interleaved ? base + 2 * i : base + i;
        const b = this.interleaved ? a + 1 : a + half;
        const v0 = vec[a]!;
        const v1 = vec[b]!;
        vec[a] = v0 * cos[i]! - v1 * sin[i]!;
        vec[b] = v0 * sin[i]! + v1 * cos[i]!;
      }
    }
  }

  /** log p of each token given the previous ones (the first token is context only). */
  logLikelihood(tokens: readonly number[]): LogLikelihood {
    if (tokens.length > this.maxSeqLen)
      throw new RangeError(`${tokens.length} tokens exceed the context of ${this.maxSeqLen}`);
    const perToken = new Float64Array(Math.max(0, tokens.length - 1));
    let total = 0;
    for (let pos = 0; pos + 1 < tokens.length; pos++) {
      const logits = this.forward(tokens[pos]!, pos);
      const lp = logSoftmaxAt(logits, tokens[pos + 1]!);
      perToken[pos] = lp;
      total += lp;
    }
    return { total, perToken };
  }

  /** exp(−mean log-likelihood) over the predicted tokens. */
  perplexity(tokens: readonly number[]): number {
    const ll = this.logLikelihood(tokens);
    return Math.exp(-ll.total / ll.perToken.length);
  }

  /** Feed the prompt, then sample up to `maxTokens` tokens (greedy when temperature is 0). */
  generate(options: GenerateOptions): number[] {
    const prompt = options.prompt ?? [this.config.bosTokenId ?? 1];
    if (prompt.length === 0) throw new Error("generate needs at least one prompt token");
    const sampler = new Sampler(options);
    const out: number[] = [];
    let token = prompt[0]!;
    let pos = 0;
    const limit = Math.min(this.maxSeqLen, prompt.length - 1 + options.maxTokens);
    while (pos < limit) {
      const logits = this.forward(token, pos);
      pos++;
      if (pos < prompt.length) {
        token = prompt[pos]!;
        continue;
      }
      const next = sampler.sample(logits);
      if (next === options.stopToken) break;
      out.push(next);
      token = next;
    }
    return out;
  }
}

/** log softmax(logits)[index], computed stably in float64. */
export function logSoftmaxAt(logits: Float32Array, index: number): number {
  let max = logits[0]!;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return logits[index]! - max - Math.log(sum);
}
