/**
 * Ultra Tic-Tac-Toe rules: nine 3x3 "Nine-grids" in a 3x3 layout; a cell is (i, j, row, col), all
 * 1-based, (i, j) the Nine-grid and (row, col) the cell inside it. X (first player) opens in
 * Nine-grid (2, 2); afterwards each piece goes into the Nine-grid whose coordinates equal the cell
 * the opponent just marked. Every complete line of three own pieces inside one Nine-grid scores 1.
 */
export type Piece = "X" | "O";
export type Mark = Piece | "";
/** A cell as [i, j, row, col], 1-based. */
export type Coord4 = [number, number, number, number];
/** marks[g][p]: g = (i-1)*3 + (j-1) the Nine-grid, p = (row-1)*3 + (col-1) the cell. */
export type Marks = Mark[][];

export const other = (p: Piece): Piece => (p === "X" ? "O" : "X");
export const playerName = (p: Piece): string => (p === "X" ? "First Player" : "Second Player");
export const gridIndex = (i: number, j: number): number => (i - 1) * 3 + (j - 1);
/** "(i, j)" of a 0-based index 0..8 (Nine-grid or cell). */
export const pairText = (k: number): string => `(${Math.floor(k / 3) + 1}, ${(k % 3) + 1})`;
export const coordText = (c: readonly number[]): string => `(${c.join(", ")})`;
export const emptyMarks = (): Marks => Array.from({ length: 9 }, () => Array<Mark>(9).fill(""));

/** Lines of a 3x3 grid by cell index, grouped as rows, columns, diagonals. */
const ROWS = [0, 1, 2].map((r) => [r * 3, r * 3 + 1, r * 3 + 2]);
const COLS = [0, 1, 2].map((c) => [c, c + 3, c + 6]);
const DIAGS = [
  [0, 4, 8],
  [2, 4, 6],
];

export interface Points {
  total: number;
  rows: number;
  cols: number;
  diags: number;
}

/** Points of `piece` inside one Nine-grid (cells = its 9 marks). */
export function pointsIn(cells: readonly Mark[], piece: Piece): Points {
  const full = (line: number[]): boolean => line.every((k) => cells[k] === piece);
  const rows = ROWS.filter(full).length;
  const cols = COLS.filter(full).length;
  const diags = DIAGS.filter(full).length;
  return { total: rows + cols + diags, rows, cols, diags };
}

/** Empty cells (0-based indices) of one Nine-grid, in row-major order. */
export const freeCells = (cells: readonly Mark[]): number[] =>
  [...cells.keys()].filter((k) => cells[k] === "");

/** Points `piece` would hold in Nine-grid g after marking each free cell there. */
export function pointsAfter(marks: Marks, g: number, piece: Piece): Array<{ cell: number; points: Points }> {
  const cells = marks[g] as Mark[];
  return freeCells(cells).map((cell) => {
    const next = cells.slice();
    next[cell] = piece;
    return { cell, points: pointsIn(next, piece) };
  });
}

/** Number of `piece` marks in each Nine-grid (index 0..8). */
export const piecesPerGrid = (marks: Marks, piece: Piece): number[] =>
  marks.map((cells) => cells.filter((m) => m === piece).length);

/** Number of `piece` marks at each cell position (index 0..8), summed over all Nine-grids. */
export const piecesPerPosition = (marks: Marks, piece: Piece): number[] =>
  [...Array(9).keys()].map((p) => marks.filter((cells) => cells[p] === piece).length);

/**
 * The Nine-grid `player` must play in, deduced from the board alone: every piece of the player in
 * Nine-grid g was sent there by an opponent piece at position g (X's opening piece in (2, 2) was
 * not), so the one position with an opponent piece not yet answered is the destination.
 * Returns the differences (own per grid - opponent per position) and the destination index, or
 * undefined when no single grid stands out.
 */
export function deduceNextGrid(marks: Marks, player: Piece): { diffs: number[]; grid: number | undefined } {
  const own = piecesPerGrid(marks, player);
  const opp = piecesPerPosition(marks, other(player));
  const diffs = own.map((n, k) => n - (opp[k] as number));
  const adjusted = diffs.map((d, k) => (player === "X" && k === 4 ? d - 1 : d));
  const hits = [...adjusted.keys()].filter((k) => (adjusted[k] as number) < 0);
  return { diffs, grid: hits.length === 1 ? hits[0] : undefined };
}
