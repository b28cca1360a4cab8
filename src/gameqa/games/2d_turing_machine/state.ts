/**
 * 2D Turing machine state with the published keys: `rules` (one per (state, symbol) pair),
 * `head` {x = column, y = row, state} and `grid[y][x]` of symbols.
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject, intCell } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { BRACKETS, machineSize, type Rule, SYMBOL_COLORS, simulate } from "./logic.js";

export interface TuringState {
  rules: Rule[];
  head: { x: number; y: number; state: number };
  grid: number[][];
}

/**
 * Grid shapes [columns, rows] per plot level with the original's odds: it draws both sides from
 * 3..5 and swaps them so the grid is never wider than tall, then levels by cell count (<= 12 Easy,
 * <= 16 Medium, else Hard). A shape is listed once per draw that gives it (3x4 comes from 3,4 and 4,3).
 */
const SHAPES: Record<Level, Array<[cols: number, rows: number]>> = {
  Easy: [
    [3, 3],
    [3, 4],
    [3, 4],
  ],
  Medium: [
    [4, 4],
    [3, 5],
    [3, 5],
  ],
  Hard: [
    [4, 5],
    [4, 5],
    [5, 5],
  ],
};

/** Steps a new machine must survive without leaving the grid (the original checks 10). */
export const SAFE_STEPS = 10;
const MAX_DRAWS = 10_000;

function drawMachine(rng: Rng, cols: number, rows: number, symbols: number, states: number): TuringState {
  const grid = Array.from({ length: rows }, () =>
    Array.from({ length: cols }, () => rng.int(0, symbols - 1)),
  );
  const head = { x: rng.int(0, cols - 1), y: rng.int(0, rows - 1), state: rng.int(0, states - 1) };
  const rules: Rule[] = [];
  for (let state = 0; state < states; state++) {
    for (let symbol = 0; symbol < symbols; symbol++) {
      const new_symbol = rng.int(0, symbols - 1);
      const direction = rng.int(0, 3);
      rules.push({ state, symbol, new_state: rng.int(0, states - 1), new_symbol, direction });
    }
  }
  return { rules, head, grid };
}

/** A random machine (3-5 symbols, 2-4 head states) whose head stays on the grid for 10 steps. */
export function generateState(rng: Rng, plotLevel: Level): TuringState {
  const [cols, rows] = rng.pick(SHAPES[plotLevel]);
  const symbols = rng.int(3, 5);
  const states = rng.int(2, 4);
  for (let i = 0; i < MAX_DRAWS; i++) {
    const s = drawMachine(rng, cols, rows, symbols, states);
    if (simulate(s, SAFE_STEPS)) return s;
  }
  // Unreachable in practice (1 draw in 43 survives on 3x3, 1 in 7 on 5x5); fail loudly rather than loop.
  throw new Error(`2d_turing_machine: no machine stays on a ${rows}x${cols} grid after ${MAX_DRAWS} draws`);
}

function parseRule(v: unknown, i: number, where: string): Rule {
  const o = expectObject(v, where);
  const field = (k: string, max: number): number => {
    try {
      return expectInt(o, k, where, 0, max);
    } catch {
      throw new UserError(`${where}: field "rules"[${i}].${k} must be an integer in [0, ${max}]`);
    }
  };
  return {
    state: field("state", BRACKETS.length - 1),
    symbol: field("symbol", SYMBOL_COLORS.length - 1),
    new_state: field("new_state", BRACKETS.length - 1),
    new_symbol: field("new_symbol", SYMBOL_COLORS.length - 1),
    direction: field("direction", 3),
  };
}

export function parseState(json: unknown, where: string): TuringState {
  const o = expectObject(json, where);
  if (!Array.isArray(o.rules) || o.rules.length === 0)
    throw new UserError(`${where}: field "rules" must be a non-empty array`);
  const rules = o.rules.map((r, i) => parseRule(r, i, where));
  const grid = expectMatrix(o, "grid", where, intCell(0, SYMBOL_COLORS.length - 1), "a symbol 0..7");
  const h = o.head;
  if (typeof h !== "object" || h === null) throw new UserError(`${where}: field "head" must be an object`);
  const ho = h as Record<string, unknown>;
  const head = {
    x: expectInt(ho, "x", `${where} (head)`, 0, (grid[0]?.length ?? 1) - 1),
    y: expectInt(ho, "y", `${where} (head)`, 0, grid.length - 1),
    state: expectInt(ho, "state", `${where} (head)`, 0, BRACKETS.length - 1),
  };
  const s: TuringState = { rules, head, grid };
  // Every (state, symbol) the machine can meet needs a rule, or a run would have nothing to apply.
  const { states, symbols } = machineSize(s);
  for (let state = 0; state < states; state++) {
    for (let symbol = 0; symbol < symbols; symbol++) {
      if (!rules.some((q) => q.state === state && q.symbol === symbol))
        throw new UserError(`${where}: field "rules" has no rule for state ${state}, symbol ${symbol}`);
    }
  }
  return s;
}
