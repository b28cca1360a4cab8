import { circle, rect, svgDocument } from "../../render/svg.js";
import { REGION_COLORS } from "./logic.js";
import type { StarBattleState } from "./state.js";

/* The original's pygame board: 50 px cells with no margin (250 / 300 / 400 px), region colours,
   2 px black grid lines and a black dot of radius cell/4 on each star. */
const CELL = 50;

export function renderStarBattle(s: StarBattleState): string {
  const n = s.regions.length;
  const size = n * CELL;
  const parts: string[] = [];
  s.regions.forEach((cells, k) => {
    const colour = REGION_COLORS[k % REGION_COLORS.length]?.[1] ?? "#ffffff";
    for (const [r, c] of cells) parts.push(rect(c * CELL, r * CELL, CELL, CELL, colour));
  });
  for (let i = 0; i <= n; i++) {
    // Lines straddle the cell edges; the outer ones are half cut off by the canvas, as in the original.
    const p = Math.min(Math.max(i * CELL, 1), size - 1);
    parts.push(rect(0, p - 1, size, 2, "#000000"), rect(p - 1, 0, 2, size, "#000000"));
  }
  for (const [r, c] of s.stars)
    parts.push(circle(c * CELL + CELL / 2, r * CELL + CELL / 2, CELL / 4, "#000000"));
  return svgDocument(size, size, parts.join(""));
}
