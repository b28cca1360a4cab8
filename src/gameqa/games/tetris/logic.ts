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
  return fitsAt(grid, cells, 0, 0);
}

/** `fits` for the cells moved by (dr, dc), without building the moved cells (the simulator's hot path). */
function fitsAt(grid: Grid, cells: readonly Cell[], dr: number, dc: number): boolean {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  for (const [r0, c0] of cells) {
    const r = r0 + dr;
    const c = c0 + dc;
    if (r < 0 || r >= rows || c < 0 || c >= cols || grid[r]?.[c] === 1) return false;
  }
  return true;
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
  while (fitsAt(grid, cells, d + 1, 0)) d++;
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

/** An orientation as one column bit mask per row of the piece, and its width in columns. */
interface ShapeMasks {
  rows: number[];
  width: number;
}

const maskCache = new Map<ShapeLetter, ShapeMasks[]>();
/** The distinct orientations of a piece as bit masks, in `distinctOrientations` order (computed once). */
function maskOrientationsOf(letter: ShapeLetter): ShapeMasks[] {
  let o = maskCache.get(letter);
  if (!o) {
    o = distinctOrientations(orientation(letter, 0)).map((cells) => {
      const rows = new Array<number>(Math.max(...cells.map(([r]) => r)) + 1).fill(0);
      for (const [r, c] of cells) rows[r] = (rows[r] as number) | (1 << c);
      return { rows, width: Math.max(...cells.map(([, c]) => c)) + 1 };
    });
    maskCache.set(letter, o);
  }
  return o;
}

/** The shape moved by (dr, dc) lies on no settled block (bounds are the caller's). */
function maskFits(board: readonly number[], shape: ShapeMasks, dr: number, dc: number): boolean {
  for (let r = 0; r < shape.rows.length; r++)
    if (((board[dr + r] as number) & ((shape.rows[r] as number) << dc)) !== 0) return false;
  return true;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Holes: empty cells with a settled block somewhere above them in their column. */
function maskHoles(board: readonly number[], full: number): number {
  let covered = 0;
  let n = 0;
  for (const mask of board) {
    n += popcount(covered & ~mask & full);
    covered |= mask;
  }
  return n;
}

/** Stack height: rows from the highest settled block down to the floor. */
function maskHeight(board: readonly number[]): number {
  const top = board.findIndex((mask) => mask !== 0);
  return top < 0 ? 0 : board.length - top;
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
  if (cols > 30) throw new Error(`tetris: at most 30 columns (got ${cols})`);
  // The placer works on one bit mask per row (bit c = a settled block in column c): it scores every
  // orientation × column of every move, and arrays of cells made that the generator's main cost.
  const full = (1 << cols) - 1;
  let board: number[] = new Array<number>(rows).fill(0);
  const toGrid = (): Grid => board.map((mask) => Array.from({ length: cols }, (_, c) => (mask >> c) & 1));
  for (let m = 0; m < moves; m++) {
    const letter = rng.pick(SHAPE_LETTERS);
    let best: { shape: ShapeMasks; dr: number; dc: number; score: number } | null = null;
    const before = maskHoles(board, full);
    const height = maskHeight(board);
    for (const shape of maskOrientationsOf(letter)) {
      for (let dc = 0; dc + shape.width <= cols; dc++) {
        if (!maskFits(board, shape, 0, dc)) continue;
        let dr = 0;
        while (dr + 1 + shape.rows.length <= rows && maskFits(board, shape, dr + 1, dc)) dr++;
        // Score the drop in place (those cells are empty: the shape fits), then take it out again.
        const n = shape.rows.length;
        for (let r = 0; r < n; r++)
          board[dr + r] = (board[dr + r] as number) | ((shape.rows[r] as number) << dc);
        let lines = 0;
        for (const mask of board) if (mask === full) lines++;
        const score =
          100 * lines - 50 * (maskHoles(board, full) - before) - 30 * Math.max(0, maskHeight(board) - height);
        for (let r = 0; r < n; r++)
          board[dr + r] = (board[dr + r] as number) & ~((shape.rows[r] as number) << dc);
        if (!best || score > best.score) best = { shape, dr, dc, score };
      }
    }
    if (!best) return { grid: toGrid(), gameOver: true };
    const { shape, dr, dc } = best;
    shape.rows.forEach((bits, r) => {
      board[dr + r] = (board[dr + r] as number) | (bits << dc);
    });
    // Clear full rows: the rest drop, empty rows enter at the top.
    const kept = board.filter((mask) => mask !== full);
    board = [...new Array<number>(rows - kept.length).fill(0), ...kept];
  }
  const grid = toGrid();
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
