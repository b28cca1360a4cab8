/**
 * The SMI fit: place facts on the metric axis (CO-OCCUR, MI or SMI), bin them, regress bin mean
 * accuracy on bin position. Follows the original's analysis/tools/2_analysis.py step by step; see
 * docs/smi.md for the formulas and for what the "corrected" mode changes.
 */
import { UserError } from "../util/errors.js";
import { type MiDefinition, miOf } from "./mi.js";
import type { CountRow } from "./rows.js";

export type SmiMethod = "cooccur" | "mi" | "smi";
export const SMI_METHODS: readonly SmiMethod[] = ["cooccur", "mi", "smi"];
/** Names the original's tables use. */
export const METHOD_LABEL: Record<SmiMethod, string> = { cooccur: "CO-OCCUR", mi: "MI", smi: "SMI" };

/**
 * exact: the original's arithmetic, including int() truncation when binning and the stored `mi`
 * values when the rows carry them. corrected: floor binning (uniform 0.2-wide bins on both sides of
 * zero) and MI always recomputed from the counts.
 */
export type FitMode = "exact" | "corrected";

export interface PlaceOptions {
  method: SmiMethod;
  /** Total parameters, e.g. 12e9. Only the SMI method uses it. */
  modelSize: number;
  mode: FitMode;
  miDefinition: MiDefinition;
}

export interface Placement {
  /** Indices (into the input rows) of the facts kept: those with MI > 0. */
  kept: number[];
  /** Metric position of each kept fact, in [0, 1]. */
  x: number[];
  /** Quantised log2 metric range before min–max normalisation. */
  qMin: number;
  qMax: number;
  /** 1 + 1/log2(modelSize) for SMI, 1 otherwise. */
  exponent: number;
}

export interface Bin {
  x: number;
  meanAcc: number;
  count: number;
  /** Mean squared residual of this bin's facts around the fitted line. */
  mse: number;
}

export interface FitResult {
  method: SmiMethod;
  mode: FitMode;
  miDefinition: MiDefinition;
  modelSize: number;
  exponent: number;
  facts: number;
  droppedFacts: number;
  slope: number;
  intercept: number;
  /** Squared Pearson correlation over the bin points (the original's R²). */
  r2: number;
  /** Unweighted mean over bins of each bin's mean squared residual (the original's MSE). */
  mse: number;
  /** −intercept/slope; null when the slope is 0. */
  xIntercept: number | null;
  /** slope + intercept: the fitted accuracy at metric 1 (the paper's upper bound). */
  upperBound: number;
  /** Mean accuracy over the kept facts. */
  meanAcc: number;
  /** Squared Pearson correlation over individual facts (informational; the original does not report it). */
  factR2: number;
  qMin: number;
  qMax: number;
  bins: Bin[];
}

export function smiExponent(modelSize: number): number {
  if (!(Number.isFinite(modelSize) && modelSize > 1)) {
    throw new UserError(`model size must be a parameter count greater than 1, got ${modelSize}`);
  }
  return 1 + 1 / Math.log2(modelSize);
}

/** The bin of a positive metric value on the log2 axis, in steps of 0.2. */
export function quantise(v: number, mode: FitMode): number {
  const scaled = Math.log2(v) * 5;
  // Python's int() truncates toward zero; for negative logs that is a ceiling.
  return (mode === "exact" ? Math.trunc(scaled) : Math.floor(scaled)) / 5;
}

/** The MI value the fit uses for a row: the stored one in exact mode when present, else recomputed. */
export function factMi(row: CountRow & { mi?: number }, mode: FitMode, miDefinition: MiDefinition): number {
  if (mode === "exact" && miDefinition === "pointwise" && row.mi !== undefined) return row.mi;
  return miOf(row, miDefinition);
}

