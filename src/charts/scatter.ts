/**
 * A scatter plot of paired values (a judge's score against the human mean, a prediction against an
 * outcome), with the y = x line. Identical points are drawn once, with an area that grows with their
 * count, so ratings on a small scale stay readable without jitter.
 */
import { escapeXml, svgOpen } from "./svg.js";

export interface ScatterPoint {
  x: number;
  y: number;
}

export interface ScatterOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  /** Axis range for both axes; default: the data's range. */
  min?: number;
  max?: number;
  /** Draw y = x (default true). */
  diagonal?: boolean;
  size?: number;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

export function scatterChart(points: readonly ScatterPoint[], opts: ScatterOptions): string {
  const size = opts.size ?? 420;
  const pad = { left: 56, right: 16, top: opts.title ? 34 : 12, bottom: 44 };
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const values = finite.flatMap((p) => [p.x, p.y]);
  const min = opts.min ?? Math.min(0, ...values);
  const max = opts.max ?? Math.max(1, ...values);
  const span = max - min || 1;
  const plot = size - pad.left - pad.right;
  const width = size;
  const height = pad.top + plot + pad.bottom;
  const sx = (v: number) => pad.left + ((v - min) / span) * plot;
  const sy = (v: number) => pad.top + plot - ((v - min) / span) * plot;
  const parts = svgOpen(width, height, opts.title);
  for (let i = 0; i <= 4; i++) {
    const v = min + (span * i) / 4;
    parts.push(
      `<line x1="${sx(v).toFixed(1)}" y1="${pad.top}" x2="${sx(v).toFixed(1)}" y2="${pad.top + plot}" stroke="#eee"/>`,
      `<line x1="${pad.left}" y1="${sy(v).toFixed(1)}" x2="${pad.left + plot}" y2="${sy(v).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${sx(v).toFixed(1)}" y="${pad.top + plot + 16}" text-anchor="middle" fill="#666">${fmt(v)}</text>`,
      `<text x="${pad.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" fill="#666">${fmt(v)}</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${plot}" height="${plot}" fill="none" stroke="#999"/>`,
    `<text x="${pad.left + plot / 2}" y="${height - 8}" text-anchor="middle" fill="#222">${escapeXml(opts.xLabel)}</text>`,
    `<text x="14" y="${pad.top + plot / 2}" text-anchor="middle" fill="#222" transform="rotate(-90 14 ${pad.top + plot / 2})">${escapeXml(opts.yLabel)}</text>`,
  );
  if (opts.diagonal ?? true)
    parts.push(
      `<line x1="${sx(min)}" y1="${sy(min)}" x2="${sx(max)}" y2="${sy(max)}" stroke="#c33" stroke-dasharray="4 3"/>`,
    );
  const counts = new Map<string, { x: number; y: number; n: number }>();
  for (const p of finite) {
    const key = `${p.x}|${p.y}`;
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { x: p.x, y: p.y, n: 1 });
  }
  for (const c of counts.values()) {
    const r = (3 + 2.5 * Math.sqrt(c.n - 1)).toFixed(1);
    parts.push(
      `<circle cx="${sx(c.x).toFixed(1)}" cy="${sy(c.y).toFixed(1)}" r="${r}" fill="#2f6fb0" fill-opacity="0.55" stroke="#1d4e80"><title>${fmt(c.x)}, ${fmt(c.y)}: ${c.n}</title></circle>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
