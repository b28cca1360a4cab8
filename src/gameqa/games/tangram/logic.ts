/**
 * Tangram ("Tengram") rules: a square board cut into pieces by nearest seed (a digital Voronoi
 * diagram), piece shapes as bounding-box masks, rotations and mirror images of those masks, the
 * hole left by removed pieces, fit tests, edge adjacency and the two-piece placement search.
 * Coordinates are (row, col) with (0, 0) top left, as in the original's grids and analyses.
 */

/** A boolean mask, rows of columns. */
export type Mask = boolean[][];
export type Cell = [number, number];

/** Degrees of a clockwise quarter turn. */
export type Turn = 0 | 90 | 180 | 270;
export const TURNS: readonly Turn[] = [0, 90, 180, 270];

/**
 * Every cell takes the id (1-based) of its nearest seed by squared distance; a tie goes to the seed
 * listed first, as in the original's strict-less scan.
 */
export function assignCells(size: number, seeds: readonly Cell[]): number[][] {
  const grid: number[][] = [];
  for (let r = 0; r < size; r++) {
    const row: number[] = [];
    for (let c = 0; c < size; c++) {
      let best = Number.POSITIVE_INFINITY;
      let id = 0;
      seeds.forEach(([sr, sc], k) => {
        const d = (r - sr) ** 2 + (c - sc) ** 2;
        if (d < best) {
          best = d;
          id = k + 1;
        }
      });
      row.push(id);
    }
    grid.push(row);
  }
  return grid;
}

export interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Bounding box of the cells where `grid` equals `value`, or undefined when there are none. */
export function boxOf(grid: readonly number[][], value: number): Box | undefined {
  let box: Box | undefined;
  grid.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v !== value) return;
      if (!box) box = { top: r, left: c, bottom: r, right: c };
      else {
        box.top = Math.min(box.top, r);
        box.bottom = Math.max(box.bottom, r);
        box.left = Math.min(box.left, c);
        box.right = Math.max(box.right, c);
      }
    });
  });
  return box;
}

/** The cells equal to `value`, cropped to their bounding box (a piece's shape, or the hole for 0). */
export function maskOf(grid: readonly number[][], value: number): { mask: Mask; box: Box } | undefined {
  const box = boxOf(grid, value);
  if (!box) return undefined;
  const mask: Mask = [];
  for (let r = box.top; r <= box.bottom; r++) {
    const row: boolean[] = [];
    for (let c = box.left; c <= box.right; c++) row.push(grid[r]?.[c] === value);
    mask.push(row);
  }
  return { mask, box };
}

export const heightOf = (m: Mask): number => m.length;
export const widthOf = (m: Mask): number => m[0]?.length ?? 0;
export const dims = (m: Mask): string => `${heightOf(m)}x${widthOf(m)}`;
export const areaOf = (m: Mask): number => m.reduce((n, row) => n + row.filter(Boolean).length, 0);

/** The mask turned clockwise by `deg` degrees. */
export function rotate(m: Mask, deg: Turn): Mask {
  let out = m;
  for (let k = 0; k < deg / 90; k++) {
    const h = heightOf(out);
    const w = widthOf(out);
    const src = out;
    // Clockwise: the new row i is the old column i read from the bottom up.
    out = Array.from({ length: w }, (_, i) =>
      Array.from({ length: h }, (_, j) => src[h - 1 - j]?.[i] === true),
    );
  }
  return out;
}

/** Mirror image left to right. */
export const mirror = (m: Mask): Mask => m.map((row) => [...row].reverse());

/** How the single removed piece of a rotation board is drawn: mirrored first (maybe), then turned. */
export interface View {
  flipped: boolean;
  rotation: Turn;
}

export const applyView = (m: Mask, v: View): Mask => rotate(v.flipped ? mirror(m) : m, v.rotation);

/** The first cell (row-major) where two same-sized masks differ, or null when they are equal. */
export function firstMismatch(hole: Mask, piece: Mask): Cell | null {
  for (let r = 0; r < heightOf(hole); r++)
    for (let c = 0; c < widthOf(hole); c++) if (hole[r]?.[c] !== piece[r]?.[c]) return [r, c];
  return null;
}

/** Quarter turns the bounding boxes allow: 0 and 180 for equal dimensions, 90 and 270 for swapped. */
export function turnsByDimensions(hole: Mask, piece: Mask): Turn[] {
  const out: Turn[] = [];
  if (heightOf(hole) === heightOf(piece) && widthOf(hole) === widthOf(piece)) out.push(0, 180);
  if (heightOf(hole) === widthOf(piece) && widthOf(hole) === heightOf(piece)) out.push(90, 270);
  return out.sort((a, b) => a - b);
}

