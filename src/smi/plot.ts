/**
 * The fit figure, drawn as hand-written SVG (bin mean accuracy against the metric, the fitted line,
 * R² and MSE), like the paper's figures; `writePlot` rasterises to PNG with resvg when asked.
 */
import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { UserError } from "../util/errors.js";
import { type FitResult, METHOD_LABEL } from "./fit.js";

// Matplotlib's viridis at ten evenly spaced stops, interpolated linearly between them.
const VIRIDIS = [
  [0x44, 0x01, 0x54],
  [0x48, 0x28, 0x78],
  [0x3e, 0x49, 0x89],
  [0x31, 0x68, 0x8e],
  [0x26, 0x82, 0x8e],
  [0x1f, 0x9e, 0x89],
  [0x35, 0xb7, 0x79],
  [0x6e, 0xce, 0x58],
  [0xb5, 0xde, 0x2b],
  [0xfd, 0xe7, 0x25],
] as const;

function viridis(t: number): string {
  const u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  const c = [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const fmt = (v: number, digits: number): string => Number(v.toFixed(digits)).toString();

export function renderFitSvg(fit: FitResult, title: string): string {
  const size = 640;
  const left = 90;
  const top = 50;
  const plot = 500;
  const px = (x: number): number => left + x * plot;
  const py = (y: number): number => top + (1 - y) * plot;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="DejaVu Serif, Times New Roman, serif">`,
  );
  parts.push(`<rect width="${size}" height="${size}" fill="white"/>`);
  parts.push(`<text x="${px(0.5)}" y="30" font-size="20" text-anchor="middle">${escapeXml(title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const v = k / 5;
    parts.push(
      `<line x1="${px(v)}" y1="${py(0)}" x2="${px(v)}" y2="${py(1)}" stroke="gray" stroke-opacity="0.5" stroke-dasharray="5,4"/>`,
      `<line x1="${px(0)}" y1="${py(v)}" x2="${px(1)}" y2="${py(v)}" stroke="gray" stroke-opacity="0.5" stroke-dasharray="5,4"/>`,
      `<text x="${px(v)}" y="${py(0) + 26}" font-size="18" text-anchor="middle">${fmt(v, 1)}</text>`,
      `<text x="${px(0) - 10}" y="${py(v) + 6}" font-size="18" text-anchor="end">${fmt(v, 1)}</text>`,
    );
  }
  parts.push(`<rect x="${px(0)}" y="${py(1)}" width="${plot}" height="${plot}" fill="none" stroke="black"/>`);
  // Clip the line and points to the unit square, as the original sets xlim/ylim to [0, 1].
  parts.push(
    `<clipPath id="area"><rect x="${px(0)}" y="${py(1)}" width="${plot}" height="${plot}"/></clipPath>`,
  );
  parts.push(
    `<clipPath id="points"><rect x="${px(0) - 8}" y="${py(1) - 8}" width="${plot + 16}" height="${plot + 16}"/></clipPath>`,
  );
  parts.push(`<g clip-path="url(#points)">`);
  for (const b of fit.bins) {
    parts.push(
      `<circle cx="${px(b.x).toFixed(2)}" cy="${py(b.meanAcc).toFixed(2)}" r="6" fill="${viridis(b.meanAcc)}" stroke="black" stroke-width="0.8"/>`,
    );
  }
  parts.push(`</g>`, `<g clip-path="url(#area)">`);
  parts.push(
    `<line x1="${px(0)}" y1="${py(fit.intercept).toFixed(2)}" x2="${px(1)}" y2="${py(fit.slope + fit.intercept).toFixed(2)}" stroke="rgb(229,141,187)" stroke-width="5"/>`,
  );
  parts.push(`</g>`);
  // Legend (upper left) and the statistics, where the original puts them.
  parts.push(
    `<circle cx="${px(0.05)}" cy="${py(0.95)}" r="6" fill="${viridis(0.5)}" stroke="black" stroke-width="0.8"/>`,
    `<text x="${px(0.09)}" y="${py(0.95) + 6}" font-size="18">Average ACC (bin)</text>`,
    `<line x1="${px(0.02)}" y1="${py(0.89)}" x2="${px(0.08)}" y2="${py(0.89)}" stroke="rgb(229,141,187)" stroke-width="5"/>`,
    `<text x="${px(0.09)}" y="${py(0.89) + 6}" font-size="18">Predicted</text>`,
    `<text x="${px(0.4)}" y="${py(0.5)}" font-size="20" text-anchor="end">R² = ${fmt(fit.r2, 3)}</text>`,
    `<text x="${px(0.4)}" y="${py(0.5) + 26}" font-size="20" text-anchor="end">MSE = ${fmt(fit.mse, 3)}</text>`,
    `<text x="${px(0.4)}" y="${py(0.5) + 52}" font-size="16" text-anchor="end">y = ${fmt(fit.slope, 3)}x ${fit.intercept < 0 ? "−" : "+"} ${fmt(Math.abs(fit.intercept), 3)}</text>`,
  );
  parts.push(
    `<text x="${px(0.5)}" y="${size - 20}" font-size="22" text-anchor="middle">${METHOD_LABEL[fit.method]}</text>`,
  );
  parts.push(
    `<text x="24" y="${py(0.5)}" font-size="22" text-anchor="middle" transform="rotate(-90 24 ${py(0.5)})">Accuracy</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { fitTo: { mode: "width", value: 1280 }, background: "white" });
  return resvg.render().asPng();
}

/** Writes SVG or PNG according to the file extension. */
export function writePlot(path: string, fit: FitResult, title: string): void {
  const ext = extname(path).toLowerCase();
  if (ext !== ".svg" && ext !== ".png")
    throw new UserError(`--plot ${path}: the file name must end in .svg or .png`);
  const svg = renderFitSvg(fit, title);
  writeFileSync(path, ext === ".svg" ? svg : svgToPng(svg));
}
