import { drawGrid, gridLayout } from "../../render/grid.js";
import { svgDocument } from "../../render/svg.js";
import type { TicTacToeState } from "./logic.js";

const FILL = { O: "#e8322f", X: "#2f5fe8", " ": "#ffffff" } as const;

/** 3x3 board, O = red cell, X = blue cell, with 0-based row/column numbers (like the original's 300 px board). */
export function renderTicTacToe(s: TicTacToeState): string {
  const g = gridLayout(3, 3, 96, 34);
  const body = drawGrid(g, {
    fill: (r, c) => FILL[s.board[r]?.[c] ?? " "],
    lineWidth: 3,
    labelBase: 0,
    labelSize: 16,
  });
  return svgDocument(g.width, g.height, body);
}
