/**
 * The original's 480 x 640 picture: the title, column numbers above and row numbers left of the board
 * (with ticks), one gem per cell, and "Total Cleared" under the board. Gems are drawn as shapes:
 * basic ones as faceted diamonds, a-e as round gems, "+" as a dark round gem with a cross, "|" as a
 * tall cyan bar.
 */
import { svgText } from "../../render/font.js";
import { circle, line, polygon, rect, svgDocument } from "../../render/svg.js";
import type { Jewel2State } from "./state.js";

const W = 480;
const H = 640;
const LEFT = 60;
const TOP = 150;
const FILL: Record<string, [string, string]> = {
  A: ["#e0242b", "#f7868a"],
  B: ["#1f9a3a", "#7fd88f"],
  C: ["#1f7fe0", "#8cc4f7"],
  D: ["#f0b400", "#ffe27a"],
  E: ["#8a2be2", "#c79af2"],
};

function gem(e: string, x: number, y: number, s: number): string {
  const cx = x + s / 2;
  const cy = y + s / 2;
  const r = s * 0.36;
  const colours = FILL[e.toUpperCase()];
  if (e === "|")
    return rect(
      Math.round(cx - s * 0.12),
      Math.round(y + s * 0.12),
      Math.round(s * 0.24),
      Math.round(s * 0.76),
      "#19c3d6",
      "#0b7c8a",
      2,
    );
  if (e === "+")
    return (
      circle(cx, cy, r, "#3a3a3a", "#111111", 2) +
      line(cx - r * 0.55, cy, cx + r * 0.55, cy, "#d0d0d0", 3) +
      line(cx, cy - r * 0.55, cx, cy + r * 0.55, "#d0d0d0", 3)
    );
  if (!colours) return "";
  const [dark, light] = colours;
  if (e === e.toLowerCase())
    return circle(cx, cy, r, dark, "#222222", 2) + circle(cx - r * 0.3, cy - r * 0.3, r * 0.32, light);
  // A cut diamond: crown on top, pavilion below, a light facet on the crown.
  return (
    polygon(
      [
        [cx - r, cy - r * 0.25],
        [cx - r * 0.55, cy - r * 0.75],
        [cx + r * 0.55, cy - r * 0.75],
        [cx + r, cy - r * 0.25],
        [cx, cy + r],
      ],
      dark,
      "#222222",
      1.5,
    ) +
    polygon(
      [
        [cx - r * 0.55, cy - r * 0.75],
        [cx + r * 0.1, cy - r * 0.75],
        [cx - r * 0.2, cy - r * 0.25],
        [cx - r, cy - r * 0.25],
      ],
      light,
    )
  );
}

export function renderJewel2(s: Jewel2State): string {
  const n = s.rows;
  const cell = Math.min(Math.floor((W - LEFT - 20) / n), Math.floor((H - TOP - 50) / n));
  const parts: string[] = [svgText("JEWEL2 GAME", W / 2, 60, { size: 40, weight: 4 })];
  for (let c = 0; c < n; c++) {
    const x = LEFT + c * cell + cell / 2;
    parts.push(
      svgText(String(c), x, TOP - 28, { size: 14, weight: 2 }),
      line(x, TOP - 12, x, TOP - 2, "#000000", 1.5),
    );
  }
  for (let r = 0; r < n; r++) {
    const y = TOP + r * cell + cell / 2;
    parts.push(
      svgText(String(r), LEFT - 30, y, { size: 14, weight: 2 }),
      line(LEFT - 12, y, LEFT - 2, y, "#000000", 1.5),
    );
  }
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const x = LEFT + c * cell;
      const y = TOP + r * cell;
      parts.push(rect(x, y, cell, cell, (r + c) % 2 === 0 ? "#eeeee6" : "#e2e4dc"));
      parts.push(gem(s.chessboard[r]?.[c] ?? " ", x, y, cell));
    }
  }
  parts.push(svgText(`TOTAL CLEARED: ${s.total_cleared}`, W / 2, H - 62, { size: 20, weight: 2.6 }));
  return svgDocument(W, H, parts.join(""));
}
