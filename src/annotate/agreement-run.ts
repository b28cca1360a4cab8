/**
 * Joins a run's judge scores with its human ratings and hands them to src/agreement. The judge value of
 * an item is what the task's items carry (see pickJudgeScorer; for LLMEval-Med the per-question mean over
 * the judge runs). Category statistics need a value on the scale, so a non-integer mean is rounded: to
 * the nearest scale value by default (halfway goes down, like the human consensus), or down with
 * `judgeRounding: "floor"`, which reproduces a "mean ≥ threshold is usable" rule exactly on the binary
 * view. Judge values outside the scale are left out and counted. The scale and the binary threshold
 * default to the task's (its annotation hook), else 1–5 and 4.
 */

import { DEFAULT_USABLE_THRESHOLD } from "../agreement/binary.js";
import { roundToScale } from "../agreement/consensus.js";
import { type AgreementItem, type AgreementReport, buildAgreementReport } from "../agreement/index.js";
import type { RatingsDb, StoredRating } from "../store/ratings.js";
import type { RunStore } from "../store/run-store.js";
import type { TaskAnnotation, VerdictSummary } from "../tasks/annotation.js";
import { UserError } from "../util/errors.js";
import { DEFAULT_SCALE } from "./forms.js";
import { type Headline, headlineAgreement } from "./headline.js";
import { annotationOf } from "./hook.js";
import { type ItemOptions, loadItems, type RatingItem } from "./items.js";

export type JudgeRounding = "nearest" | "floor";

export interface RunAgreementOptions extends ItemOptions {
  /** Run whose judge scores are compared (default: the human run itself). */
  judgeRunId?: string;
  judgeRounding?: JudgeRounding;
  rounds?: number;
  seed?: number;
  threshold?: number;
  minOthers?: number;
}

export interface RunAgreement {
  report: AgreementReport;
  /** The task's headline figure (its annotation hook names it), when the items have groups. */
  headline?: Headline & { label: string };
  humanRun: string;
  judgeRun: string;
  judgeScorer: string | null;
  items: RatingItem[];
  ratings: StoredRating[];
  /** Item id → judge value on the scale (after rounding). */
  judgeOnScale: Map<string, number>;
  /** Judge values that were not on the scale's range and were left out. */
  judgeOffScale: number;
  /**
   * Each annotator's form verdicts (e.g. LLMEval-Med's Appendix D usability), over the items where the
   * form gives one; only for tasks whose annotation hook names such a summary.
   */
  formVerdicts?: FormVerdictCounts;
}

export interface FormVerdictCounts extends VerdictSummary {
  byAnnotator: Record<string, { rated: number; usable: number }>;
}

export function judgeOnScale(
  value: number,
  scale: readonly number[],
  rounding: JudgeRounding,
): number | undefined {
  const lo = scale[0]!;
  const hi = scale[scale.length - 1]!;
  if (!(value >= lo && value <= hi)) return undefined;
  if (rounding === "floor") {
    let best: number | undefined;
    for (const c of scale) if (c <= value + 1e-9) best = c;
    return best;
  }
  return roundToScale(value, scale, "lower").value;
}

export function parseScale(text: string): number[] {
  const range = /^\s*(-?\d+)\s*-\s*(-?\d+)\s*$/.exec(text);
  let values: number[];
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b <= a) throw new UserError(`--scale ${text}: the range must go up`);
    values = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else {
    values = text.split(",").map((s) => Number(s.trim()));
    if (values.some((v) => !Number.isFinite(v)) || values.length < 2)
      throw new UserError(`--scale ${text}: expected a range like 1-5 or a list like 0,1,2`);
    for (let i = 1; i < values.length; i++)
      if (values[i]! <= values[i - 1]!) throw new UserError(`--scale ${text}: values must go up`);
  }
  return values;
}

