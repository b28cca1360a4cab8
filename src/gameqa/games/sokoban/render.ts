/**
 * Sokoban board at the original's geometry: 64 px cells behind a 40 px band of row/column numbers
 * (552 x 552 for 8x8). Flat vector tiles instead of the original's photo textures: orange bricks
 * for walls, a brown crate with a cross for boxes, a green X for targets, a stick figure for the player.
 */
import { svgText } from "../../render/font.js";
import { circle, line, rect, svgDocument } from "../../render/svg.js";
import { CELL } from "./logic.js";
import type { SokobanState } from "./state.js";

const TILE = 64;
const MARGIN = 40;
const MARGIN_BG = "#e0c9a6";
const FLOOR = "#ecd9b4";
const BRICK = "#e07b39";
const MORTAR = "#f6e3cf";
const TARGET = "#2e9e3e";
/** The lines around every cell. */
export const GRID_COLOR = "#000000";

/** Brick tile from crisp rects only (the fast rasteriser fills them directly). */
function wall(x: number, y: number): string {
  const third = TILE / 3;
  const m = 3; // mortar width
  const out = [rect(x, y, TILE, TILE, BRICK)];
  // Two mortar courses, then the vertical joints, the middle course offset by half a brick.
  for (const dy of [third, 2 * third]) out.push(rect(x, y + Math.round(dy) - 1, TILE, m, MORTAR));
  const joints: Array<[number, number, number]> = [
    [TILE / 2, 0, third],
    [TILE / 4, third, 2 * third],
    [(3 * TILE) / 4, third, 2 * third],
    [TILE / 2, 2 * third, TILE],
  ];
  for (const [jx, y0, y1] of joints)
    out.push(rect(x + jx - 1, y + Math.round(y0), m, Math.round(y1) - Math.round(y0), MORTAR));
  return out.join("");
}

function targetMark(x: number, y: number, inset: number, width: number): string {
  return (
    line(x + inset, y + inset, x + TILE - inset, y + TILE - inset, TARGET, width) +
    line(x + inset, y + TILE - inset, x + TILE - inset, y + inset, TARGET, width)
  );
}

function box(x: number, y: number, onTarget: boolean): string {
  const m = 8;
  const frame = onTarget ? TARGET : "#5c3317";
  return (
    rect(x + m, y + m, TILE - 2 * m, TILE - 2 * m, "#a0622d", frame, onTarget ? 5 : 3) +
    line(x + m + 4, y + m + 4, x + TILE - m - 4, y + TILE - m - 4, "#f3dcb8", 4) +
    line(x + m + 4, y + TILE - m - 4, x + TILE - m - 4, y + m + 4, "#f3dcb8", 4)
  );
}

function player(x: number, y: number): string {
  const cx = x + TILE / 2;
  const ink = "#1a1a1a";
  return (
    line(cx, y + 26, cx, y + 44, "#1f4fbf", 9) +
    line(cx - 14, y + 31, cx + 14, y + 31, ink, 4) +
    line(cx - 2, y + 44, cx - 11, y + 57, ink, 4) +
    line(cx + 2, y + 44, cx + 11, y + 57, ink, 4) +
    circle(cx, y + 16, 10, "#f2c38b", ink, 2.5)
  );
}

export function renderSokoban(s: SokobanState): string {
  const rows = s.grid.length;
  const cols = s.grid[0]?.length ?? 0;
  const w = MARGIN + cols * TILE;
  const h = MARGIN + rows * TILE;
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = MARGIN + c * TILE;
      const y = MARGIN + r * TILE;
      const v = s.grid[r]?.[c] ?? CELL.empty;
      if (v === CELL.wall) {
        parts.push(wall(x, y));
        continue;
      }
      parts.push(rect(x, y, TILE, TILE, FLOOR));
      if (v === CELL.target) parts.push(targetMark(x, y, 14, 7));
      if (v === CELL.playerOnTarget) parts.push(targetMark(x, y, 6, 5));
      if (v === CELL.box || v === CELL.boxOnTarget) parts.push(box(x, y, v === CELL.boxOnTarget));
      if (v === CELL.player || v === CELL.playerOnTarget) parts.push(player(x, y));
    }
  }
  for (let r = 0; r <= rows; r++) parts.push(rect(MARGIN, MARGIN + r * TILE - 1, cols * TILE, 2, GRID_COLOR));
  for (let c = 0; c <= cols; c++) parts.push(rect(MARGIN + c * TILE - 1, MARGIN, 2, rows * TILE, GRID_COLOR));
  const label = 18;
  for (let c = 0; c < cols; c++)
    parts.push(svgText(String(c), MARGIN + c * TILE + TILE / 2, MARGIN / 2, { size: label, weight: 2.2 }));
  for (let r = 0; r < rows; r++)
    parts.push(svgText(String(r), MARGIN / 2, MARGIN + r * TILE + TILE / 2, { size: label, weight: 2.2 }));
  return svgDocument(w, h, parts.join(""), MARGIN_BG);
}
