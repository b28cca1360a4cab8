import { svgText } from "../../render/font.js";
import { circle, line, rect, svgDocument } from "../../render/svg.js";
import { SYMBOL_COLORS } from "./logic.js";
import type { TuringState } from "./state.js";

/* The original's 640 x 480 matplotlib figure: title on top, column labels above the grid, row labels
   on its left, the head as a black dot with a white rim and a "Head" legend on the right. */
const W = 640;
const H = 480;
const AREA = { left: 80, top: 58, width: 496, height: 370 };

export function renderTuring(s: TuringState): string {
  const rows = s.grid.length;
  const cols = s.grid[0]?.length ?? 0;
  const cell = Math.floor(Math.min(AREA.width / cols, AREA.height / rows));
  const ox = Math.round(AREA.left + (AREA.width - cols * cell) / 2);
  const oy = AREA.top;
  const parts: string[] = [
    svgText(`TURING MACHINE BOARD (HEAD STATE: ${s.head.state})`, ox + (cols * cell) / 2, 20, {
      size: 13,
      weight: 1.6,
    }),
  ];
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const colour = SYMBOL_COLORS[s.grid[y]?.[x] ?? 0]?.[1] ?? "#000000";
      parts.push(rect(ox + x * cell, oy + y * cell, cell, cell, colour));
    }
  }
  parts.push(rect(ox, oy, cols * cell, rows * cell, "none", "#000000", 1));
  for (let x = 0; x < cols; x++) {
    const cx = ox + x * cell + cell / 2;
    parts.push(
      line(cx, oy - 4, cx, oy, "#000000"),
      svgText(String(x), cx, oy - 14, { size: 10, weight: 1.3 }),
    );
  }
  for (let y = 0; y < rows; y++) {
    const cy = oy + y * cell + cell / 2;
    parts.push(
      line(ox - 4, cy, ox, cy, "#000000"),
      svgText(String(y), ox - 10, cy, { size: 10, weight: 1.3, anchor: "end" }),
    );
  }
  parts.push(
    circle(ox + (s.head.x + 0.5) * cell, oy + (s.head.y + 0.5) * cell, 9, "#000000", "#ffffff", 1.5),
  );
  // Legend box beside the grid.
  const lx = ox + cols * cell + 12;
  parts.push(
    rect(lx, oy - 2, 86, 30, "#ffffff", "#cccccc", 1),
    circle(lx + 18, oy + 13, 9, "#000000", "#ffffff", 1.5),
    svgText("HEAD", lx + 36, oy + 13, { size: 10, weight: 1.3, anchor: "start" }),
  );
  return svgDocument(W, H, parts.join(""));
}
