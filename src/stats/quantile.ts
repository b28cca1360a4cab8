/**
 * The quantile used everywhere in Assay (bootstrap intervals, the median reducer): linear
 * interpolation between order statistics at position q·(m−1), numpy's default "linear" method
 * (Hyndman–Fan type 7).
 */

/** Value at quantile q ∈ [0, 1] of ascending-sorted values; NaN for no values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const m = sorted.length;
  if (m === 0) return Number.NaN;
  const pos = (m - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Median of unsorted values (their 0.5 quantile; the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}
