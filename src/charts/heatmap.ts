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
  /**
   * Cells are probabilities in [0, 1] (e.g. P(row beats column)), shaded by value and printed as
   * percentages, with no row totals and the diagonal left blank; default: counts.
   */
  probabilities?: boolean;
}

const short = (label: string, max: number) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);

const CELL = 44;

export function heatmapChart(
  labels: readonly (string | number)[],
  counts: readonly (readonly number[])[],
  opts: HeatmapOptions,
): string {
  const k = labels.length;
  const names = labels.map((l) => String(l));
  const left = Math.min(220, Math.max(110, 12 + 7 * Math.max(...names.map((l) => short(l, 30).length))));
  // Column labels that fit a cell stand upright; longer ones are set at 45° so they read in full
  // (up to 30 characters) instead of being cut to a cell's width.
  const colNames = names.map((l) => short(l, 30));
  const slanted = colNames.some((l) => l.length > 6);
  const labelRise = slanted ? Math.ceil(0.71 * 6.5 * Math.max(...colNames.map((l) => l.length))) : 0;
  const top = (opts.title ? 28 : 8) + 34 + labelRise;
  const width = left + k * CELL + Math.max(70, labelRise + 10);
  const height = top + k * CELL + 12;
  const parts = svgOpen(width, height, opts.title);
  parts.push(
    `<text x="${left + (k * CELL) / 2}" y="${top - 22 - labelRise}" text-anchor="middle" fill="#444">${escapeXml(opts.colTitle)} →</text>`,
    `<text x="8" y="${top - 6}" fill="#444">${escapeXml(opts.rowTitle)} ↓</text>`,
  );
  colNames.forEach((label, j) => {
    const x = left + j * CELL + CELL / 2;
    const place = slanted
      ? `x="${x - 4}" y="${top - 6}" transform="rotate(-45 ${x - 4} ${top - 6})"`
      : `x="${x}" y="${top - 6}" text-anchor="middle"`;
    parts.push(`<text ${place} fill="#222">${escapeXml(label)}<title>${escapeXml(names[j]!)}</title></text>`);
  });
  counts.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    const y = top + i * CELL;
    parts.push(
      `<text x="${left - 8}" y="${y + CELL / 2 + 4}" text-anchor="end" fill="#222">${escapeXml(colNames[i]!)}</text>`,
    );
    if (!opts.probabilities)
      parts.push(`<text x="${left + k * CELL + 8}" y="${y + CELL / 2 + 4}" fill="#666">n=${total}</text>`);
    row.forEach((count, j) => {
      const x = left + j * CELL;
      if (opts.probabilities && i === j) {
        parts.push(
          `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="#f0f0f0" stroke="#d0d7de"/>`,
        );
        return;
      }
      const share = opts.probabilities ? count : total > 0 ? count / total : 0;
      const label = opts.probabilities ? `${Math.round(100 * count)}%` : String(count);
      parts.push(
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${blueRamp(share)}" stroke="${i === j ? "#222" : "#d0d7de"}" stroke-width="${i === j ? 2 : 1}"/>`,
        `<text x="${x + CELL / 2}" y="${y + CELL / 2 + 4}" text-anchor="middle" fill="${share > 0.55 ? "#fff" : "#222"}">${label}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("");
}
