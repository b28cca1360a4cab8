/**
 * 3D reconstruction rules on a 3x3x3 grid: voxels (x, y, z) in 1..3 with (1,1,1) front-left-bottom,
 * face connectivity, the two target projections (front Y-Z seen along -X, side X-Z seen along +Y),
 * and an exhaustive solver for the fewest voxels to add so both projections match.
 */
import type { Rng } from "../../types.js";

export type Voxel = readonly [x: number, y: number, z: number];
/** A projection as the state stores it: proj[z - 1][h - 1], row 0 = bottom layer (z = 1). */
export type Projection = number[][];

export const vkey = ([x, y, z]: Voxel): string => `${x},${y},${z}`;
export const fmtVoxel = ([x, y, z]: Voxel): string => `(${x}, ${y}, ${z})`;
export const fmtVoxels = (vs: readonly Voxel[]): string => `[${sortVoxels(vs).map(fmtVoxel).join(", ")}]`;

export function sortVoxels(vs: readonly Voxel[]): Voxel[] {
  return [...vs].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
}

export const ALL_CELLS: readonly Voxel[] = (() => {
  const out: Voxel[] = [];
  for (let x = 1; x <= 3; x++) for (let y = 1; y <= 3; y++) for (let z = 1; z <= 3; z++) out.push([x, y, z]);
  return out;
})();

const inGrid = (v: number): boolean => v >= 1 && v <= 3;

export function faceNeighbours([x, y, z]: Voxel): Voxel[] {
  const out: Voxel[] = [];
  for (const [dx, dy, dz] of [
    [-1, 0, 0],
    [1, 0, 0],
    [0, -1, 0],
    [0, 1, 0],
    [0, 0, -1],
    [0, 0, 1],
  ] as const) {
    const n: Voxel = [x + dx, y + dy, z + dz];
    if (n.every(inGrid)) out.push(n);
  }
  return out;
}

/** True when the voxels form one face-connected piece (an empty set is not connected). */
export function isConnected(vs: readonly Voxel[]): boolean {
  if (vs.length === 0) return false;
  const all = new Set(vs.map(vkey));
  const seen = new Set<string>([vkey(vs[0] as Voxel)]);
  const stack: Voxel[] = [vs[0] as Voxel];
  while (stack.length > 0) {
    for (const n of faceNeighbours(stack.pop() as Voxel)) {
      const k = vkey(n);
      if (all.has(k) && !seen.has(k)) {
        seen.add(k);
        stack.push(n);
      }
    }
  }
  return seen.size === all.size;
}

export interface Projections {
  yz: Projection;
  xz: Projection;
}

export function projections(vs: readonly Voxel[]): Projections {
  const yz = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const xz = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const [x, y, z] of vs) {
    (yz[z - 1] as number[])[y - 1] = 1;
    (xz[z - 1] as number[])[x - 1] = 1;
  }
  return { yz, xz };
}

export const sameProjection = (a: Projection, b: Projection): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/** Rows from top (z = 3) to bottom (z = 1), the answer format of the projection question. */
export const topDown = (p: Projection): number[][] => [p[2] ?? [], p[1] ?? [], p[0] ?? []];
export const matrixText = (rows: number[][]): string =>
  `[${rows.map((r) => `[${r.join(", ")}]`).join(", ")}]`;

/** Cells whose line of sight is lit in both target projections: the only places a voxel may go. */
export function allowedCells(target: Projections): Voxel[] {
  return ALL_CELLS.filter(([x, y, z]) => target.yz[z - 1]?.[y - 1] === 1 && target.xz[z - 1]?.[x - 1] === 1);
}

export interface MinimalAddition {
  added: Voxel[];
  /** How many candidate sets were tried before the first that works (for the analysis). */
  checked: number;
  candidates: Voxel[];
}

/**
 * Fewest voxels to add to `current` (at most `limit`) so the structure stays connected and matches
 * both target projections. Exhaustive by size: every subset of size k of the allowed empty cells is
 * tried before size k + 1, in lexicographic order, so the first hit is a true minimum.
 */
