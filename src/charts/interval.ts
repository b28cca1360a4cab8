/**
 * Horizontal bars or dots with confidence-interval whiskers, one row per label (metrics with CIs, per-group
 * breakdowns, per-category rates). Labels come from run data, so every text is XML-escaped.
 */
import { escapeXml, svgOpen } from "./svg.js";

export interface IntervalRow {
  label: string;
  value: number;
  lo?: number;
  hi?: number;
  /** Shown after the value, e.g. "n=120". */
  note?: string;
}

export interface IntervalChartOptions {
  title?: string;
  /** "bar" draws a bar from 0; "dot" a point (for metrics on different scales). */
  mark?: "bar" | "dot";
  /** Axis range; default [0, max(1, largest hi or value)]. */
  min?: number;
  max?: number;
  width?: number;
}

export { escapeXml } from "./svg.js";

const ROW = 26;
const VALUE_W = 210;
const TOP = 28;
const AXIS = 22;
const MAX_LABEL = 40;

const finite = (v: number | undefined): v is number => typeof v === "number" && Number.isFinite(v);
const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));
/** An axis tick: 3 decimals on a 0–1 scale, at most one (none when whole) on wider ones (0, 25, 50, 75, 100). */
const tick = (v: number, range: number) => (range >= 4 ? String(Number(v.toFixed(1))) : fmt(v));

/** Rows with whiskers from lo to hi; NaN values are listed with "–" and no mark. */
export function intervalChart(rows: IntervalRow[], opts: IntervalChartOptions = {}): string {
  const width = opts.width ?? 760;
  const shown = rows.map((r) =>
    r.label.length > MAX_LABEL ? `${r.label.slice(0, MAX_LABEL - 1)}…` : r.label,
  );
  // About 6.8 px per character at 12 px sans-serif; at least 90 px, at most 300.
  const labelW = Math.min(
    300,
    Math.max(90, Math.ceil(Math.max(0, ...shown.map((l) => l.length)) * 6.8) + 16),
  );
  const plotW = width - labelW - VALUE_W - 10;
  const highest = Math.max(1, ...rows.flatMap((r) => [r.value, r.hi ?? r.value].filter(finite)));
  const min = opts.min ?? Math.min(0, ...rows.flatMap((r) => [r.value, r.lo ?? r.value].filter(finite)));
  const max = opts.max ?? highest;
  const x = (v: number) => labelW + ((Math.min(max, Math.max(min, v)) - min) / (max - min || 1)) * plotW;
  const height = TOP + rows.length * ROW + AXIS;
  const parts = svgOpen(width, height, opts.title);
  // Grid lines at quarters of the range.
  for (let i = 0; i <= 4; i++) {
    const v = min + ((max - min) * i) / 4;
    const gx = x(v).toFixed(1);
    parts.push(
      `<line x1="${gx}" y1="${TOP - 4}" x2="${gx}" y2="${TOP + rows.length * ROW}" stroke="#e3e3e3"/>`,
      `<text x="${gx}" y="${height - 6}" text-anchor="middle" fill="#666">${tick(v, max - min)}</text>`,
    );
  }
  rows.forEach((r, i) => {
    const cy = TOP + i * ROW + ROW / 2;
    const label = shown[i]!;
    parts.push(
      `<text x="${labelW - 8}" y="${cy + 4}" text-anchor="end" fill="#222">${escapeXml(label)}</text>`,
    );
    if (finite(r.value)) {
      if ((opts.mark ?? "bar") === "bar") {
        const x0 = x(Math.max(min, 0));
        const x1 = x(r.value);
        parts.push(
          `<rect x="${Math.min(x0, x1).toFixed(1)}" y="${cy - 8}" width="${Math.abs(x1 - x0).toFixed(1)}" height="16" fill="#7aa6d8"/>`,
        );
      } else parts.push(`<circle cx="${x(r.value).toFixed(1)}" cy="${cy}" r="5" fill="#2f6db3"/>`);
      if (finite(r.lo) && finite(r.hi)) {
        const lo = x(r.lo).toFixed(1);
        const hi = x(r.hi).toFixed(1);
        parts.push(
          `<line x1="${lo}" y1="${cy}" x2="${hi}" y2="${cy}" stroke="#1b3d66" stroke-width="1.5"/>`,
          `<line x1="${lo}" y1="${cy - 6}" x2="${lo}" y2="${cy + 6}" stroke="#1b3d66" stroke-width="1.5"/>`,
          `<line x1="${hi}" y1="${cy - 6}" x2="${hi}" y2="${cy + 6}" stroke="#1b3d66" stroke-width="1.5"/>`,
        );
      }
    }
    const ci = finite(r.lo) && finite(r.hi) ? ` [${fmt(r.lo)}, ${fmt(r.hi)}]` : "";
    const text = `${finite(r.value) ? fmt(r.value) : "–"}${ci}${r.note ? ` ${r.note}` : ""}`;
    parts.push(`<text x="${width - VALUE_W}" y="${cy + 4}" fill="#222">${escapeXml(text)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("");
}
