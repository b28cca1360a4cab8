/**
 * Tetris rules used by the tasks: the seven tetrominoes, rotation, collision, hard drops, row
 * clearing, a greedy self-playing simulator that fills the board, and the three solvers the
 * questions need (shape identification, fall distance after a sideways move, best line clear).
 *
 * Grid cells: 0 empty, 1 settled block (grey), 2 active falling tetromino (red). Row 0 is the top.
 */
import type { Rng } from "../../types.js";

export type Cell = readonly [row: number, col: number];
export type Grid = number[][];
export type ShapeLetter = "I" | "O" | "T" | "L" | "J" | "S" | "Z";
export const SHAPE_LETTERS: readonly ShapeLetter[] = ["I", "O", "T", "L", "J", "S", "Z"];

/**
 * Reference orientation of each piece (rotation 0°), as [row, col] cells:
 * I vertical bar; O square; T a row of three with one block under its middle; L a vertical bar
 * with a foot to the right at the bottom; J its mirror; S and Z the two horizontal zig-zags.
 */
const REFERENCE: Record<ShapeLetter, Cell[]> = {
  I: [
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 0],
  ],
  O: [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  T: [
    [0, 0],
    [0, 1],
    [0, 2],
    [1, 1],
  ],
  L: [
    [0, 0],
    [1, 0],
    [2, 0],
    [2, 1],
  ],
  J: [
    [0, 1],
    [1, 1],
    [2, 1],
    [2, 0],
  ],
  S: [
    [0, 1],
    [0, 2],
    [1, 0],
    [1, 1],
  ],
  Z: [
    [0, 0],
    [0, 1],
    [1, 1],
    [1, 2],
  ],
};

/** Shift cells so the smallest row and column are 0, sorted row-major (a canonical form). */
export function normalize(cells: readonly Cell[]): Cell[] {
  const r0 = Math.min(...cells.map((c) => c[0]));
  const c0 = Math.min(...cells.map((c) => c[1]));
  return cells.map(([r, c]) => [r - r0, c - c0] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

const key = (cells: readonly Cell[]): string =>
  normalize(cells)
    .map(([r, c]) => `${r},${c}`)
    .join(";");

/** Rotate 90° clockwise on screen (row down, col right): right of centre goes below it. */
export function rotateClockwise(cells: readonly Cell[]): Cell[] {
  return normalize(cells.map(([r, c]) => [c, -r] as const));
}

/** The piece turned `quarterTurns` × 90° clockwise from its reference orientation. */
export function orientation(letter: ShapeLetter, quarterTurns: number): Cell[] {
  let cells: Cell[] = normalize(REFERENCE[letter]);
  for (let i = 0; i < ((quarterTurns % 4) + 4) % 4; i++) cells = rotateClockwise(cells);
  return cells;
}

/** Distinct orientations of a piece (O has 1, I/S/Z have 2, the others 4). */
export function distinctOrientations(cells: readonly Cell[]): Cell[][] {
  const out: Cell[][] = [];
  const seen = new Set<string>();
  let cur = normalize(cells);
  for (let i = 0; i < 4; i++) {
    const k = key(cur);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(cur);
    }
    cur = rotateClockwise(cur);
  }
  return out;
}

export interface ShapeId {
  letter: ShapeLetter;
  /** Clockwise rotation from the reference orientation, the smallest that matches. */
  degrees: number;
}

/** Which tetromino the cells form, or null when they are not one of the seven. */
export function identifyShape(cells: readonly Cell[]): ShapeId | null {
  if (cells.length !== 4) return null;
  const target = key(cells);
  for (const letter of SHAPE_LETTERS) {
    for (let q = 0; q < 4; q++) {
      if (key(orientation(letter, q)) === target) return { letter, degrees: q * 90 };
    }
  }
  return null;
}

export function activeCells(grid: Grid): Cell[] {
  const out: Cell[] = [];
  grid.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v === 2) out.push([r, c]);
    });
  });
  return out;
}

export function emptyCellsInRow(grid: Grid, row: number): Cell[] {
  const out: Cell[] = [];
  (grid[row] ?? []).forEach((v, c) => {
    if (v === 0) out.push([row, c]);
  });
  return out;
}

/** True when every cell lies inside the grid and on no settled block (the active piece is ignored). */
export function fits(grid: Grid, cells: readonly Cell[]): boolean {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  return cells.every(([r, c]) => r >= 0 && r < rows && c >= 0 && c < cols && grid[r]?.[c] !== 1);
}

const shift = (cells: readonly Cell[], dr: number, dc: number): Cell[] =>
  cells.map(([r, c]) => [r + dr, c + dc] as const);

/** A piece rests when moving it one row down would leave the grid or hit a settled block. */
export function rests(grid: Grid, cells: readonly Cell[]): boolean {
  return !fits(grid, shift(cells, 1, 0));
}

/** Number of free one-row falls before the cells come to rest. */
export function fallDistance(grid: Grid, cells: readonly Cell[]): number {
  let d = 0;
  while (fits(grid, shift(cells, d + 1, 0))) d++;
  return d;
}

export type SideMove = "left" | "right";

export interface SideMoveOutcome {
  /** Cells after the sideways move, or null when the move itself is blocked. */
  moved: Cell[] | null;
  /** Timesteps of falling until a collision: 0 when the move is blocked or the piece already rests. */
  steps: number;
}

