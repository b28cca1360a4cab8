/**
 * Agreement statistics that treat ratings as categories of an ordered scale:
 * exact agreement, agreement within a tolerance, confusion matrix, Cohen's κ and weighted κ.
 * All take two rating arrays over the same items; items either rater left out are skipped.
 * Degenerate inputs (no items, chance agreement of 1) give NaN rather than throwing.
 */
import { completePairs, positionOf, type Rating, type Scale, scaleIndex } from "./pairing.js";

/** Share of items on which both raters gave the same rating. */
export function exactAgreement(a: readonly Rating[], b: readonly Rating[]): number {
  const p = completePairs(a, b);
  if (p.a.length === 0) return Number.NaN;
  let same = 0;
  for (let i = 0; i < p.a.length; i++) if (p.a[i] === p.b[i]) same++;
  return same / p.a.length;
}

/** Share of items on which the ratings differ by at most `tolerance` (default 1 scale unit). */
export function withinAgreement(a: readonly Rating[], b: readonly Rating[], tolerance = 1): number {
  const p = completePairs(a, b);
  if (p.a.length === 0) return Number.NaN;
  let close = 0;
  // A tiny epsilon so that tolerance 0.1 on a 0.1-step scale is not lost to float error.
  const limit = tolerance + 1e-9;
  for (let i = 0; i < p.a.length; i++) if (Math.abs(p.a[i]! - p.b[i]!) <= limit) close++;
  return close / p.a.length;
}

export interface ConfusionMatrix {
  /** The categories, in scale order; rows are rater A, columns rater B. */
  labels: number[];
  /** counts[i][j] = items rated labels[i] by A and labels[j] by B. */
  counts: number[][];
  /** Number of items both rated. */
  n: number;
}

/** Cross-tabulation of two raters over a given ordered scale. */
export function confusionMatrix(a: readonly Rating[], b: readonly Rating[], scale: Scale): ConfusionMatrix {
  const index = scaleIndex(scale);
  const k = scale.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const p = completePairs(a, b);
  for (let i = 0; i < p.a.length; i++) {
    const r = positionOf(index, p.a[i]!, scale);
    const c = positionOf(index, p.b[i]!, scale);
    counts[r]![c]!++;
  }
  return { labels: [...scale], counts, n: p.a.length };
}

/** Cohen's (unweighted, nominal) κ = (p_o − p_e) / (1 − p_e). */
export function cohenKappa(a: readonly Rating[], b: readonly Rating[], scale: Scale): number {
  return kappaFromMatrix(confusionMatrix(a, b, scale), "none");
}

export type KappaWeights = "none" | "linear" | "quadratic";

/**
 * Weighted κ = 1 − Σ w·observed / Σ w·expected with disagreement weights from the distance
 * between scale *positions* (the scale is taken as equally spaced): linear |i−j|/(k−1),
 * quadratic ((i−j)/(k−1))². With weights "none" this is Cohen's κ.
 */
export function weightedKappa(
  a: readonly Rating[],
  b: readonly Rating[],
  scale: Scale,
  weights: KappaWeights = "quadratic",
): number {
  return kappaFromMatrix(confusionMatrix(a, b, scale), weights);
}

/** κ from a confusion matrix; NaN when there are no items or chance disagreement is zero. */
export function kappaFromMatrix(m: ConfusionMatrix, weights: KappaWeights): number {
  const k = m.labels.length;
  const n = m.n;
  if (n === 0) return Number.NaN;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = m.counts[i]![j]!;
      rows[i]! += c;
      cols[j]! += c;
    }
  }
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = disagreementWeight(i, j, k, weights);
      if (w === 0) continue;
      observed += w * m.counts[i]![j]!;
      expected += (w * rows[i]! * cols[j]!) / n;
    }
  }
  if (expected === 0) return Number.NaN;
  return 1 - observed / expected;
}

function disagreementWeight(i: number, j: number, k: number, weights: KappaWeights): number {
  if (i === j) return 0;
  if (weights === "none") return 1;
  const d = Math.abs(i - j) / (k - 1);
  return weights === "linear" ? d : d * d;
}
