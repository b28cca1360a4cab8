/**
 * MathTrap metrics as in the paper: Conceptual, Original and Trap accuracy (percent) and
 * Ratio = Trap / Original × 100, overall, per trap type and per source subject, each with a
 * percentile bootstrap confidence interval. The bootstrap resamples clusters: an original problem and
 * the trap problems built on it move together (they are paired, so Ratio's interval stays honest);
 * conceptual questions are resampled on their own.
 */
import { Rng } from "../util/rng.js";
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

export interface Estimate {
  /** Percent, or null when there is nothing to measure (n = 0, or Ratio with Original = 0). */
  value: number | null;
  low: number | null;
  high: number | null;
  /** Number of items behind the value (for Ratio: trap items). */
  n: number;
}

export interface MathtrapSummary {
  conceptual: Estimate;
  original: Estimate;
  trap: Estimate;
  ratio: Estimate;
}

export interface MathtrapReport {
  overall: MathtrapSummary;
  byTrapType: Record<string, MathtrapSummary>;
  bySubject: Record<string, MathtrapSummary>;
  bootstrap: { resamples: number; confidence: number; seed: number };
}

export interface BootstrapOptions {
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

/** Percentile of sorted values (linear interpolation). */
function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = map.get(k) ?? [];
    list.push(it);
    map.set(k, list);
  }
  return [...map.values()];
}

/** Point estimates and bootstrap intervals for one set of items. */
export function summarise(items: readonly ItemResult[], opts: BootstrapOptions = {}): MathtrapSummary {
  const resamples = opts.resamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  const rng = new Rng(opts.seed ?? 1);
  const counts = tally(items);
  const conceptualClusters = groupBy(
    items.filter((i) => i.kind === "conceptual"),
    (i) => i.id,
  );
  const pairedClusters = groupBy(
    items.filter((i) => i.kind !== "conceptual"),
    (i) => i.group,
  );
  const samples = { c: [] as number[], o: [] as number[], t: [] as number[], r: [] as number[] };
  for (let b = 0; b < resamples; b++) {
    const rc: Counts = { c: [0, 0], o: [0, 0], t: [0, 0] };
    for (let i = 0; i < conceptualClusters.length; i++)
      tally(conceptualClusters[rng.int(conceptualClusters.length)]!, rc);
    for (let i = 0; i < pairedClusters.length; i++)
      tally(pairedClusters[rng.int(pairedClusters.length)]!, rc);
    const c = pct(rc.c);
    const o = pct(rc.o);
    const t = pct(rc.t);
    const r = ratioOf(rc);
    if (c !== null) samples.c.push(c);
    if (o !== null) samples.o.push(o);
    if (t !== null) samples.t.push(t);
    if (r !== null) samples.r.push(r);
  }
  const alpha = (1 - confidence) / 2;
  const estimate = (value: number | null, boot: number[], n: number): Estimate => {
    if (value === null) return { value: null, low: null, high: null, n };
    boot.sort((x, y) => x - y);
    return { value, low: percentile(boot, alpha), high: percentile(boot, 1 - alpha), n };
  };
  return {
    conceptual: estimate(pct(counts.c), samples.c, counts.c[1]),
    original: estimate(pct(counts.o), samples.o, counts.o[1]),
    trap: estimate(pct(counts.t), samples.t, counts.t[1]),
    ratio: estimate(ratioOf(counts), samples.r, counts.t[1]),
  };
}

/** The full report: overall, per trap type (traps of that type and the originals they were built on), per subject. */
export function mathtrapReport(items: readonly ItemResult[], opts: BootstrapOptions = {}): MathtrapReport {
  const resamples = opts.resamples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  const seed = opts.seed ?? 1;
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

function cell(e: Estimate, withCi: boolean): string {
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
