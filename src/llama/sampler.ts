/**
 * Token sampling with llama2.c run.c's semantics, so seeded runs can be compared token for token:
 * the same xorshift64* generator, float32 softmax, temperature, plain multinomial or top-p (nucleus).
 */

const M_HI = 0x2545f491;
const M_LO = 0x4f6cdd1d;

/** High 32 bits of the 64-bit product of two unsigned 32-bit integers (exact, using doubles). */
function mulHi32(a: number, b: number): number {
  const a1 = a >>> 16;
  const a0 = a & 0xffff;
  const b1 = b >>> 16;
  const b0 = b & 0xffff;
  const t = (a1 * b0 + a0 * b1) * 65536 + a0 * b0; // < 2^50: exact
  return a1 * b1 + Math.floor(t / 4294967296);
}

/**
 * xorshift64* exactly as run.c's random_u32 (state kept as two 32-bit halves, no BigInt).
 * A seed of 0 would stay 0 forever, so it is replaced by a fixed non-zero constant.
 * Kept apart from Assay's generator (src/stats `Rng`) because seeded sampling must match
 * llama2.c token for token; MoE's seeded splits and gates use it too, so that the figures
 * published in docs/moe.md stay reproducible.
 */
export class Llama2cRandom {
  private hi: number;
  private lo: number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new Error(`seed must be a non-negative integer, got ${seed}`);
    const s = seed === 0 ? 0x9e3779b9 : seed;
    this.lo = (s % 4294967296) >>> 0;
    this.hi = Math.floor(s / 4294967296) >>> 0;
  }

  u32(): number {
    let hi = this.hi;
    let lo = this.lo;
    // s ^= s >> 12
    lo = (lo ^ ((lo >>> 12) | (hi << 20))) >>> 0;
    hi = (hi ^ (hi >>> 12)) >>> 0;
    // s ^= s << 25
    hi = (hi ^ ((hi << 25) | (lo >>> 7))) >>> 0;
    lo = (lo ^ (lo << 25)) >>> 0;
    // s ^= s >> 27
    lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0;
    hi = (hi ^ (hi >>> 27)) >>> 0;
    this.hi = hi;
    this.lo = lo;
    // (s * M) >> 32, modulo 2^64: the upper half of the low 64 bits of the product.
    return (Math.imul(hi, M_LO) + Math.imul(lo, M_HI) + mulHi32(lo, M_LO)) >>> 0;
  }

  /** float32 in [0, 1) with 24 random bits, as run.c's random_f32. */
  f32(): number {
    return (this.u32() >>> 8) / 16777216;
  }

  /** Double in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

export interface SamplingOptions {
  /** 0 = greedy argmax. */
  temperature: number;
  /** Nucleus threshold in (0, 1); values ≤ 0 or ≥ 1 sample from the whole distribution. Default 1. */
  topP?: number;
  /** Seed of the xorshift generator (run.c's -s). Default 1. */
  seed?: number;
}

/** Index of the first maximum. */
export function argmax(values: Float32Array): number {
  let best = 0;
  let max = values[0]!;
  for (let i = 1; i < values.length; i++) {
    if (values[i]! > max) {
      max = values[i]!;
      best = i;
    }
  }
  return best;
}

/** In-place softmax with float32 rounding of each stored value and of the running sum (as run.c). */
export function softmaxF32(x: Float32Array, n = x.length): void {
  let max = x[0]!;
  for (let i = 1; i < n; i++) if (x[i]! > max) max = x[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    x[i] = Math.exp(x[i]! - max);
    sum = Math.fround(sum + x[i]!);
  }
  for (let i = 0; i < n; i++) x[i] = x[i]! / sum;
}

export class Sampler {
  private readonly rng: Llama2cRandom;
  private readonly temperature: number;
  private readonly topP: number;
  private readonly order: number[] = [];

  constructor(options: SamplingOptions) {
    if (!(options.temperature >= 0)) throw new Error(`temperature must be ≥ 0, got ${options.temperature}`);
    // run.c keeps both as C floats; rounding them the same way keeps seeded runs identical.
    this.temperature = Math.fround(options.temperature);
    this.topP = Math.fround(options.topP ?? 1);
    this.rng = new Llama2cRandom(options.seed ?? 1);
  }

  /** Pick the next token. Overwrites `logits` with probabilities when sampling (as run.c does). */
  sample(logits: Float32Array): number {
    if (this.temperature === 0) return argmax(logits);
    const n = logits.length;
    for (let i = 0; i < n; i++) logits[i] = logits[i]! / this.temperature;
    softmaxF32(logits);
    const coin = this.rng.f32();
    if (this.topP <= 0 || this.topP >= 1) {
      let cdf = 0;
      for (let i = 0; i < n; i++) {
        cdf = Math.fround(cdf + logits[i]!);
        if (coin < cdf) return i;
      }
      return n - 1;
    }
    // Nucleus: candidates above (1 - p)/(n - 1) can matter; sort them by probability, keep the smallest
    // prefix whose mass exceeds p, and sample within it.
    const cutoff = Math.fround((1 - this.topP) / (n - 1));
    const order = this.order;
    order.length = 0;
    for (let i = 0; i < n; i++) if (logits[i]! >= cutoff) order.push(i);
    order.sort((a, b) => logits[b]! - logits[a]!);
    let cumulative = 0;
    let last = order.length - 1;
    for (let i = 0; i < order.length; i++) {
      cumulative = Math.fround(cumulative + logits[order[i]!]!);
      if (cumulative > this.topP) {
        last = i;
        break;
      }
    }
    const r = Math.fround(coin * cumulative);
    let cdf = 0;
    for (let i = 0; i <= last; i++) {
      cdf = Math.fround(cdf + logits[order[i]!]!);
      if (r < cdf) return order[i]!;
    }
    return order[last]!;
  }
}
