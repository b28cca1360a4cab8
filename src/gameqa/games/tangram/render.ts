/**
 * The original's 500 x 600 figure: the main board on top (piece ids in coloured cells, removed
 * cells hatched, row and column indices), the removed pieces below on a grey hatched strip, left to
 * right in removed order with one empty column between them (its own row and column indices, which
 * the placement analysis refers to).
 */
import { svgText } from "../../render/font.js";
import { line, rect, svgDocument } from "../../render/svg.js";
import { pieceHex } from "./colours.js";
import { heightOf, type Mask, widthOf } from "./logic.js";
import { shownPieces, type TangramState } from "./state.js";

const WIDTH = 500;
const HEIGHT = 600;
const BOARD_TOP = 40;
const BOARD_SIDE = 230;
const PANEL_TOP = 335;
const PANEL_W = 400;
const PANEL_H = 220;
const EMPTY_BOARD = "#ffffff";
const EMPTY_PANEL = "#f0f0f0";

/** Diagonal hatching (top-left to bottom-right) clipped to the square cell at (x, y). */
function hatch(x: number, y: number, s: number): string {
  const k = 6;
  const out: string[] = [];
  for (let d = -k + 1; d < k; d++) {
    const t = d / k;
    const x0 = x + Math.max(0, t) * s;
    const y0 = y + Math.max(0, -t) * s;
    const x1 = x + Math.min(1, t + 1) * s;
    const y1 = y + Math.min(1, 1 - t) * s;
    out.push(line(x0, y0, x1, y1, "#000000", 1));
  }
  return out.join("");
}

/** A grid of `ids` (0 = empty) with its cells, lines, numbers and indices; top-left at (x, y). */
function drawCells(ids: number[][], x: number, y: number, cell: number, empty: string): string {
  const rows = ids.length;
  const cols = ids[0]?.length ?? 0;
  const parts: string[] = [];
  const text = Math.max(7, Math.min(14, Math.round(cell * 0.32)));
  ids.forEach((row, r) => {
    row.forEach((id, c) => {
      const cx = x + c * cell;
      const cy = y + r * cell;
      parts.push(rect(cx, cy, cell, cell, id ? pieceHex(id) : empty));
      parts.push(
        id
          ? svgText(String(id), cx + cell / 2, cy + cell / 2, { size: text, weight: 1.4 })
          : hatch(cx, cy, cell),
      );
    });
  });
  for (let r = 0; r <= rows; r++) parts.push(line(x, y + r * cell, x + cols * cell, y + r * cell, "#000000"));
  for (let c = 0; c <= cols; c++) parts.push(line(x + c * cell, y, x + c * cell, y + rows * cell, "#000000"));
  const label = Math.max(7, Math.min(11, Math.round(cell * 0.3)));
  for (let r = 0; r < rows; r++)
    parts.push(
      svgText(String(r), x - 7, y + r * cell + cell / 2, { size: label, weight: 1.2, anchor: "end" }),
    );
  for (let c = 0; c < cols; c++)
    parts.push(
      svgText(String(c), x + c * cell + cell / 2, y + rows * cell + 12, { size: label, weight: 1.2 }),
    );
  return parts.join("");
}

/** The removed pieces side by side, top-aligned, one empty column apart. */
export function removedStrip(pieces: ReadonlyArray<{ id: number; mask: Mask }>): number[][] {
  const height = Math.max(1, ...pieces.map((p) => heightOf(p.mask)));
  const width = Math.max(
    1,
    pieces.reduce((n, p) => n + widthOf(p.mask) + 1, -1),
  );
  const strip = Array.from({ length: height }, () => new Array<number>(width).fill(0));
  let left = 0;
  for (const p of pieces) {
    p.mask.forEach((row, r) => {
      row.forEach((on, c) => {
        if (on) (strip[r] as number[])[left + c] = p.id;
      });
    });
    left += widthOf(p.mask) + 1;
  }
  return strip;
}

export function renderTangram(s: TangramState): string {
  const n = s.config.grid_size;
  const cell = Math.floor(BOARD_SIDE / n);
  const boardX = Math.round((WIDTH - n * cell) / 2);
  const strip = removedStrip(shownPieces(s));
  const sh = strip.length;
  const sw = strip[0]?.length ?? 1;
  const pcell = Math.min(56, Math.floor(PANEL_W / sw), Math.floor(PANEL_H / sh));
  const panelX = Math.round((WIDTH - sw * pcell) / 2);
  const body = [
    svgText("MAIN BOARD", WIDTH / 2, 20, { size: 12, weight: 1.5 }),
    drawCells(s.grid, boardX, BOARD_TOP, cell, EMPTY_BOARD),
    svgText("REMOVED PIECES", WIDTH / 2, PANEL_TOP - 22, { size: 12, weight: 1.5 }),
    drawCells(strip, panelX, PANEL_TOP, pcell, EMPTY_PANEL),
  ];
  return svgDocument(WIDTH, HEIGHT, body.join(""));
}
