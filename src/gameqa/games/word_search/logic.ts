/** Word-search rules: the eight reading directions, spelling checks, letter counts, word occurrences. */

export type DirectionName =
  | "right"
  | "down"
  | "diagonal-right-down"
  | "diagonal-right-up"
  | "diagonal-left-down"
  | "diagonal-left-up"
  | "up"
  | "left";

/** Direction names (the published option texts) and their (row, col) steps; rows grow downwards. */
export const DIRECTIONS: ReadonlyArray<readonly [DirectionName, number, number]> = [
  ["right", 0, 1],
  ["down", 1, 0],
  ["diagonal-right-down", 1, 1],
  ["diagonal-right-up", -1, 1],
  ["diagonal-left-down", 1, -1],
  ["diagonal-left-up", -1, -1],
  ["up", -1, 0],
  ["left", 0, -1],
];

export const step = (d: DirectionName): readonly [number, number] => {
  const e = DIRECTIONS.find((x) => x[0] === d);
  if (!e) throw new Error(`unknown direction ${d}`);
  return [e[1], e[2]];
};

/** Cells (0-based) a word of `length` covers from `start` in direction d, or null if it leaves the grid. */
export function path(
  size: number,
  start: readonly [number, number],
  d: DirectionName,
  length: number,
): Array<[number, number]> | null {
  const [dr, dc] = step(d);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < length; i++) {
    const r = start[0] + dr * i;
    const c = start[1] + dc * i;
    if (r < 0 || r >= size || c < 0 || c >= size) return null;
    out.push([r, c]);
  }
  return out;
}

export function spells(
  grid: string[][],
  word: string,
  start: readonly [number, number],
  d: DirectionName,
): boolean {
  const cells = path(grid.length, start, d, word.length);
  return cells?.every(([r, c], i) => grid[r]?.[c] === word[i]) === true;
}

/** Directions in which `word` reads from `start`. */
export function directionsFrom(
  grid: string[][],
  word: string,
  start: readonly [number, number],
): DirectionName[] {
  return DIRECTIONS.map((d) => d[0]).filter((d) => spells(grid, word, start, d));
}

export interface Occurrence {
  row: number;
  col: number;
  direction: DirectionName;
}

/** Every (start, direction) where `word` can be read, row-major then direction order. */
export function occurrences(grid: string[][], word: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (let r = 0; r < grid.length; r++) {
    for (let c = 0; c < grid.length; c++) {
      for (const [d] of DIRECTIONS)
        if (spells(grid, word, [r, c], d)) out.push({ row: r, col: c, direction: d });
    }
  }
  return out;
}

/** 0-based cells holding `letter`, row by row. */
export function letterCells(grid: string[][], letter: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  grid.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v === letter) out.push([r, c]);
    });
  });
  return out;
}
