/**
 * Epoch reducers fold the values of one sample over its epochs into one value before metrics run
 * (as inspect_ai does). Registered by name: mean, median, mode, max, min, pass_at_<k>.
 */

import { median } from "../stats/quantile.js";
import { UserError } from "../util/errors.js";
import { mean } from "./index.js";

export type Reducer = (values: readonly number[]) => number;

const reducers = new Map<string, Reducer>([
  ["mean", (v) => mean(v)],
  ["median", (v) => median(v)],
  ["max", (v) => (v.length ? Math.max(...v) : Number.NaN)],
  ["min", (v) => (v.length ? Math.min(...v) : Number.NaN)],
  ["mode", mode],
]);

/** Most frequent value; ties go to the smallest value, so the result does not depend on epoch order. */
function mode(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Number.NaN;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * Unbiased pass@k estimator (Chen et al. 2021): 1 − C(n−c, k) / C(n, k), where n is the number of
 * epochs and c the number of correct ones (value ≥ 1). Needs n ≥ k.
 */
export function passAtK(values: readonly number[], k: number): number {
  const n = values.length;
  const c = values.filter((v) => v >= 1).length;
  if (n < k) return Number.NaN;
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

export function getReducer(name: string): Reducer {
  const direct = reducers.get(name);
  if (direct) return direct;
  const m = /^pass_at_(\d+)$/.exec(name);
  if (m) {
    const k = Number(m[1]);
    return (v) => passAtK(v, k);
  }
  throw new UserError(
    `unknown epoch reducer "${name}" (known: ${[...reducers.keys()].join(", ")}, pass_at_<k>)`,
  );
}
