import type { Rng } from "../../types.js";

/**
 * Colour sudoku: an n x n board (n = 4 or 9) where value v in 1..n stands for colour colors[v-1]
 * and 0 is an empty cell. Rows, columns and boxes (2x2 or 3x3) hold each colour once.
 */
export interface SudokuState {
  size: number;
  board: number[][];
  colors: string[];
}

export const COLOR_HEX = [
  "#FF0000",
  "#00FF00",
  "#0000FF",
  "#FF00FF",
  "#FFFF00",
  "#00FFFF",
  "#696969",
  "#A020F0",
  "#228B22",
];
export const COLOR_NAMES = [
  "red",
  "green",
  "blue",
  "magenta",
  "yellow",
  "aqua",
  "gray",
  "purple",
  "forest green",
];

export const boxSize = (n: number): number => Math.round(Math.sqrt(n));
export const colorName = (v: number): string => COLOR_NAMES[v - 1] ?? `colour ${v}`;

/** Values (1..n) already used in the row, column and box of (r, c). */
export function usedAround(
  board: number[][],
  r: number,
  c: number,
): { row: number[]; col: number[]; box: number[] } {
  const n = board.length;
  const b = boxSize(n);
  const row = (board[r] ?? []).filter((v) => v !== 0);
  const col = board.map((x) => x[c] ?? 0).filter((v) => v !== 0);
  const box: number[] = [];
  const r0 = Math.floor(r / b) * b;
  const c0 = Math.floor(c / b) * b;
  for (let i = r0; i < r0 + b; i++)
    for (let j = c0; j < c0 + b; j++) if ((board[i]?.[j] ?? 0) !== 0) box.push(board[i]?.[j] ?? 0);
  return { row, col, box };
}

/** Values that can go in (r, c) without repeating a colour in its row, column or box. */
export function candidates(board: number[][], r: number, c: number): number[] {
  const { row, col, box } = usedAround(board, r, c);
  const used = new Set([...row, ...col, ...box]);
  const out: number[] = [];
  for (let v = 1; v <= board.length; v++) if (!used.has(v)) out.push(v);
  return out;
}

/*
 * The generator works on bitmasks (bit v-1 set = value v used in a row, column or box) instead of
 * candidate lists: same results and the same random draws as the list version (candidates are
 * listed in ascending order before every shuffle), about ten times faster.
 */

