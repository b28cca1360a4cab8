import { svgText } from "../../render/font.js";
import { line, rect, svgDocument } from "../../render/svg.js";
import type { MinesweeperState } from "./state.js";

/* The original's fixed 480 x 640 canvas: a title band on top, the board near the bottom. */
const W = 480;
const H = 640;
const TITLE_H = H - W;
const NUMBER_COLOR: Record<number, string> = {
  1: "#0000ff",
  2: "#008000",
  3: "#ff0000",
  4: "#800080",
  5: "#800000",
  6: "#40e0d0",
  7: "#000000",
  8: "#808080",
};

export function renderMinesweeper(s: MinesweeperState): string {
  const cell = Math.floor(Math.min((W - 80) / s.cols, (H - TITLE_H - 40) / s.rows));
  const ox = 40;
  const oy = H - s.rows * cell - 40;
  const parts: string[] = [svgText("MINESWEEPER BOARD", W / 2, TITLE_H / 2, { size: 26, weight: 3.2 })];
  const label = Math.max(11, Math.round(cell * 0.22));
  for (let r = 0; r < s.rows; r++) {
    const y = oy + r * cell + cell / 2;
    parts.push(
      svgText(String(r), ox - 9, y, { size: label, weight: 1.8, anchor: "end" }),
      line(ox - 5, y, ox, y, "#000"),
    );
  }
  for (let c = 0; c < s.cols; c++) {
    const x = ox + c * cell + cell / 2;
    parts.push(
      svgText(String(c), x, oy - 9 - label / 2, { size: label, weight: 1.8 }),
      line(x, oy - 5, x, oy, "#000"),
    );
  }
  const glyph = Math.round(cell * 0.32);
  for (let r = 0; r < s.rows; r++) {
    for (let c = 0; c < s.cols; c++) {
      const x = ox + c * cell;
      const y = oy + r * cell;
      const open = s.revealed[r]?.[c] === true;
      parts.push(rect(x, y, cell, cell, open ? "#ffffff" : "#c0c0c0", "#000000", 1));
      const v = s.mine_board[r]?.[c];
      if (open && typeof v === "number" && v > 0) {
        parts.push(
          svgText(String(v), x + cell / 2, y + cell / 2, {
            size: glyph,
            color: NUMBER_COLOR[v] ?? "#000",
            weight: glyph / 5,
          }),
        );
      } else if (!open && s.flagged[r]?.[c]) {
        parts.push(
          svgText("F", x + cell / 2, y + cell / 2, { size: glyph, color: "#ff0000", weight: glyph / 5 }),
        );
      }
    }
  }
  return svgDocument(W, H, parts.join(""));
}
