/**
 * 3D maze picture, 540 x 540 like the original's matplotlib figure, seen from the same camera
 * (elevation 25 degrees, azimuth 30; levels squashed by 6/7 as matplotlib's 4:4:3 box does for an
 * 8 x 8 x 7 grid), but in orthographic projection. Everything is drawn back to front: a thing in
 * grid cell c can only be hidden by things in cells >= c on every axis, so sorting cells by
 * x + y + z is a correct painter's order. Ladders occupy the two empty cells they span. Numbers
 * are drawn last so they stay readable, as in the original.
 */
import { svgText } from "../../render/font.js";
import { line, polygon, svgDocument } from "../../render/svg.js";
import { key, type Pos, samePos } from "./logic.js";
import { cubeSet, type MazeState } from "./state.js";

const SIZE = 540;
/*
 * Pixel steps of one grid unit along x, y and z: matplotlib's camera (elevation 25, azimuth 30,
 * 4:4:3 box) at 44 px per unit, rounded to whole pixels so every cube face is the same shape at an
 * integer offset (crisp edges, and the rasteriser renders each face shape once).
 */
const STEP_X: [number, number] = [-22, 16];
const STEP_Y: [number, number] = [38, 9];
const STEP_Z: [number, number] = [0, -34];

/* Faces are opaque: the original's 80%-alpha colours over white. */
const COLOURS = { plain: "#a0a0a0", start: "#6969ff", goal: "#ff6969", label: "#69ff69" };
const FLOOR = "#ebebeb";

/**
 * A polygon without anti-aliasing. Faces are axis-stepped parallelograms on whole pixels; keeping
 * their edges crisp keeps the picture under 256 colours (palette PNG, several times faster to
 * encode than the RGB PNG that blended edges between five colours would need).
 */
const crispPolygon = (points: Array<[number, number]>, fill: string): string =>
  `<polygon points="${points.map(([x, y]) => `${x},${y}`).join(" ")}" fill="${fill}" stroke="#000000" stroke-width="1" shape-rendering="crispEdges"/>`;

type P3 = readonly [number, number, number];
const project = (p: P3): [number, number] => [
  p[0] * STEP_X[0] + p[1] * STEP_Y[0] + p[2] * STEP_Z[0],
  p[0] * STEP_X[1] + p[1] * STEP_Y[1] + p[2] * STEP_Z[1],
];

/** Screen transform centred once on the whole grid volume, so every board uses the same frame. */
function screenFor(grid: Pos): (p: P3) => [number, number] {
  const pts: Array<[number, number]> = [];
  for (const x of [-0.5, grid[0] - 0.5])
    for (const y of [-0.5, grid[1] - 0.5]) for (const z of [0, grid[2]]) pts.push(project([x, y, z]));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const ox = Math.round(SIZE / 2 - (Math.min(...xs) + Math.max(...xs)) / 2);
  const oy = Math.round(SIZE / 2 - (Math.min(...ys) + Math.max(...ys)) / 2);
  return (p) => {
    const [u, v] = project(p);
    return [ox + u, oy + v];
  };
}

function cubeColour(s: MazeState, p: Pos): string {
  if (samePos(p, s.start_pos)) return COLOURS.start;
  if (samePos(p, s.goal_pos)) return COLOURS.goal;
  return s.labels.some((l) => samePos(l.pos, p)) ? COLOURS.label : COLOURS.plain;
}

export function renderMaze(s: MazeState): string {
  const screen = screenFor(s.grid_size);
  const cubes = cubeSet(s);
  const out: string[] = [];
  const [gx, gy] = s.grid_size;
  out.push(
    polygon(
      [
        screen([-0.5, -0.5, 0]),
        screen([gx - 0.5, -0.5, 0]),
        screen([gx - 0.5, gy - 0.5, 0]),
        screen([-0.5, gy - 0.5, 0]),
      ],
      FLOOR,
    ).replace("geometricPrecision", "crispEdges"),
  );
  // Drawables keyed by the cell they occupy.
  const items: Array<{ cell: Pos; order: number; draw: () => void }> = [];
  s.cubes.forEach((c, i) => {
    items.push({
      cell: c,
      order: i,
      draw: () => {
        const [x, y, z] = c;
        const colour = cubeColour(s, c);
        const face = (pts: P3[]): void => {
          out.push(crispPolygon(pts.map(screen), colour));
        };
        if (!cubes.has(key([x, y, z + 1])))
          face([
            [x, y, z + 1],
            [x + 1, y, z + 1],
            [x + 1, y + 1, z + 1],
            [x, y + 1, z + 1],
          ]);
        if (!cubes.has(key([x + 1, y, z])))
          face([
            [x + 1, y, z],
            [x + 1, y + 1, z],
            [x + 1, y + 1, z + 1],
            [x + 1, y, z + 1],
          ]);
        if (!cubes.has(key([x, y + 1, z])))
          face([
            [x, y + 1, z],
            [x + 1, y + 1, z],
            [x + 1, y + 1, z + 1],
            [x, y + 1, z + 1],
          ]);
      },
    });
  });
  for (const ladder of s.ladders) {
    const [x, y, z] = ladder.base_pos;
    for (let k = 1; k < ladder.height; k++) {
      const zc = z + k;
      items.push({
        cell: [x, y, zc],
        order: -1,
        draw: () => {
          const cx = x + 0.5;
          for (const ry of [y + 0.3, y + 0.7])
            out.push(line(...screen([cx, ry, zc]), ...screen([cx, ry, zc + 1]), "#000000", 3));
          for (const h of [zc + 0.25, zc + 0.75])
            out.push(line(...screen([cx, y + 0.3, h]), ...screen([cx, y + 0.7, h]), "#000000", 2));
        },
      });
    }
  }
  items
    .sort(
      (a, b) => a.cell[0] + a.cell[1] + a.cell[2] - (b.cell[0] + b.cell[1] + b.cell[2]) || a.order - b.order,
    )
    .forEach((it) => {
      it.draw();
    });
  for (const l of s.labels) {
    const [px, py] = screen([l.pos[0] + 0.5, l.pos[1] + 0.5, l.pos[2] + 1.1]);
    const text = String(l.label);
    out.push(svgText(text, px, py, { size: 28, color: "#ffffff", weight: 10 }));
    out.push(svgText(text, px, py, { size: 28, color: "#000000", weight: 4.5 }));
  }
  return svgDocument(SIZE, SIZE, out.join(""));
}