const popcount = (m: number): number => {
  let x = m - ((m >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** Values (ascending) whose bits are set in `mask`. */
function maskValues(mask: number): number[] {
  const out: number[] = [];
  for (let v = 1; mask >>> (v - 1) !== 0; v++) if (mask & (1 << (v - 1))) out.push(v);
  return out;
}

/** Row, column and box index of every cell of an n x n board (flat, row-major). */
function cellIndex(n: number): { row: Int32Array; col: Int32Array; box: Int32Array } {
  const b = boxSize(n);
  const row = new Int32Array(n * n);
  const col = new Int32Array(n * n);
  const box = new Int32Array(n * n);
  for (let i = 0; i < n * n; i++) {
    const r = Math.floor(i / n);
    const c = i % n;
    row[i] = r;
    col[i] = c;
    box[i] = Math.floor(r / b) * b + Math.floor(c / b);
  }
  return { row, col, box };
}

/** Solutions of the flat board `cells` (0 = empty), counted up to `limit`. */
function countFlat(cells: Uint8Array, n: number, limit: number): number {
  const idx = cellIndex(n);
  const full = (1 << n) - 1;
  const rowM = new Int32Array(n);
  const colM = new Int32Array(n);
  const boxM = new Int32Array(n);
  const empties: number[] = [];
  for (let i = 0; i < n * n; i++) {
    const v = cells[i] as number;
    if (v === 0) {
      empties.push(i);
      continue;
    }
    const bit = 1 << (v - 1);
    const r = idx.row[i] as number;
    const c = idx.col[i] as number;
    const x = idx.box[i] as number;
    rowM[r] = (rowM[r] as number) | bit;
    colM[c] = (colM[c] as number) | bit;
    boxM[x] = (boxM[x] as number) | bit;
  }
  let found = 0;
  const solve = (): void => {
    // Branch on the empty cell with the fewest candidates.
    let best = -1;
    let bestMask = 0;
    let bestCount = 99;
    for (const i of empties) {
      if (cells[i] !== 0) continue;
      const m =
        full &
        ~(
          (rowM[idx.row[i] as number] as number) |
          (colM[idx.col[i] as number] as number) |
          (boxM[idx.box[i] as number] as number)
        );
      const k = popcount(m);
      if (k < bestCount) {
        best = i;
        bestMask = m;
        bestCount = k;
        if (k <= 1) break;
      }
    }
    if (best < 0) {
      found++;
      return;
    }
    const r = idx.row[best] as number;
    const c = idx.col[best] as number;
    const x = idx.box[best] as number;
    for (let m = bestMask; m !== 0 && found < limit; ) {
      const bit = m & -m;
      m ^= bit;
      cells[best] = 32 - Math.clz32(bit);
      rowM[r] = (rowM[r] as number) | bit;
      colM[c] = (colM[c] as number) | bit;
      boxM[x] = (boxM[x] as number) | bit;
      solve();
      rowM[r] = (rowM[r] as number) & ~bit;
      colM[c] = (colM[c] as number) & ~bit;
      boxM[x] = (boxM[x] as number) & ~bit;
      cells[best] = 0;
    }
  };
  solve();
  return found;
}

/** Count solutions up to `limit` (backtracking on the cell with fewest candidates). */
export function countSolutions(board: number[][], limit = 2): number {
  const n = board.length;
  return countFlat(Uint8Array.from(board.flat()), n, limit);
}

/** A random complete board as a flat array: randomised backtracking from an empty grid. */
function randomSolutionFlat(rng: Rng, n: number): Uint8Array {
  const idx = cellIndex(n);
  const full = (1 << n) - 1;
  const rowM = new Int32Array(n);
  const colM = new Int32Array(n);
  const boxM = new Int32Array(n);
  const cells = new Uint8Array(n * n);
  const fill = (k: number): boolean => {
    if (k === n * n) return true;
    const r = idx.row[k] as number;
    const c = idx.col[k] as number;
    const x = idx.box[k] as number;
    const free = full & ~((rowM[r] as number) | (colM[c] as number) | (boxM[x] as number));
    for (const v of rng.shuffle(maskValues(free))) {
      const bit = 1 << (v - 1);
      cells[k] = v;
      rowM[r] = (rowM[r] as number) | bit;
      colM[c] = (colM[c] as number) | bit;
      boxM[x] = (boxM[x] as number) | bit;
      if (fill(k + 1)) return true;
      rowM[r] = (rowM[r] as number) & ~bit;
      colM[c] = (colM[c] as number) & ~bit;
      boxM[x] = (boxM[x] as number) & ~bit;
    }
    cells[k] = 0;
    return false;
  };
  fill(0);
  return cells;
}

const toRows = (cells: Uint8Array, n: number): number[][] =>
  Array.from({ length: n }, (_, r) => Array.from(cells.subarray(r * n, r * n + n)));

/** A random complete board: randomised backtracking from an empty grid. */
export function randomSolution(rng: Rng, n: number): number[][] {
  return toRows(randomSolutionFlat(rng, n), n);
}

/** Empty `fraction` of the cells in random order, skipping removals that would allow a second solution. */
export function makePuzzle(rng: Rng, n: number, fraction: number): number[][] {
  const cells = randomSolutionFlat(rng, n);
  const target = Math.floor(n * n * fraction);
  let emptied = 0;
  for (const k of rng.shuffle([...Array(n * n).keys()])) {
    if (emptied >= target) break;
    const keep = cells[k] as number;
    cells[k] = 0;
    if (countFlat(cells, n, 2) === 1) emptied++;
    else cells[k] = keep;
  }
  return toRows(cells, n);
}

/** The first empty cell in row-major order with exactly one candidate, or undefined. */
export function firstNakedSingle(board: number[][]): [number, number, number] | undefined {
  for (let r = 0; r < board.length; r++) {
    for (let c = 0; c < board.length; c++) {
      if (board[r]?.[c] !== 0) continue;
      const cand = candidates(board, r, c);
      if (cand.length === 1) return [r, c, cand[0] as number];
    }
  }
  return undefined;
}

/** "1. row: ...\n2. column: ...\n3. box: ..." listing the colours present around (r, c). */
export function constraintText(board: number[][], r: number, c: number): string {
  const { row, col, box } = usedAround(board, r, c);
  const list = (vs: number[]): string => (vs.length ? vs.map(colorName).join(", ") : "none");
  const b = boxSize(board.length);
  return `colours already in row ${r + 1}: ${list(row)}; in column ${c + 1}: ${list(col)}; in its ${b}x${b} box: ${list(box)}`;
}
