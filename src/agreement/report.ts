/**
 * Builds the judge–human agreement report: judge vs each annotator, judge vs the human mean
 * and majority, annotator vs annotator, Krippendorff's α over the humans (with and without
 * the judge) and AlpacaEval-style leave-one-out agreement, on the rating scale and on the
 * binary "usable" view, overall and per group, every number with a bootstrap interval.
 * The result is plain JSON (NaN becomes null); `renderReport` prints it as text tables.
 */

import { bootstrapItems, type Estimate, pick, resolveBootstrapOptions } from "../stats/bootstrap.js";
import { deriveSeed } from "../stats/rng.js";
import { UserError } from "../util/errors.js";
import { BINARY_SCALE, DEFAULT_USABLE_THRESHOLD, toUsable } from "./binary.js";
import type { ConfusionMatrix } from "./categorical.js";
import { majority, mean, roundToScale, type TieRule } from "./consensus.js";
import { type AlphaMetric, alphaOfSample, prepareAlphaTable } from "./krippendorff.js";
import { looFromTerms, looItemTerms } from "./leave-one-out.js";
import { type PairStatName, pairAgreementComplete } from "./pair-stats.js";
import { isPresent, type Rating, type Scale, scaleIndex } from "./pairing.js";

export interface AgreementItem {
  itemId: string;
  /** e.g. the item's category; items without one fall in UNGROUPED when others have one. */
  group?: string;
  judge?: Rating;
  /**
   * The judge's own usable verdict, when the benchmark decides it on the judge's raw value (LLMEval-Med:
   * mean of its runs ≥ 4); the binary view then uses it instead of thresholding the on-scale `judge`.
   */
  judgeUsable?: boolean;
  /** Annotator name → rating (missing or null: not rated). */
  humans: Readonly<Record<string, Rating>>;
}

export interface AgreementReportOptions {
  /** Ordered rating scale, e.g. [1, 2, 3, 4, 5]. Default: the distinct ratings seen (less safe: see docs). */
  scale?: readonly number[];
  /** Usable threshold of the binary view; default 4. */
  threshold?: number;
  /** Tolerance of the `within` statistic; default 1. */
  tolerance?: number;
  /** Consensus tie rule (rounded mean halfway, majority ties); default "lower". */
  ties?: TieRule;
  /** Leave-one-out: fewest other annotations per held-out one; default 1. */
  minOthers?: number;
  /** Per-group breakdown; default true when any item has a group. */
  byGroup?: boolean;
  rounds?: number;
  seed?: number;
  confidence?: number;
  /** Named in error messages (e.g. the ratings file). */
  source?: string;
}

export const UNGROUPED = "(no group)";

export interface EstimateJson {
  value: number | null;
  lower: number | null;
  upper: number | null;
  /** Bootstrap rounds where the statistic was undefined (left out of the interval). */
  degenerate: number;
}

export type ComparisonKind = "judge-annotator" | "judge-mean" | "judge-majority" | "annotator-annotator";

export interface ComparisonReport {
  id: string;
  kind: ComparisonKind;
  a: string;
  b: string;
  /** Items both sides rated. */
  n: number;
  stats: Record<PairStatName, EstimateJson>;
  confusion: ConfusionMatrix;
}

export interface AlphaJson extends EstimateJson {
  /** Units (items) with at least two ratings, and the raters involved. */
  units: number;
  raters: number;
}

export interface ViewReport {
  scale: number[];
  comparisons: ComparisonReport[];
  alpha: {
    humans: Partial<Record<AlphaMetric, AlphaJson>>;
    humansAndJudge: Partial<Record<AlphaMetric, AlphaJson>>;
  };
  leaveOneOut: {
    /** Held-out human annotations used, and items they come from. */
    pairs: number;
    items: number;
    humans: EstimateJson;
    judge: EstimateJson;
    judgeVsAllHumans: EstimateJson;
  };
  consensus: {
    /** Items whose human mean fell exactly halfway between two categories. */
    meanTies: number;
    /** Items whose human ratings had several modes. */
    majorityTies: number;
  };
}

export interface SectionReport {
  items: number;
  views: { scale: ViewReport; binary: ViewReport };
}

