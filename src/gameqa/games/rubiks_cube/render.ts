/**
 * Rubik's cube picture, 617 x 465 like the original's figure: the unfolded net (top left, D above
 * and U below F, each face's row 0 at its bottom, as the original lays it out), the coordinate key
 * under it, and two 3D views on the right from the original's cameras (elevation 30 / azimuth 45,
 * and elevation -30 / azimuth 225, with matplotlib's axes: x, y level, z up; F is the z = 3 face).
 * The 3D views are orthographic; only faces turned towards the camera are drawn, farthest first.
 */
import { svgText } from "../../render/font.js";
import { line, polygon, rect, svgDocument } from "../../render/svg.js";
import { FACES, type Face } from "./logic.js";
import type { CubeState } from "./state.js";

const W = 617;
const H = 465;
const FILL: Record<string, string> = {
  yellow: "#ffff00",
  white: "#ffffff",
  orange: "#ffa500",
  red: "#ff0000",
  blue: "#0000ff",
  green: "#008000",
};
const colourOf = (s: CubeState, f: Face, i: number, j: number): string =>
  FILL[s.colors[s.faces[f][i]?.[j] as number] as string] ?? "#808080";

/* ------------------------------------------------------------------ net */

const CELL = 27;
const NET_LEFT = 33;
const NET_BOTTOM = 285;
/** (row offset, column offset) of each face in cells, rows counted upwards. */
const NET: Record<Face, [number, number]> = {
  U: [0, 3],
  L: [3, 0],
  F: [3, 3],
  R: [3, 6],
  B: [3, 9],
  D: [6, 3],
};
const netX = (col: number): number => NET_LEFT + col * CELL;
const netY = (row: number): number => NET_BOTTOM - row * CELL;

function arrow(x1: number, y1: number, x2: number, y2: number): string {
  const len = Math.hypot(x2 - x1, y2 - y1);
  const [ux, uy] = [(x2 - x1) / len, (y2 - y1) / len];
  const head = (side: number): string =>
    line(x2, y2, x2 - 8 * ux + side * 4 * uy, y2 - 8 * uy - side * 4 * ux, "#000000", 1.5);
  return line(x1, y1, x2, y2, "#000000", 1.5) + head(1) + head(-1);
}

function drawNet(s: CubeState, out: string[]): void {
  for (const f of FACES) {
    const [row, col] = NET[f];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        out.push(rect(netX(col + j), netY(row + i + 1), CELL, CELL, colourOf(s, f, i, j), "#000000", 1));
    out.push(rect(netX(col), netY(row + 3), 3 * CELL, 3 * CELL, "none", "#000000", 2));
  }
  for (const f of FACES) {
    const [row, col] = NET[f];
    const centre: [number, number] = [netX(col + 1.5), netY(row + 1.5)];
    // Label below U, to the lower right of F, above the others (the original's places).
    const label: [number, number] =
      f === "U"
        ? [netX(col + 1.5), netY(row - 1)]
        : f === "F"
          ? [netX(col + 4.5), netY(row - 1)]
          : [netX(col + 1.5), netY(row + 4)];
    const toward = f === "U" ? -1 : 1;
    const start: [number, number] =
      f === "F" ? [label[0] - 10, label[1] - 8] : [label[0], label[1] + (toward > 0 ? 11 : -11)];
    out.push(arrow(start[0], start[1], centre[0], centre[1]));
    out.push(rect(label[0] - 9, label[1] - 10, 18, 20, "#ffffff"));
    out.push(svgText(f, label[0], label[1], { size: 14, weight: 1.8 }));
  }
}

function drawKey(out: string[]): void {
  const size = 35;
  const left = 142;
  const top = 348;
  out.push(svgText("COORDINATE REFERENCE", left + 1.5 * size, top - 12, { size: 7, weight: 1.1 }));
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      const i = 2 - r;
      out.push(rect(left + c * size, top + r * size, size, size, "#ffc0cb", "#000000", 1.5));
      out.push(
        svgText(`(${i},${c})`, left + (c + 0.5) * size, top + (r + 0.5) * size, { size: 6, weight: 1.5 }),
      );
    }
}

/* ------------------------------------------------------------------ 3D views */

type P3 = [number, number, number];
/** Corners of sticker (i, j) of a face, in the original's 3D placement (cube spans 0..3). */
function sticker(f: Face, i: number, j: number): P3[] {
  const quad = (p: (a: number, b: number) => P3, a0: number, a1: number, b0: number, b1: number): P3[] => [
    p(a0, b0),
    p(a1, b0),
    p(a1, b1),
    p(a0, b1),
  ];
  switch (f) {
    case "F":
      return quad((a, b) => [a, b, 3], j, j + 1, 2 - i, 3 - i);
    case "B":
      return quad((a, b) => [a, b, 0], 2 - j, 3 - j, 2 - i, 3 - i);
    case "R":
      return quad((a, b) => [3, b, a], 3 - j, 2 - j, 2 - i, 3 - i);
    case "L":
      return quad((a, b) => [0, b, a], j, j + 1, 2 - i, 3 - i);
    case "U":
      return quad((a, b) => [a, 3, b], j, j + 1, i, i + 1);
    case "D":
      return quad((a, b) => [a, 0, b], j, j + 1, 2 - i, 3 - i);
  }
}
const NORMAL: Record<Face, P3> = {
  F: [0, 0, 1],
  B: [0, 0, -1],
  R: [1, 0, 0],
  L: [-1, 0, 0],
  U: [0, 1, 0],
  D: [0, -1, 0],
};
const dot = (a: P3, b: P3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function drawView(
  s: CubeState,
  out: string[],
  elevDeg: number,
  azimDeg: number,
  cx: number,
  cy: number,
  title: string,
): void {
  const el = (elevDeg * Math.PI) / 180;
  const az = (azimDeg * Math.PI) / 180;
  const eye: P3 = [Math.cos(el) * Math.cos(az), Math.cos(el) * Math.sin(az), Math.sin(el)];
  const right: P3 = [-Math.sin(az), Math.cos(az), 0];
  const up: P3 = [-Math.sin(el) * Math.cos(az), -Math.sin(el) * Math.sin(az), Math.cos(el)];
  const scale = 36;
  const screen = (p: P3): [number, number] => {
    const q: P3 = [p[0] - 1.5, p[1] - 1.5, p[2] - 1.5];
    return [cx + dot(q, right) * scale, cy - dot(q, up) * scale];
  };
  out.push(svgText(title, cx - 14, cy - 106, { size: 8, weight: 1.3 }));
  const visible = FACES.filter((f) => dot(NORMAL[f], eye) > 0).sort(
    (a, b) => dot(NORMAL[a], eye) - dot(NORMAL[b], eye),
  );
  for (const f of visible)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        out.push(polygon(sticker(f, i, j).map(screen), colourOf(s, f, i, j), "#000000", 1.5));
  for (const f of visible) {
    const n = NORMAL[f];
    const [x, y] = screen([1.5 + 1.5 * n[0], 1.5 + 1.5 * n[1], 1.5 + 1.5 * n[2]]);
    out.push(rect(x - 13, y - 15, 26, 30, "#ffffff", "#000000", 1));
    out.push(svgText(f, x, y, { size: 20, weight: 3.4 }));
  }
}

export function renderCube(s: CubeState): string {
  const out: string[] = [];
  drawNet(s, out);
  drawKey(out);
  drawView(s, out, 30, 45, 520, 120, "FRONT VIEW (F, R, U FACES)");
  drawView(s, out, -30, 225, 520, 343, "BACK VIEW (L, D, B FACES)");
  return svgDocument(W, H, out.join(""));
}
