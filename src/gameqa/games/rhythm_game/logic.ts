/**
 * Rhythm game rules. Rows are numbered from the bottom (row 1 is the row about to be clicked);
 * blocks fall one row per second. A finger stays on one column and clicks every block that reaches
 * row 1 there: a Click block (yellow) scores 10; a Reverse block (green) scores 15 and mirrors the
 * grid left-right (the finger stays, so it now watches column cols + 1 - c); a Snake block (pink head
 * at its lowest cell, blue body, grey tail on top) of length l scores l * (2l + 7) when all its cells
 * are clicked, i.e. when the finger meets its head. Meeting a snake above its head scores nothing.
 * With a reversal delay d, the d rows after a Reverse block pass while the grid turns.
 */
export type BlockColor = "yellow" | "green" | "blue" | "pink" | "grey";
export type BlockType = "Click" | "Reverse" | "Snake Head" | "Snake Body" | "Snake Tail" | "Non-type";

export const TYPE_OF: Record<BlockColor | "white", BlockType> = {
  yellow: "Click",
  green: "Reverse",
  blue: "Snake Body",
  pink: "Snake Head",
  grey: "Snake Tail",
  white: "Non-type",
};

export interface Block {
  row: number;
  col: number;
  color: BlockColor;
}

export interface Board {
  rows: number;
  cols: number;
  block_info: Block[];
}

/** Colour of each occupied cell, keyed row * 100 + col. */
export type CellMap = Map<number, BlockColor>;
export const cellKey = (row: number, col: number): number => row * 100 + col;
export const cellMap = (b: Board): CellMap =>
  new Map(b.block_info.map((k) => [cellKey(k.row, k.col), k.color]));
export const colorAt = (m: CellMap, row: number, col: number): BlockColor | "white" =>
  m.get(cellKey(row, col)) ?? "white";

export const snakePoints = (length: number): number => length * (2 * length + 7);

/**
 * Cells from (row, col) to the top of its snake: 2 plus the blue cells directly above. From a head
 * that is the snake's length; from a body cell, the rows still to pass before the snake is gone.
 */
export function snakeSpan(m: CellMap, rows: number, row: number, col: number): number {
  let length = 2;
  for (let r = row + 1; r <= rows && m.get(cellKey(r, col)) === "blue"; r++) length++;
  return length;
}

export interface Hit {
  row: number;
  col: number;
  type: BlockType;
  points: number;
  /** Snake length, for a head. */
  length?: number;
}

/** Every block the finger meets on column `start`, bottom to top, and the total score. */
export function play(b: Board, m: CellMap, start: number, reverseDelay = 0): { hits: Hit[]; total: number } {
  const hits: Hit[] = [];
  let col = start;
  let row = 1;
  while (row <= b.rows) {
    const color = m.get(cellKey(row, col));
    if (!color) {
      row++;
      continue;
    }
    const type = TYPE_OF[color];
    const hit: Hit = { row, col, type, points: 0 };
    if (type === "Click") {
      hit.points = 10;
      row++;
    } else if (type === "Reverse") {
      hit.points = 15;
      col = b.cols + 1 - col;
      row += 1 + reverseDelay;
    } else if (type === "Snake Head") {
      const length = snakeSpan(m, b.rows, row, col);
      hit.length = length;
      hit.points = snakePoints(length);
      row += length;
    } else if (type === "Snake Body") {
      row += snakeSpan(m, b.rows, row, col);
    } else row++;
    hits.push(hit);
  }
  return { hits, total: hits.reduce((s, h) => s + h.points, 0) };
}
