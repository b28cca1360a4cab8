/**
 * `assay report --format html` for tasks without their own layout: one self-contained page (inline CSS
 * and SVG, no script, no network, works from file:// and prints) with each run's headline metrics and
 * CIs, a chart per scorer across runs, and the per-group breakdown as tables and charts.
 */

import { escapeXml as esc, type IntervalRow, intervalChart } from "../charts/interval.js";
import { htmlPage } from "../charts/page.js";
import type { MetricSet, RunSummary } from "../engine/summary.js";
import { tableCost } from "../providers/budget.js";
import { formatUsd } from "../providers/prices.js";
import type { RunRow } from "../store/run-store.js";
import { headline } from "./summary-rows.js";

/** Cost at the price table's prices; "–" for models without a price (local ones). */
function costCell(r: RunRow): string {
  const c = tableCost(r);
  return c ? formatUsd(c.usd) : "–";
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "–");

function cell(set: MetricSet | undefined): string {
  const h = set ? headline(set) : undefined;
  if (!set || !h) return `<td class="num">–</td>`;
  const ci = h.lo !== undefined && h.hi !== undefined ? ` [${f3(h.lo)}, ${f3(h.hi)}]` : "";
  return `<td class="num">${esc(`${f3(h.value)}${ci}`)} <span class="muted">n=${set.n}</span></td>`;
}

const runLabel = (r: RunRow) => `${r.model} (${r.id})`;
const summaryOf = (r: RunRow) => r.summary as RunSummary | undefined;

function row(label: string, set: MetricSet | undefined): IntervalRow[] {
  const h = set ? headline(set) : undefined;
  return h ? [{ label, ...h, note: `n=${set!.n}` }] : [];
}

export function htmlReport(runs: RunRow[]): string {
  const scorers = [...new Set(runs.flatMap((r) => (summaryOf(r)?.scorers ?? []).map((s) => s.scorer)))];
  const scorerOf = (r: RunRow, name: string) => summaryOf(r)?.scorers.find((s) => s.scorer === name);
  const out: string[] = [
    `<h1>Assay report · ${esc(runs[0]?.task ?? "")}</h1>`,
    `<p class="muted">Headline metric of each scorer (accuracy, else mean) with its 95% bootstrap CI.</p>`,
    "<table><tr><th>model</th><th>run</th><th>status</th><th>samples</th><th>errors</th><th>cost</th>",
    ...scorers.map((s) => `<th>${esc(s)}</th>`),
    "</tr>",
  ];
  for (const r of runs) {
    const s = summaryOf(r);
    out.push(
      `<tr><td>${esc(r.model)}</td><td>${esc(r.id)}</td><td>${esc(r.status)}</td>`,
      `<td class="num">${s?.samples ?? 0}</td><td class="num">${s?.errors ?? 0}</td>`,
      `<td class="num">${esc(costCell(r))}</td>`,
      ...scorers.map((name) => cell(scorerOf(r, name))),
      "</tr>",
    );
  }
  out.push("</table>");
  for (const name of scorers) {
    out.push(`<h2>${esc(name)}</h2>`);
    // A scorer no run has a number for (every judge grade unreadable, say): a sentence, not an empty chart.
    if (runs.every((r) => !scorerOf(r, name)?.n))
      out.push(
        `<p class="muted">No sample has a numeric ${esc(name)} score (each was invalid, undecided or missing).</p>`,
      );
    else
      out.push(
        intervalChart(
          runs.flatMap((r) => row(runLabel(r), scorerOf(r, name))),
          { title: `${name} by run` },
        ),
      );
    const keys = [...new Set(runs.flatMap((r) => Object.keys(scorerOf(r, name)?.groups ?? {})))];
    for (const key of keys) {
      const values = [
        ...new Set(runs.flatMap((r) => Object.keys(scorerOf(r, name)?.groups[key] ?? {}))),
      ].sort();
      const groupSet = (r: RunRow, g: string) => scorerOf(r, name)?.groups[key]?.[g];
      out.push(`<h2>${esc(name)} by ${esc(key)}</h2><table><tr><th>${esc(key)}</th>`);
      out.push(...runs.map((r) => `<th>${esc(runLabel(r))}</th>`), "</tr>");
      for (const g of values)
        out.push(`<tr><td>${esc(g)}</td>`, ...runs.map((r) => cell(groupSet(r, g))), "</tr>");
      out.push("</table>");
      const rows = values.flatMap((g) =>
        runs.flatMap((r) => row(runs.length > 1 ? `${g} · ${r.model}` : g, groupSet(r, g))),
      );
      out.push(intervalChart(rows, { title: `${name} by ${key}` }));
    }
  }
  return htmlPage(`Assay report · ${runs[0]?.task ?? ""}`, [out.join("")]);
}
