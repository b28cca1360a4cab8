/**
 * Jewel2 state with the published keys: `rows`, `cols`, `chessboard` (rows top to bottom; "A".."E"
 * basic gems, "a".."e", "+", "|" special ones) and `total_cleared` (the score shown under the board).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";

export interface Jewel2State {
  rows: number;
  cols: number;
  chessboard: string[][];
  total_cleared: number;
}

export const BASIC = ["A", "B", "C", "D", "E"] as const;
export const SPECIAL = ["a", "b", "c", "d", "e", "+", "|"] as const;
export const SIZES: Record<Level, number> = { Easy: 4, Medium: 5, Hard: 6 };

/** The original's element source: a basic gem with probability 0.95, else one of the 7 special ones. */
export const randomElement = (rng: Rng): string => (rng.chance(0.95) ? rng.pick(BASIC) : rng.pick(SPECIAL));

export function generateState(rng: Rng, plotLevel: Level): Jewel2State {
  const n = SIZES[plotLevel];
  const chessboard = Array.from({ length: n }, () => Array.from({ length: n }, () => randomElement(rng)));
  return { rows: n, cols: n, chessboard, total_cleared: rng.int(0, 100) };
}

const ELEMENTS = new Set<string>([...BASIC, ...SPECIAL]);

export function parseState(json: unknown, where: string): Jewel2State {
  const o = expectObject(json, where);
  const rows = expectInt(o, "rows", where, 1, 20);
  const cols = expectInt(o, "cols", where, 1, 20);
  const chessboard = expectMatrix(
    o,
    "chessboard",
    where,
    (v) => (typeof v === "string" && ELEMENTS.has(v) ? v : undefined),
    "an element A-E, a-e, + or |",
  );
  if (chessboard.length !== rows || chessboard[0]?.length !== cols)
    throw new UserError(`${where}: field "chessboard" is not ${rows}x${cols}`);
  return { rows, cols, chessboard, total_cleared: expectInt(o, "total_cleared", where, 0) };
}