export function placeFacts(rows: ReadonlyArray<CountRow & { mi?: number }>, opts: PlaceOptions): Placement {
  const exponent = opts.method === "smi" ? smiExponent(opts.modelSize) : 1;
  const kept: number[] = [];
  const q: number[] = [];
  rows.forEach((row, i) => {
    // The original keeps facts with (pointwise) MI > 0 for all three methods: they co-occur and are
    // positively associated. The same facts are kept whatever --mi-definition says.
    const pointwise = factMi(row, opts.mode, "pointwise");
    if (!(pointwise > 0)) return;
    kept.push(i);
    const metric =
      opts.method === "cooccur"
        ? row.time_s1j1
        : opts.miDefinition === "pointwise"
          ? pointwise
          : factMi(row, opts.mode, opts.miDefinition);
    q.push(quantise(metric, opts.mode));
  });
  if (kept.length === 0) throw new UserError("no fact has MI > 0: nothing to fit");
  let qMin = Number.POSITIVE_INFINITY;
  let qMax = Number.NEGATIVE_INFINITY;
  for (const v of q) {
    if (v < qMin) qMin = v;
    if (v > qMax) qMax = v;
  }
  if (qMax === qMin) throw new UserError("all facts fall into one bin: the metric has no spread to fit");
  const x = q.map((v) => {
    const norm = (v - qMin) / (qMax - qMin);
    return exponent === 1 ? norm : norm ** exponent;
  });
  return { kept, x, qMin, qMax, exponent };
}

interface Line {
  slope: number;
  intercept: number;
  r2: number;
}

/** Ordinary least squares of y on x as scipy.stats.linregress computes it (population moments). */
export function linearRegression(xs: readonly number[], ys: readonly number[]): Line {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new UserError(`a line needs at least 2 points, got ${n}`);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new UserError("all points share one x value: the slope is undefined");
  const den = Math.sqrt(sxx * syy);
  const r = den === 0 ? 0 : Math.max(-1, Math.min(1, sxy / den));
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: r * r };
}

/** Bins facts by their exact metric position (the original keys a dict by the float) and fits the line. */
export function fitPlacement(
  placement: Placement,
  accs: readonly number[],
): Omit<FitResult, "method" | "mode" | "miDefinition" | "modelSize" | "droppedFacts"> {
  const { kept, x } = placement;
  const groups = new Map<number, number[]>();
  kept.forEach((rowIndex, k) => {
    const acc = accs[rowIndex]!;
    const key = x[k]!;
    const g = groups.get(key);
    if (g) g.push(acc);
    else groups.set(key, [acc]);
  });
  const keys = [...groups.keys()];
  const means = keys.map((key) => {
    const g = groups.get(key)!;
    let s = 0;
    for (const a of g) s += a;
    return s / g.length;
  });
  if (keys.length < 2) throw new UserError("all facts fall into one bin: the metric has no spread to fit");
  const line = linearRegression(keys, means);
  const bins: Bin[] = keys.map((key, i) => {
    const g = groups.get(key)!;
    const predicted = line.slope * key + line.intercept;
    let ss = 0;
    for (const a of g) ss += (a - predicted) ** 2;
    return { x: key, meanAcc: means[i]!, count: g.length, mse: ss / g.length };
  });
  bins.sort((a, b) => a.x - b.x);
  let mse = 0;
  for (const b of bins) mse += b.mse;
  mse /= bins.length;

  const factAccs = kept.map((i) => accs[i]!);
  let accSum = 0;
  for (const a of factAccs) accSum += a;
  let factR2 = 0;
  try {
    factR2 = linearRegression(x, factAccs).r2;
  } catch {
    factR2 = 0;
  }
  return {
    exponent: placement.exponent,
    facts: kept.length,
    slope: line.slope,
    intercept: line.intercept,
    r2: line.r2,
    mse,
    xIntercept: line.slope === 0 ? null : -line.intercept / line.slope,
    upperBound: line.slope + line.intercept,
    meanAcc: accSum / kept.length,
    factR2,
    qMin: placement.qMin,
    qMax: placement.qMax,
    bins,
  };
}

export interface FitOptions extends PlaceOptions {}

export function fitRows(
  rows: ReadonlyArray<CountRow & { mi?: number; acc: number }>,
  opts: FitOptions,
): FitResult {
  const placement = placeFacts(rows, opts);
  const fitted = fitPlacement(
    placement,
    rows.map((r) => r.acc),
  );
  return {
    method: opts.method,
    mode: opts.mode,
    miDefinition: opts.miDefinition,
    modelSize: opts.modelSize,
    droppedFacts: rows.length - placement.kept.length,
    ...fitted,
  };
}
