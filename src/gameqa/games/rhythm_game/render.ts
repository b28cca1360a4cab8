import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import type { BlockColor } from "./logic.js";
import type { RhythmState } from "./state.js";

/* The original's pygame picture: a 400 x 500 grid area right of a 30 px label strip and above a
   30 px label strip (430 x 530 in all); cells of 400 // cols by 500 // rows pixels; blocks fill
   80 % of a cell, centred; 1 px black lines above every row and between columns; row numbers
   (row 1 at the bottom) on the left, column numbers (from 1) below. */
const WIDTH = 400;
const HEIGHT = 500;
const MARGIN_X = 30;
const MARGIN_BOTTOM = 30;
const FILL: Record<BlockColor, string> = {
  yellow: "#ffff00",
  green: "#00ff00",
  blue: "#0000ff",
  pink: "#ff69b4",
  grey: "#808080",
};

export function renderRhythm(s: RhythmState): string {
  const cw = Math.floor(WIDTH / s.cols);
  const ch = Math.floor(HEIGHT / s.rows);
  const bw = cw * 0.8;
  const bh = ch * 0.8;
  const parts: string[] = [];
  for (let i = 0; i < s.rows; i++) {
    parts.push(rect(MARGIN_X, i * ch, WIDTH + 1, 1, "#000000"));
    parts.push(svgText(String(s.rows - i), 5, i * ch + ch / 2, { size: 11, anchor: "start", weight: 1.8 }));
  }
  for (let i = 1; i < s.cols; i++) parts.push(rect(MARGIN_X + i * cw, 0, 1, HEIGHT + 1, "#000000"));
  for (let i = 0; i < s.cols; i++)
    parts.push(svgText(String(i + 1), MARGIN_X + (i + 0.5) * cw, HEIGHT + 13, { size: 11, weight: 1.8 }));
  for (const b of s.block_info) {
    const x = Math.floor((b.col - 1) * cw + MARGIN_X + (cw - bw) / 2);
    const y = Math.floor((s.rows - b.row) * ch + (ch - bh) / 2);
    parts.push(rect(x, y, Math.floor(bw), Math.floor(bh), FILL[b.color]));
  }
  return svgDocument(WIDTH + MARGIN_X, HEIGHT + MARGIN_BOTTOM, parts.join(""));
}
