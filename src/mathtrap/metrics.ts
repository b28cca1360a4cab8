/**
 * MathTrap metrics as in the paper: Conceptual, Original and Trap accuracy (percent) and
 * Ratio = Trap / Original × 100, overall, per trap type and per source subject, each with a
 * percentile bootstrap confidence interval. The bootstrap resamples clusters: an original problem and
 * the trap problems built on it move together (they are paired, so Ratio's interval stays honest);
 * conceptual questions are resampled on their own.
 */
import { bootstrapItems, DEFAULT_CONFIDENCE, DEFAULT_ROUNDS } from "../stats/bootstrap.js";
import { groupBy } from "../stats/group.js";
import type { ProblemKind, TrapType } from "./data.js";

export interface ItemResult {
  id: string;
  kind: ProblemKind;
  /** 1 right, 0 wrong; a fraction when several epochs were averaged. */
  correct: number | boolean;
  /** Trap problems: [their type]; originals: the types of the traps built on them; conceptual: []. */
  trapTypes: readonly TrapType[];
  /** "GSM8K" or "MATH_<subject>"; absent for conceptual questions. */
  subject?: string;
  /** Cluster key shared by an original and its traps. */
  group: string;
}

export interface PercentEstimate {
  /** Percent, or null when there is nothing to measure (n = 0, or Ratio with Original = 0). */
  value: number | null;
  low: number | null;
  high: number | null;
  /** Number of items behind the value (for Ratio: trap items). */
  n: number;
}

export interface MathtrapSummary {
  conceptual: PercentEstimate;
  original: PercentEstimate;
  trap: PercentEstimate;
  ratio: PercentEstimate;
}

export interface MathtrapReport {
  overall: MathtrapSummary;
  byTrapType: Record<string, MathtrapSummary>;
  bySubject: Record<string, MathtrapSummary>;
  bootstrap: { resamples: number; confidence: number; seed: number };
}

export interface MathtrapBootstrapOptions {
  resamples?: number;
  confidence?: number;
  seed?: number;
}

interface Counts {
  c: [number, number]; // conceptual [correct, total]
  o: [number, number];
  t: [number, number];
}

function tally(items: readonly ItemResult[], into: Counts = { c: [0, 0], o: [0, 0], t: [0, 0] }): Counts {
  for (const it of items) {
    const slot = it.kind === "conceptual" ? into.c : it.kind === "original" ? into.o : into.t;
    slot[1]++;
    slot[0] += typeof it.correct === "boolean" ? (it.correct ? 1 : 0) : it.correct;
  }
  return into;
}

function pct([k, n]: [number, number]): number | null {
  return n === 0 ? null : (100 * k) / n;
}

function ratioOf(counts: Counts): number | null {
  const o = pct(counts.o);
  const t = pct(counts.t);
  if (o === null || t === null || o === 0) return null;
  return (100 * t) / o;
}

