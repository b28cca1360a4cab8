/**
 * The pairwise statistics computed from the k×k table of rating counts alone (O(k²) once the
 * table is built), which is what makes bootstrapping thousands of resamples cheap: a resample
 * only rebuilds the table. Ranks, τ-b ties and α's coincidences all follow from the table
 * because ratings live on a small discrete scale. Tests check every value against the
 * array-based functions in categorical.ts, correlation.ts and krippendorff.ts.
 */
import { kappaFromMatrix } from "./categorical.js";
import { alphaFromCoincidence } from "./krippendorff.js";
import type { Scale } from "./pairing.js";

export const PAIR_STATS = [
  "exact",
  "within",
  "kappa",
  "quadraticKappa",
  "linearKappa",
  "alphaOrdinal",
  "spearman",
  "pearson",
  "kendallTauB",
  "meanA",
  "meanB",
] as const;
export type PairStatName = (typeof PAIR_STATS)[number];

/** counts[i][j] = items rated scale[i] by A and scale[j] by B. */
export function statisticsFromCounts(
  counts: readonly (readonly number[])[],
  scale: Scale,
  tolerance = 1,
): Record<PairStatName, number> {
  const k = scale.length;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let n = 0;
  let same = 0;
  let close = 0;
  const limit = tolerance + 1e-9;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = counts[i]![j]!;
      if (c === 0) continue;
      rows[i]! += c;
      cols[j]! += c;
      n += c;
      if (i === j) same += c;
      if (Math.abs(scale[i]! - scale[j]!) <= limit) close += c;
    }
  }
  const matrix = { labels: [...scale], counts: counts.map((r) => [...r]), n };
  // Two raters, every unit complete: each item adds 1 to o[a][b] and 1 to o[b][a].
  const o = counts.map((row, i) => row.map((c, j) => c + counts[j]![i]!));
  return {
    exact: n > 0 ? same / n : Number.NaN,
    within: n > 0 ? close / n : Number.NaN,
    kappa: kappaFromMatrix(matrix, "none"),
    quadraticKappa: kappaFromMatrix(matrix, "quadratic"),
    linearKappa: kappaFromMatrix(matrix, "linear"),
    alphaOrdinal: alphaFromCoincidence(scale, o, "ordinal").alpha,
    spearman: tablePearson(counts, midRanks(rows), midRanks(cols), rows, cols, n),
    pearson: tablePearson(counts, scale, scale, rows, cols, n),
    kendallTauB: tableKendallTauB(counts, rows, cols, n),
    meanA: n > 0 ? weightedSum(rows, scale) / n : Number.NaN,
    meanB: n > 0 ? weightedSum(cols, scale) / n : Number.NaN,
  };
}

/** 1-based average ranks of the categories of a margin (ties share their mean rank). */
function midRanks(margins: readonly number[]): number[] {
  let before = 0;
  return margins.map((m) => {
    const r = before + (m + 1) / 2;
    before += m;
    return r;
  });
}

/**
 * Pearson, Spearman and Kendall τ-b of a rectangular table: rows carry values x, columns
 * values y (both ascending), counts[i][j] items at (x[i], y[j]).
 */
export function correlationsFromTable(
  counts: readonly (readonly number[])[],
  x: readonly number[],
  y: readonly number[],
): { pearson: number; spearman: number; kendallTauB: number; meanA: number; meanB: number } {
  const rows = new Array<number>(x.length).fill(0);
  const cols = new Array<number>(y.length).fill(0);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < y.length; j++) {
      const c = counts[i]![j]!;
      rows[i]! += c;
      cols[j]! += c;
      n += c;
    }
  }
  return {
    pearson: tablePearson(counts, x, y, rows, cols, n),
    spearman: tablePearson(counts, midRanks(rows), midRanks(cols), rows, cols, n),
    kendallTauB: tableKendallTauB(counts, rows, cols, n),
    meanA: n > 0 ? weightedSum(rows, x) / n : Number.NaN,
    meanB: n > 0 ? weightedSum(cols, y) / n : Number.NaN,
  };
}

function weightedSum(weights: readonly number[], values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i]! * values[i]!;
  return s;
}

/** Pearson r of a table whose row i carries value x[i] and column j value y[j]. */
function tablePearson(
  counts: readonly (readonly number[])[],
  x: readonly number[],
  y: readonly number[],
  rows: readonly number[],
  cols: readonly number[],
  n: number,
): number {
  if (n < 2) return Number.NaN;
  const mx = weightedSum(rows, x) / n;
  const my = weightedSum(cols, y) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) sxx += rows[i]! * (x[i]! - mx) ** 2;
  for (let j = 0; j < y.length; j++) syy += cols[j]! * (y[j]! - my) ** 2;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < y.length; j++) {
      const c = counts[i]![j]!;
      if (c !== 0) sxy += c * (x[i]! - mx) * (y[j]! - my);
    }
  }
  if (sxx <= 1e-12 * n || syy <= 1e-12 * n) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** τ-b from the table: concordant/discordant pairs via 2-D suffix sums, O(k²). */
function tableKendallTauB(
  counts: readonly (readonly number[])[],
  rows: readonly number[],
  cols: readonly number[],
  n: number,
): number {
  if (n < 2) return Number.NaN;
  const k = rows.length;
  const kc = cols.length;
  // below[i][j] = Σ counts[i'][j'] over i' ≥ i, j' ≥ j; belowLeft[i][j] = over i' ≥ i, j' ≤ j.
  const below = Array.from({ length: k + 1 }, () => new Array<number>(kc + 2).fill(0));
  const belowLeft = Array.from({ length: k + 1 }, () => new Array<number>(kc + 2).fill(0));
  for (let i = k - 1; i >= 0; i--) {
    let rowSuffix = 0;
    for (let j = kc - 1; j >= 0; j--) {
      rowSuffix += counts[i]![j]!;
      below[i]![j] = below[i + 1]![j]! + rowSuffix;
    }
    let rowPrefix = 0;
    for (let j = 0; j < kc; j++) {
      rowPrefix += counts[i]![j]!;
      // Shifted by one column so index 0 means "no column".
      belowLeft[i]![j + 1] = belowLeft[i + 1]![j + 1]! + rowPrefix;
    }
  }
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < k - 1; i++) {
    for (let j = 0; j < kc; j++) {
      const c = counts[i]![j]!;
      if (c === 0) continue;
      concordant += c * below[i + 1]![j + 1]!;
      discordant += c * belowLeft[i + 1]![j]!;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  let n1 = 0;
  let n2 = 0;
  for (const r of rows) n1 += (r * (r - 1)) / 2;
  for (const c of cols) n2 += (c * (c - 1)) / 2;
  const denom = Math.sqrt((n0 - n1) * (n0 - n2));
  if (denom === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, (concordant - discordant) / denom));
}
