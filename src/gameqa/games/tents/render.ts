import { svgText } from "../../render/font.js";
import { circle, line, polygon, rect, svgDocument } from "../../render/svg.js";
import { colsOf, colTarget, type Pos, rowsOf, rowTarget } from "./logic.js";
import type { TentsState } from "./state.js";

/* About the original's ~540-pixel square figure: targets in blue, indices in black, grid below-right. */
const SIZE = 540;
const GRID_X = 70;
const GRID_Y = 70;
const GRID = 460;
const BLUE = "#0033cc";

/** A tree drawn in the cell whose top-left corner is (x, y): round green crown on a brown trunk. */
function tree(x: number, y: number, s: number): string {
  const at = (u: number, v: number): [number, number] => [x + u * s, y + v * s];
  const crown: Array<[number, number, number]> = [
    [0.5, 0.27, 0.19],
    [0.3, 0.37, 0.16],
    [0.7, 0.37, 0.16],
    [0.2, 0.5, 0.13],
    [0.8, 0.5, 0.13],
    [0.36, 0.56, 0.15],
    [0.64, 0.56, 0.15],
    [0.5, 0.46, 0.2],
  ];
  return (
    polygon([at(0.44, 0.5), at(0.56, 0.5), at(0.59, 0.95), at(0.41, 0.95)], "#6f4220") +
    crown.map(([u, v, r]) => circle(x + u * s, y + v * s, r * s, "#4caf50")).join("")
  );
}

/** A tent in the cell whose top-left corner is (x, y): tan triangle, dark door, crossed poles. */
function tent(x: number, y: number, s: number): string {
  const at = (u: number, v: number): [number, number] => [x + u * s, y + v * s];
  const w = Math.max(1.5, s * 0.045);
  return (
    polygon([at(0.5, 0.16), at(0.1, 0.88), at(0.9, 0.88)], "#c8965f", "#000000", w) +
    polygon(
      [at(0.4, 0.88), at(0.4, 0.68), at(0.5, 0.6), at(0.6, 0.68), at(0.6, 0.88)],
      "#4e3629",
      "#000000",
      w,
    ) +
    line(...at(0.43, 0.07), ...at(0.55, 0.22), "#000000", w) +
    line(...at(0.57, 0.07), ...at(0.45, 0.22), "#000000", w)
  );
}

export function renderTents(s: TentsState): string {
  const rows = rowsOf(s);
  const cols = colsOf(s);
  const cell = Math.floor(GRID / Math.max(rows, cols));
  const parts: string[] = [rect(GRID_X, GRID_Y, cols * cell, rows * cell, "#ffffff")];
  for (let r = 0; r < rows; r++) {
    const y = GRID_Y + r * cell + cell / 2;
    parts.push(
      svgText(String(rowTarget(s, r)), 20, y, { size: 16, weight: 3, color: BLUE }),
      svgText(String(r), GRID_X - 9, y, { size: 12, weight: 1.6, anchor: "end" }),
      line(GRID_X - 5, y, GRID_X, y, "#000000"),
    );
  }
  for (let c = 0; c < cols; c++) {
    const x = GRID_X + c * cell + cell / 2;
    parts.push(
      svgText(String(colTarget(s, c)), x, 20, { size: 16, weight: 3, color: BLUE }),
      svgText(String(c), x, GRID_Y - 18, { size: 12, weight: 1.6 }),
      line(x, GRID_Y - 5, x, GRID_Y, "#000000"),
    );
  }
  for (let i = 0; i <= rows; i++)
    parts.push(line(GRID_X, GRID_Y + i * cell, GRID_X + cols * cell, GRID_Y + i * cell, "#000000"));
  for (let i = 0; i <= cols; i++)
    parts.push(line(GRID_X + i * cell, GRID_Y, GRID_X + i * cell, GRID_Y + rows * cell, "#000000"));
  const corner = ([r, c]: Pos): [number, number] => [GRID_X + c * cell, GRID_Y + r * cell];
  for (const p of s.tree_positions) parts.push(tree(...corner(p), cell));
  for (const p of s.tent_positions) parts.push(tent(...corner(p), cell));
  return svgDocument(SIZE, SIZE, parts.join(""));
}
