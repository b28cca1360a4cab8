/**
 * All pairwise statistics of one comparison with bootstrap intervals. Each bootstrap round
 * rebuilds the k×k count table from resampled items and derives every statistic from it
 * (count-stats.ts). Optional `bContinuous` carries the unrounded human mean: the correlations
 * and meanB then use it, while category statistics use the rounded `b`.
 */
import { type BootstrapOptions, bootstrapItems, type Estimate } from "../stats/bootstrap.js";
import { type ConfusionMatrix, confusionMatrix } from "./categorical.js";
import { correlationsFromTable, type PairStatName, statisticsFromCounts } from "./count-stats.js";
import { completePairs, positionOf, type Rating, type Scale, scaleIndex } from "./pairing.js";

export { PAIR_STATS, type PairStatName, statisticsFromCounts } from "./count-stats.js";

export interface PairInput {
  a: readonly number[];
  b: readonly number[];
  /** Same length as b: values for the correlations (e.g. the unrounded mean). */
  bContinuous?: readonly number[];
}

export interface PairStatOptions {
  /** Tolerance of `within` in rating units; default 1. */
  tolerance?: number;
}

/** Statistics of a complete pair table (no interval). */
export function pairStatistics(
  input: PairInput,
  scale: Scale,
  options: PairStatOptions = {},
): Record<PairStatName, number> {
  const identity = input.a.map((_, i) => i);
  return statisticsOf(prepare(input, scale), scale, options.tolerance ?? 1, identity);
}

/** Category positions of both sides, and of the distinct continuous values when given. */
interface Prepared {
  posA: number[];
  posB: number[];
  continuous?: { values: number[]; pos: number[] };
}

function prepare(input: PairInput, scale: Scale): Prepared {
  const index = scaleIndex(scale);
  const prepared: Prepared = {
    posA: input.a.map((v) => positionOf(index, v, scale)),
    posB: input.b.map((v) => positionOf(index, v, scale)),
  };
  if (input.bContinuous) {
    for (const v of input.bContinuous) {
      if (!Number.isFinite(v)) throw new RangeError(`continuous rating ${v} is not a finite number`);
    }
    const values = [...new Set(input.bContinuous)].sort((x, y) => x - y);
    const at = new Map(values.map((v, i) => [v, i] as const));
    prepared.continuous = { values, pos: input.bContinuous.map((v) => at.get(v)!) };
  }
  return prepared;
}

function statisticsOf(
  p: Prepared,
  scale: Scale,
  tolerance: number,
  indices: readonly number[],
): Record<PairStatName, number> {
  const k = scale.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const i of indices) counts[p.posA[i]!]![p.posB[i]!]!++;
  const stats = statisticsFromCounts(counts, scale, tolerance);
  if (p.continuous) {
    // Correlations against the unrounded values: a k × (distinct values) table.
    const kc = p.continuous.values.length;
    const table = Array.from({ length: k }, () => new Array<number>(kc).fill(0));
    for (const i of indices) table[p.posA[i]!]![p.continuous.pos[i]!]!++;
    const r = correlationsFromTable(table, scale, p.continuous.values);
    stats.pearson = r.pearson;
    stats.spearman = r.spearman;
    stats.kendallTauB = r.kendallTauB;
    stats.meanB = r.meanB;
  }
  return stats;
}

export interface PairAgreement {
  n: number;
  stats: Record<PairStatName, Estimate>;
  confusion: ConfusionMatrix;
}

/**
 * Every pairwise statistic with a bootstrap interval (items resampled), plus the confusion
 * matrix, for two raters given as possibly-missing rating arrays over the same items.
 */
export function pairAgreement(
  a: readonly Rating[],
  b: readonly Rating[],
  scale: Scale,
  options: PairStatOptions & BootstrapOptions = {},
): PairAgreement {
  const p = completePairs(a, b);
  return pairAgreementComplete({ a: p.a, b: p.b }, scale, options);
}

export function pairAgreementComplete(
  input: PairInput,
  scale: Scale,
  options: PairStatOptions & BootstrapOptions = {},
): PairAgreement {
  const n = input.a.length;
  const confusion = confusionMatrix(input.a, input.b, scale);
  const prepared = prepare(input, scale);
  const tolerance = options.tolerance ?? 1;
  const stats = bootstrapItems(n, (idx) => statisticsOf(prepared, scale, tolerance, idx), options);
  return { n, stats, confusion };
}
