/**
 * Ultra Tic-Tac-Toe state with the published keys: `rows`/`cols` (3), `middle_cell_count`,
 * `last_step` (the opponent's last piece, [i, j, row, col]), `best_next_step` (the unique
 * highest-scoring reply), `total_steps` (pieces on the board) and `piece_info` (one entry per piece:
 * Nine-grid "(i, j)", position "(row, col)", type "X"/"O"; grouped by Nine-grid, X before O, each in
 * move order, as the original writes it).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import {
  type Coord4,
  emptyMarks,
  freeCells,
  type Mark,
  type Marks,
  other,
  type Piece,
  pairText,
  pointsAfter,
  pointsIn,
} from "./logic.js";

export interface PieceInfo {
  nine_grid: string;
  position: string;
  type: Piece;
}

export interface UtttState {
  rows: number;
  cols: number;
  middle_cell_count: number;
  last_step: Coord4;
  best_next_step: Coord4;
  total_steps: number;
  piece_info: PieceInfo[];
}

/** Pieces on the board per plot level: play stops once this many are down (original's step limits). */
export const STEP_RANGE: Record<Level, { low: number; high: number }> = {
  Easy: { low: 10, high: 34 },
  Medium: { low: 35, high: 59 },
  Hard: { low: 60, high: 81 },
};

/** The board as marks[grid][cell] from a state's piece list. */
export function marksOf(s: UtttState): Marks {
  const marks = emptyMarks();
  for (const p of s.piece_info) {
    const g = pairIndex(p.nine_grid);
    const c = pairIndex(p.position);
    if (g !== undefined && c !== undefined) (marks[g] as Mark[])[c] = p.type;
  }
  return marks;
}

/** 0-based index of "(a, b)" with a, b in 1..3; undefined when malformed. */
export function pairIndex(text: string): number | undefined {
  const m = /^\((\d), (\d)\)$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a >= 1 && a <= 3 && b >= 1 && b <= 3 ? (a - 1) * 3 + (b - 1) : undefined;
}

const MAX_GAMES = 2_000;

/**
 * One game as the original plays it: both players mark a highest-gain cell of the Nine-grid they are
 * sent to (ties broken at random) until, with at least `low` pieces down, the player to move has a
 * single cell that scores. That cell is `best_next_step`. Games that put a 9th piece on a middle
 * cell, reach a full Nine-grid, or run past `high` pieces are replayed (the original regenerates
 * them too; on a full Nine-grid it crashes instead).
 */
export function generateState(rng: Rng, plotLevel: Level): UtttState {
  const { low, high } = STEP_RANGE[plotLevel];
  for (let attempt = 0; attempt < MAX_GAMES; attempt++) {
    const s = playGame(rng, low, high);
    if (s) return s;
  }
  throw new Error(`ultra_tictactoe: no ${plotLevel} game in ${MAX_GAMES} tries`);
}

function playGame(rng: Rng, low: number, high: number): UtttState | null {
  const marks = emptyMarks();
  const order: Array<{ g: number; c: number; piece: Piece }> = [];
  let g = 4;
  let piece: Piece = "X";
  let middles = 0;
  let last: Coord4 | undefined;
  for (let step = 1; step <= 81; step++) {
    const cells = marks[g] as Mark[];
    if (freeCells(cells).length === 0) return null;
    const before = pointsIn(cells, piece).total;
    const gains = pointsAfter(marks, g, piece).map((o) => ({ cell: o.cell, gain: o.points.total - before }));
    const best = Math.max(...gains.map((o) => o.gain));
    const top = gains.filter((o) => o.gain === best);
    if (top.length === 1 && best > 0 && step >= low) {
      if (order.length > high || !last) return null;
      const cell = (top[0] as { cell: number }).cell;
      return toState(order, middles, last, toCoord(g, cell));
    }
    const cell = rng.pick(top).cell;
    cells[cell] = piece;
    order.push({ g, c: cell, piece });
    last = toCoord(g, cell);
    if (cell === 4 && ++middles >= 9) return null;
    g = cell;
    piece = other(piece);
  }
  return null;
}

const toCoord = (g: number, c: number): Coord4 => [
  Math.floor(g / 3) + 1,
  (g % 3) + 1,
  Math.floor(c / 3) + 1,
  (c % 3) + 1,
];

function toState(
  order: Array<{ g: number; c: number; piece: Piece }>,
  middles: number,
  last: Coord4,
  best: Coord4,
): UtttState {
  const piece_info: PieceInfo[] = [];
  for (let g = 0; g < 9; g++) {
    for (const type of ["X", "O"] as const) {
      for (const o of order) {
        if (o.g === g && o.piece === type)
          piece_info.push({ nine_grid: pairText(g), position: pairText(o.c), type });
      }
    }
  }
  return {
    rows: 3,
    cols: 3,
    middle_cell_count: middles,
    last_step: last,
    best_next_step: best,
    total_steps: order.length,
    piece_info,
  };
}

function coord4(o: Record<string, unknown>, key: string, where: string): Coord4 {
  const v = o[key];
  if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => Number.isInteger(x) && x >= 1 && x <= 3))
    throw new UserError(`${where}: field "${key}" must be [i, j, row, col] with values 1..3`);
  return [v[0], v[1], v[2], v[3]];
}

export function parseState(json: unknown, where: string): UtttState {
  const o = expectObject(json, where);
  if (!Array.isArray(o.piece_info)) throw new UserError(`${where}: field "piece_info" must be an array`);
  const seen = new Set<string>();
  const piece_info = o.piece_info.map((p, k): PieceInfo => {
    const e = expectObject(p, `${where} piece_info[${k}]`);
    const { nine_grid, position, type } = e;
    if (
      typeof nine_grid !== "string" ||
      typeof position !== "string" ||
      pairIndex(nine_grid) === undefined ||
      pairIndex(position) === undefined
    )
      throw new UserError(
        `${where}: field "piece_info"[${k}] needs nine_grid and position written "(a, b)", 1..3`,
      );
    if (type !== "X" && type !== "O")
      throw new UserError(`${where}: field "piece_info"[${k}].type must be "X" or "O"`);
    const key = `${nine_grid}${position}`;
    if (seen.has(key))
      throw new UserError(`${where}: field "piece_info"[${k}] marks ${nine_grid} ${position} twice`);
    seen.add(key);
    return { nine_grid, position, type };
  });
  return {
    rows: expectInt(o, "rows", where, 3, 3),
    cols: expectInt(o, "cols", where, 3, 3),
    middle_cell_count: expectInt(o, "middle_cell_count", where, 0, 9),
    last_step: coord4(o, "last_step", where),
    best_next_step: coord4(o, "best_next_step", where),
    total_steps: expectInt(o, "total_steps", where, 0, 81),
    piece_info,
  };
}
