import { drawGrid, gridLayout } from "../../render/grid.js";
import { svgDocument } from "../../render/svg.js";
import type { LifeState } from "./logic.js";

/** Black = alive, white = dead, grey grid lines, 0-based row/column numbers. */
export function renderLife(s: LifeState): string {
  const n = s.grid.length;
  const g = gridLayout(n, n, 44, 36);
  const body = drawGrid(g, {
    fill: (r, c) => (s.grid[r]?.[c] === 1 ? "#000000" : "#ffffff"),
    lineColor: "#808080",
    labelBase: 0,
    labelSize: 13,
  });
  return svgDocument(g.width, g.height, body);
}
