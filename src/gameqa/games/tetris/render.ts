import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import type { TetrisState } from "./state.js";

const CELL = 30;
const PAD = 35;
const FILL: Record<number, string> = { 0: "#ffffff", 1: "#808080", 2: "#e02020" };

/** Board with row numbers on the left and column numbers on top, at the original's 30 px cells. */
export function renderTetris(state: TetrisState): string {
  const width = state.cols * CELL + 2 * PAD;
  const height = state.rows * CELL + 2 * PAD;
  const parts: string[] = [];
  state.grid.forEach((row, r) => {
    row.forEach((v, c) => {
      parts.push(rect(PAD + c * CELL, PAD + r * CELL, CELL, CELL, FILL[v] ?? "#ffffff", "#000000", 1));
    });
  });
  for (let r = 0; r < state.rows; r++) {
    parts.push(
      svgText(String(r), PAD - 6, PAD + r * CELL + CELL / 2, { size: 12, anchor: "end", weight: 1.7 }),
    );
  }
  for (let c = 0; c < state.cols; c++) {
    parts.push(svgText(String(c), PAD + c * CELL + CELL / 2, PAD - 12, { size: 12, weight: 1.7 }));
  }
  return svgDocument(width, height, parts.join(""));
}