export interface AgreementReport {
  kind: "assay.agreement-report";
  version: 1;
  options: {
    scale: number[];
    scaleSource: "given" | "observed";
    threshold: number;
    tolerance: number;
    ties: TieRule;
    minOthers: number;
    rounds: number;
    seed: number;
    confidence: number;
  };
  annotators: string[];
  counts: {
    items: number;
    withJudge: number;
    withHumans: number;
    ratingsPerAnnotator: Record<string, number>;
  };
  overall: SectionReport;
  groups: { group: string; section: SectionReport }[];
}

/** Internal: one item with ratings already mapped to the view. */
interface ViewItem {
  judge: number | undefined;
  humans: Map<string, number>;
}

interface Ctx {
  annotators: string[];
  tolerance: number;
  ties: TieRule;
  minOthers: number;
  rounds: number;
  seed: number;
  confidence: number;
}

export function buildAgreementReport(
  items: readonly AgreementItem[],
  options: AgreementReportOptions = {},
): AgreementReport {
  const where = options.source ? `${options.source}: ` : "";
  let boot: ReturnType<typeof resolveBootstrapOptions>;
  try {
    boot = resolveBootstrapOptions(options);
  } catch (err) {
    throw new UserError(`${where}${(err as Error).message}`);
  }
  const threshold = options.threshold ?? DEFAULT_USABLE_THRESHOLD;
  const tolerance = options.tolerance ?? 1;
  const minOthers = options.minOthers ?? 1;
  if (!Number.isFinite(threshold))
    throw new UserError(`${where}threshold must be a number, got ${threshold}`);
  if (!(tolerance >= 0)) throw new UserError(`${where}tolerance must be ≥ 0, got ${tolerance}`);
  if (!Number.isInteger(minOthers) || minOthers < 1) {
    throw new UserError(`${where}minOthers must be an integer ≥ 1, got ${minOthers}`);
  }

  const sorted = validateItems(items, where);
  const { scale, scaleSource } = resolveScale(sorted, options.scale, where);
  const annotators = [...new Set(sorted.flatMap((it) => Object.keys(it.humans)))].sort(compareStrings);
  const ctx: Ctx = { annotators, tolerance, ties: options.ties ?? "lower", minOthers, ...boot };

  const ratingsPerAnnotator: Record<string, number> = {};
  for (const name of annotators) {
    ratingsPerAnnotator[name] = sorted.filter((it) => isPresent(it.humans[name])).length;
  }
  const hasGroups = sorted.some((it) => it.group !== undefined);
  const byGroup = options.byGroup ?? hasGroups;

  const section = (subset: AgreementItem[], key: string): SectionReport => ({
    items: subset.length,
    views: {
      scale: buildView(subset, scale, (r) => (isPresent(r) ? r : undefined), ctx, `${key}|scale`),
      binary: buildView(
        subset,
        BINARY_SCALE,
        (r) => toUsable(r, threshold),
        ctx,
        `${key}|binary`,
        (it) => (it.judgeUsable !== undefined ? (it.judgeUsable ? 1 : 0) : toUsable(it.judge, threshold)),
      ),
    },
  });

  const groups: { group: string; section: SectionReport }[] = [];
  if (byGroup) {
    const names = [...new Set(sorted.map((it) => it.group ?? UNGROUPED))].sort(compareStrings);
    for (const g of names) {
      groups.push({
        group: g,
        section: section(
          sorted.filter((it) => (it.group ?? UNGROUPED) === g),
          `group:${g}`,
        ),
      });
    }
  }

  return {
    kind: "assay.agreement-report",
    version: 1,
    options: {
      scale: [...scale],
      scaleSource,
      threshold,
      tolerance,
      ties: ctx.ties,
      minOthers,
      rounds: boot.rounds,
      seed: boot.seed,
      confidence: boot.confidence,
    },
    annotators,
    counts: {
      items: sorted.length,
      withJudge: sorted.filter((it) => isPresent(it.judge)).length,
      withHumans: sorted.filter((it) => Object.values(it.humans).some(isPresent)).length,
      ratingsPerAnnotator,
    },
    overall: section(sorted, "overall"),
    groups,
  };
}

