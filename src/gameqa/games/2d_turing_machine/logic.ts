/**
 * 2D Turing machine rules: a head on a grid of coloured symbols reads the symbol under it, looks up
 * the rule for (head state, symbol), writes a symbol, moves one cell and changes state. Grids are
 * `grid[y][x]` (y = row from the top, x = column from the left); positions are shown as (row, col).
 */
import type { TuringState } from "./state.js";

/** Direction codes of the original: 0 up, 1 right, 2 down, 3 left, as (dx, dy). */
export const MOVES: ReadonlyArray<readonly [number, number]> = [
  [0, -1],
  [1, 0],
  [0, 1],
  [-1, 0],
];
export const DIRECTION_NAMES = ["up", "right", "down", "left"] as const;
/** Head state k is written with these brackets around the symbol under the head. */
export const BRACKETS = ["()", "[]", "{}", "<>"] as const;
/** Symbol k is drawn in colour k (the original's matplotlib colour names and values). */
export const SYMBOL_COLORS: ReadonlyArray<readonly [string, string]> = [
  ["red", "#ff0000"],
  ["green", "#008000"],
  ["blue", "#0000ff"],
  ["magenta", "#ff00ff"],
  ["cyan", "#00ffff"],
  ["yellow", "#ffff00"],
  ["orange", "#ffa500"],
  ["purple", "#800080"],
];

export interface Rule {
  state: number;
  symbol: number;
  new_state: number;
  new_symbol: number;
  direction: number;
}

/** Where the head is, what it reads and its state after `step` steps (step 0 = the start). */
export interface Visit {
  step: number;
  x: number;
  y: number;
  symbol: number;
  state: number;
}

/** One executed step: the visit it starts from and the rule it applied. */
export interface Transition {
  from: Visit;
  rule: Rule;
  /** Step (1-based) that last wrote the symbol read here, or 0 when it comes from the image. */
  writtenAt: number;
}

export interface Run {
  /** visits[i] = head after i steps; visits.length = steps + 1. */
  visits: Visit[];
  transitions: Transition[];
}

export const bracket = (state: number, symbol: number | string): string => {
  const b = BRACKETS[state] ?? "??";
  return `${b[0]}${symbol}${b[1]}`;
};
export const pos = (y: number, x: number): string => `(${y}, ${x})`;
export const colorName = (symbol: number): string => SYMBOL_COLORS[symbol]?.[0] ?? `colour ${symbol}`;

export function ruleFor(s: TuringState, state: number, symbol: number): Rule {
  const r = s.rules.find((q) => q.state === state && q.symbol === symbol);
  if (!r) throw new Error(`no rule for state ${state}, symbol ${symbol}`);
  return r;
}

/** Number of head states and of symbols the machine uses (rules, grid and head together). */
export function machineSize(s: TuringState): { states: number; symbols: number } {
  let states = s.head.state + 1;
  let symbols = 1;
  for (const r of s.rules) {
    states = Math.max(states, r.state + 1, r.new_state + 1);
    symbols = Math.max(symbols, r.symbol + 1, r.new_symbol + 1);
  }
  for (const row of s.grid) for (const v of row) symbols = Math.max(symbols, v + 1);
  return { states, symbols };
}

/** Run `steps` steps; null when the head would leave the grid (the original raises then). */
export function simulate(s: TuringState, steps: number): Run | null {
  const run = runOnGrid(s, steps);
  return run.transitions.length === steps ? run : null;
}

/** Up to `steps` steps, stopping before the step that would take the head off the grid. */
export function runOnGrid(s: TuringState, steps: number): Run {
  const grid = s.grid.map((row) => row.slice());
  const lastWrite = s.grid.map((row) => row.map(() => 0));
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  const { x, y, state } = s.head;
  const visits: Visit[] = [{ step: 0, x, y, symbol: grid[y]?.[x] ?? 0, state }];
  const transitions: Transition[] = [];
  for (let step = 1; step <= steps; step++) {
    const from = visits[visits.length - 1] as Visit;
    const rule = ruleFor(s, from.state, from.symbol);
    const [dx, dy] = MOVES[rule.direction] as readonly [number, number];
    const nx = from.x + dx;
    const ny = from.y + dy;
    if (nx < 0 || ny < 0 || ny >= rows || nx >= cols) break;
    transitions.push({ from, rule, writtenAt: lastWrite[from.y]?.[from.x] ?? 0 });
    (grid[from.y] as number[])[from.x] = rule.new_symbol;
    (lastWrite[from.y] as number[])[from.x] = step;
    visits.push({ step, x: nx, y: ny, symbol: (grid[ny] as number[])[nx] as number, state: rule.new_state });
  }
  return { visits, transitions };
}

/** The symbol history of cell (y, x): its first symbol, then every write there with its step. */
export function symbolTrajectory(s: TuringState, run: Run, y: number, x: number): string {
  let text = String(s.grid[y]?.[x]);
  for (const t of run.transitions)
    if (t.from.x === x && t.from.y === y) text += `->${t.rule.new_symbol}(at step ${t.from.step + 1})`;
  return text;
}

/** First step (>= 1) after which the head is in `target`, within the run; undefined when never. */
export function firstEntry(run: Run, target: number): number | undefined {
  return run.visits.find((v) => v.step >= 1 && v.state === target)?.step;
}

/** A step-by-step trace of the run (the analysis shared by every task). */
export function traceText(run: Run, upTo = run.transitions.length): string {
  const lines: string[] = [];
  for (const t of run.transitions.slice(0, upTo)) {
    const { from, rule } = t;
    const [dx, dy] = MOVES[rule.direction] as readonly [number, number];
    const source =
      t.writtenAt === 0
        ? `${colorName(from.symbol)} in the image, i.e. symbol ${from.symbol}`
        : `symbol ${from.symbol}, written there at step ${t.writtenAt}`;
    lines.push(
      `Step ${from.step + 1}: head at ${pos(from.y, from.x)} in state ${from.state}; it reads ${source}, so it is ${bracket(from.state, from.symbol)}. ` +
        `Rule: write ${rule.new_symbol}, move ${DIRECTION_NAMES[rule.direction]}, new state ${rule.new_state}. ` +
        `The head goes to ${pos(from.y + dy, from.x + dx)} in state ${rule.new_state}.`,
    );
  }
  return lines.join("\n");
}
