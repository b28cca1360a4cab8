/**
 * A line chart of one or more series over a shared x axis (training curves: loss, balance loss, expert
 * load, domain weights over steps). Optional log-scaled y for losses and perplexities that span decades.
 */
import { escapeXml, svgOpen } from "./svg.js";

export interface LineSeries {
  label: string;
  points: readonly { x: number; y: number }[];
  /** Default: a colour from the palette by position. */
  color?: string;
  dashed?: boolean;
  /** Mark each point with a dot (sparse series such as evaluations). */
  dots?: boolean;
}

export interface LineOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  /** Log10 y axis (every y must be > 0; others are left out). */
  logY?: boolean;
  yMin?: number;
  yMax?: number;
  /** Horizontal reference lines (e.g. the dense model's loss). */
  refs?: readonly { y: number; label: string }[];
  width?: number;
  height?: number;
}

export const PALETTE = ["#2f6fb0", "#d1603d", "#3f9a4a", "#8e5bb5", "#c4a000", "#2aa1a8", "#b0417f", "#666"];

function num(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e6 || a < 0.01) return v.toExponential(1);
  return a >= 10 ? v.toFixed(0) : v.toFixed(a >= 1 ? 1 : 2);
}

/** Tick values: evenly spaced (linear) or powers of ten and their 2×/5× (log). */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
      for (const m of [1, 2, 5]) {
        const v = Math.log10(m) + e;
        if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v);
      }
    return out.length >= 2 ? out : [lo, hi];
  }
  // Round steps (1, 2 or 5 × a power of ten) giving at most six ticks inside [lo, hi].
  const raw = (hi - lo) / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(v);
  return out;
}

export function lineChart(series: readonly LineSeries[], opts: LineOptions): string {
  const width = opts.width ?? 560;
  const height = opts.height ?? 300;
  const legendRows = Math.ceil(series.length / 3);
  const pad = { left: 60, right: 16, top: opts.title ? 34 : 12, bottom: 44 + 16 * legendRows };
  const ty = (y: number) => (opts.logY ? Math.log10(y) : y);
  const usable = series.map((s) => ({
    ...s,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!opts.logY || p.y > 0)),
  }));
  const xs = usable.flatMap((s) => s.points.map((p) => p.x));
  const ys = [
    ...usable.flatMap((s) => s.points.map((p) => ty(p.y))),
    ...(opts.refs ?? []).filter((r) => !opts.logY || r.y > 0).map((r) => ty(r.y)),
  ];
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = opts.yMin !== undefined ? ty(opts.yMin) : ys.length ? Math.min(...ys) : 0;
  let yMax = opts.yMax !== undefined ? ty(opts.yMax) : ys.length ? Math.max(...ys) : 1;
  if (yMax - yMin < 1e-12) {
    yMin -= 0.5;
    yMax += 0.5;
  }
  const pw = width - pad.left - pad.right;
  const ph = height - pad.top - pad.bottom;
  const sx = (x: number) => pad.left + ((x - xMin) / (xMax - xMin || 1)) * pw;
  const sy = (v: number) => pad.top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const parts = svgOpen(width, height, opts.title);
  for (const v of ticks(yMin, yMax, opts.logY ?? false)) {
    const y = sy(v).toFixed(1);
    parts.push(
      `<line x1="${pad.left}" y1="${y}" x2="${pad.left + pw}" y2="${y}" stroke="#eee"/>`,
      `<text x="${pad.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" fill="#666">${num(opts.logY ? 10 ** v : v)}</text>`,
    );
  }
  for (const v of ticks(xMin, xMax, false)) {
    const x = sx(v).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${pad.top}" x2="${x}" y2="${pad.top + ph}" stroke="#eee"/>`,
      `<text x="${x}" y="${pad.top + ph + 16}" text-anchor="middle" fill="#666">${num(v)}</text>`,
    );
  }
  parts.push(
    `<rect x="${pad.left}" y="${pad.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
    `<text x="${pad.left + pw / 2}" y="${pad.top + ph + 34}" text-anchor="middle" fill="#222">${escapeXml(opts.xLabel)}</text>`,
    `<text x="14" y="${pad.top + ph / 2}" text-anchor="middle" fill="#222" transform="rotate(-90 14 ${pad.top + ph / 2})">${escapeXml(opts.yLabel)}</text>`,
  );
  for (const r of opts.refs ?? []) {
    if (opts.logY && r.y <= 0) continue;
    const y = sy(ty(r.y)).toFixed(1);
    parts.push(
      `<line x1="${pad.left}" y1="${y}" x2="${pad.left + pw}" y2="${y}" stroke="#999" stroke-dasharray="2 3"/>`,
    );
  }
  usable.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const path = s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(ty(p.y)).toFixed(1)}`).join(" ");
    if (s.points.length > 1)
      parts.push(
        `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
      );
    if (s.dots || s.points.length === 1)
      for (const p of s.points)
        parts.push(
          `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(ty(p.y)).toFixed(1)}" r="2.6" fill="${color}"><title>${escapeXml(s.label)}: ${num(p.x)}, ${num(p.y)}</title></circle>`,
        );
    const lx = pad.left + (i % 3) * (pw / 3);
    const ly = height - 8 - 16 * (legendRows - 1 - Math.floor(i / 3));
    parts.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
      `<text x="${lx + 22}" y="${ly}" fill="#222">${escapeXml(s.label)}</text>`,
    );
  });
  // Reference labels last, on a white halo, so that no series line runs through them.
  for (const r of opts.refs ?? []) {
    if (opts.logY && r.y <= 0) continue;
    const y = sy(ty(r.y));
    parts.push(
      `<text x="${pad.left + pw - 4}" y="${(y - 4).toFixed(1)}" text-anchor="end" fill="#666" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(r.label)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
