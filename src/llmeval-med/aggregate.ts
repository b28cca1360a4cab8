/**
 * Usability rates from per-run judge scores, under two protocols:
 *
 * - `release` (default; exactly the release's Aggregate.py): per question, the mean over the runs with
 *   a valid score (computed exactly, as Python's statistics.mean); usable when that mean ≥ 4; a question
 *   with no valid run is not usable but stays in the denominator. Rate per category = usable / questions
 *   × 100. OP = all usable / all questions × 100 (question-weighted).
 * - `paper` (what arithmetic on the paper's Table 2 implies): every run is compared with the threshold on
 *   its own and runs are pooled (denominator = runs, invalid runs count as not usable); OP = plain mean
 *   of the category rates.
 *
 * Categories keep their first-seen order, like the release's script. Rates are percentages, unrounded;
 * `display` is the release's `round(x, 2)` text. Bootstrap CIs resample questions within each category
 * (all runs of a question move together) with a seeded generator, so they are reproducible.
 */
import { bootstrapItems } from "../stats/bootstrap.js";
import { groupBy } from "../stats/group.js";
import { codeOrName } from "./categories.js";
import { exactMean, pyRound2 } from "./pynum.js";

export const USABILITY_THRESHOLD = 4.0;

export type Protocol = "release" | "paper";

/** One question and its judge runs: a valid score, or null for an invalid run. */
export interface JudgedQuestion {
  category: string;
  category2?: string;
  /** Identity within the category; the release uses (groupCode, round). */
  key: string;
  runs: ReadonlyArray<number | null>;
  /**
   * Usability decided outside the judge (the paper's human MTG ratings): the question counts once,
   * usable or not, under both protocols, and its judge runs are ignored.
   */
  usableOverride?: boolean;
}

export interface Rate {
  n: number;
  usable: number;
  /** Percentage, unrounded (0 when n is 0). */
  rate: number;
  /** The release's printed form: round(rate, 2) with two decimals. */
  display: string;
  ci?: { lo: number; hi: number };
}

export interface Disagreement {
  /** Questions with at least two valid runs. */
  judgedTwice: number;
  /** Mean of (max − min) over those questions. */
  meanSpread: number;
  /** Those whose runs fall on both sides of the threshold. */
  splitUsability: number;
}

export interface CategoryResult extends Rate {
  category: string;
  code: string;
  byCategory2: Array<Rate & { category2: string }>;
  /** Questions without any valid run. */
  noValidRun: number;
  invalidRuns: number;
  disagreement: Disagreement;
}

export interface AggregateResult {
  protocol: Protocol;
  threshold: number;
  categories: CategoryResult[];
  /** OP: question-weighted (release) or mean of category rates (paper). */
  overall: Rate;
}

export interface AggregateOptions {
  protocol?: Protocol;
  threshold?: number;
  /** Bootstrap rounds for CIs; 0 (default) skips them. */
  bootstrap?: number;
  confidence?: number;
  seed?: number;
}

function rateOf(usable: number, n: number): Rate {
  const rate = n ? (usable / n) * 100.0 : 0.0;
  return { n, usable, rate, display: pyRound2(rate) };
}

/** Units counted for one question: 1 for release, one per run for paper. */
function countQuestion(
  q: JudgedQuestion,
  protocol: Protocol,
  threshold: number,
): { usable: number; n: number } {
  if (q.usableOverride !== undefined) return { usable: q.usableOverride ? 1 : 0, n: 1 };
  if (protocol === "paper") {
    return { usable: q.runs.filter((s) => s !== null && s >= threshold).length, n: q.runs.length };
  }
  const valid = q.runs.filter((s): s is number => s !== null);
  return { usable: valid.length > 0 && exactMean(valid) >= threshold ? 1 : 0, n: 1 };
}

function disagreementOf(qs: readonly JudgedQuestion[], threshold: number): Disagreement {
  let judgedTwice = 0;
  let spreadSum = 0;
  let split = 0;
  for (const q of qs) {
    const valid = q.runs.filter((s): s is number => s !== null);
    if (valid.length < 2) continue;
    judgedTwice++;
    spreadSum += Math.max(...valid) - Math.min(...valid);
    if (valid.some((s) => s >= threshold) && valid.some((s) => s < threshold)) split++;
  }
  return { judgedTwice, meanSpread: judgedTwice ? spreadSum / judgedTwice : 0, splitUsability: split };
}