function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Checks ids and ratings; returns the items sorted by id so results do not depend on input order. */
function validateItems(items: readonly AgreementItem[], where: string): AgreementItem[] {
  const seen = new Set<string>();
  items.forEach((it, row) => {
    if (typeof it.itemId !== "string" || it.itemId === "") {
      throw new UserError(`${where}row ${row + 1}, field itemId: must be a non-empty string`);
    }
    if (seen.has(it.itemId))
      throw new UserError(`${where}row ${row + 1}, field itemId: duplicate item "${it.itemId}"`);
    seen.add(it.itemId);
    if (it.group !== undefined && typeof it.group !== "string") {
      throw new UserError(`${where}item "${it.itemId}", field group: must be a string`);
    }
    const check = (r: Rating, field: string) => {
      if (isPresent(r) && (typeof r !== "number" || !Number.isFinite(r))) {
        throw new UserError(
          `${where}item "${it.itemId}", field ${field}: rating ${String(r)} is not a finite number`,
        );
      }
    };
    check(it.judge, "judge");
    if (typeof it.humans !== "object" || it.humans === null) {
      throw new UserError(
        `${where}item "${it.itemId}", field humans: must be an object of annotator → rating`,
      );
    }
    for (const [name, r] of Object.entries(it.humans)) {
      if (name === "") throw new UserError(`${where}item "${it.itemId}", field humans: empty annotator name`);
      check(r, `humans.${name}`);
    }
  });
  return [...items].sort((x, y) => compareStrings(x.itemId, y.itemId));
}

function resolveScale(
  items: AgreementItem[],
  given: readonly number[] | undefined,
  where: string,
): { scale: number[]; scaleSource: "given" | "observed" } {
  if (given) {
    let index: Map<number, number>;
    try {
      index = scaleIndex(given);
    } catch (err) {
      throw new UserError(`${where}${(err as Error).message}`);
    }
    for (const it of items) {
      const check = (r: Rating, field: string) => {
        if (isPresent(r) && !index.has(r)) {
          throw new UserError(
            `${where}item "${it.itemId}", field ${field}: rating ${r} is not on the scale [${given.join(", ")}]`,
          );
        }
      };
      check(it.judge, "judge");
      for (const [name, r] of Object.entries(it.humans)) check(r, `humans.${name}`);
    }
    return { scale: [...given], scaleSource: "given" };
  }
  const seen = new Set<number>();
  for (const it of items) {
    if (isPresent(it.judge)) seen.add(it.judge);
    for (const r of Object.values(it.humans)) if (isPresent(r)) seen.add(r);
  }
  if (seen.size === 0) throw new UserError(`${where}no ratings to compare`);
  return { scale: [...seen].sort((x, y) => x - y), scaleSource: "observed" };
}

function toJson(e: Estimate): EstimateJson {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return { value: num(e.value), lower: num(e.lower), upper: num(e.upper), degenerate: e.degenerate };
}

