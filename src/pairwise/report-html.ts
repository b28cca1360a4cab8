/**
 * A pairwise run as one self-contained page: the Bradley–Terry ranking with its CIs as a chart (and the
 * style-controlled one when computed), the win-rate matrix as a heatmap, and the full text report.
 */

import { heatmapChart } from "../charts/heatmap.js";
import { intervalChart } from "../charts/interval.js";
import { htmlPage } from "../charts/page.js";
import { escapeXml as esc } from "../charts/svg.js";
import { formatPairwiseReport, type PairwiseReport, type Rating } from "./report.js";

function ratingChart(ratings: readonly Rating[], title: string): string {
  const rows = ratings.map((r) => ({
    label: r.run,
    value: r.elo,
    ...(Number.isFinite(r.eloLo) && Number.isFinite(r.eloHi) ? { lo: r.eloLo, hi: r.eloHi } : {}),
  }));
  const values = rows.flatMap((r) => [r.value, r.lo ?? r.value, r.hi ?? r.value]);
  const pad = 25;
  return intervalChart(rows, {
    title,
    mark: "dot",
    min: Math.floor((Math.min(...values) - pad) / 50) * 50,
    max: Math.ceil((Math.max(...values) + pad) / 50) * 50,
  });
}

export function pairwiseHtml(reports: readonly PairwiseReport[]): string {
  const sections: string[] = [];
  for (const r of reports) {
    sections.push(`<h1>Pairwise ranking · ${esc(r.runId)}</h1>`);
    sections.push(
      ratingChart(r.ratings, "Bradley–Terry rating (Elo scale) with 95% bootstrap CI over samples"),
    );
    if (r.styleControlled)
      sections.push(
        ratingChart(r.styleControlled.ratings, "Style-controlled rating (length and markdown held equal)"),
      );
    sections.push(
      heatmapChart(r.runs, r.winMatrix, {
        title: "Win rate: P(row beats column) under the fitted model",
        rowTitle: "run",
        colTitle: "against",
        probabilities: true,
      }),
    );
    sections.push(`<pre>${esc(formatPairwiseReport(r))}</pre>`);
  }
  return htmlPage("Assay pairwise ranking", sections);
}
