/**
 * 3D maze rules: a path of unit cubes on an 8 x 8 x 7 grid. A "walk" segment moves two cells along
 * -x or -y on one level (the cube in between is laid too); a "ladder" segment climbs three levels
 * straight up from a cube to the cube above the gap. Side paths (dead ends) start at branch cubes
 * of the main path and keep clear of every other cube.
 */
import type { Rng } from "../../types.js";

export type Pos = [number, number, number];
export type SegmentType = "walk" | "ladder";
export interface Segment {
  start: Pos;
  end: Pos;
  type: SegmentType;
}
/** The direction words of the original: -y is "left-forward", -x "right-forward", +z "up". */
export type Direction = "left-forward" | "right-forward" | "up";

export const GRID: Pos = [8, 8, 7];
const MOVES: Array<{ type: SegmentType; delta: Pos }> = [
  { type: "walk", delta: [0, -2, 0] },
  { type: "walk", delta: [-2, 0, 0] },
  { type: "ladder", delta: [0, 0, 3] },
];

/** A cube's number for sets (coordinates stay below 64). */
export const key = (p: readonly number[]): number =>
  ((p[0] as number) << 12) | ((p[1] as number) << 6) | (p[2] as number);
export const unkey = (k: number): Pos => [k >> 12, (k >> 6) & 63, k & 63];
export const samePos = (a: Pos, b: Pos): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
const add = (a: Pos, b: Pos): Pos => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

/** The cube a walk passes over (a ladder has none). */
export function midpoint(seg: Segment): Pos | undefined {
  if (seg.type !== "walk") return undefined;
  return [(seg.start[0] + seg.end[0]) / 2, (seg.start[1] + seg.end[1]) / 2, seg.start[2]];
}

export function direction(seg: Segment): Direction {
  if (seg.type === "ladder") return "up";
  return seg.start[0] === seg.end[0] ? "left-forward" : "right-forward";
}

/** Cubes of a path in walking order: the first start, then each walk's middle cube and each end. */
export function orderedCubes(path: readonly Segment[]): Pos[] {
  const out: Pos[] = [];
  const first = path[0];
  if (first) out.push(first.start);
  for (const seg of path) {
    const mid = midpoint(seg);
    if (mid) out.push(mid);
    out.push(seg.end);
  }
  return out;
}

/** Two cubes closer than 2 on every axis (the original keeps labels and branches this far apart). */
export const tooClose = (a: Pos, b: Pos): boolean =>
  Math.abs(a[0] - b[0]) < 2 && Math.abs(a[1] - b[1]) < 2 && Math.abs(a[2] - b[2]) < 2;

function hasNeighbour(p: Pos, cubes: ReadonlySet<number>): boolean {
  for (let dx = -1; dx <= 1; dx++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dz = -1; dz <= 1; dz++)
        if ((dx || dy || dz) && cubes.has(key([p[0] + dx, p[1] + dy, p[2] + dz]))) return true;
  return false;
}

function moveAllowed(from: Pos, delta: Pos, cubes: ReadonlySet<number>, clear: boolean): boolean {
  const to = add(from, delta);
  if (to.some((v, i) => v < 0 || v >= (GRID[i] as number))) return false;
  if (delta[2] === 0 && cubes.has(key([from[0] + delta[0] / 2, from[1] + delta[1] / 2, from[2]])))
    return false;
  if (cubes.has(key(to))) return false;
  return !(clear && hasNeighbour(to, cubes));
}

/**
 * Grow a path of `minSeg`..`maxSeg` segments from `start`, adding its cubes to `cubes`. Moves that
 * would leave the grid edge band (x or y down to 0) or the top are never offered, as in the original;
 * `clear` (side paths) also keeps each new end away from all existing cubes. Stops early when stuck.
 */
export function growPath(
  rng: Rng,
  start: Pos,
  cubes: Set<number>,
  minSeg: number,
  maxSeg: number,
  clear: boolean,
): Segment[] {
  const path: Segment[] = [];
  cubes.add(key(start));
  let at = start;
  const count = rng.int(minSeg, maxSeg);
  for (let i = 0; i < count; i++) {
    const offered = MOVES.filter(
      (m) =>
        (m.type === "ladder" ? at[2] + 3 < GRID[2] : at[m.delta[0] ? 0 : 1] - 2 > 0) &&
        moveAllowed(at, m.delta, cubes, clear),
    );
    if (offered.length === 0) break;
    const move = rng.pick(offered);
    const seg: Segment = { start: at, end: add(at, move.delta), type: move.type };
    const mid = midpoint(seg);
    if (mid) cubes.add(key(mid));
    cubes.add(key(seg.end));
    path.push(seg);
    at = seg.end;
  }
  return path;
}

/** The main-path segment that leaves `pos` (undefined when `pos` is not a segment start). */
export const segmentFrom = (path: readonly Segment[], pos: Pos): Segment | undefined =>
  path.find((s) => samePos(s.start, pos));

/** Index of `pos` along the ordered cubes of `path`, or -1. */
export const indexOnPath = (path: readonly Segment[], pos: Pos): number =>
  orderedCubes(path).findIndex((c) => samePos(c, pos));

/**
 * Height relation of labelled points written as the original does: groups of equal height in
 * rising order, labels ascending inside a group, "=" within and " < " between groups.
 */
export function heightRelation(points: ReadonlyArray<{ label: number; z: number }>): string {
  const sorted = [...points].sort((a, b) => a.z - b.z || a.label - b.label);
  const groups: number[][] = [];
  let last: number | undefined;
  for (const p of sorted) {
    if (p.z !== last) groups.push([]);
    (groups[groups.length - 1] as number[]).push(p.label);
    last = p.z;
  }
  return groups.map((g) => g.join(" = ")).join(" < ");
}

/** The 13 orderings of three labelled heights (the original's option pool). */
export const HEIGHT_RELATIONS = [
  "1 < 2 < 3",
  "1 < 3 < 2",
  "2 < 1 < 3",
  "2 < 3 < 1",
  "3 < 1 < 2",
  "3 < 2 < 1",
  "1 < 2 = 3",
  "2 < 1 = 3",
  "3 < 1 = 2",
  "1 = 2 < 3",
  "1 = 3 < 2",
  "2 = 3 < 1",
  "1 = 2 = 3",
];

/** Plot level by cube count, the original's thresholds. */
export const levelOfCubes = (n: number): "Easy" | "Medium" | "Hard" =>
  n < 15 ? "Easy" : n < 25 ? "Medium" : "Hard";