export function minimalAddition(
  current: readonly Voxel[],
  target: Projections,
  limit: number,
): MinimalAddition | null {
  const have = new Set(current.map(vkey));
  let candidates = allowedCells(target).filter((v) => !have.has(vkey(v)));
  if (current.length > 0) {
    // Only allowed cells joined to the structure through allowed cells can be part of a connected answer.
    const reach = new Set(have);
    const free = new Set(candidates.map(vkey));
    const stack = [...current];
    while (stack.length > 0) {
      for (const n of faceNeighbours(stack.pop() as Voxel)) {
        if (free.has(vkey(n)) && !reach.has(vkey(n))) {
          reach.add(vkey(n));
          stack.push(n);
        }
      }
    }
    candidates = candidates.filter((v) => reach.has(vkey(v)));
  }
  // Every candidate together is connected and lights only target cells: if even that leaves a target
  // cell dark, no completion exists (this also keeps malformed inputs from an exhaustive search).
  const full = projections([...current, ...candidates]);
  if (!sameProjection(full.yz, target.yz) || !sameProjection(full.xz, target.xz)) return null;
  let checked = 0;
  const pick: Voxel[] = [];
  const found = (k: number, from: number): boolean => {
    if (pick.length === k) {
      checked++;
      const all = [...current, ...pick];
      const p = projections(all);
      return isConnected(all) && sameProjection(p.yz, target.yz) && sameProjection(p.xz, target.xz);
    }
    for (let i = from; i <= candidates.length - (k - pick.length); i++) {
      pick.push(candidates[i] as Voxel);
      if (found(k, i + 1)) return true;
      pick.pop();
    }
    return false;
  };
  for (let k = 0; k <= Math.min(limit, candidates.length); k++) {
    if (found(k, 0)) return { added: sortVoxels(pick), checked, candidates };
  }
  return null;
}

export type Criterion = "both" | "yz" | "xz";

/** Whether adding `add` to `current` is a legal move sequence that reaches the target view(s). */
export function isValidAddition(
  current: readonly Voxel[],
  add: readonly Voxel[],
  target: Projections,
  limit: number,
  criterion: Criterion,
): boolean {
  const have = new Set(current.map(vkey));
  if (add.length > limit || add.some((v) => have.has(vkey(v))) || new Set(add.map(vkey)).size !== add.length)
    return false;
  const all = [...current, ...add];
  if (!isConnected(all)) return false;
  const p = projections(all);
  const yz = sameProjection(p.yz, target.yz);
  const xz = sameProjection(p.xz, target.xz);
  return criterion === "both" ? yz && xz : criterion === "yz" ? yz : xz;
}

/** Grow `count` random voxels, each face-adjacent to the structure built so far. */
export function growRandom(rng: Rng, base: readonly Voxel[], count: number): Voxel[] {
  const have = new Set(base.map(vkey));
  const added: Voxel[] = [];
  for (let i = 0; i < count; i++) {
    const frontier = new Map<string, Voxel>();
    for (const v of [...base, ...added])
      for (const n of faceNeighbours(v)) if (!have.has(vkey(n))) frontier.set(vkey(n), n);
    if (frontier.size === 0) break;
    const n = rng.pick([...frontier.values()].sort((a, b) => vkey(a).localeCompare(vkey(b))));
    have.add(vkey(n));
    added.push(n);
  }
  return added;
}

/** A connected target of `count` voxels with one on the bottom layer, and a connected start inside it. */
export function generatePuzzle(
  rng: Rng,
  targetCount: number,
  initialCount: number,
): { target: Voxel[]; current: Voxel[] } {
  const base: Voxel = [rng.int(1, 3), rng.int(1, 3), 1];
  const target = [base, ...growRandom(rng, [base], targetCount - 1)];
  const inTarget = new Set(target.map(vkey));
  const bottom = target.filter((v) => v[2] === 1);
  const current: Voxel[] = [rng.pick(sortVoxels(bottom))];
  while (current.length < initialCount) {
    const have = new Set(current.map(vkey));
    const options = new Map<string, Voxel>();
    for (const v of current)
      for (const n of faceNeighbours(v))
        if (inTarget.has(vkey(n)) && !have.has(vkey(n))) options.set(vkey(n), n);
    if (options.size === 0) break;
    current.push(rng.pick(sortVoxels([...options.values()])));
  }
  return { target: sortVoxels(target), current: sortVoxels(current) };
}
