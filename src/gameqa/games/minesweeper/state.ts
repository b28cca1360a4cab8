/**
 * Minesweeper state with the published keys: `mine_board` holds "M" for a mine or the number of
 * adjacent mines; `revealed` / `flagged` are boolean masks; (row, col) are 0-based from the top left.
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { autoFlag, countAdjacent, floodReveal } from "./logic.js";

export type MineCell = number | "M";

export interface MinesweeperState {
  rows: number;
  cols: number;
  mines: number;
  mine_board: MineCell[][];
  revealed: boolean[][];
  flagged: boolean[][];
  first_click: boolean;
}

/** Board size and mine count per plot level (the original's configurations). */
export const MINESWEEPER_LEVELS: Record<Level, { size: number; mines: number }> = {
  Easy: { size: 4, mines: 3 },
  Medium: { size: 5, mines: 5 },
  Hard: { size: 6, mines: 8 },
};

/** First click on a random cell, mines kept out of its 3x3 neighbourhood, then 2-4 flags on border mines. */
export function generateState(rng: Rng, plotLevel: Level): MinesweeperState {
  const { size, mines } = MINESWEEPER_LEVELS[plotLevel];
  const clickR = rng.int(0, size - 1);
  const clickC = rng.int(0, size - 1);
  const free: Array<[number, number]> = [];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++)
      if (Math.abs(r - clickR) > 1 || Math.abs(c - clickC) > 1) free.push([r, c]);
  }
  const isMine = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  for (const [r, c] of rng.sample(free, Math.min(mines, free.length))) (isMine[r] as boolean[])[c] = true;
  const board: MineCell[][] = isMine.map((row, r) =>
    row.map((m, c) => (m ? "M" : countAdjacent(isMine, r, c))),
  );
  const state: MinesweeperState = {
    rows: size,
    cols: size,
    mines,
    mine_board: board,
    revealed: Array.from({ length: size }, () => new Array<boolean>(size).fill(false)),
    flagged: Array.from({ length: size }, () => new Array<boolean>(size).fill(false)),
    first_click: false,
  };
  floodReveal(state, clickR, clickC);
  autoFlag(state, rng, rng.int(2, 4));
  return state;
}

const boolCell = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const mineCell = (v: unknown): MineCell | undefined =>
  v === "M" ? "M" : typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 8 ? v : undefined;

export function parseState(json: unknown, where: string): MinesweeperState {
  const o = expectObject(json, where);
  const rows = expectInt(o, "rows", where, 1);
  const cols = expectInt(o, "cols", where, 1);
  const s: MinesweeperState = {
    rows,
    cols,
    mines: expectInt(o, "mines", where, 0, rows * cols),
    mine_board: expectMatrix(o, "mine_board", where, mineCell, '"M" or 0..8'),
    revealed: expectMatrix(o, "revealed", where, boolCell, "a boolean"),
    flagged: expectMatrix(o, "flagged", where, boolCell, "a boolean"),
    first_click: o.first_click === true,
  };
  for (const key of ["mine_board", "revealed", "flagged"] as const) {
    const m = s[key];
    if (m.length !== rows || m[0]?.length !== cols)
      throw new UserError(`${where}: field "${key}" is not ${rows}x${cols}`);
  }
  return s;
}
