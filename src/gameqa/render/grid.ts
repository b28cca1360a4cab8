import { svgText } from "./font.js";
import { line, rect } from "./svg.js";

/** Geometry of a square-cell board drawn with render/grid.ts. */
export interface GridLayout {
  rows: number;
  cols: number;
  cell: number;
  /** Left/top offset of the board (room for the labels). */
  left: number;
  top: number;
  width: number;
  height: number;
}

export function gridLayout(rows: number, cols: number, cell: number, margin: number, extra = 0): GridLayout {
  return {
    rows,
    cols,
    cell,
    left: margin,
    top: margin,
    width: cols * cell + 2 * margin + extra,
    height: rows * cell + 2 * margin + extra,
  };
}

/** Centre of cell (r, c) in pixels. */
export function cellCentre(g: GridLayout, r: number, c: number): [number, number] {
  return [g.left + (c + 0.5) * g.cell, g.top + (r + 0.5) * g.cell];
}

export interface GridStyle {
  fill: (r: number, c: number) => string;
  lineColor?: string;
  lineWidth?: number;
  /** First label number for rows/columns (0 or 1); omit for no labels. */
  labelBase?: number;
  labelSize?: number;
}

/** Cells, grid lines and optional row numbers on the left / column numbers on top. */
export function drawGrid(g: GridLayout, style: GridStyle): string {
  const out: string[] = [];
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++)
      out.push(rect(g.left + c * g.cell, g.top + r * g.cell, g.cell, g.cell, style.fill(r, c)));
  }
  const lc = style.lineColor ?? "#000000";
  const lw = style.lineWidth ?? 1;
  for (let r = 0; r <= g.rows; r++)
    out.push(line(g.left, g.top + r * g.cell, g.left + g.cols * g.cell, g.top + r * g.cell, lc, lw));
  for (let c = 0; c <= g.cols; c++)
    out.push(line(g.left + c * g.cell, g.top, g.left + c * g.cell, g.top + g.rows * g.cell, lc, lw));
  if (style.labelBase !== undefined) {
    const size = style.labelSize ?? Math.min(16, Math.max(8, g.cell * 0.4));
    const base = style.labelBase;
    for (let r = 0; r < g.rows; r++) {
      out.push(
        svgText(String(r + base), g.left - size * 0.6, g.top + (r + 0.5) * g.cell, { size, anchor: "end" }),
      );
    }
    // Column numbers sit side by side: keep multi-digit ones within 65 % of a cell so they stay apart.
    const digits = String(g.cols - 1 + base).length;
    const colSize = Math.min(size, (0.65 * g.cell * 6) / (digits * 6 - 2));
    for (let c = 0; c < g.cols; c++) {
      out.push(svgText(String(c + base), g.left + (c + 0.5) * g.cell, g.top - size, { size: colSize }));
    }
  }
  return out.join("");
}
