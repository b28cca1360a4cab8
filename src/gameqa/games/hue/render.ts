import { svgText } from "../../render/font.js";
import { rect, svgDocument } from "../../render/svg.js";
import { colorName, type RGB } from "./color.js";
import { type HueState, isBlank, posKey } from "./state.js";

/* The original's layout: 60-pixel cells after a 30-pixel index margin, the palette in a band below. */
const CELL = 60;
const MARGIN = 30;
const GAP = 20;
const PALETTE_BAND = 70;

const hex = (c: readonly number[]): string => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/**
 * Light grey stripes on a cell without colour. The original cross-hatches these cells; diagonal
 * hatching made up about 80% of our time per image (anti-aliased lines, poorly compressible rows),
 * horizontal stripes mark the cells as clearly at a third of the cost (measured in the doc).
 */
function stripes(x: number, y: number): string {
  let out = rect(x + 1, y + 1, CELL - 2, CELL - 2, "#f5f5f5");
  for (let k = 8; k < CELL - 4; k += 9) out += rect(x + 3, y + k, CELL - 6, 2, "#d2d2d2");
  return out;
}

/** Palette as drawn: ours from the state; a published state's colours in stored order (the real order is lost). */
export function paletteOf(s: HueState): RGB[] {
  return s.palette ?? [...s.removed_colors, ...s.extra_options];
}

export function renderHue(s: HueState): string {
  const n = s.board.length;
  const width = MARGIN + n * CELL;
  const height = MARGIN + n * CELL + GAP + PALETTE_BAND;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const mid = MARGIN + i * CELL + CELL / 2;
    parts.push(
      svgText(String(i + 1), MARGIN / 2, mid, { size: 13, weight: 2.2 }),
      svgText(String(i + 1), mid, MARGIN / 2, { size: 13, weight: 2.2 }),
    );
  }
  // The board in black: each cell's content leaves a 1-pixel black frame around it.
  parts.push(rect(MARGIN, MARGIN, n * CELL, n * CELL, "#000000"));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const x = MARGIN + c * CELL;
      const y = MARGIN + r * CELL;
      const label = s.cell_labels[posKey([r, c])];
      const color = s.board[r]?.[c] as RGB;
      if (label) {
        parts.push(
          rect(x + 1, y + 1, CELL - 2, CELL - 2, "#ffffff"),
          svgText(label, x + CELL / 2, y + CELL / 2, { size: 20, weight: 3 }),
        );
      } else if (isBlank(color)) {
        parts.push(stripes(x, y));
      } else {
        parts.push(
          rect(x + 1, y + 1, CELL - 2, CELL - 2, "#ffffff"),
          rect(x + 2, y + 2, CELL - 4, CELL - 4, hex(color)),
        );
      }
    }
  }
  const palette = paletteOf(s);
  if (palette.length) {
    const slot = Math.floor(width / palette.length);
    const top = MARGIN + n * CELL + GAP + 20;
    palette.forEach((c, i) => {
      const x = i * slot + 5;
      parts.push(
        svgText(String(i + 1), x, top - 12, { size: 14, weight: 2.4, anchor: "start" }),
        rect(x, top, slot - 10, 40, "#000000"),
        rect(x + 1, top + 1, slot - 12, 38, hex(c)),
      );
    });
  }
  return svgDocument(width, height, parts.join(""));
}

/** For tests: the palette names in display order. */
export const paletteNames = (s: HueState): string[] => paletteOf(s).map(colorName);
