/**
 * Pac-Man board on the original's 540 x 540 black canvas: score line on top, column numbers
 * under it, row numbers on the left, floor(490 / side) px cells (30 / 27 / 24). Walls are dark
 * blue cells, beans yellow dots; Pac-Man is a yellow disc whose mouth faces his direction, the
 * ghosts are drawn in pink (Pinky) and red (Blinky).
 */
import { svgText } from "../../render/font.js";
import { circle, rect, svgDocument } from "../../render/svg.js";
import type { Dir, GhostName, Pos } from "./logic.js";
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
/** A block of one colour (a run, stacked over the rows that repeat it), relative to the cell's corner. */
type Run = [x: number, y: number, length: number, colour: string, height: number];
const sprites = new Map<string, Run[]>();

/**
 * A cell-sized picture drawn as crisp runs (sampled at pixel centres, stacked where rows repeat):
 * the fast rasteriser fills such rects directly, where round shapes would each need a resvg render.
 */
function sprite(key: string, cell: number, colourAt: (x: number, y: number) => string | null): Run[] {
  const cached = sprites.get(key);
  if (cached) return cached;
  const runs: Run[] = [];
  for (let y = 0; y < cell; y++) {
    let x = 0;
    while (x < cell) {
      const c = colourAt(x + 0.5, y + 0.5);
      let end = x + 1;
      while (end < cell && colourAt(end + 0.5, y + 0.5) === c) end++;
      if (c) runs.push([x, y, end - x, c, 1]);
      x = end;
    }
  }
  const blocks = stack(runs);
  sprites.set(key, blocks);
  return blocks;
}

/**
 * Runs repeated on the rows below (same columns, same colour) become one taller block: the same
 * pixels in fewer rects (a ghost's body is a few blocks instead of a run per row).
 */
function stack(runs: Run[]): Run[] {
  const open = new Map<string, Run>();
  const out: Run[] = [];
  for (const run of runs) {
    const [x, y, w, c] = run;
    const key = `${x},${w},${c}`;
    const above = open.get(key);
    if (above && above[1] + above[4] === y) above[4]++;
    else {
      const block: Run = [x, y, w, c, 1];
      open.set(key, block);
      out.push(block);
    }
  }
  return out;
}

const draw = (runs: Run[], x0: number, y0: number): string =>
  runs.map(([x, y, w, c, h]) => rect(x0 + x, y0 + y, w, h, c)).join("");

/** Yellow disc with a 70-degree mouth opening towards `dir`. */
function pacmanRuns(cell: number, dir: Dir): Run[] {
  const r = cell * 0.45;
  const m = cell / 2;
  const axis = (MOUTH_AXIS[dir] * Math.PI) / 180;
  return sprite(`pac${cell}${dir}`, cell, (x, y) => {
    const dx = x - m;
    const dy = y - m;
    if (dx * dx + dy * dy > r * r) return null;
    let a = Math.atan2(dy, dx) - axis;
    a = Math.atan2(Math.sin(a), Math.cos(a));
    return Math.abs(a) < (35 * Math.PI) / 180 && dx * dx + dy * dy > 1 ? null : "#ffd400";
  });
}

/** Ghost: a dome on a body with a scalloped hem, white eyes with blue pupils. */
function ghostRuns(cell: number, name: GhostName): Run[] {
  const r = cell * 0.44;
  const m = cell / 2;
  const top = m - r * 0.15;
  const hem = m + r * 0.9;
  const eye = (x: number, y: number, ex: number): boolean => (x - ex) ** 2 + (y - top) ** 2 <= (r * 0.3) ** 2;
  const pupil = (x: number, y: number, px: number): boolean =>
    (x - px) ** 2 + (y - top - r * 0.05) ** 2 <= (r * 0.15) ** 2;
  return sprite(`ghost${cell}${name}`, cell, (x, y) => {
    const dx = x - m;
    if (Math.abs(dx) > r) return null;
    if (y < top && dx * dx + (y - top) ** 2 > r * r) return null;
    // Three scallops: the hem rises between them.
    const phase = ((dx + r) / (2 * r)) * 3;
    const lift = Math.abs(phase - Math.floor(phase) - 0.5) * 2 * r * 0.3;
    if (y > hem - (r * 0.3 - lift)) return null;
    if (pupil(x, y, m - r * 0.3) || pupil(x, y, m + r * 0.46)) return "#1a2fd0";
    if (eye(x, y, m - r * 0.38) || eye(x, y, m + r * 0.38)) return "#ffffff";
    return GHOST_FILL[name];
  });
}

export function renderPacman(s: PacmanState): string {
  const n = s.grid_size;
  const cell = cellSize(n);
  const centre = ([r, c]: Pos): [number, number] => [
    LEFT + c * cell + Math.floor(cell / 2),
    TOP + r * cell + Math.floor(cell / 2),
  ];
  // "SCORE:" and each digit are drawn apart so that every piece is a shape seen before (cached).
  const scoreStyle = { size: 9, color: BEAN, anchor: "start", weight: 1.4 } as const;
  const parts: string[] = [svgText("SCORE:", 10, 10, scoreStyle)];
  [...String(s.score)].forEach((d, i) => {
    parts.push(svgText(d, 10 + 9 * (7 + i), 10, scoreStyle));
  });
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
  const corner = ([r, c]: Pos): [number, number] => [LEFT + c * cell, TOP + r * cell];
  parts.push(draw(pacmanRuns(cell, s.direction), ...corner(s.pacman_position)));
  for (const g of s.ghosts) {
    // A ghost covers its cell (and any bean on it), as the original's sprites do.
    const [gx, gy] = corner(g.position);
    parts.push(rect(gx, gy, cell, cell, "#000000"), draw(ghostRuns(cell, g.name), gx, gy));
  }
  return svgDocument(SIZE, SIZE, parts.join(""), "#000000");
}