function buildView(
  items: AgreementItem[],
  scale: Scale,
  map: (r: Rating) => number | undefined,
  ctx: Ctx,
  seedKey: string,
  judgeMap: (it: AgreementItem) => number | undefined = (it) => map(it.judge),
): ViewReport {
  const view: ViewItem[] = items.map((it) => {
    const humans = new Map<string, number>();
    for (const name of ctx.annotators) {
      const v = map(it.humans[name]);
      if (v !== undefined) humans.set(name, v);
    }
    return { judge: judgeMap(it), humans };
  });
  const boot = (key: string) => ({
    rounds: ctx.rounds,
    confidence: ctx.confidence,
    seed: deriveSeed(ctx.seed, `${seedKey}|${key}`),
  });
  const comparisons: ComparisonReport[] = [];
  const compare = (
    id: string,
    kind: ComparisonKind,
    a: string,
    b: string,
    rows: { a: number; b: number; bc?: number }[],
  ) => {
    const input = {
      a: rows.map((r) => r.a),
      b: rows.map((r) => r.b),
      ...(rows.some((r) => r.bc !== undefined) ? { bContinuous: rows.map((r) => r.bc ?? r.b) } : {}),
    };
    const res = pairAgreementComplete(input, scale, { tolerance: ctx.tolerance, ...boot(id) });
    const stats = {} as Record<PairStatName, EstimateJson>;
    for (const [k, e] of Object.entries(res.stats) as [PairStatName, Estimate][]) stats[k] = toJson(e);
    comparisons.push({ id, kind, a, b, n: res.n, stats, confusion: res.confusion });
  };

  const hasJudge = view.some((v) => v.judge !== undefined);
  let meanTies = 0;
  let majorityTies = 0;
  const meanRows: { a: number; b: number; bc: number }[] = [];
  const majorityRows: { a: number; b: number }[] = [];
  for (const v of view) {
    const hs = [...v.humans.values()];
    if (hs.length === 0) continue;
    const mu = mean(hs);
    const rounded = roundToScale(mu, scale, ctx.ties);
    const maj = majority(hs, ctx.ties)!;
    if (rounded.tied) meanTies++;
    if (maj.tied) majorityTies++;
    if (v.judge === undefined) continue;
    meanRows.push({ a: v.judge, b: rounded.value, bc: mu });
    majorityRows.push({ a: v.judge, b: maj.value });
  }

  if (hasJudge) {
    for (const name of ctx.annotators) {
      const rows = view.flatMap((v) => {
        const h = v.humans.get(name);
        return v.judge !== undefined && h !== undefined ? [{ a: v.judge, b: h }] : [];
      });
      compare(`judge~${name}`, "judge-annotator", "judge", name, rows);
    }
    compare("judge~human-mean", "judge-mean", "judge", "human mean", meanRows);
    compare("judge~human-majority", "judge-majority", "judge", "human majority", majorityRows);
  }
  for (let i = 0; i < ctx.annotators.length; i++) {
    for (let j = i + 1; j < ctx.annotators.length; j++) {
      const x = ctx.annotators[i]!;
      const y = ctx.annotators[j]!;
      const rows = view.flatMap((v) => {
        const hx = v.humans.get(x);
        const hy = v.humans.get(y);
        return hx !== undefined && hy !== undefined ? [{ a: hx, b: hy }] : [];
      });
      compare(`${x}~${y}`, "annotator-annotator", x, y, rows);
    }
  }

  const metrics: AlphaMetric[] = scale.length > 2 ? ["nominal", "ordinal", "interval"] : ["nominal"];
  const humanUnits = view.map((v) => [...v.humans.values()]);
  const allUnits = view.map((v) =>
    v.judge !== undefined ? [...v.humans.values(), v.judge] : [...v.humans.values()],
  );
  const alphaFor = (units: number[][], raters: number, key: string) => {
    const out: Partial<Record<AlphaMetric, AlphaJson>> = {};
    const table = prepareAlphaTable(units, scale);
    const est = bootstrapItems(units.length, (idx) => alphaOfSample(table, idx, metrics), boot(key));
    const usable = units.filter((u) => u.length >= 2).length;
    for (const m of metrics) out[m] = { ...toJson(est[m]), units: usable, raters };
    return out;
  };

  const terms = view
    .filter((v) => !hasJudge || v.judge !== undefined)
    .map((v) =>
      looItemTerms({ humans: [...v.humans.values()], judge: v.judge }, { minOthers: ctx.minOthers }),
    );
  const loo = bootstrapItems(
    terms.length,
    (idx) => {
      const r = looFromTerms(pick(terms, idx));
      return { humans: r.humans, judge: r.judge, judgeVsAllHumans: r.judgeVsAllHumans };
    },
    boot("leave-one-out"),
  );
  const looPoint = looFromTerms(terms);

  return {
    scale: [...scale],
    comparisons,
    alpha: {
      humans: alphaFor(humanUnits, ctx.annotators.length, "alpha-humans"),
      humansAndJudge: hasJudge ? alphaFor(allUnits, ctx.annotators.length + 1, "alpha-humans-judge") : {},
    },
    leaveOneOut: {
      pairs: looPoint.pairs,
      items: looPoint.items,
      humans: toJson(loo.humans),
      judge: toJson(loo.judge),
      judgeVsAllHumans: toJson(loo.judgeVsAllHumans),
    },
    consensus: { meanTies, majorityTies },
  };
}