/** One quarter turn tried against the hole: success, or the first cell that differs. */
export interface TurnTest {
  turn: Turn;
  mismatch: Cell | null;
}

/** Every turn the dimensions allow, tested cell by cell against the hole. */
export function testTurns(hole: Mask, piece: Mask): TurnTest[] {
  return turnsByDimensions(hole, piece).map((turn) => ({
    turn,
    mismatch: firstMismatch(hole, rotate(piece, turn)),
  }));
}

export const validTurns = (hole: Mask, piece: Mask): Turn[] =>
  testTurns(hole, piece)
    .filter((t) => t.mismatch === null)
    .map((t) => t.turn);

/**
 * The cell of the piece as drawn that lands on `at` after turning it clockwise by `turn`
 * (height and width are those of the drawn piece).
 */
export function sourceCell(at: Cell, turn: Turn, height: number, width: number): Cell {
  const [r, c] = at;
  if (turn === 90) return [height - 1 - c, r];
  if (turn === 180) return [height - 1 - r, width - 1 - c];
  if (turn === 270) return [c, width - 1 - r];
  return [r, c];
}

/** The eight answer phrases of the rotation question, in the original's order (its option texts). */
export const ROTATION_PHRASES = [
  "rotate 0 degrees",
  "rotate 90 degrees clockwise",
  "rotate 180 degrees",
  "rotate 90 degrees counterclockwise",
  "can't put inside (flipped)",
  "both rotate 0 and 180 degrees",
  "rotate 90 degrees by both direction",
  "no matter what degrees rotated, it always can fit",
] as const;

/**
 * The phrase naming a set of working turns. The set is always empty, one turn, a half-turn pair or
 * all four (the turns that map a shape onto itself form a group).
 */
export function rotationPhrase(turns: readonly Turn[]): string {
  const key = [...turns].sort((a, b) => a - b).join(",");
  const byKey: Record<string, number> = {
    "": 4,
    "0,180": 5,
    "90,270": 6,
    "0": 0,
    "90": 1,
    "180": 2,
    "270": 3,
  };
  return ROTATION_PHRASES[byKey[key] ?? 7] as string;
}

/** Distinct piece ids on the board (0 is empty), ascending. */
export function piecesOnBoard(grid: readonly number[][]): number[] {
  const ids = new Set<number>();
  for (const row of grid) for (const v of row) if (v !== 0) ids.add(v);
  return [...ids].sort((a, b) => a - b);
}

const STEPS: ReadonlyArray<[string, number, number]> = [
  ["up", -1, 0],
  ["down", 1, 0],
  ["left", 0, -1],
  ["right", 0, 1],
];

/** A neighbour of one cell of a piece that belongs to another piece. */
export interface Contact {
  dir: string;
  at: Cell;
  piece: number;
}

/** Each cell of `piece` (row-major) with the other pieces touching it across an edge (up, down, left, right). */
export function cellContacts(
  grid: readonly number[][],
  piece: number,
): Array<{ cell: Cell; contacts: Contact[] }> {
  const out: Array<{ cell: Cell; contacts: Contact[] }> = [];
  grid.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v !== piece) return;
      const contacts: Contact[] = [];
      for (const [dir, dr, dc] of STEPS) {
        const other = grid[r + dr]?.[c + dc];
        if (other !== undefined && other !== 0 && other !== piece)
          contacts.push({ dir, at: [r + dr, c + dc], piece: other });
      }
      out.push({ cell: [r, c], contacts });
    });
  });
  return out;
}

/** Pieces sharing an edge with `piece`, ascending. */
export function neighbours(grid: readonly number[][], piece: number): number[] {
  const ids = new Set<number>();
  for (const { contacts } of cellContacts(grid, piece)) for (const k of contacts) ids.add(k.piece);
  return [...ids].sort((a, b) => a - b);
}

/** Rows a piece covers: row index, first and last column, cell count. */
export function rowRuns(
  grid: readonly number[][],
  piece: number,
): Array<{ row: number; first: number; last: number; count: number }> {
  const out: Array<{ row: number; first: number; last: number; count: number }> = [];
  grid.forEach((row, r) => {
    const cols = row.flatMap((v, c) => (v === piece ? [c] : []));
    if (cols.length)
      out.push({
        row: r,
        first: cols[0] as number,
        last: cols[cols.length - 1] as number,
        count: cols.length,
      });
  });
  return out;
}
