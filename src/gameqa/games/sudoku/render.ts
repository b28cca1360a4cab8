import { drawGrid, gridLayout } from "../../render/grid.js";
import { line, svgDocument } from "../../render/svg.js";
import { boxSize, type SudokuState } from "./logic.js";

/** 480 px board (as the original), filled cells painted their colour, 1-based labels, thick box borders. */
export function renderSudoku(s: SudokuState): string {
  const n = s.size;
  const cell = Math.floor(480 / n);
  const g = gridLayout(n, n, cell, 32);
  const out = [
    drawGrid(g, {
      fill: (r, c) => {
        const v = s.board[r]?.[c] ?? 0;
        return v === 0 ? "#ffffff" : (s.colors[v - 1] ?? "#cccccc");
      },
      lineColor: "#000000",
      lineWidth: 1,
      labelBase: 1,
      labelSize: 15,
    }),
  ];
  const b = boxSize(n);
  for (let k = 0; k <= n; k += b) {
    out.push(line(g.left, g.top + k * cell, g.left + n * cell, g.top + k * cell, "#000000", 4));
    out.push(line(g.left + k * cell, g.top, g.left + k * cell, g.top + n * cell, "#000000", 4));
  }
  return svgDocument(g.width, g.height, out.join(""));
}
