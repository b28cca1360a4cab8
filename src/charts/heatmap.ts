/**
 * A confusion heatmap: rows are one rater's categories, columns another's, each cell its count with a
 * shade by share of the row (so a row's pattern reads the same whatever its size). The diagonal, where
 * the two agree, is outlined.
 */
import { blueRamp, escapeXml, svgOpen } from "./svg.js";

export interface HeatmapOptions {
  title?: string;
  /** What the rows and the columns are, e.g. "judge" and "human consensus". */
  rowTitle: string;
  colTitle: string;
}

const CELL = 44;

export function heatmapChart(
  labels: readonly (string | number)[],
  counts: readonly (readonly number[])[],
  opts: HeatmapOptions,
): string {
  const k = labels.length;
  const left = 110;
  const top = (opts.title ? 28 : 8) + 34;
  const width = left + k * CELL + 70;
  const height = top + k * CELL + 12;
  const parts = svgOpen(width, height, opts.title);
  parts.push(
    `<text x="${left + (k * CELL) / 2}" y="${top - 22}" text-anchor="middle" fill="#444">${escapeXml(opts.colTitle)} →</text>`,
    `<text x="8" y="${top - 6}" fill="#444">${escapeXml(opts.rowTitle)} ↓</text>`,
  );
  labels.forEach((label, j) => {
    parts.push(
      `<text x="${left + j * CELL + CELL / 2}" y="${top - 6}" text-anchor="middle" fill="#222">${escapeXml(String(label))}</text>`,
    );
  });
  counts.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + i * CELL;
    parts.push(
      `<text x="${left - 8}" y="${y + CELL / 2 + 4}" text-anchor="end" fill="#222">${escapeXml(String(labels[i]))}</text>`,
      `<text x="${left + k * CELL + 8}" y="${y + CELL / 2 + 4}" fill="#666">n=${total}</text>`,
    );
    row.forEach((count, j) => {
      const share = total > 0 ? count / total : 0;
      const x = left + j * CELL;
      parts.push(
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${blueRamp(share)}" stroke="${i === j ? "#222" : "#d0d7de"}" stroke-width="${i === j ? 2 : 1}"/>`,
        `<text x="${x + CELL / 2}" y="${y + CELL / 2 + 4}" text-anchor="middle" fill="${share > 0.55 ? "#fff" : "#222"}">${count}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("");
}
