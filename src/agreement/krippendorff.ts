/**
 * Krippendorff's α for any number of raters with missing data, through the coincidence
 * matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
 *   α = 1 − D_o / D_e,  D_o = Σ o_ck δ²_ck,  D_e = Σ n_c n_k δ²_ck / (n − 1)
 * where a unit with m ≥ 2 values adds 1/(m − 1) to o_ck for every ordered pair of values
 * from different raters, n_c are the margins and n the number of pairable values.
 */
import { isPresent, type Rating, type Scale, scaleIndex } from "./pairing.js";

export type AlphaMetric = "nominal" | "ordinal" | "interval";

export interface AlphaResult {
  /** NaN when no unit has two values or all pairable values are equal. */
  alpha: number;
  metric: AlphaMetric;
  /** The distinct values, ascending: rows/columns of `coincidence`. */
  values: number[];
  /** Coincidence matrix o_ck. */
  coincidence: number[][];
  /** Number of pairable values n (values in units with at least two values). */
  pairable: number;
  /** Units with at least two values. */
  units: number;
  observedDisagreement: number;
  expectedDisagreement: number;
}

/**
 * @param units one array per unit (item), holding each rater's rating (missing allowed);
 *   the raters need not be in the same positions across units, only one value per rater.
 * @param scale optional: when given, every value must be on it (ordinal ranks are unaffected
 *   by unused categories, since they contribute n_g = 0).
 */
export function krippendorffAlpha(
  units: readonly (readonly Rating[])[],
  metric: AlphaMetric,
  scale?: Scale,
): AlphaResult {
  const index = scale ? scaleIndex(scale) : undefined;
  const present: number[][] = [];
  const distinct = new Set<number>();
  for (let u = 0; u < units.length; u++) {
    const vals: number[] = [];
    for (const r of units[u]!) {
      if (!isPresent(r)) continue;
      if (!Number.isFinite(r)) throw new RangeError(`unit ${u}: rating ${r} is not a finite number`);
      if (index && !index.has(r)) throw new RangeError(`unit ${u}: rating ${r} is not on the scale`);
      vals.push(r);
    }
    if (vals.length < 2) continue;
    present.push(vals);
    for (const v of vals) distinct.add(v);
  }
  const values = [...distinct].sort((x, y) => x - y);
  const pos = new Map(values.map((v, i) => [v, i] as const));
  const k = values.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const vals of present) {
    for (const { c, k: kk, w } of unitCoincidences(vals.map((v) => pos.get(v)!))) o[c]![kk]! += w;
  }
  return { ...alphaFromCoincidence(values, o, metric), coincidence: o, values, units: present.length };
}

/** One unit's additions to the coincidence matrix, from the category positions of its values. */
export function unitCoincidences(positions: readonly number[]): { c: number; k: number; w: number }[] {
  const m = positions.length;
  if (m < 2) return [];
  // o_ck += n_uc (n_uk − [c = k]) / (m − 1), with n_uc the unit's count of category c.
  const counts = new Map<number, number>();
  for (const p of positions) counts.set(p, (counts.get(p) ?? 0) + 1);
  const out: { c: number; k: number; w: number }[] = [];
  for (const [c, nc] of counts) {
    for (const [kk, nk] of counts) {
      const pairs = c === kk ? nc * (nc - 1) : nc * nk;
      if (pairs > 0) out.push({ c, k: kk, w: pairs / (m - 1) });
    }
  }
  return out;
}

/** α and the disagreements from a coincidence matrix over ascending `values`. */
export function alphaFromCoincidence(
  values: readonly number[],
  o: readonly (readonly number[])[],
  metric: AlphaMetric,
): Omit<AlphaResult, "coincidence" | "values" | "units"> {
  const k = values.length;
  const margins = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = margins.reduce((s, x) => s + x, 0);
  const delta = distanceMatrix(values, margins, metric);
  let dObserved = 0;
  let dExpectedSum = 0;
  for (let c = 0; c < k; c++) {
    for (let kk = 0; kk < k; kk++) {
      const d = delta[c]![kk]!;
      if (d === 0) continue;
      dObserved += o[c]![kk]! * d;
      dExpectedSum += margins[c]! * margins[kk]! * d;
    }
  }
  return {
    alpha: n > 1 && dExpectedSum > 0 ? 1 - ((n - 1) * dObserved) / dExpectedSum : Number.NaN,
    metric,
    pairable: Math.round(n * 1e9) / 1e9,
    observedDisagreement: n > 0 ? dObserved / n : Number.NaN,
    expectedDisagreement: n > 1 ? dExpectedSum / (n * (n - 1)) : Number.NaN,
  };
}

/**
 * Per-unit coincidence contributions over a fixed scale, prepared once so a bootstrap round
 * only sums the contributions of the resampled units.
 */
export interface AlphaTable {
  scale: number[];
  contributions: { c: number; k: number; w: number }[][];
}

export function prepareAlphaTable(units: readonly (readonly Rating[])[], scale: Scale): AlphaTable {
  const index = scaleIndex(scale);
  const contributions = units.map((unit, u) => {
    const positions: number[] = [];
    for (const r of unit) {
      if (!isPresent(r)) continue;
      const p = index.get(r);
      if (p === undefined) throw new RangeError(`unit ${u}: rating ${r} is not on the scale`);
      positions.push(p);
    }
    return unitCoincidences(positions);
  });
  return { scale: [...scale], contributions };
}

/** α of the units at `indices` (a resample; repeats allowed) for each metric. */
export function alphaOfSample<M extends AlphaMetric>(
  table: AlphaTable,
  indices: readonly number[],
  metrics: readonly M[],
): Record<M, number> {
  const k = table.scale.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const u of indices) for (const { c, k: kk, w } of table.contributions[u]!) o[c]![kk]! += w;
  const out = {} as Record<M, number>;
  for (const m of metrics) out[m] = alphaFromCoincidence(table.scale, o, m).alpha;
  return out;
}

/** Squared distances δ²_ck for the metric. Ordinal uses the margins (Krippendorff's rank form). */
function distanceMatrix(
  values: readonly number[],
  margins: readonly number[],
  metric: AlphaMetric,
): number[][] {
  const k = values.length;
  const d = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  // cumulative[i] = Σ_{g < i} n_g, so Σ_{g=c..k} n_g = cumulative[k+1] − cumulative[c].
  const cumulative = [0];
  for (let i = 0; i < k; i++) cumulative.push(cumulative[i]! + margins[i]!);
  for (let c = 0; c < k; c++) {
    for (let kk = 0; kk < k; kk++) {
      if (c === kk) continue;
      if (metric === "nominal") d[c]![kk] = 1;
      else if (metric === "interval") d[c]![kk] = (values[c]! - values[kk]!) ** 2;
      else {
        const lo = Math.min(c, kk);
        const hi = Math.max(c, kk);
        const span = cumulative[hi + 1]! - cumulative[lo]! - (margins[lo]! + margins[hi]!) / 2;
        d[c]![kk] = span * span;
      }
    }
  }
  return d;
}