export function aggregate(
  questions: readonly JudgedQuestion[],
  opts: AggregateOptions = {},
): AggregateResult {
  const protocol = opts.protocol ?? "release";
  const threshold = opts.threshold ?? USABILITY_THRESHOLD;
  const byCategory = groupBy(questions, (q) => q.category);
  // Per question (usable, n) counts, reused by the bootstrap.
  const counts = new Map<string, Array<{ usable: number; n: number }>>();
  const categories: CategoryResult[] = [];
  for (const [category, qs] of byCategory) {
    const c = qs.map((q) => countQuestion(q, protocol, threshold));
    counts.set(category, c);
    const total = sumCounts(c);
    const byCategory2 = [...groupBy(qs, (q) => q.category2 ?? "(none)")].map(([category2, sub]) => {
      const s = sumCounts(sub.map((q) => countQuestion(q, protocol, threshold)));
      return { category2, ...rateOf(s.usable, s.n) };
    });
    categories.push({
      category,
      code: codeOrName(category),
      ...rateOf(total.usable, total.n),
      byCategory2,
      noValidRun: qs.filter((q) => q.runs.every((s) => s === null)).length,
      invalidRuns: qs.reduce((a, q) => a + q.runs.filter((s) => s === null).length, 0),
      disagreement: disagreementOf(qs, threshold),
    });
  }
  const overall = overallRate([...counts.values()].map(sumCounts), protocol);

  if (opts.bootstrap && opts.bootstrap > 0) {
    const ci = bootstrap(
      [...counts.values()],
      protocol,
      opts.bootstrap,
      opts.confidence ?? 0.95,
      opts.seed ?? 0,
    );
    categories.forEach((cat, i) => {
      cat.ci = ci.categories[i];
    });
    overall.ci = ci.overall;
  }
  return { protocol, threshold, categories, overall };
}

function sumCounts(c: ReadonlyArray<{ usable: number; n: number }>): { usable: number; n: number } {
  let usable = 0;
  let n = 0;
  for (const x of c) {
    usable += x.usable;
    n += x.n;
  }
  return { usable, n };
}

function overallRate(perCategory: ReadonlyArray<{ usable: number; n: number }>, protocol: Protocol): Rate {
  const total = sumCounts(perCategory);
  if (protocol === "release") return rateOf(total.usable, total.n);
  // Paper: plain mean of the category rates, before rounding.
  const rates = perCategory.map((c) => (c.n ? (c.usable / c.n) * 100 : 0));
  const rate = rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0;
  return { n: total.n, usable: total.usable, rate, display: pyRound2(rate) };
}

/** Stratified, clustered bootstrap: questions (with all their runs) resampled within each category. */
function bootstrap(
  perCategory: ReadonlyArray<ReadonlyArray<{ usable: number; n: number }>>,
  protocol: Protocol,
  rounds: number,
  confidence: number,
  seed: number,
): { categories: Array<{ lo: number; hi: number }>; overall: { lo: number; hi: number } } {
  const questions = perCategory.flat();
  const est = bootstrapItems(
    perCategory.map((qs) => qs.length),
    (idx) => {
      const resampled: Array<{ usable: number; n: number }> = [];
      let offset = 0;
      for (const qs of perCategory) {
        resampled.push(sumCounts(idx.slice(offset, offset + qs.length).map((i) => questions[i]!)));
        offset += qs.length;
      }
      const out: Record<string, number> = { op: overallRate(resampled, protocol).rate };
      resampled.forEach((c, i) => {
        out[i] = c.n ? (c.usable / c.n) * 100 : 0;
      });
      return out;
    },
    { rounds, confidence, seed },
  );
  const interval = (key: string) => ({ lo: est[key]!.lower, hi: est[key]!.upper });
  return { categories: perCategory.map((_, i) => interval(String(i))), overall: interval("op") };
}
