/**
 * Chess Ranger state as published: `pieces` (how many) and `mine_board` (8 rows from rank 8 down,
 * each 8 cells from file a: 0 for an empty square, else the piece letter P, R, B, N, Q or K).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { type Board, LETTERS, type PieceLetter, solve } from "./logic.js";

export interface ChessRangerState {
  pieces: number;
  mine_board: Array<Array<PieceLetter | 0>>;
}

/** Pieces per plot level, as the original's levels (4 Easy, 5 Medium, 6 or more Hard). */
export const PIECES: Record<Level, number> = { Easy: 4, Medium: 5, Hard: 6 };

export const toBoard = (s: ChessRangerState): Board => s.mine_board.flat().map((c) => (c === 0 ? null : c));
export const fromBoard = (b: Board): ChessRangerState => ({
  pieces: b.filter(Boolean).length,
  mine_board: Array.from({ length: 8 }, (_, r) => b.slice(r * 8, r * 8 + 8).map((c) => c ?? 0)),
});

const MAX_TRIES = 20_000;

/** Random squares and piece types (uniform, as the original) until the puzzle is solvable. */
export function generateState(rng: Rng, plotLevel: Level): ChessRangerState {
  const n = PIECES[plotLevel];
  for (let i = 0; i < MAX_TRIES; i++) {
    const b: Board = Array(64).fill(null);
    for (const sq of rng.sample([...Array(64).keys()], n)) b[sq] = rng.pick(LETTERS);
    if (solve(b).moves) return fromBoard(b);
  }
  throw new Error(`chess_ranger: no solvable ${n}-piece puzzle in ${MAX_TRIES} tries`);
}

export function parseState(json: unknown, where: string): ChessRangerState {
  const o = expectObject(json, where);
  const m = o.mine_board;
  if (!Array.isArray(m) || m.length !== 8)
    throw new UserError(`${where}: field "mine_board" must be 8 rows of 8 squares`);
  const mine_board = m.map((row, r) => {
    if (!Array.isArray(row) || row.length !== 8)
      throw new UserError(`${where}: field "mine_board"[${r}] must be 8 squares`);
    return row.map((c, k) => {
      if (c === 0 || (typeof c === "string" && (LETTERS as string[]).includes(c.toUpperCase())))
        return c === 0 ? 0 : (c.toUpperCase() as PieceLetter);
      throw new UserError(
        `${where}: field "mine_board"[${r}][${k}] = ${JSON.stringify(c)} is not 0 or a piece letter`,
      );
    });
  });
  const pieces = expectInt(o, "pieces", where, 0, 64);
  return { pieces, mine_board };
}
