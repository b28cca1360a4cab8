import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import type { WordSearchState } from "./state.js";

const CELL = 50;

/** The original's layout: a header row of column numbers and a header column of row numbers, 50 px cells. */
export function renderWordSearch(s: WordSearchState): string {
  const side = (s.size + 1) * CELL;
  const parts: string[] = [];
  // 1-pixel rules on whole pixels; the outer right and bottom rules sit on the last pixel, inside the image.
  for (let i = 0; i <= s.size + 1; i++) {
    const at = Math.min(i * CELL, side - 1);
    parts.push(rect(at, 0, 1, side, "#000000"), rect(0, at, side, 1, "#000000"));
  }
  for (let i = 0; i < s.size; i++) {
    parts.push(svgText(String(i + 1), CELL / 2, (i + 1.5) * CELL, { size: 16, color: "#555", weight: 2 }));
    parts.push(svgText(String(i + 1), (i + 1.5) * CELL, CELL / 2, { size: 16, color: "#555", weight: 2 }));
  }
  s.grid.forEach((row, r) => {
    row.forEach((ch, c) => {
      parts.push(svgText(ch, (c + 1.5) * CELL, (r + 1.5) * CELL, { size: 22, weight: 2.8 }));
    });
  });
  return svgDocument(side, side, parts.join(""));
}
