/**
 * Wilcoxon's signed-rank test for paired ordinal or numeric scores (two-sided). Zero differences are
 * dropped (Wilcoxon's original treatment); tied |differences| share their average rank. With no ties
 * and at most 30 non-zero pairs the p-value is exact (the null distribution of W+ counted over all
 * sign assignments); otherwise it uses the normal approximation with the tie-corrected variance and a
 * continuity correction of 1/2.
 */

export interface WilcoxonTest {
  name: "wilcoxon";
  /** Non-zero differences. */
  n: number;
  /** Rank sums of positive (B higher) and negative differences. */
  wPlus: number;
  wMinus: number;
  p: number;
  exact: boolean;
}

const EXACT_MAX_N = 30;

export function wilcoxonSignedRank(diffs: readonly number[]): WilcoxonTest {
  const nz = diffs.filter((d) => d !== 0 && Number.isFinite(d));
  const n = nz.length;
  if (n === 0) return { name: "wilcoxon", n, wPlus: 0, wMinus: 0, p: 1, exact: true };
  const order = nz.map((d, i) => ({ a: Math.abs(d), i })).sort((x, y) => x.a - y.a);
  const ranks = new Array<number>(n);
  const tieSizes: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && order[end + 1]!.a === order[start]!.a) end++;
    const avg = (start + end + 2) / 2; // ranks are 1-based
    for (let k = start; k <= end; k++) ranks[order[k]!.i] = avg;
    if (end > start) tieSizes.push(end - start + 1);
    start = end + 1;
  }
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (nz[i]! > 0) wPlus += ranks[i]!;
  const total = (n * (n + 1)) / 2;
  const wMinus = total - wPlus;
  if (tieSizes.length === 0 && n <= EXACT_MAX_N)
    return { name: "wilcoxon", n, wPlus, wMinus, p: exactP(n, Math.min(wPlus, wMinus)), exact: true };
  const mean = total / 2;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieSizes.reduce((s, t) => s + (t * t * t - t), 0) / 48;
  if (variance <= 0) return { name: "wilcoxon", n, wPlus, wMinus, p: 1, exact: false };
  const z = Math.max(0, Math.abs(wPlus - mean) - 0.5) / Math.sqrt(variance);
  return { name: "wilcoxon", n, wPlus, wMinus, p: Math.min(1, erfc(z / Math.SQRT2)), exact: false };
}

/** 2·P(W ≤ w) under the null, from the counts of sign assignments per rank sum (ranks 1…n, no ties). */
function exactP(n: number, w: number): number {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) counts[s]! += counts[s - r]!;
  let tail = 0;
  for (let s = 0; s <= Math.floor(w); s++) tail += counts[s]!;
  return Math.min(1, (2 * tail) / 2 ** n);
}

/**
 * Complementary error function, from the Chebyshev fit in Press et al., Numerical Recipes §6.2
 * (fractional error below 1.2e-7 everywhere), enough for p-values.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + z / 2);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}
