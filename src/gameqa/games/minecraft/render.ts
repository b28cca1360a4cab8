/**
 * The 3D scene as an SVG (738 x 415, the size of the published screenshots). Hidden surfaces are
 * removed with the painter's algorithm over grid cells: a cell face is drawn only when it faces
 * the eye and no full cube sits against it, and cells are drawn from the farthest centre to the
 * nearest. For unit cubes on a grid this order is exact: a cell A can hide a cell B only when the
 * eye lies on A's side of every grid plane separating them, so A is nearer than B along every axis
 * and therefore nearer in distance. The floor (the 50 x 50 cells at y = -1) is drawn first as one
 * plane; the floor cells around sunken rivers and lava, whose sides show, are drawn as cells.
 */
import { line, polygon, rect, svgDocument } from "../../render/svg.js";
import {
  type Camera,
  distance2,
  facesEye,
  HEIGHT,
  makeCamera,
  projectPolygon,
  projectSegment,
  WIDTH,
} from "./camera.js";
import { riverCells, type Scene, type VoxelKind } from "./scene.js";
import type { MinecraftState, Vec3 } from "./state.js";
import { type FaceLook, type FaceSide, faceLook, shade, type UV } from "./texture.js";

interface Cell {
  p: Vec3;
  kind: VoxelKind | "river";
  height: number;
  color?: string;
  ladder?: boolean;
  grid?: boolean;
}

const FLOOR_HALF = 25;
const SUNKEN = 0.7;
const SKY = "#8cc0ee";
const VOID = "#3c3c3c";
const key = (x: number, y: number, z: number): string => `${x},${y},${z}`;
const inFloor = (x: number, z: number): boolean =>
  x >= -FLOOR_HALF && x < FLOOR_HALF && z >= -FLOOR_HALF && z < FLOOR_HALF;

/** Every cell drawn one by one: objects, river cells, and the floor cells next to sunken ones. */
function cellsOf(scene: Scene): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const v of scene.voxels) {
    cells.set(key(...v.p), {
      p: v.p,
      kind: v.kind,
      height: v.kind === "lava" ? SUNKEN : 1,
      ...(v.color ? { color: v.color } : {}),
      ...(v.ladder ? { ladder: true } : {}),
    });
  }
  if (scene.river)
    for (const p of riverCells(scene.river))
      cells.set(key(...p), { p, kind: "river", height: SUNKEN, grid: scene.river.grid });
  if (scene.ground) {
    const sunken = [...cells.values()].filter((c) => c.height < 1);
    for (const s of sunken) {
      for (let dx = -1; dx <= 1; dx++) {
        for (let dz = -1; dz <= 1; dz++) {
          const [x, z] = [s.p[0] + dx, s.p[2] + dz];
          if (!inFloor(x, z) || cells.has(key(x, -1, z))) continue;
          cells.set(key(x, -1, z), {
            p: [x, -1, z],
            kind: "ground",
            height: 1,
            color: scene.ground.color,
            grid: scene.ground.grid,
          });
        }
      }
    }
  }
  return cells;
}

const SIDES: Vec3[] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 0, 1],
  [0, 0, -1],
];
const SHADE = (n: Vec3): number => (n[1] === 1 ? 1 : n[0] !== 0 ? 0.8 : 0.9);

/** Corners of a face: top-left, top-right, bottom-right, bottom-left seen from outside. */
function faceCorners(c: Cell, n: Vec3): Vec3[] {
  const [x, y, z] = c.p;
  const top = y + c.height / 2;
  const bottom = y - c.height / 2;
  if (n[1] === 1)
    return [
      [x - 0.5, top, z - 0.5],
      [x + 0.5, top, z - 0.5],
      [x + 0.5, top, z + 0.5],
      [x - 0.5, top, z + 0.5],
    ];
  const r: Vec3 = [n[2], 0, -n[0]];
  const cx = x + n[0] / 2;
  const cz = z + n[2] / 2;
  return [
    [cx - r[0] / 2, top, cz - r[2] / 2],
    [cx + r[0] / 2, top, cz + r[2] / 2],
    [cx + r[0] / 2, bottom, cz + r[2] / 2],
    [cx - r[0] / 2, bottom, cz - r[2] / 2],
  ];
}

