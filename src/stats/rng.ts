/**
 * Assay's seeded generator: xoshiro128** (Blackman & Vigna), its 128-bit state filled from a
 * 32-bit seed with splitmix32. Only 32-bit integer arithmetic (Math.imul, >>>), so a seed gives
 * the same sequence on every platform. Used for bootstraps, shuffles and seeded test servers;
 * not for cryptography. (GameQA and llama2.c conformance keep their own generators: see README.)
 */

/** One step of splitmix32: returns the next value and the advanced state. */
function splitmix32(state: number): { value: number; state: number } {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return { value: z, state: next };
}

/** 32-bit rotate left; int32 in and out (state words stay small integers, never boxed doubles). */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  // State words are kept as int32 (bitwise results), which V8 stores unboxed; only the
  // output is converted to unsigned. The bits are those of the reference algorithm.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  // The last bound given to int() and its rejection limit, so repeated draws skip recomputing.
  private bound = -1;
  private limit = 0;

  /** Seeds from any integer (taken modulo 2^32) through splitmix32. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    let st = Math.trunc(seed) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(st);
      st = r.state;
      words.push(r.value | 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // The all-zero state is the one fixed point of xoshiro; splitmix32 cannot give four
    // zeros in a row, but keep the guard explicit.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Builds a generator from an explicit state (for test vectors). */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const g = new Rng(0);
    [g.s0, g.s1, g.s2, g.s3] = state.map((w) => w | 0) as [number, number, number, number];
    return g;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 = s0 ^ s3;
    this.s2 = s2 ^ t;
    this.s3 = rotl(s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling). n ≤ 2^32. */
  int(n: number): number {
    if (n !== this.bound) {
      if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
        throw new RangeError(`int bound must be an integer in 1..2^32, got ${n}`);
      }
      // Largest multiple of n that fits in 2^32; draws at or above it are rejected.
      this.limit = 4294967296 - (4294967296 % n);
      this.bound = n;
    }
    for (;;) {
      const x = this.nextUint32();
      // x − ⌊x/n⌋·n equals x % n exactly here (x, n < 2^53) and avoids a slow floating-point fmod.
      if (x < this.limit) return x - Math.floor(x / n) * n;
    }
  }

  /** Fisher–Yates shuffle in place (from the last position down, each swap partner from int). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

/**
 * 32-bit FNV-1a hash of a string, used to derive independent, stable seeds per named stream
 * (so adding one annotator does not change the intervals of the others).
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Seed for a named sub-stream of a base seed. */
export function deriveSeed(seed: number, key: string): number {
  return (hashString(key) ^ Math.imul(Math.trunc(seed) >>> 0, 0x9e3779b1)) >>> 0;
}