export function runAgreement(
  store: RunStore,
  ratings: RatingsDb,
  humanRunId: string,
  opts: RunAgreementOptions = {},
): RunAgreement {
  const humanRun = store.requireRun(humanRunId);
  const judgeRun = opts.judgeRunId ? store.requireRun(opts.judgeRunId) : humanRun;
  const hook = annotationOf(humanRun.task, humanRun.manifest?.scorers);
  const scale = opts.scale ?? hook?.scale ?? DEFAULT_SCALE;
  const threshold = opts.threshold ?? hook?.threshold;
  const humanItems = loadItems(store, humanRun, {
    ...opts,
    scale,
    scorer: judgeRun === humanRun ? opts.scorer : undefined,
  });
  const judgeItems = judgeRun === humanRun ? humanItems : loadItems(store, judgeRun, { ...opts, scale });
  const judgeById = new Map(judgeItems.map((it) => [it.itemId, it]));
  const rows = ratings.ratingsFor(humanRun.id);
  const known = new Set(humanItems.map((it) => it.itemId));
  const unknown = rows.filter((r) => !known.has(r.itemId));
  if (unknown.length)
    process.stderr.write(
      `warning: ${unknown.length} rating(s) name items that run ${humanRun.id} does not have (e.g. ${unknown[0]!.itemId}); left out\n`,
    );
  const humansOf = new Map<string, Record<string, number>>();
  for (const r of rows) {
    if (r.score === null || !known.has(r.itemId)) continue;
    const h = humansOf.get(r.itemId) ?? {};
    h[r.annotator] = r.score;
    humansOf.set(r.itemId, h);
  }
  const rounding = opts.judgeRounding ?? "nearest";
  const binaryThreshold = threshold ?? DEFAULT_USABLE_THRESHOLD;
  const onScale = new Map<string, number>();
  let offScale = 0;
  const agreementItems: AgreementItem[] = humanItems.map((it) => {
    const j = judgeById.get(it.itemId)?.judge?.value;
    let judge: number | undefined;
    if (j !== undefined && j !== null) {
      judge = judgeOnScale(j, scale, rounding);
      if (judge === undefined) offScale++;
      else onScale.set(it.itemId, judge);
    }
    return {
      itemId: it.itemId,
      ...(it.category !== undefined ? { group: it.category } : {}),
      ...(judge !== undefined ? { judge } : {}),
      // The benchmark's own rule on the raw value (a mean of judge runs is not rounded first).
      ...(judge !== undefined && j !== undefined && j !== null ? { judgeUsable: j >= binaryThreshold } : {}),
      humans: humansOf.get(it.itemId) ?? {},
    };
  });
  const headline = hook?.headline
    ? headlineAgreement(
        agreementItems.flatMap((it) => {
          const hs = Object.values(it.humans).filter((v): v is number => typeof v === "number");
          if (it.judgeUsable === undefined || hs.length === 0) return [];
          const humanMean = hs.reduce((a, b) => a + b, 0) / hs.length;
          return [
            { group: it.group ?? "", judgeUsable: it.judgeUsable, humanUsable: humanMean >= binaryThreshold },
          ];
        }),
        {
          ...(hook.headline.excludeGroups ? { exclude: hook.headline.excludeGroups } : {}),
          ...(opts.rounds !== undefined ? { rounds: opts.rounds } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        },
      )
    : undefined;
  const report = buildAgreementReport(agreementItems, {
    scale,
    source: `run ${humanRun.id}`,
    ...(opts.rounds !== undefined ? { rounds: opts.rounds } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(opts.minOthers !== undefined ? { minOthers: opts.minOthers } : {}),
  });
  return {
    report,
    humanRun: humanRun.id,
    judgeRun: judgeRun.id,
    judgeScorer: judgeItems.find((it) => it.judge)?.judge?.scorer ?? null,
    items: judgeItems,
    ratings: rows,
    judgeOnScale: onScale,
    judgeOffScale: offScale,
    ...(headline && hook?.headline ? { headline: { label: hook.headline.label, ...headline } } : {}),
    ...(hook?.verdictSummary && hook.formVerdict
      ? { formVerdicts: countVerdicts(hook.verdictSummary, hook.formVerdict, humanItems, rows) }
      : {}),
  };
}

function countVerdicts(
  summary: VerdictSummary,
  verdict: NonNullable<TaskAnnotation["formVerdict"]>,
  items: RatingItem[],
  rows: StoredRating[],
): FormVerdictCounts {
  const byId = new Map(items.map((it) => [it.itemId, it]));
  const byAnnotator: FormVerdictCounts["byAnnotator"] = {};
  for (const r of rows) {
    const item = byId.get(r.itemId);
    const v = item && verdict(item, r.dimensions);
    if (!v) continue;
    const cell = byAnnotator[r.annotator] ?? { rated: 0, usable: 0 };
    cell.rated++;
    if (v.positive) cell.usable++;
    byAnnotator[r.annotator] = cell;
  }
  return { ...summary, byAnnotator };
}

export interface Disagreement {
  itemId: string;
  category: string | null;
  judge: { value: number | null; onScale: number | null; explanation: string };
  humans: Array<{
    annotator: string;
    score: number | null;
    dimensions: Record<string, number>;
    comment: string;
  }>;
  humanMean: number;
  /** |judge − human mean| on the raw judge value. */
  gap: number;
  question: string;
  answer: string;
  checklist: string | null;
  reference: string | null;
}

/** Items where the judge and the humans differ most, largest gap first (ties: item id). */
export function disagreements(a: RunAgreement, top: number): Disagreement[] {
  const byItem = new Map<string, StoredRating[]>();
  for (const r of a.ratings) byItem.set(r.itemId, [...(byItem.get(r.itemId) ?? []), r]);
  const out: Disagreement[] = [];
  for (const it of a.items) {
    const rs = byItem.get(it.itemId) ?? [];
    const scores = rs.map((r) => r.score).filter((s): s is number => s !== null);
    const jv = it.judge?.value;
    if (jv === undefined || jv === null || scores.length === 0) continue;
    const humanMean = scores.reduce((x, y) => x + y, 0) / scores.length;
    out.push({
      itemId: it.itemId,
      category: it.category ?? null,
      judge: {
        value: jv,
        onScale: a.judgeOnScale.get(it.itemId) ?? null,
        explanation: it.judge?.explanation ?? "",
      },
      humans: rs.map((r) => ({
        annotator: r.annotator,
        score: r.score,
        dimensions: r.dimensions,
        comment: r.comment,
      })),
      humanMean,
      gap: Math.abs(jv - humanMean),
      question: it.question,
      answer: it.answer,
      checklist: it.checklist ?? null,
      reference: it.reference ?? null,
    });
  }
  out.sort((x, y) => y.gap - x.gap || (x.itemId < y.itemId ? -1 : x.itemId > y.itemId ? 1 : 0));
  return out.slice(0, top);
}
