/**
 * Turning several humans' ratings of one item into one reference rating.
 *
 * - Mean: the arithmetic mean. For category statistics (exact agreement, κ, confusion) it
 *   is snapped to the nearest scale category; a mean exactly halfway between two categories
 *   goes to the lower one by default (`ties: "lower"`), so a split panel never turns an answer
 *   "usable". Correlations use the unrounded mean.
 * - Majority: the most frequent rating. When several ratings tie for most votes, the tied
 *   rating closest to the item's mean wins; if that is still a tie, the lower (default) or
 *   higher one, per `ties`.
 */
import type { Scale } from "./pairing.js";

export type TieRule = "lower" | "higher";

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Nearest category on the scale; `tied` tells whether the value sat exactly between two. */
export function roundToScale(
  value: number,
  scale: Scale,
  ties: TieRule = "lower",
): { value: number; tied: boolean } {
  if (scale.length === 0) throw new RangeError("scale must have at least one category");
  let best = scale[0]!;
  let bestDist = Math.abs(value - best);
  let tied = false;
  for (let i = 1; i < scale.length; i++) {
    const c = scale[i]!;
    const d = Math.abs(value - c);
    if (Math.abs(d - bestDist) <= 1e-9 * Math.max(1, Math.abs(c))) {
      // Equidistant: scale is ascending, so c is the higher candidate.
      tied = true;
      if (ties === "higher") best = c;
    } else if (d < bestDist) {
      best = c;
      bestDist = d;
      tied = false;
    }
  }
  return { value: best, tied };
}

/** All values with the highest count, ascending. Empty input gives []. */
export function modes(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  let top = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > top) top = c;
  }
  const out: number[] = [];
  for (const [v, c] of counts) if (c === top) out.push(v);
  return out.sort((x, y) => x - y);
}

export interface Majority {
  value: number;
  /** More than one rating had the top count. */
  tied: boolean;
}

/** Majority rating with the documented tie rule; undefined for no ratings. */
export function majority(values: readonly number[], ties: TieRule = "lower"): Majority | undefined {
  const m = modes(values);
  if (m.length === 0) return undefined;
  if (m.length === 1) return { value: m[0]!, tied: false };
  const mu = mean(values);
  let best: number[] = [];
  let bestDist = Number.POSITIVE_INFINITY;
  for (const v of m) {
    const d = Math.abs(v - mu);
    if (d < bestDist - 1e-9) {
      best = [v];
      bestDist = d;
    } else if (Math.abs(d - bestDist) <= 1e-9) best.push(v);
  }
  const value = ties === "lower" ? best[0]! : best[best.length - 1]!;
  return { value, tied: true };
}
