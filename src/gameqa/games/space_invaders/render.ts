import { svgText } from "../../render/font.js";
import { line, polygon, rect } from "../../render/svg.js";
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

function invader(cx: number, cy: number, fill: string): string {
  const px = 4;
  const x0 = cx - ((SPRITE[0]?.length ?? 0) * px) / 2;
  const y0 = cy - (SPRITE.length * px) / 2;
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

function ship(cx: number, cy: number): string {
  return (
    polygon(
      [
        [cx, cy - 18],
        [cx + 8, cy - 4],
        [cx - 8, cy - 4],
      ],
      "#ff9f1a",
    ) +
    rect(cx - 24, cy - 4, 48, 14, "#ff9f1a") +
    rect(cx - 4, cy - 24, 8, 8, "#ffd27a")
  );
}

export function renderSpaceInvaders(s: SpaceInvadersState): string {
  const width = LEFT + COL_W * s.total_cols;
  const height = (s.enemy_area_rows + 1) * ROW_H + TOP;
  const scale = width * height > MAX_AREA ? Math.sqrt(MAX_AREA / (width * height)) : 1;
  const outW = Math.round(width * scale);
  const outH = Math.round(height * scale);
  const parts: string[] = [rect(0, 0, width, height, "#000000")];
  for (let c = 1; c <= s.total_cols; c++)
    parts.push(line(LEFT + (c - 1) * COL_W, 0, LEFT + (c - 1) * COL_W, height, "#ffffff", 1));
  for (let r = 1; r <= s.enemy_area_rows + 1; r++)
    parts.push(line(0, TOP + (r - 1) * ROW_H, width, TOP + (r - 1) * ROW_H, "#ffffff", 1));
  for (let c = 1; c <= s.total_cols; c++) {
    parts.push(
      svgText(String(c), LEFT + (c - 1) * COL_W + COL_W / 2, 30, { size: 22, color: LABEL, weight: 3 }),
    );
  }
  for (let r = 1; r <= s.enemy_area_rows + 1; r++) {
    parts.push(
      svgText(String(r), 20, TOP + (r - 1) * ROW_H + ROW_H / 2, { size: 22, color: LABEL, weight: 3 }),
    );
  }
  for (const e of s.enemies) {
    parts.push(
      invader(LEFT + (e.y - 1) * COL_W + COL_W / 2, TOP + (e.x - 1) * ROW_H + ROW_H / 2, ENEMY_FILL[e.color]),
    );
  }
  parts.push(
    ship(LEFT + (s.ship_col - 1) * COL_W + COL_W / 2, TOP + s.enemy_area_rows * ROW_H + ROW_H / 2 + 4),
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${outW}" height="${outH}" viewBox="0 0 ${width} ${height}">` +
    `${parts.join("")}</svg>`
  );
}
