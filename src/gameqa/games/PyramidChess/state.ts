/**
 * Pyramid Chess state as published: {"0": level-0 rows, "1": level-1 rows, ...}, each row a list of
 * "P0" / "P1" / "--"; level k of an n-level board is (n-k) x (n-k), indexed [x][y].
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import {
  allSlots,
  type Board,
  bases,
  type Cell,
  canPlace,
  canTake,
  emptyBoard,
  oneColourBlock,
  other,
  place,
  type Slot,
} from "./logic.js";

export type PyramidState = Record<string, Cell[][]>;

/** Board size, balls per player (PLAYER_0 has one more on 5x5) and turn limit per plot level. */
export const SETUP: Record<Level, { size: number; balls: number; maxTurns: number }> = {
  Easy: { size: 3, balls: 7, maxTurns: 13 },
  Medium: { size: 4, balls: 15, maxTurns: 29 },
  Hard: { size: 5, balls: 27, maxTurns: 54 },
};

export const toBoard = (s: PyramidState): Board =>
  Object.keys(s)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => s[k] as Cell[][]);
export const toState = (b: Board): PyramidState =>
  Object.fromEntries(b.map((level, k) => [String(k), level]));

/** Balls of one-colour blocks under a free slot that can be taken back. */
function takeable(b: Board): Slot[] {
  const out = new Map<string, Slot>();
  for (const u of allSlots(b)) {
    if (u[0] === 0 || b[u[0]]?.[u[1]]?.[u[2]] !== "--" || !oneColourBlock(b, u)) continue;
    for (const t of bases(u)) if (canTake(b, t)) out.set(t.join(","), t);
  }
  return [...out.values()];
}

export interface Play {
  board: Board;
  /** The player to move next. */
  toMove: "P0" | "P1";
  balls: Record<"P0" | "P1", number>;
}

/**
 * The original's random game: each turn a random open slot; completing one-colour blocks returns
 * up to two takeable balls (at random), again while any remain; a player out of balls ends the
 * game. `turns` turns at most.
 */
export function randomPlay(rng: Rng, plotLevel: Level, turns: number): Play {
  const { size, balls } = SETUP[plotLevel];
  let board = emptyBoard(size);
  const pool = { P0: balls + (plotLevel === "Hard" ? 1 : 0), P1: balls };
  let p: "P0" | "P1" = "P0";
  for (let t = 0; t < turns; t++) {
    const open = allSlots(board).filter((s) => canPlace(board, s));
    if (open.length === 0) break;
    board = place(board, rng.pick(open), p);
    pool[p]--;
    for (let take = takeable(board); take.length > 0; take = takeable(board)) {
      const back = take.length <= 2 ? take : rng.sample(take, 2);
      for (const s of back) board = place(board, s, "--");
      pool[p] += back.length;
    }
    if (pool[p] === 0) break;
    p = other(p);
  }
  return { board, toMove: p, balls: pool };
}

export function generateState(rng: Rng, plotLevel: Level): PyramidState {
  return toState(randomPlay(rng, plotLevel, rng.int(0, SETUP[plotLevel].maxTurns - 1)).board);
}

export function parseState(json: unknown, where: string): PyramidState {
  const o = expectObject(json, where);
  const n = Object.keys(o).length;
  if (n < 2 || n > 9)
    throw new UserError(`${where}: expected levels "0".."n-1" (n from 2 to 9), got ${n} keys`);
  const out: PyramidState = {};
  for (let k = 0; k < n; k++) {
    const level = o[String(k)];
    const side = n - k;
    if (!Array.isArray(level) || level.length !== side)
      throw new UserError(`${where}: field "${k}" must be ${side} rows (level ${k} of a ${n}-level board)`);
    out[String(k)] = level.map((row, x) => {
      if (
        !Array.isArray(row) ||
        row.length !== side ||
        !row.every((c) => c === "P0" || c === "P1" || c === "--")
      )
        throw new UserError(`${where}: field "${k}"[${x}] must be ${side} cells of "P0", "P1" or "--"`);
      return row as Cell[];
    });
  }
  return out;
}

export const stateSlots = (s: PyramidState): Slot[] => allSlots(toBoard(s));
