/**
 * Metrics summarise one scorer's per-sample values (after epochs are reduced). Each is registered by
 * name so scorers can declare theirs as strings and a stored run can be summarised again later.
 */

import { bootstrapStatistic } from "../stats/bootstrap.js";
import { UserError } from "../util/errors.js";

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
  if (!m) throw new UserError(`unknown metric "${name}" (known: ${metricNames().join(", ")})`);
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

/**
 * Percentile bootstrap confidence interval of the mean (values resampled with replacement; see
 * src/stats). NaN bounds when there are no values or no rounds.
 */
export function bootstrapMeanCi(
  values: readonly number[],
  opts: { rounds?: number; confidence?: number; seed?: number } = {},
): { lo: number; hi: number } {
  const n = values.length;
  const ci = bootstrapStatistic(
    n,
    (idx) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += values[idx[i]!]!;
      return s / n;
    },
    opts,
  );
  return { lo: ci.lower, hi: ci.upper };
}

registerMetric("mean", (v) => mean(v));
registerMetric("accuracy", (v) => mean(v));
registerMetric("std", (v) => std(v));
registerMetric("stderr", (v) => stderr(v));
registerMetric("bootstrap_ci", (v, ctx) =>
  bootstrapMeanCi(v, { rounds: ctx.bootstrapRounds, confidence: ctx.confidence, seed: ctx.seed }),
);
