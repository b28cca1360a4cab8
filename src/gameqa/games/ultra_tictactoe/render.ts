import { svgText } from "../../render/font.js";
import { circle, line, rect, svgDocument } from "../../render/svg.js";
import type { UtttState } from "./state.js";
import { marksOf } from "./state.js";

/* The original's pygame picture (500 x 500): 40 px cells, Nine-grids 40 px apart, a 30 px margin,
   a 2 px frame around each Nine-grid and 1 px inner lines; X as a red cross and O as a blue ring,
   both reaching the cell's edges; row numbers 1-3 left of the first column of Nine-grids and column
   numbers above the first row of them. */
const CELL = 40;
const GAP = CELL;
const MARGIN = 30;
const BLOCK = 3 * CELL;
const SIZE = 3 * BLOCK + 2 * GAP + 2 * MARGIN;
const RED = "#ff0000";
const BLUE = "#0000ff";

const origin = (k: number): number => MARGIN + k * (BLOCK + GAP);

export function renderUttt(s: UtttState): string {
  const parts: string[] = [];
  for (let bi = 0; bi < 3; bi++) {
    for (let bj = 0; bj < 3; bj++) {
      const x = origin(bj);
      const y = origin(bi);
      for (let k = 1; k < 3; k++) {
        parts.push(rect(x + k * CELL, y, 1, BLOCK, "#000000"), rect(x, y + k * CELL, BLOCK, 1, "#000000"));
      }
      parts.push(
        rect(x - 1, y - 1, BLOCK + 2, 2, "#000000"),
        rect(x - 1, y + BLOCK - 1, BLOCK + 2, 2, "#000000"),
      );
      parts.push(
        rect(x - 1, y - 1, 2, BLOCK + 2, "#000000"),
        rect(x + BLOCK - 1, y - 1, 2, BLOCK + 2, "#000000"),
      );
    }
  }
  for (let b = 0; b < 3; b++) {
    for (let k = 0; k < 3; k++) {
      const centre = origin(b) + k * CELL + CELL / 2;
      const label = String(k + 1);
      parts.push(svgText(label, MARGIN / 2 + 4, centre, { size: 11, weight: 1.8 }));
      parts.push(svgText(label, centre, MARGIN / 2 + 4, { size: 11, weight: 1.8 }));
    }
  }
  const marks = marksOf(s);
  marks.forEach((cells, g) => {
    cells.forEach((m, c) => {
      if (!m) return;
      const cx = origin(g % 3) + (c % 3) * CELL + CELL / 2;
      const cy = origin(Math.floor(g / 3)) + Math.floor(c / 3) * CELL + CELL / 2;
      const h = CELL / 2;
      if (m === "X")
        parts.push(
          line(cx - h, cy - h, cx + h, cy + h, RED, 2),
          line(cx + h, cy - h, cx - h, cy + h, RED, 2),
        );
      else parts.push(circle(cx, cy, h - 1, "#ffffff", BLUE, 2)); // white inside: the fast rasteriser takes hex fills only
    });
  });
  return svgDocument(SIZE, SIZE, parts.join(""));
}
