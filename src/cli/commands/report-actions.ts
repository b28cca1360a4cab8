/** What `assay report` does, and the report table `assay eval` prints; loaded when a command needs them. */
import { writeFileSync } from "node:fs";
import { formatMetric, table } from "../../cli-kit/output.js";
import { openStore } from "../../cli-kit/store.js";
import type { RunSummary } from "../../engine/summary.js";
import type { RunRow, RunStore } from "../../store/run-store.js";
// tasks/index.js rather than tasks/registry.js: the run's task must be registered to find its report.
import { getTaskDefinition } from "../../tasks/index.js";
import type { ReportFormat } from "../../tasks/registry.js";
import { UserError } from "../../util/errors.js";
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
    const text = renderReport(store, runs, format);
    if (flags.out) writeFileSync(flags.out, text.endsWith("\n") ? text : `${text}\n`);
    else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  } finally {
    store.close();
  }
}

export function renderReport(store: RunStore, runs: RunRow[], format: ReportFormat): string {
  const def = getTaskDefinition(runs[0]!.task);
  if (def.report)
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
    };
  });
  if (format === "json") return JSON.stringify(rows, null, 2);
  const header = ["model", "run", "samples", ...scorers];
  const body = rows.map((r) => [
    r.model,
    r.run,
    String(r.samples),
    ...scorers.map((s) => {
      const c = r.scores[s];
      return c ? `${formatMetric(c.value)} ${c.ci ? formatMetric(c.ci) : ""}`.trim() : "–";
    }),
  ]);
  if (format === "table") return table(header, body);
  const esc = (t: string) => t.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!doctype html><meta charset="utf-8"><title>Assay report</title><table border="1" cellpadding="4"><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${body.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</table>\n`;
}
