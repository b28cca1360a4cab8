/** Tetris state: { grid, rows, cols }, grid cells 0 empty / 1 settled (grey) / 2 active (red). */

import { UserError } from "../../../util/errors.js";
import { expectMatrix, expectObject, intCell } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { simulateBoard } from "./logic.js";

export interface TetrisState {
  grid: number[][];
  rows: number;
  cols: number;
}

/** Board side per plot level (the original's GRID_SIZES 8 / 12 / 16). */
export const TETRIS_SIZES: Record<Level, number> = { Easy: 8, Medium: 12, Hard: 16 };

/** The original's plot level rule: rows <= 10 Easy, <= 15 Medium, else Hard. */
export function tetrisPlotLevel(rows: number): Level {
  return rows <= 10 ? "Easy" : rows <= 15 ? "Medium" : "Hard";
}

export function generateState(rng: Rng, plotLevel: Level): TetrisState {
  const size = TETRIS_SIZES[plotLevel];
  // Larger boards need more pieces to build a stack worth asking about.
  for (;;) {
    const moves = rng.int(10, 20) + (size - 8) * 2;
    const { grid, gameOver } = simulateBoard(rng, size, size, moves);
    // Finished games (no falling piece) are kept now and then, as the original has some.
    if (!gameOver || rng.chance(0.25)) return { grid, rows: size, cols: size };
  }
}

export function parseState(json: unknown, where: string): TetrisState {
  const o = expectObject(json, where);
  // Published states store some grids as floats (0.0 / 1.0 / 2.0); intCell accepts integral floats.
  const grid = expectMatrix(o, "grid", where, intCell(0, 2), "0, 1 or 2");
  const rows = typeof o.rows === "number" ? o.rows : grid.length;
  const cols = typeof o.cols === "number" ? o.cols : (grid[0]?.length ?? 0);
  if (rows !== grid.length || cols !== grid[0]?.length) {
    throw new UserError(`${where}: fields "rows"/"cols" (${rows}x${cols}) do not match the grid`);
  }
  return { grid, rows, cols };
}
