/**
 * Rhythm game state with the published keys: `rows`, `cols`, `blocked_cell_num` (occupied cells) and
 * `block_info` (one {row, col, color} per occupied cell, rows from the bottom, in placement order:
 * snakes head first, then Click blocks, then Reverse blocks, as the original writes them).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { type Block, type BlockColor, cellKey, TYPE_OF } from "./logic.js";

export interface RhythmState {
  rows: number;
  cols: number;
  blocked_cell_num: number;
  block_info: Block[];
}

/** Grid size per plot level, as the original: 15x4, 15x6, 20x6. */
export const GRID: Record<Level, { rows: number; cols: number }> = {
  Easy: { rows: 15, cols: 4 },
  Medium: { rows: 15, cols: 6 },
  Hard: { rows: 20, cols: 6 },
};

const MAX_TRIES = 10_000;

/**
 * The original's board: rows * cols / 2 blocks split 7 : 4 : 3 into Click, Reverse and Snake blocks
 * (integer division, snakes take the rest). Snakes (length 2-5, head in rows 1..rows-4) go first,
 * then Click, then Reverse blocks, each at a random free place.
 */
export function generateState(rng: Rng, plotLevel: Level): RhythmState {
  const { rows, cols } = GRID[plotLevel];
  for (let attempt = 0; attempt < 100; attempt++) {
    const s = tryBoard(rng, rows, cols);
    if (s) return s;
  }
  throw new Error(`rhythm_game: no ${rows}x${cols} board in 100 tries`);
}

function tryBoard(rng: Rng, rows: number, cols: number): RhythmState | null {
  const total = Math.floor((rows * cols) / 2);
  const clicks = Math.floor((total * 7) / 14);
  const reverses = Math.floor((total * 4) / 14);
  const snakes = total - clicks - reverses;
  const taken = new Set<number>();
  const blocks: Block[] = [];
  const place = (
    lengths: [number, number],
    maxLength: number,
    colours: (len: number, k: number) => BlockColor,
  ) => {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const col = rng.int(1, cols);
      const start = rng.int(1, rows - maxLength + 1);
      const length = rng.int(lengths[0], lengths[1]);
      const cells = Array.from({ length }, (_, k) => start + k);
      if (cells.some((r) => taken.has(cellKey(r, col)))) continue;
      cells.forEach((row, k) => {
        taken.add(cellKey(row, col));
        blocks.push({ row, col, color: colours(length, k) });
      });
      return true;
    }
    return false;
  };
  const snakeColour = (len: number, k: number): BlockColor =>
    k === 0 ? "pink" : k === len - 1 ? "grey" : "blue";
  for (let i = 0; i < snakes; i++) if (!place([2, 5], 5, snakeColour)) return null;
  for (let i = 0; i < clicks; i++) if (!place([1, 1], 1, () => "yellow")) return null;
  for (let i = 0; i < reverses; i++) if (!place([1, 1], 1, () => "green")) return null;
  return { rows, cols, blocked_cell_num: blocks.length, block_info: blocks };
}

export function parseState(json: unknown, where: string): RhythmState {
  const o = expectObject(json, where);
  const rows = expectInt(o, "rows", where, 1, 99);
  const cols = expectInt(o, "cols", where, 1, 99);
  if (!Array.isArray(o.block_info)) throw new UserError(`${where}: field "block_info" must be an array`);
  const seen = new Set<number>();
  const block_info = o.block_info.map((v, k): Block => {
    const b = expectObject(v, `${where} block_info[${k}]`);
    const row = expectInt(b, "row", `${where} block_info[${k}]`, 1, rows);
    const col = expectInt(b, "col", `${where} block_info[${k}]`, 1, cols);
    const color = b.color;
    if (typeof color !== "string" || !(color in TYPE_OF) || color === "white")
      throw new UserError(
        `${where}: field "block_info"[${k}].color must be yellow, green, blue, pink or grey`,
      );
    if (seen.has(cellKey(row, col)))
      throw new UserError(`${where}: field "block_info"[${k}] repeats cell (${row}, ${col})`);
    seen.add(cellKey(row, col));
    return { row, col, color: color as BlockColor };
  });
  return {
    rows,
    cols,
    blocked_cell_num: expectInt(o, "blocked_cell_num", where, 0, rows * cols),
    block_info,
  };
}
