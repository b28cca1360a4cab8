/** What `assay report` does, and the report table `assay eval` prints; loaded when a command needs them. */
import { writeFileSync } from "node:fs";
import { formatMetric, table } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import { readScanFlags } from "../../contamination/results.js";
import { renderSplit, splitRun } from "../../contamination/split.js";
import type { RunSummary } from "../../engine/summary.js";
import { tableCost } from "../../providers/budget.js";
import { formatUsd } from "../../providers/prices.js";
import type { RunRow, RunStore } from "../../store/run-store.js";
// tasks/index.js rather than tasks/registry.js: the run's task must be registered to find its report.
import { findTaskDefinition } from "../../tasks/index.js";
import type { ReportFormat } from "../../tasks/registry.js";
import { UserError } from "../../util/errors.js";
import { htmlReport } from "../../view/report-html.js";
import type { ReportFlags } from "./report.js";

export function reportCommand(ids: string[], flags: ReportFlags): void {
  const format = (flags.json ? "json" : flags.format) as ReportFormat;
  if (!["table", "json", "html"].includes(format))
    throw new UserError(`--format must be table, json or html, got "${flags.format}"`);
  const store = openStore(flags.db);
  try {
    const runs = ids.map((id) => store.requireRun(id));
    const tasks = new Set(runs.map((r) => r.task));
    if (tasks.size > 1)
      throw new UserError(`runs of different tasks cannot share one table: ${[...tasks].join(", ")}`);
    let text = renderReport(store, runs, format);
    if (flags.contamination) text = withContamination(store, runs, format, text, flags.contamination);
    if (flags.out) writeFileSync(flags.out, text.endsWith("\n") ? text : `${text}\n`);
    else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  } finally {
    store.close();
  }
}

/** The report followed by each run's clean/contaminated split (JSON: both in one object). */
function withContamination(
  store: RunStore,
  runs: RunRow[],
  format: ReportFormat,
  report: string,
  scanPath: string,
): string {
  const scan = readScanFlags(scanPath);
  const splits = runs.map((r) => splitRun(store, r, scan));
  if (format === "json")
    return JSON.stringify({ report: JSON.parse(report), contamination: splits }, null, 2);
  const text = splits.map(renderSplit).join("\n\n");
  if (format === "table") return `${report.trimEnd()}\n\n${text}`;
  const esc = (t: string) => t.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `${report.trimEnd()}\n<pre>${esc(text)}</pre>\n`;
}

export function renderReport(store: RunStore, runs: RunRow[], format: ReportFormat): string {
  const def = findTaskDefinition(runs[0]!.task); // absent for a task file's or config's task
  if (def?.report)
    return def.report(
      store,
      runs.map((r) => r.id),
      format,
    );
  return genericReport(runs, format);
}

/** Rows = runs; for each scorer its first metric with the bootstrap CI. */
function genericReport(runs: RunRow[], format: ReportFormat): string {
  const scorers = [
    ...new Set(
      runs.flatMap((r) => ((r.summary as RunSummary | undefined)?.scorers ?? []).map((s) => s.scorer)),
    ),
  ];
  const rows = runs.map((r) => {
    const summary = r.summary as RunSummary | undefined;
    const cells: Record<string, { value: unknown; ci: unknown; n: number } | null> = {};
    for (const name of scorers) {
      const s = summary?.scorers.find((x) => x.scorer === name);
      const key = s
        ? (Object.keys(s.metrics).find((k) => k === "accuracy" || k === "mean") ?? Object.keys(s.metrics)[0])
        : undefined;
      cells[name] = s && key ? { value: s.metrics[key], ci: s.metrics.bootstrap_ci ?? null, n: s.n } : null;
    }
    return {
      run: r.id,
      model: r.model,
      status: r.status,
      samples: summary?.samples ?? 0,
      errors: summary?.errors ?? 0,
      scores: cells,
      costUsd: tableCost(r)?.usd ?? null,
    };
  });
  if (format === "json") return JSON.stringify(rows, null, 2);
  // A cost column when some run has a price (table prices; local models have none).
  const costs = rows.some((r) => r.costUsd !== null);
  const header = ["model", "run", "samples", ...(costs ? ["cost"] : []), ...scorers];
  const body = rows.map((r) => [
    r.model,
    r.run,
    String(r.samples),
    ...(costs ? [r.costUsd === null ? "" : formatUsd(r.costUsd)] : []),
    ...scorers.map((s) => {
      const c = r.scores[s];
      const value = c ? formatMetric(c.value) : "–";
      return value === "–" ? value : `${value} ${c?.ci ? formatMetric(c.ci) : ""}`.trim();
    }),
  ]);
  if (format === "table") return table(header, body);
  return htmlReport(runs);
}
