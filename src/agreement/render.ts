/** Plain-text rendering of an AgreementReport: aligned tables, value with its interval. */

import type { PairStatName } from "./pair-stats.js";
import type { AgreementReport, ComparisonReport, EstimateJson, SectionReport, ViewReport } from "./report.js";

/** Fixed-decimal number, or "—" for undefined (null). */
export function fmt(x: number | null, digits = 2): string {
  if (x === null) return "—";
  const s = x.toFixed(digits);
  // Avoid "-0.00".
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** "0.61 [0.45, 0.76]", or just the value when the interval is undefined. */
export function fmtEstimate(e: EstimateJson, digits = 2): string {
  if (e.value === null) return "—";
  if (e.lower === null || e.upper === null) return fmt(e.value, digits);
  return `${fmt(e.value, digits)} [${fmt(e.lower, digits)}, ${fmt(e.upper, digits)}]`;
}

/** Left-aligns the first column and right-aligns the others. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const COLUMNS: { key: PairStatName; label: string }[] = [
  { key: "exact", label: "exact" },
  { key: "within", label: "within±t" },
  { key: "kappa", label: "κ" },
  { key: "quadraticKappa", label: "κ quad" },
  { key: "alphaOrdinal", label: "α ord" },
  { key: "spearman", label: "Spearman ρ" },
  { key: "pearson", label: "Pearson r" },
  { key: "kendallTauB", label: "Kendall τb" },
];

function comparisonLabel(c: ComparisonReport): string {
  return `${c.a} vs ${c.b}`;
}

function renderConfusion(c: ComparisonReport): string {
  const labels = c.confusion.labels.map((l) => String(l));
  const header = [`${c.a} ↓ / ${c.b} →`, ...labels];
  const rows = c.confusion.counts.map((row, i) => [labels[i]!, ...row.map(String)]);
  return renderTable(header, rows);
}

function renderView(view: ViewReport, title: string, tolerance: number, binary: boolean): string {
  const out: string[] = [`== ${title} ==`];
  // On 0/1 ratings "within ±1" is always 1 and quadratic κ equals κ: leave them out.
  const columns = COLUMNS.filter((c) => !(binary && (c.key === "within" || c.key === "quadraticKappa"))).map(
    (c) => {
      if (c.key === "within") return { ...c, label: `within±${tolerance}` };
      if (c.key === "alphaOrdinal" && binary) return { ...c, label: "α" };
      return c;
    },
  );
  if (view.comparisons.length > 0) {
    const rows = view.comparisons.map((c) => [
      comparisonLabel(c),
      String(c.n),
      ...columns.map((col) => fmtEstimate(c.stats[col.key])),
    ]);
    out.push(renderTable(["comparison", "n", ...columns.map((c) => c.label)], rows));
  } else out.push("(no pair of raters rated the same items)");

  const alphaLine = (label: string, a: ViewReport["alpha"]["humans"]) => {
    const parts = Object.entries(a).map(([metric, e]) => `${metric} ${fmtEstimate(e!)}`);
    if (parts.length === 0) return undefined;
    const units = Object.values(a)[0]?.units ?? 0;
    return `Krippendorff α, ${label} (${units} item${units === 1 ? "" : "s"}): ${parts.join("; ")}`;
  };
  for (const line of [
    alphaLine("humans", view.alpha.humans),
    alphaLine("humans + judge", view.alpha.humansAndJudge),
  ]) {
    if (line) out.push(line);
  }
  const loo = view.leaveOneOut;
  if (loo.pairs > 0) {
    const judge =
      loo.judge.value === null
        ? ""
        : `; judge ${fmtEstimate(loo.judge)} (vs mode of all humans ${fmtEstimate(loo.judgeVsAllHumans)})`;
    out.push(
      `Leave-one-out agreement with the others' mode: humans ${fmtEstimate(loo.humans)}${judge}` +
        ` — ${loo.pairs} held-out ratings on ${loo.items} items`,
    );
  }
  out.push(
    `Consensus ties: mean halfway on ${view.consensus.meanTies} items, several modes on ${view.consensus.majorityTies}`,
  );
  const majority = view.comparisons.find((c) => c.kind === "judge-majority");
  if (majority && majority.n > 0) out.push("", renderConfusion(majority));
  return out.join("\n");
}

function renderSection(section: SectionReport, title: string, report: AgreementReport): string {
  const { threshold, tolerance } = report.options;
  return [
    renderView(section.views.scale, `${title} · rating scale`, tolerance, false),
    renderView(section.views.binary, `${title} · usable (≥ ${threshold})`, tolerance, true),
  ].join("\n\n");
}

function renderGroups(report: AgreementReport): string {
  const rows: string[][] = [];
  for (const { group, section } of report.groups) {
    for (const [viewName, view] of [
      ["scale", section.views.scale],
      ["usable", section.views.binary],
    ] as const) {
      const maj = view.comparisons.find((c) => c.kind === "judge-majority");
      const alpha = view.alpha.humans.ordinal ?? view.alpha.humans.nominal;
      rows.push([
        group,
        viewName,
        String(section.items),
        maj ? fmtEstimate(maj.stats.exact) : "—",
        maj ? fmtEstimate(maj.stats.kappa) : "—",
        maj && viewName === "scale" ? fmtEstimate(maj.stats.quadraticKappa) : "—",
        alpha ? fmtEstimate(alpha) : "—",
        fmtEstimate(view.leaveOneOut.humans),
        fmtEstimate(view.leaveOneOut.judge),
      ]);
    }
  }
  return [
    "== Per group (judge vs human majority; α over humans) ==",
    renderTable(
      ["group", "view", "items", "exact", "κ", "κ quad", "α humans", "LOO humans", "LOO judge"],
      rows,
    ),
  ].join("\n");
}

export function renderReport(report: AgreementReport): string {
  const o = report.options;
  const head = [
    `Judge–human agreement: ${report.counts.items} items (${report.counts.withJudge} judged, ${report.counts.withHumans} with human ratings)`,
    `Annotators: ${report.annotators.map((a) => `${a} (${report.counts.ratingsPerAnnotator[a] ?? 0})`).join(", ") || "none"}`,
    `Scale [${o.scale.join(", ")}] (${o.scaleSource}); usable = rating ≥ ${o.threshold}; ` +
      `${Math.round(o.confidence * 100)}% percentile bootstrap intervals, ${o.rounds} rounds, seed ${o.seed}`,
  ].join("\n");
  const parts = [head, renderSection(report.overall, "Overall", report)];
  if (report.groups.length > 0) parts.push(renderGroups(report));
  return `${parts.join("\n\n")}\n`;
}
