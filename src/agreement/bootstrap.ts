/**
 * Nonparametric bootstrap over items with percentile confidence intervals.
 * Each round draws n item indices with replacement from a seeded xoshiro128** stream and
 * recomputes every statistic on that resample. Resamples where a statistic is undefined
 * (NaN, e.g. κ when all resampled items got the same rating) are left out of that
 * statistic's interval and counted in `degenerate`.
 */
import { Xoshiro128 } from "./rng.js";

export interface BootstrapOptions {
  /** Resampling rounds; default 1000. 0 turns the intervals off (bounds NaN). */
  rounds?: number;
  /** Seed of the resampling stream; default 0. */
  seed?: number;
  /** Two-sided coverage of the percentile interval; default 0.95. */
  confidence?: number;
}

export interface Estimate {
  /** Statistic on the full data (never the bootstrap median). NaN if undefined. */
  value: number;
  /** Percentile interval bounds; NaN when no resample gave a defined value. */
  lower: number;
  upper: number;
  confidence: number;
  /** Rounds run. */
  rounds: number;
  /** Rounds where the statistic was undefined (excluded from the interval). */
  degenerate: number;
}

export const DEFAULT_ROUNDS = 1000;
export const DEFAULT_CONFIDENCE = 0.95;

export function resolveBootstrapOptions(o: BootstrapOptions = {}): Required<BootstrapOptions> {
  const rounds = o.rounds ?? DEFAULT_ROUNDS;
  const confidence = o.confidence ?? DEFAULT_CONFIDENCE;
  const seed = o.seed ?? 0;
  if (!Number.isInteger(rounds) || rounds < 0)
    throw new RangeError(`rounds must be an integer ≥ 0, got ${rounds}`);
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return { rounds, confidence, seed };
}

/**
 * Bootstraps several statistics at once over `n` items. `statistic` receives the item indices
 * of one sample (the identity for the point estimate) and returns a value per statistic name.
 */
export function bootstrapItems<K extends string>(
  n: number,
  statistic: (indices: readonly number[]) => Record<K, number>,
  options: BootstrapOptions = {},
): Record<K, Estimate> {
  const { rounds, confidence, seed } = resolveBootstrapOptions(options);
  const identity = Array.from({ length: n }, (_, i) => i);
  const point = statistic(identity);
  const keys = Object.keys(point) as K[];
  const samples = new Map<K, number[]>(keys.map((k) => [k, []]));
  const degenerate = new Map<K, number>(keys.map((k) => [k, 0]));
  const effectiveRounds = n > 0 ? rounds : 0;
  const rng = new Xoshiro128(seed);
  const indices = new Array<number>(n);
  for (let r = 0; r < effectiveRounds; r++) {
    for (let i = 0; i < n; i++) indices[i] = rng.nextInt(n);
    const values = statistic(indices);
    for (const k of keys) {
      const v = values[k];
      if (v === undefined || Number.isNaN(v)) degenerate.set(k, degenerate.get(k)! + 1);
      else samples.get(k)!.push(v);
    }
  }
  const alpha = (1 - confidence) / 2;
  const out = {} as Record<K, Estimate>;
  for (const k of keys) {
    const s = samples.get(k)!.sort((x, y) => x - y);
    out[k] = {
      value: point[k],
      lower: s.length > 0 ? percentile(s, alpha) : Number.NaN,
      upper: s.length > 0 ? percentile(s, 1 - alpha) : Number.NaN,
      confidence,
      rounds: effectiveRounds,
      degenerate: degenerate.get(k)!,
    };
  }
  return out;
}

/** Bootstraps one statistic. */
export function bootstrapStatistic(
  n: number,
  statistic: (indices: readonly number[]) => number,
  options: BootstrapOptions = {},
): Estimate {
  return bootstrapItems(n, (idx) => ({ value: statistic(idx) }), options).value;
}

/**
 * Percentile of sorted values with linear interpolation between order statistics
 * (position q·(m−1); numpy's default "linear" method, Hyndman–Fan type 7).
 */
export function percentile(sorted: readonly number[], q: number): number {
  const m = sorted.length;
  if (m === 0) return Number.NaN;
  const h = (m - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, m - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Picks the entries of `values` at `indices` (a resample). */
export function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  const out = new Array<T>(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  return out;
}
