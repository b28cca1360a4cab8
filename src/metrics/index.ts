/**
 * Metrics summarise one scorer's per-sample values (after epochs are reduced). Each is registered by
 * name so scorers can declare theirs as strings and a stored run can be summarised again later.
 */
import { UserError } from "../util/errors.js";
import { Rng } from "../util/rng.js";

export type MetricResult = number | { lo: number; hi: number };

export interface MetricContext {
  /** Seed for resampling metrics, so summaries are reproducible. */
  seed: number;
  bootstrapRounds: number;
  confidence: number;
}

export type Metric = (values: readonly number[], ctx: MetricContext) => MetricResult;

const metrics = new Map<string, Metric>();

export function registerMetric(name: string, metric: Metric): void {
  metrics.set(name, metric);
}

export function getMetric(name: string): Metric {
  const m = metrics.get(name);
  if (!m) throw new UserError(`unknown metric "${name}" (known: ${[...metrics.keys()].join(", ")})`);
  return m;
}

export function metricNames(): string[] {
  return [...metrics.keys()];
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1 in the denominator). */
export function std(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (n - 1));
}

/** Standard error of the mean: sample std / √n. */
export function stderr(values: readonly number[]): number {
  return std(values) / Math.sqrt(values.length);
}

/** Value at quantile q of sorted data, with linear interpolation (numpy's default "linear" method). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/**
 * Percentile bootstrap confidence interval of the mean: resample the values with replacement
 * `rounds` times, take the (1−c)/2 and (1+c)/2 quantiles of the resampled means.
 */
export function bootstrapMeanCi(
  values: readonly number[],
  opts: { rounds?: number; confidence?: number; seed?: number } = {},
): { lo: number; hi: number } {
  const n = values.length;
  if (n === 0) return { lo: Number.NaN, hi: Number.NaN };
  const rounds = opts.rounds ?? 1000;
  const c = opts.confidence ?? 0.95;
  const rng = new Rng(opts.seed ?? 0);
  const means = new Float64Array(rounds);
  for (let r = 0; r < rounds; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[rng.int(n)]!;
    means[r] = s / n;
  }
  means.sort();
  const sorted = Array.from(means);
  return { lo: quantileSorted(sorted, (1 - c) / 2), hi: quantileSorted(sorted, (1 + c) / 2) };
}

registerMetric("mean", (v) => mean(v));
registerMetric("accuracy", (v) => mean(v));
registerMetric("std", (v) => std(v));
registerMetric("stderr", (v) => stderr(v));
registerMetric("bootstrap_ci", (v, ctx) =>
  bootstrapMeanCi(v, { rounds: ctx.bootstrapRounds, confidence: ctx.confidence, seed: ctx.seed }),
);
