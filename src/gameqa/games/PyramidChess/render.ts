/**
 * The original's picture (550 x 550): a strip of top views, one panel per level (balls as dots,
 * x-axis increasing to the left, y-axis upwards, as its matplotlib panels), above a 3D view of the
 * pyramid (ball [x, y] of level k at (x + k/2, y + k/2, k), radius 0.6, seen from azimuth -60° and
 * elevation 30° with the x-axis reversed, as matplotlib's default view of its axes).
 * Balls are drawn from the farthest to the nearest, so nearer balls cover farther ones.
 */
import { svgText } from "../../render/font.js";
import { circle, line, polygon, rect, svgDocument } from "../../render/svg.js";
import type { Board } from "./logic.js";
import { type PyramidState, toBoard } from "./state.js";

const SIZE = 550;
const STRIP = 142;
const FILL: Record<"P0" | "P1", string> = { P0: "#0000ff", P1: "#ff0000" };
const HIGHLIGHT: Record<"P0" | "P1", string> = { P0: "#6f6fff", P1: "#ff7a7a" };

function topViews(b: Board, out: string[]): void {
  const n = b.length;
  const gap = 14;
  const panel = Math.min(84, (SIZE - 40 - gap * (n - 1)) / n);
  const left = (SIZE - (panel * n + gap * (n - 1))) / 2 - 8;
  b.forEach((level, k) => {
    const x0 = left + k * (panel + gap);
    const y0 = 24;
    const side = level.length;
    const cell = panel / side;
    out.push(svgText(`LEVEL ${k}`, x0 + panel / 2, 11, { size: 10, weight: 1.4 }));
    out.push(rect(x0, y0, panel, panel, "#ffffff", "#000000", 1.2));
    for (let i = 0; i < side; i++) {
      // x index i runs right to left; y index j runs bottom to top.
      const cx = x0 + (side - 1 - i + 0.5) * cell;
      out.push(svgText(String(i), cx, y0 + panel + 9, { size: 8, weight: 1.2 }));
      const cy = y0 + (side - 1 - i + 0.5) * cell;
      out.push(svgText(String(i), x0 + panel + 7, cy, { size: 8, weight: 1.2 }));
    }
    for (const [i, row] of level.entries()) {
      for (const [j, c] of row.entries()) {
        if (c === "--") continue;
        const cx = x0 + (side - 1 - i + 0.5) * cell;
        const cy = y0 + (side - 1 - j + 0.5) * cell;
        out.push(circle(cx, cy, Math.min(cell * 0.36, 9), FILL[c], "#000000", 1.2));
      }
    }
  });
}

const AZ = (-60 * Math.PI) / 180;
const EL = (30 * Math.PI) / 180;
/** View coordinates (right, up, towards the viewer) of a point, with the x-axis reversed. */
function view(x: number, y: number, z: number): [number, number, number] {
  const u = -x;
  const right = -Math.sin(AZ) * u + Math.cos(AZ) * y;
  const up = -Math.cos(AZ) * Math.sin(EL) * u - Math.sin(AZ) * Math.sin(EL) * y + Math.cos(EL) * z;
  const depth = Math.cos(EL) * Math.cos(AZ) * u + Math.cos(EL) * Math.sin(AZ) * y + Math.sin(EL) * z;
  return [right, up, depth];
}

function pyramid3d(b: Board, out: string[]): void {
  const n = b.length;
  const floor: Array<[number, number]> = [
    [-1, -1],
    [n, -1],
    [n, n],
    [-1, n],
  ];
  const corners = [...floor.map(([x, y]) => view(x, y, -0.5)), ...floor.map(([x, y]) => view(x, y, n - 0.4))];
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const top = STRIP + 10;
  const height = SIZE - top - 30;
  const scale = Math.min(
    (SIZE - 80) / (Math.max(...xs) - Math.min(...xs)),
    height / (Math.max(...ys) - Math.min(...ys)),
  );
  const cx = SIZE / 2 - (scale * (Math.max(...xs) + Math.min(...xs))) / 2;
  const cy = top + height / 2 + (scale * (Math.max(...ys) + Math.min(...ys))) / 2;
  const px = (x: number, y: number, z: number): [number, number] => {
    const [r, u] = view(x, y, z);
    return [cx + scale * r, cy - scale * u];
  };
  out.push(
    polygon(
      floor.map(([x, y]) => px(x, y, -0.5)),
      "#ececec",
    ),
  );
  for (let t = 0; t < n; t++) {
    out.push(line(...px(t, -1, -0.5), ...px(t, n, -0.5), "#c8c8c8", 1));
    out.push(line(...px(-1, t, -0.5), ...px(n, t, -0.5), "#c8c8c8", 1));
    const [lx, ly] = px(t, -1.6, -0.5);
    out.push(svgText(String(t), lx, ly, { size: 9, weight: 1.3 }));
    const [mx, my] = px(-1.6, t, -0.5);
    out.push(svgText(String(t), mx, my, { size: 9, weight: 1.3 }));
  }
  const [ax, ay] = px(n / 2, -2.6, -0.5);
  out.push(svgText("X-AXIS", ax, ay, { size: 8, weight: 1.2 }));
  const [bx, by] = px(-2.8, n / 2, -0.5);
  out.push(svgText("Y-AXIS", bx, by, { size: 8, weight: 1.2 }));
  const balls: Array<{ x: number; y: number; z: number; c: "P0" | "P1"; depth: number }> = [];
  for (const [k, level] of b.entries())
    for (const [i, row] of level.entries())
      for (const [j, c] of row.entries()) {
        if (c === "--") continue;
        const x = i + k / 2;
        const y = j + k / 2;
        balls.push({ x, y, z: k, c, depth: view(x, y, k)[2] });
      }
  balls.sort((p, q) => p.depth - q.depth);
  const r = 0.6 * scale;
  for (const ball of balls) {
    const [bx2, by2] = px(ball.x, ball.y, ball.z);
    out.push(circle(bx2, by2, r, FILL[ball.c], "#000000", 1.2));
    out.push(circle(bx2 - r * 0.3, by2 - r * 0.3, r * 0.28, HIGHLIGHT[ball.c]));
  }
}

function legend(out: string[]): void {
  const y = STRIP + 8;
  out.push(rect(10, y, 96, 40, "#ffffff", "#cccccc", 1.2));
  out.push(
    circle(24, y + 11, 7, FILL.P0, "#000000", 1.2),
    svgText("PLAYER_0", 36, y + 11, { size: 8, anchor: "start", weight: 1.2 }),
  );
  out.push(
    circle(24, y + 29, 7, FILL.P1, "#000000", 1.2),
    svgText("PLAYER_1", 36, y + 29, { size: 8, anchor: "start", weight: 1.2 }),
  );
}

export function renderPyramid(s: PyramidState): string {
  const b = toBoard(s);
  const out: string[] = [];
  topViews(b, out);
  pyramid3d(b, out);
  legend(out);
  return svgDocument(SIZE, SIZE, out.join(""));
}
