import { cellCentre, drawGrid, gridLayout } from "../../render/grid.js";
import { polygon, svgDocument } from "../../render/svg.js";
import type { LangtonState } from "./logic.js";

/** Grid of white/black cells with 0-based labels and the ant as a red triangle pointing its way (≈550 px, as the original). */
export function renderLangton(s: LangtonState): string {
  const n = s.grid.length;
  const cell = Math.min(50, Math.floor(466 / n));
  const margin = Math.floor((550 - cell * n) / 2);
  const g = gridLayout(n, n, cell, margin);
  const body = [
    drawGrid(g, {
      fill: (r, c) => (s.grid[r]?.[c] === 1 ? "#000000" : "#ffffff"),
      lineColor: "#808080",
      labelBase: 0,
      labelSize: Math.min(15, cell * 0.4),
    }),
  ];
  const [cx, cy] = cellCentre(g, s.ant.x, s.ant.y);
  const a = cell * 0.4;
  const tip: Record<string, [number, number][]> = {
    up: [
      [cx, cy - a],
      [cx - a * 0.7, cy + a * 0.6],
      [cx + a * 0.7, cy + a * 0.6],
    ],
    down: [
      [cx, cy + a],
      [cx - a * 0.7, cy - a * 0.6],
      [cx + a * 0.7, cy - a * 0.6],
    ],
    left: [
      [cx - a, cy],
      [cx + a * 0.6, cy - a * 0.7],
      [cx + a * 0.6, cy + a * 0.7],
    ],
    right: [
      [cx + a, cy],
      [cx - a * 0.6, cy - a * 0.7],
      [cx - a * 0.6, cy + a * 0.7],
    ],
  };
  body.push(polygon(tip[s.ant.direction] ?? [], "#ff0000", "#ffffff", 1.5));
  return svgDocument(g.width, g.height, body.join(""));
}