/** Move the active piece one column sideways, then count its free falls (one row per timestep). */
export function stepsUntilCollision(grid: Grid, cells: readonly Cell[], move: SideMove): SideMoveOutcome {
  const moved = shift(cells, 0, move === "left" ? -1 : 1);
  if (!fits(grid, moved)) return { moved: null, steps: 0 };
  return { moved, steps: fallDistance(grid, moved) };
}

/** Rows (top to bottom) that would be full with `cells` added as settled blocks; active cells count as empty. */
export function fullRowsWith(grid: Grid, cells: readonly Cell[]): number[] {
  const added = new Set(cells.map(([r, c]) => `${r},${c}`));
  const out: number[] = [];
  grid.forEach((row, r) => {
    if (row.every((v, c) => v === 1 || added.has(`${r},${c}`))) out.push(r);
  });
  return out;
}

export interface Placement {
  cells: Cell[];
  cleared: number[];
}

/**
 * Every resting placement of the piece: each distinct orientation at each offset where it fits and
 * rests on a settled block or the floor. Enclosed pockets count too (the question allows unlimited
 * rotations and translations), exactly as in the original generator.
 */
export function restingPlacements(grid: Grid, piece: readonly Cell[]): Placement[] {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  const out: Placement[] = [];
  for (const shape of distinctOrientations(piece)) {
    for (let dc = 0; dc < cols; dc++) {
      for (let dr = 0; dr < rows; dr++) {
        const cells = shift(shape, dr, dc);
        if (fits(grid, cells) && rests(grid, cells)) out.push({ cells, cleared: fullRowsWith(grid, cells) });
      }
    }
  }
  return out;
}

/** The placement clearing most rows (first found wins ties), or null when the piece cannot be placed. */
export function bestClear(grid: Grid, piece: readonly Cell[]): Placement | null {
  let best: Placement | null = null;
  for (const p of restingPlacements(grid, piece)) {
    if (!best || p.cleared.length > best.cleared.length) best = p;
  }
  return best;
}

/* ----------------------------- board generation ----------------------------- */

function holes(grid: Grid): number {
  let n = 0;
  const cols = grid[0]?.length ?? 0;
  for (let c = 0; c < cols; c++) {
    let covered = false;
    for (const row of grid) {
      if (row[c] === 1) covered = true;
      else if (covered) n++;
    }
  }
  return n;
}

function stackHeight(grid: Grid): number {
  const top = grid.findIndex((row) => row.includes(1));
  return top < 0 ? 0 : grid.length - top;
}

function clearFullRows(grid: Grid): Grid {
  const kept = grid.filter((row) => !row.every((v) => v === 1));
  const cols = grid[0]?.length ?? 0;
  while (kept.length < grid.length) kept.unshift(new Array<number>(cols).fill(0));
  return kept;
}

/**
 * Play `moves` random pieces with a greedy placer (hard drop from the top, scored by lines cleared,
 * new holes and height growth), then spawn one random active piece in a random column with at least
 * one empty row between it and the stack. Returns the grid and whether the game ended early (no
 * active piece then).
 */
export function simulateBoard(
  rng: Rng,
  rows: number,
  cols: number,
  moves: number,
): { grid: Grid; gameOver: boolean } {
  let grid: Grid = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let m = 0; m < moves; m++) {
    const letter = rng.pick(SHAPE_LETTERS);
    let best: { cells: Cell[]; score: number } | null = null;
    const before = holes(grid);
    const height = stackHeight(grid);
    for (const shape of distinctOrientations(orientation(letter, 0))) {
      for (let dc = 0; dc < cols; dc++) {
        const start = shift(shape, 0, dc);
        if (!fits(grid, start)) continue;
        const cells = shift(start, fallDistance(grid, start), 0);
        const trial = grid.map((row) => row.slice());
        for (const [r, c] of cells) (trial[r] as number[])[c] = 1;
        const lines = trial.filter((row) => row.every((v) => v === 1)).length;
        const score =
          100 * lines - 50 * (holes(trial) - before) - 30 * Math.max(0, stackHeight(trial) - height);
        if (!best || score > best.score) best = { cells, score };
      }
    }
    if (!best) return { grid, gameOver: true };
    for (const [r, c] of best.cells) (grid[r] as number[])[c] = 1;
    grid = clearFullRows(grid);
  }
  const piece = orientation(rng.pick(SHAPE_LETTERS), rng.int(0, 3));
  const h = Math.max(...piece.map((c) => c[0])) + 1;
  const top = grid.findIndex((row) => row.includes(1));
  const highest = top < 0 ? rows : top;
  const startRow = highest - h - 1;
  if (startRow < 0) return { grid, gameOver: true };
  const columns: number[] = [];
  for (let dc = 0; dc < cols; dc++) if (fits(grid, shift(piece, startRow, dc))) columns.push(dc);
  if (columns.length === 0) return { grid, gameOver: true };
  const dc = rng.pick(columns);
  for (const [r, c] of shift(piece, startRow, dc)) (grid[r] as number[])[c] = 2;
  return { grid, gameOver: false };
}

/** Python-style list of (row, col) tuples, the notation the questions and analyses use. */
export function formatCells(cells: readonly Cell[]): string {
  return `[${cells.map(([r, c]) => `(${r}, ${c})`).join(", ")}]`;
}
