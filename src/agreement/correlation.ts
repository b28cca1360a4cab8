/**
 * Correlations between two raters over the items both rated: Pearson r, Spearman ρ
 * (Pearson on average ranks, so ties share the mean of their ranks) and Kendall τ-b
 * (tie-corrected). NaN when fewer than two items or a rater gives one constant rating.
 */
import { completePairs, type Rating } from "./pairing.js";

export function pearson(a: readonly Rating[], b: readonly Rating[]): number {
  const p = completePairs(a, b);
  return pearsonComplete(p.a, p.b);
}

/** Pearson r on complete arrays (two-pass: means first, for numerical stability). */
export function pearsonComplete(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  // Rounding can push |r| a hair past 1.
  return Math.max(-1, Math.min(1, r));
}

/** 1-based ranks; tied values get the average of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 hold ranks start+1..end; their mean is (start+1+end)/2.
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

export function spearman(a: readonly Rating[], b: readonly Rating[]): number {
  const p = completePairs(a, b);
  return spearmanComplete(p.a, p.b);
}

export function spearmanComplete(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) return Number.NaN;
  return pearsonComplete(averageRanks(x), averageRanks(y));
}

export function kendallTauB(a: readonly Rating[], b: readonly Rating[]): number {
  const p = completePairs(a, b);
  return kendallTauBComplete(p.a, p.b);
}

/**
 * Kendall τ-b = (C − D) / √((n0 − n1)(n0 − n2)), with n0 = n(n−1)/2 pairs, n1 and n2 the
 * pairs tied on x and on y. O(n log n) (Knight 1966): sort by (x, y), count ties, then
 * count discordant pairs as the swaps a stable merge sort on y needs.
 */
export function kendallTauBComplete(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const order = x.map((_, i) => i).sort((i, j) => x[i]! - x[j]! || y[i]! - y[j]!);
  const ys = order.map((i) => y[i]!);
  const xs = order.map((i) => x[i]!);

  // Pairs tied on x, and pairs tied on both x and y (runs in the (x, y)-sorted order).
  let tiedX = 0;
  let tiedXY = 0;
  let runX = 1;
  let runXY = 1;
  for (let i = 1; i <= n; i++) {
    const sameX = i < n && xs[i] === xs[i - 1];
    const sameXY = sameX && ys[i] === ys[i - 1];
    if (sameX) runX++;
    else {
      tiedX += (runX * (runX - 1)) / 2;
      runX = 1;
    }
    if (sameXY) runXY++;
    else {
      tiedXY += (runXY * (runXY - 1)) / 2;
      runXY = 1;
    }
  }

  const swaps = mergeSortCountSwaps(ys);

  // After sorting, ys is in y order: count pairs tied on y.
  let tiedY = 0;
  let runY = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && ys[i] === ys[i - 1]) runY++;
    else {
      tiedY += (runY * (runY - 1)) / 2;
      runY = 1;
    }
  }

  const n0 = (n * (n - 1)) / 2;
  // C − D over pairs untied on both: n0 − n1 − n2 + n3 pairs, of which `swaps` are discordant.
  const concordantMinusDiscordant = n0 - tiedX - tiedY + tiedXY - 2 * swaps;
  const denom = Math.sqrt((n0 - tiedX) * (n0 - tiedY));
  if (denom === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, concordantMinusDiscordant / denom));
}

/** Sorts in place (stable, bottom-up) and returns the number of strict inversions. */
function mergeSortCountSwaps(values: number[]): number {
  const n = values.length;
  let src = values.slice();
  let dst = new Array<number>(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Take from the left on ties, so equal values never count as inversions.
        if (src[i]! <= src[j]!) dst[k++] = src[i++]!;
        else {
          swaps += mid - i;
          dst[k++] = src[j++]!;
        }
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  for (let i = 0; i < n; i++) values[i] = src[i]!;
  return swaps;
}
