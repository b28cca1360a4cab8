/**
 * Pac-Man board on the original's 540 x 540 black canvas: score line on top, column numbers
 * under it, row numbers on the left, floor(490 / side) px cells (30 / 27 / 24). Walls are dark
 * blue cells, beans yellow dots; Pac-Man is a yellow disc whose mouth faces his direction, the
 * ghosts are drawn in pink (Pinky) and red (Blinky).
 */
import { svgText } from "../../render/font.js";
import { circle, polygon, rect, svgDocument } from "../../render/svg.js";
import type { Dir, Pos } from "./logic.js";
import type { PacmanState } from "./state.js";

const SIZE = 540;
const SCORE_H = 20;
const LEFT = 30;
const TOP = SCORE_H + 30;
const WALL = "#00008b";
const BEAN = "#ffff00";
const GHOST_FILL = { Pinky: "#ff8fc8", Blinky: "#e8141e" } as const;
const MOUTH_AXIS: Record<Dir, number> = { RIGHT: 0, DOWN: 90, LEFT: 180, UP: 270 };

export const cellSize = (side: number): number => Math.floor((SIZE - TOP) / side);

function pacman(cx: number, cy: number, r: number, dir: Dir): string {
  const axis = MOUTH_AXIS[dir];
  const pts: Array<[number, number]> = [[cx, cy]];
  for (let i = 0; i <= 20; i++) {
    const a = ((axis + 35 + (290 * i) / 20) * Math.PI) / 180;
    pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return polygon(pts, "#ffd400");
}

function ghost(cx: number, cy: number, r: number, fill: string): string {
  const pts: Array<[number, number]> = [];
  const top = cy - r * 0.15;
  for (let i = 0; i <= 12; i++) {
    const a = Math.PI + (Math.PI * i) / 12;
    pts.push([cx + r * Math.cos(a), top + r * Math.sin(a)]);
  }
  const bottom = cy + r * 0.9;
  // Three scallops along the hem.
  for (let k = 0; k <= 6; k++) pts.push([cx + r - (2 * r * k) / 6, k % 2 === 0 ? bottom : bottom - r * 0.3]);
  const eye = r * 0.3;
  const pupil = r * 0.14;
  return (
    polygon(pts, fill) +
    circle(cx - r * 0.38, top, eye, "#ffffff") +
    circle(cx + r * 0.38, top, eye, "#ffffff") +
    circle(cx - r * 0.3, top + r * 0.05, pupil, "#1a2fd0") +
    circle(cx + r * 0.46, top + r * 0.05, pupil, "#1a2fd0")
  );
}

export function renderPacman(s: PacmanState): string {
  const n = s.grid_size;
  const cell = cellSize(n);
  const centre = ([r, c]: Pos): [number, number] => [
    LEFT + c * cell + Math.floor(cell / 2),
    TOP + r * cell + Math.floor(cell / 2),
  ];
  const parts: string[] = [
    svgText(`SCORE: ${s.score}`, 10, 10, { size: 9, color: BEAN, anchor: "start", weight: 1.4 }),
  ];
  const label = 8;
  for (let c = 0; c < n; c++) {
    const [x] = centre([0, c]);
    parts.push(svgText(String(c), x, SCORE_H + 10, { size: label, color: "#ffffff", weight: 1.2 }));
    parts.push(rect(x, TOP - 5, 1, 5, "#ffffff"));
  }
  for (let r = 0; r < n; r++) {
    const [, y] = centre([r, 0]);
    parts.push(svgText(String(r), 4, y, { size: label, color: "#ffffff", anchor: "start", weight: 1.2 }));
    parts.push(rect(LEFT - 5, y, 5, 1, "#ffffff"));
  }
  for (const [r, c] of s.walls) parts.push(rect(LEFT + c * cell, TOP + r * cell, cell, cell, WALL));
  const beanR = Math.floor(cell / 6);
  for (const p of s.beans) {
    const [x, y] = centre(p);
    parts.push(circle(x, y, beanR, BEAN));
  }
  const [px, py] = centre(s.pacman_position);
  parts.push(pacman(px, py, cell * 0.45, s.direction));
  for (const g of s.ghosts) {
    const [gx, gy] = centre(g.position);
    // A ghost covers the cell (and any bean on it), as the original's sprites do.
    parts.push(rect(gx - Math.floor(cell / 2), gy - Math.floor(cell / 2), cell, cell, "#000000"));
    parts.push(ghost(gx, gy, cell * 0.44, GHOST_FILL[g.name]));
  }
  return svgDocument(SIZE, SIZE, parts.join(""), "#000000");
}