/** A point of a face at (u, v), for the parallelogram of corners tl, tr, -, bl. */
const at = (q: Vec3[], [u, v]: UV): Vec3 => {
  const [tl, tr, , bl] = q as [Vec3, Vec3, Vec3, Vec3];
  const mix = (k: 0 | 1 | 2): number => tl[k] + u * (tr[k] - tl[k]) + v * (bl[k] - tl[k]);
  return [mix(0), mix(1), mix(2)];
};

function drawFace(cam: Camera, corners: Vec3[], look: FaceLook, k: number, out: string[]): void {
  const px = projectPolygon(cam, corners);
  if (!px) return;
  const fill = shade(look.fill, k);
  // A hairline of the fill hides the anti-aliasing seams between neighbouring faces.
  out.push(polygon(px, fill, look.outline ? shade(look.outline, k) : fill, look.outline ? 1 : 0.6));
  for (const p of look.patches) {
    const pp = projectPolygon(
      cam,
      p.poly.map((uv) => at(corners, uv)),
    );
    if (pp) out.push(polygon(pp, shade(p.color, k)));
  }
}

/** The floor plane and, on grid floors, the cell lines. */
function drawFloor(cam: Camera, ground: NonNullable<Scene["ground"]>, out: string[]): void {
  const y = -0.5;
  const lo = -FLOOR_HALF - 0.5;
  const hi = FLOOR_HALF - 0.5;
  const plane = projectPolygon(cam, [
    [lo, y, lo],
    [hi, y, lo],
    [hi, y, hi],
    [lo, y, hi],
  ]);
  if (plane) out.push(polygon(plane, ground.color, ground.color, 0.6));
  if (!ground.grid) return;
  const ink = shade(ground.color, 0.6);
  for (let i = lo; i <= hi; i++) {
    for (const seg of [
      [
        [i, y, lo],
        [i, y, hi],
      ],
      [
        [lo, y, i],
        [hi, y, i],
      ],
    ] as Vec3[][]) {
      const s = projectSegment(cam, seg[0] as Vec3, seg[1] as Vec3);
      if (s) out.push(line(s[0], s[1], s[2], s[3], ink, 1));
    }
  }
}

export function renderScene(scene: Scene): string {
  const cam = makeCamera(scene.camera.eye, scene.camera.target);
  const out: string[] = [rect(0, 0, WIDTH, HEIGHT, scene.sky ? SKY : VOID)];
  if (scene.ground) drawFloor(cam, scene.ground, out);
  const cells = cellsOf(scene);
  const full = (x: number, y: number, z: number): boolean => {
    const c = cells.get(key(x, y, z));
    if (c) return c.height === 1;
    return y === -1 && scene.ground !== null && inFloor(x, z);
  };
  const ordered = [...cells.values()].sort((a, b) => distance2(cam, b.p) - distance2(cam, a.p));
  for (const c of ordered) {
    const [x, y, z] = c.p;
    for (const n of [[0, 1, 0] as Vec3, ...SIDES]) {
      const [nx, ny, nz] = n;
      const next = cells.get(key(x + nx, y + ny, z + nz));
      // Hidden against a full cube, or between two sunken cells of the same level.
      if (full(x + nx, y + ny, z + nz) || (c.height < 1 && next && next.height < 1)) continue;
      const corners = faceCorners(c, n);
      const centre = at(corners, [0.5, 0.5]);
      if (!facesEye(cam, centre, n)) continue;
      const side: FaceSide = ny === 1 ? "top" : "side";
      const look = faceLook(c.kind, side, {
        ...(c.color ? { color: c.color } : {}),
        ladder: c.ladder,
        grid: c.grid,
      });
      drawFace(cam, corners, look, SHADE(n), out);
    }
  }
  // One group: the whole picture goes to resvg in one pass (hundreds of distinct polygons).
  return svgDocument(WIDTH, HEIGHT, `<g>${out.join("")}</g>`);
}

export function renderMinecraft(s: MinecraftState): string {
  if (!s.scene) {
    // A published state has no scene (the original keeps it in its engine): an empty picture.
    return svgDocument(WIDTH, HEIGHT, rect(0, 0, WIDTH, HEIGHT, VOID));
  }
  return renderScene(s.scene);
}
