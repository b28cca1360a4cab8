/**
 * `assay agreement --html FILE`: the agreement report as one self-contained page, with what is easier
 * seen than read: a confusion heatmap of the judge against the human consensus (on the scale and in the
 * binary usable view) and a scatter of each item's judge score against its human mean.
 */

import { type ComparisonReport, renderReport } from "../agreement/index.js";
import { heatmapChart } from "../charts/heatmap.js";
import { htmlPage } from "../charts/page.js";
import { type ScatterPoint, scatterChart } from "../charts/scatter.js";
import { escapeXml as esc } from "../charts/svg.js";

import type { RunAgreement } from "./agreement-run.js";

/** The judge against the human mean (else majority) consensus: the comparison worth a picture. */
function judgeVsConsensus(comparisons: readonly ComparisonReport[]): ComparisonReport | undefined {
  return (
    comparisons.find((c) => c.kind === "judge-mean") ?? comparisons.find((c) => c.kind === "judge-majority")
  );
}

function heatmap(c: ComparisonReport | undefined, view: string): string {
  if (!c || c.n === 0)
    return `<p class="muted">No item has both a judge score and human ratings (${esc(view)}).</p>`;
  return heatmapChart(c.confusion.labels, c.confusion.counts, {
    title: `${view}: ${c.a} against ${c.b} (n=${c.n})`,
    rowTitle: c.a,
    colTitle: c.b,
  });
}

/** Per item: the judge's value on the scale against the mean of the human scores. */
export function judgeHumanPoints(a: RunAgreement): ScatterPoint[] {
  const byItem = new Map<string, number[]>();
  for (const r of a.ratings) {
    if (r.score === null) continue;
    const list = byItem.get(r.itemId);
    if (list) list.push(r.score);
    else byItem.set(r.itemId, [r.score]);
  }
  const points: ScatterPoint[] = [];
  for (const [itemId, scores] of byItem) {
    const judge = a.judgeOnScale.get(itemId);
    if (judge === undefined) continue;
    points.push({ x: scores.reduce((s, v) => s + v, 0) / scores.length, y: judge });
  }
  return points;
}

export function agreementHtml(a: RunAgreement, header: string): string {
  const { report } = a;
  const scale = report.options.scale;
  const points = judgeHumanPoints(a);
  return htmlPage(`Assay agreement · ${a.humanRun}`, [
    `<h1>Judge–human agreement · run ${esc(a.humanRun)}</h1>`,
    `<pre>${esc(header)}</pre>`,
    "<h2>Confusion: judge against the human consensus</h2>",
    heatmap(judgeVsConsensus(report.overall.views.scale.comparisons), "scale"),
    heatmap(
      judgeVsConsensus(report.overall.views.binary.comparisons),
      `usable view (≥ ${report.options.threshold})`,
    ),
    "<h2>Each item: judge score against the human mean</h2>",
    points.length
      ? scatterChart(points, {
          title: `${points.length} items; the dashed line is agreement`,
          xLabel: "human mean",
          yLabel: "judge (on the scale)",
          min: Math.min(...scale),
          max: Math.max(...scale),
        })
      : `<p class="muted">No item has both.</p>`,
    "<h2>The full report</h2>",
    `<pre>${esc(renderReport(report))}</pre>`,
  ]);
}
