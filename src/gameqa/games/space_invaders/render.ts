import { svgText } from "../../render/font.js";
import { polygon, rect } from "../../render/svg.js";
import type { EnemyColor, SpaceInvadersState } from "./state.js";

/* Layout of the original screen (pixels before down-scaling). */
const LEFT = 40;
const TOP = 60;
const COL_W = 70;
const ROW_H = 55;
/** The original shrinks screens larger than 640x480 (by area) to that area. */
const MAX_AREA = 640 * 480;

const ENEMY_FILL: Record<EnemyColor, string> = { purple: "#b44cff", blue: "#2f8cff", green: "#3ad13a" };
const LABEL = "#ffd700";

/** An 11 x 8 pixel invader, '#' = filled. */
const SPRITE = [
  "..#.....#..",
  "...#...#...",
  "..#######..",
  ".##.###.##.",
  "###########",
  "#.#######.#",
  "#.#.....#.#",
  "...##.##...",
];

function invader(cx: number, cy: number, px: number, fill: string): string {
  const x0 = Math.round(cx - ((SPRITE[0]?.length ?? 0) * px) / 2);
  const y0 = Math.round(cy - (SPRITE.length * px) / 2);
  const out: string[] = [];
  SPRITE.forEach((row, r) => {
    // One rect per horizontal run keeps the SVG small.
    for (let c = 0; c < row.length; ) {
      if (row[c] !== "#") {
        c++;
        continue;
      }
      let end = c;
      while (row[end] === "#") end++;
      out.push(rect(x0 + c * px, y0 + r * px, (end - c) * px, px, fill));
      c = end;
    }
  });
  return out.join("");
}

function ship(cx: number, cy: number, k: number): string {
  return (
    polygon(
      [
        [cx, cy - 18 * k],
        [cx + 8 * k, cy - 4 * k],
        [cx - 8 * k, cy - 4 * k],
      ],
      "#ff9f1a",
    ) +
    rect(Math.round(cx - 24 * k), Math.round(cy - 4 * k), Math.round(48 * k), Math.round(14 * k), "#ff9f1a") +
    rect(Math.round(cx - 4 * k), Math.round(cy - 24 * k), Math.round(8 * k), Math.round(8 * k), "#ffd27a")
  );
}

/**
 * The screen is laid out in the original's pixels and scaled down as the original does, but drawn
 * directly at the output size: every grid line is a 1-pixel rectangle on a whole pixel, so none
 * fades or vanishes when a 70-pixel column becomes 51.5 pixels (a scaled 1-unit hairline did).
 */
export function renderSpaceInvaders(s: SpaceInvadersState): string {
  const width = LEFT + COL_W * s.total_cols;
  const height = (s.enemy_area_rows + 1) * ROW_H + TOP;
  const k = width * height > MAX_AREA ? Math.sqrt(MAX_AREA / (width * height)) : 1;
  const outW = Math.round(width * k);
  const outH = Math.round(height * k);
  const colX = (c: number): number => Math.round((LEFT + (c - 1) * COL_W) * k);
  const rowY = (r: number): number => Math.round((TOP + (r - 1) * ROW_H) * k);
  const parts: string[] = [rect(0, 0, outW, outH, "#000000")];
  for (let c = 1; c <= s.total_cols; c++) parts.push(rect(colX(c), 0, 1, outH, "#ffffff"));
  for (let r = 1; r <= s.enemy_area_rows + 1; r++) parts.push(rect(0, rowY(r), outW, 1, "#ffffff"));
  const label = { size: 22 * k, color: LABEL, weight: 3 * k };
  for (let c = 1; c <= s.total_cols; c++)
    parts.push(svgText(String(c), (LEFT + (c - 0.5) * COL_W) * k, 30 * k, label));
  for (let r = 1; r <= s.enemy_area_rows + 1; r++)
    parts.push(svgText(String(r), 20 * k, (TOP + (r - 0.5) * ROW_H) * k, label));
  const px = Math.max(2, Math.round(4 * k));
  for (const e of s.enemies) {
    const cx = (LEFT + (e.y - 0.5) * COL_W) * k;
    const cy = (TOP + (e.x - 0.5) * ROW_H) * k;
    parts.push(invader(cx, cy, px, ENEMY_FILL[e.color]));
  }
  const shipX = (LEFT + (s.ship_col - 0.5) * COL_W) * k;
  const shipY = (TOP + (s.enemy_area_rows + 0.5) * ROW_H + 4) * k;
  parts.push(ship(shipX, shipY, k));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}" viewBox="0 0 ${outW} ${outH}">${parts.join("")}</svg>`;
}
