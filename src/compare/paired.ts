/**
 * One scorer of two runs compared sample by sample: the difference of means (B − A) with a paired
 * bootstrap CI (resampling shared samples, so each resample keeps both runs' values of a sample
 * together), win/tie/loss counts, an exact test, and the samples whose outcome changed.
 */
import { type BootstrapOptions, bootstrapMean } from "../stats/bootstrap.js";
import { mcnemarExact, type PairedTest, signTest } from "./tests.js";
import { type WilcoxonTest, wilcoxonSignedRank } from "./wilcoxon.js";

export interface Flip {
  sampleId: string;
  a: number;
  b: number;
}

export interface PairedComparison {
  /** Shared samples (with a value in both runs). */
  n: number;
  /** Every value of both runs is 0 or 1: McNemar; otherwise the values are treated as ordinal: sign test. */
  binary: boolean;
  meanA: number;
  meanB: number;
  /** Mean of (B − A) over shared samples, with its paired bootstrap interval. */
  diff: { value: number; lower: number; upper: number; confidence: number; rounds: number };
  /** B higher / equal / lower than A. */
  wins: number;
  ties: number;
  losses: number;
  test: PairedTest;
  /** Ordinal scores only: Wilcoxon's signed-rank test, which also weighs how far apart the scores are. */
  wilcoxon?: WilcoxonTest;
  /** Samples where A and B differ, in sample id order. */
  flipped: Flip[];
}

/**
 * Compares values keyed by sample id; only ids present in both maps count. Deterministic for a
 * given seed (the bootstrap draws from the project's seeded generator).
 */
export function comparePaired(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  options: BootstrapOptions = {},
): PairedComparison {
  const ids = [...a.keys()].filter((id) => b.has(id)).sort();
  const va = ids.map((id) => a.get(id)!);
  const vb = ids.map((id) => b.get(id)!);
  const d = ids.map((_, i) => vb[i]! - va[i]!);
  const binary = [...va, ...vb].every((v) => v === 0 || v === 1);
  let wins = 0;
  let losses = 0;
  const flipped: Flip[] = [];
  ids.forEach((id, i) => {
    if (d[i]! > 0) wins++;
    else if (d[i]! < 0) losses++;
    if (d[i] !== 0) flipped.push({ sampleId: id, a: va[i]!, b: vb[i]! });
  });
  const n = ids.length;
  const est = bootstrapMean(d, options);
  return {
    n,
    binary,
    meanA: mean(va),
    meanB: mean(vb),
    diff: {
      value: est.value,
      lower: est.lower,
      upper: est.upper,
      confidence: est.confidence,
      rounds: est.rounds,
    },
    wins,
    ties: n - wins - losses,
    losses,
    test: binary ? mcnemarExact(wins, losses) : signTest(wins, losses),
    ...(binary ? {} : { wilcoxon: wilcoxonSignedRank(d) }),
    flipped,
  };
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;
}
