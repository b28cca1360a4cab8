/**
 * Star Battle rules with one star per row, column and region: an n x n grid cut into n regions
 * (so the region count is the grid size everywhere below);
 * stars may not touch, diagonals included. Cells are [row, col], 0-based from the top left.
 */
import type { Rng } from "../../types.js";

export type Cell = [number, number];

/** The original's region colours by region index (names as its questions write them). */
export const REGION_COLORS: ReadonlyArray<readonly [string, string]> = [
  ["light pink", "#ffb6c1"],
  ["powder blue", "#b0e0e6"],
  ["light green", "#90ee90"],
  ["peach", "#ffdab9"],
  ["red", "#ff0000"],
  ["yellow", "#ffff00"],
  ["cyan", "#00ffff"],
  ["orange", "#ffa500"],
  ["purple", "#800080"],
];

export const cellText = ([r, c]: readonly number[]): string => `(${r},${c})`;
export const cellTextSpaced = ([r, c]: readonly number[]): string => `(${r}, ${c})`;
export const sameCell = (a: readonly number[], b: readonly number[]): boolean =>
  a[0] === b[0] && a[1] === b[1];

/** regionOf[r][c] = index of the region holding the cell. */
export function regionMap(regions: readonly Cell[][], size: number): number[][] {
  const map = Array.from({ length: size }, () => new Array<number>(size).fill(-1));
  regions.forEach((cells, k) => {
    for (const [r, c] of cells) (map[r] as number[])[c] = k;
  });
  return map;
}

const ORTHOGONAL: ReadonlyArray<readonly [number, number]> = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

/**
 * n connected regions grown the original's way: each region starts on a random free cell and grows
 * breadth-first in random order up to size^2 / n cells (less when it is walled in); cells left over
 * join a random neighbouring region. Returns null when fewer than n regions could be started.
 */
export function growRegions(rng: Rng, size: number, n: number): Cell[][] | null {
  const owner = Array.from({ length: size }, () => new Array<number>(size).fill(-1));
  const free = new Set<number>(Array.from({ length: size * size }, (_, i) => i));
  const target = Math.max(Math.floor((size * size) / n), 1);
  const regions: Cell[][] = [];
  const inside = (r: number, c: number): boolean => r >= 0 && c >= 0 && r < size && c < size;
  while (regions.length < n && free.size > 0) {
    const start = rng.pick([...free]);
    const k = regions.length;
    const region: Cell[] = [[Math.floor(start / size), start % size]];
    free.delete(start);
    (owner[Math.floor(start / size)] as number[])[start % size] = k;
    for (let q = 0; q < region.length && region.length < target; q++) {
      const [r, c] = region[q] as Cell;
      for (const [dr, dc] of rng.shuffle(ORTHOGONAL)) {
        const nr = r + dr;
        const nc = c + dc;
        if (!inside(nr, nc) || !free.has(nr * size + nc) || region.length >= target) continue;
        free.delete(nr * size + nc);
        (owner[nr] as number[])[nc] = k;
        region.push([nr, nc]);
      }
    }
    regions.push(region);
  }
  if (regions.length < n) return null;
  // Leftover cells join a random adjacent region, repeatedly, until none is left.
  while (free.size > 0) {
    for (const i of [...free].sort((a, b) => a - b)) {
      const r = Math.floor(i / size);
      const c = i % size;
      const near = [
        ...new Set(
          ORTHOGONAL.map(([dr, dc]) =>
            inside(r + dr, c + dc) ? (owner[r + dr]?.[c + dc] ?? -1) : -1,
          ).filter((k) => k >= 0),
        ),
      ];
      if (near.length === 0) continue;
      const k = rng.pick(near);
      (owner[r] as number[])[c] = k;
      (regions[k] as Cell[]).push([r, c]);
      free.delete(i);
    }
  }
  return regions;
}

/** The first solution in row order (each row's star column as low as possible), or null. */
export function solve(regions: readonly Cell[][], size: number): Cell[] | null {
  const regionOf = regionMap(regions, size);
  const cols = new Array<number>(size).fill(-1);
  const usedCol = new Array<boolean>(size).fill(false);
  const usedRegion = new Array<boolean>(regions.length).fill(false);
  const place = (r: number): boolean => {
    if (r === size) return true;
    for (let c = 0; c < size; c++) {
      const k = regionOf[r]?.[c] ?? -1;
      if (usedCol[c] || usedRegion[k] || (r > 0 && Math.abs((cols[r - 1] as number) - c) <= 1)) continue;
      cols[r] = c;
      usedCol[c] = true;
      usedRegion[k] = true;
      if (place(r + 1)) return true;
      usedCol[c] = false;
      usedRegion[k] = false;
    }
    return false;
  };
  return regions.length === size && place(0) ? cols.map((c, r) => [r, c] as Cell) : null;
}

/** Why a star may not go on an empty cell, given the stars placed (empty list = it may). */
export interface Blockers {
  adjacent: Cell[];
  row?: Cell;
  column?: Cell;
  region?: Cell;
}

export function blockers(regions: readonly Cell[][], stars: readonly Cell[], cell: Cell): Blockers {
  // The grid has as many rows as regions (n x n grid, n regions).
  const regionOf = regionMap(regions, regions.length);
  const k = regionOf[cell[0]]?.[cell[1]];
  const b: Blockers = {
    adjacent: stars.filter(
      (s) => !sameCell(s, cell) && Math.abs(s[0] - cell[0]) <= 1 && Math.abs(s[1] - cell[1]) <= 1,
    ),
  };
  const row = stars.find((s) => s[0] === cell[0]);
  const column = stars.find((s) => s[1] === cell[1]);
  const region = stars.find((s) => regionOf[s[0]]?.[s[1]] === k);
  if (row) b.row = row;
  if (column) b.column = column;
  if (region) b.region = region;
  return b;
}

export const isStar = (stars: readonly Cell[], cell: Cell): boolean => stars.some((s) => sameCell(s, cell));

/** An empty cell where one more star breaks no rule. */
export function canHoldStar(regions: readonly Cell[][], stars: readonly Cell[], cell: Cell): boolean {
  if (isStar(stars, cell)) return false;
  const b = blockers(regions, stars, cell);
  return b.adjacent.length === 0 && !b.row && !b.column && !b.region;
}
