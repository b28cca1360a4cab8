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

/** Count solutions up to `limit` (backtracking on the cell with fewest candidates). */
export function countSolutions(board: number[][], limit = 2): number {
  const b = board.map((r) => r.slice());
  let found = 0;
  const solve = (): void => {
    if (found >= limit) return;
    let best: [number, number, number[]] | undefined;
    for (let r = 0; r < b.length && (!best || best[2].length > 1); r++) {
      for (let c = 0; c < b.length; c++) {
        if (b[r]?.[c] !== 0) continue;
        const cand = candidates(b, r, c);
        if (!best || cand.length < best[2].length) best = [r, c, cand];
        if (cand.length <= 1) break;
      }
    }
    if (!best) {
      found++;
      return;
    }
    const [r, c, cand] = best;
    for (const v of cand) {
      (b[r] as number[])[c] = v;
      solve();
      (b[r] as number[])[c] = 0;
      if (found >= limit) return;
    }
  };
  solve();
  return found;
}

/** A random complete board: randomised backtracking from an empty grid. */
export function randomSolution(rng: Rng, n: number): number[][] {
  const b = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const fill = (k: number): boolean => {
    if (k === n * n) return true;
    const r = Math.floor(k / n);
    const c = k % n;
    for (const v of rng.shuffle(candidates(b, r, c))) {
      (b[r] as number[])[c] = v;
      if (fill(k + 1)) return true;
    }
    (b[r] as number[])[c] = 0;
    return false;
  };
  fill(0);
  return b;
}

/** Empty `fraction` of the cells in random order, skipping removals that would allow a second solution. */
export function makePuzzle(rng: Rng, n: number, fraction: number): number[][] {
  const board = randomSolution(rng, n);
  const target = Math.floor(n * n * fraction);
  let emptied = 0;
  for (const k of rng.shuffle([...Array(n * n).keys()])) {
    if (emptied >= target) break;
    const r = Math.floor(k / n);
    const c = k % n;
    const keep = board[r]?.[c] ?? 0;
    (board[r] as number[])[c] = 0;
    if (countSolutions(board, 2) === 1) emptied++;
    else (board[r] as number[])[c] = keep;
  }
  return board;
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