/** Point estimates and bootstrap intervals for one set of items. */
export function summarise(
  items: readonly ItemResult[],
  opts: MathtrapBootstrapOptions = {},
): MathtrapSummary {
  const conceptualClusters = [
    ...groupBy(
      items.filter((i) => i.kind === "conceptual"),
      (i) => i.id,
    ).values(),
  ];
  const pairedClusters = [
    ...groupBy(
      items.filter((i) => i.kind !== "conceptual"),
      (i) => i.group,
    ).values(),
  ];
  // Units: conceptual clusters, then paired clusters; two strata, each resampled to its own size.
  const clusters = [...conceptualClusters, ...pairedClusters];
  const percentOrNaN = (v: number | null) => v ?? Number.NaN;
  const est = bootstrapItems(
    [conceptualClusters.length, pairedClusters.length],
    (idx) => {
      const rc: Counts = { c: [0, 0], o: [0, 0], t: [0, 0] };
      for (const i of idx) tally(clusters[i]!, rc);
      return {
        c: percentOrNaN(pct(rc.c)),
        o: percentOrNaN(pct(rc.o)),
        t: percentOrNaN(pct(rc.t)),
        r: percentOrNaN(ratioOf(rc)),
      };
    },
    {
      rounds: opts.resamples ?? DEFAULT_ROUNDS,
      confidence: opts.confidence ?? DEFAULT_CONFIDENCE,
      seed: opts.seed ?? 0,
    },
  );
  // Point values from the items in their own order (as tallied before clustering), bounds from the resamples.
  const counts = tally(items);
  const estimate = (key: "c" | "o" | "t" | "r", value: number | null, n: number): PercentEstimate => {
    if (value === null) return { value: null, low: null, high: null, n };
    const bound = (x: number) => (Number.isNaN(x) ? null : x);
    return { value, low: bound(est[key].lower), high: bound(est[key].upper), n };
  };
  return {
    conceptual: estimate("c", pct(counts.c), counts.c[1]),
    original: estimate("o", pct(counts.o), counts.o[1]),
    trap: estimate("t", pct(counts.t), counts.t[1]),
    ratio: estimate("r", ratioOf(counts), counts.t[1]),
  };
}

/** The full report: overall, per trap type (traps of that type and the originals they were built on), per subject. */
export function mathtrapReport(
  items: readonly ItemResult[],
  opts: MathtrapBootstrapOptions = {},
): MathtrapReport {
  const resamples = opts.resamples ?? DEFAULT_ROUNDS;
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  const seed = opts.seed ?? 0;
  const o = { resamples, confidence, seed };
  const byTrapType: Record<string, MathtrapSummary> = {};
  const types = [...new Set(items.filter((i) => i.kind === "trap").flatMap((i) => i.trapTypes))].sort();
  for (const t of types)
    byTrapType[t] = summarise(
      items.filter((i) => i.kind !== "conceptual" && i.trapTypes.includes(t)),
      o,
    );
  const bySubject: Record<string, MathtrapSummary> = {};
  const subjects = [...new Set(items.flatMap((i) => (i.subject ? [i.subject] : [])))].sort();
  for (const s of subjects)
    bySubject[s] = summarise(
      items.filter((i) => i.subject === s),
      o,
    );
  return { overall: summarise(items, o), byTrapType, bySubject, bootstrap: o };
}

// ---------- the paper's table (rows = models) ----------

function cell(e: PercentEstimate, withCi: boolean): string {
  if (e.value === null) return "—";
  const v = e.value.toFixed(1);
  if (!withCi || e.low === null || e.high === null) return v;
  return `${v} [${e.low.toFixed(1)}, ${e.high.toFixed(1)}]`;
}

function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export interface ModelReport {
  model: string;
  report: MathtrapReport;
}

/** Main table: Model | Conceptual | Original | Trap | Ratio (percent, with 95% CI unless ci=false). */
export function formatMainTable(rows: readonly ModelReport[], ci = true): string {
  return renderTable(
    ["Model", "Conceptual", "Original", "Trap", "Ratio"],
    rows.map(({ model, report: { overall: s } }) => [
      model,
      cell(s.conceptual, ci),
      cell(s.original, ci),
      cell(s.trap, ci),
      cell(s.ratio, ci),
    ]),
  );
}

/** Breakdown table: one row per model, columns "<group> Trap/Original/Ratio" for each trap type or subject. */
export function formatBreakdownTable(rows: readonly ModelReport[], by: "byTrapType" | "bySubject"): string {
  const groups = [...new Set(rows.flatMap((r) => Object.keys(r.report[by])))].sort();
  const header = ["Model", ...groups];
  const body = rows.map(({ model, report }) => [
    model,
    ...groups.map((g) => {
      const s = report[by][g];
      return s ? `${cell(s.trap, false)} / ${cell(s.original, false)} / ${cell(s.ratio, false)}` : "—";
    }),
  ]);
  return `${by === "byTrapType" ? "By trap type" : "By subject"} (Trap / Original / Ratio, %)\n${renderTable(header, body)}`;
}
