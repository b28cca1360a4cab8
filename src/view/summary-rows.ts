/**
 * A run summary turned into chart and table rows: each scorer's headline metric (accuracy, else mean,
 * else the first number) with its bootstrap CI, overall and per group. Shared by the viewer and
 * `report --format html`.
 */

import type { IntervalRow } from "../charts/interval.js";
import type { MetricSet, RunSummary } from "../engine/summary.js";

export function headline(
  set: MetricSet,
): { name: string; value: number; lo?: number; hi?: number } | undefined {
  const m = set.metrics as Record<string, unknown>;
  const name =
    ["accuracy", "mean"].find((k) => typeof m[k] === "number") ??
    Object.keys(m).find((k) => typeof m[k] === "number");
  if (!name) return undefined;
  const ci = m.bootstrap_ci as { lo?: number; hi?: number } | undefined;
  return {
    name,
    value: m[name] as number,
    ...(typeof ci?.lo === "number" && typeof ci.hi === "number" ? { lo: ci.lo, hi: ci.hi } : {}),
  };
}

/** One row per scorer. */
export function scorerRows(summary: RunSummary): IntervalRow[] {
  return summary.scorers.flatMap((s) => {
    const h = headline(s);
    return h ? [{ label: `${s.scorer} (${h.name})`, ...h, note: `n=${s.n}` }] : [];
  });
}

/** Per scorer and group key, one row per group value. */
export function groupRows(summary: RunSummary): Array<{ scorer: string; key: string; rows: IntervalRow[] }> {
  const out: Array<{ scorer: string; key: string; rows: IntervalRow[] }> = [];
  for (const s of summary.scorers)
    for (const [key, groups] of Object.entries(s.groups)) {
      const rows = Object.entries(groups).flatMap(([label, set]) => {
        const h = headline(set);
        return h ? [{ label, ...h, note: `n=${set.n}` }] : [];
      });
      out.push({ scorer: s.scorer, key, rows });
    }
  return out;
}
