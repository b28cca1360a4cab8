import { findOptionKey, letter, makeChoices } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import {
  evolve,
  gridText,
  type LifeState,
  liveCount,
  liveNeighbours,
  region,
  regionStabilitySteps,
} from "./logic.js";

const RULES =
  "This is Conway's Game of Life. Black cells are alive and white cells are dead. Every cell has eight neighbours (horizontal, vertical and diagonal). " +
  "The grid wraps around: the top row is adjacent to the bottom row and the left column to the right column (so corners touch the opposite corners). " +
  "In one iteration all cells update at once: a live cell with 2 or 3 live neighbours stays alive, any other live cell dies; a dead cell with exactly 3 live neighbours becomes alive. " +
  "Cells are written (row, col), counted from 0 at the top-left corner.";

const GRID_LEGEND = "Grid (1 = alive, 0 = dead):";

/** Eight numeric options around the answer (never negative, all distinct). */
function numberChoices(rng: Rng, answer: number, max: number): { options: string[]; answer: string } {
  const pool: string[] = [];
  for (let v = Math.max(0, answer - 6); v <= Math.max(answer + 6, 8, max); v++) pool.push(String(v));
  const ch = makeChoices(rng, String(answer), pool, 8);
  return { options: ch.values.map((v, i) => `${letter(i)}: ${v}`), answer: letter(ch.correct) };
}

const optionBlock = (options: string[]): string => `\n\nOptions:\n${options.join("\n")}`;

function rowCounts(grid: number[][]): string {
  return grid
    .map((row, r) => {
      const cells = row.flatMap((v, c) => (v === 1 ? [`(${r},${c})`] : []));
      return `Row ${r}: ${cells.length} alive${cells.length ? ` — ${cells.join(", ")}` : ""}`;
    })
    .join("\n");
}

export const liveNow: QuestionTemplate<LifeState> = {
  id: 1,
  name: "live-count",
  description: "Count the live cells in the grid.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const n = liveCount(state.grid);
    const { options, answer } = numberChoices(rng, n, state.grid.length ** 2);
    return {
      question: `${RULES}\n\nHow many cells are alive in the grid now?${optionBlock(options)}`,
      answer,
      analysis: `${GRID_LEGEND}\n${gridText(state.grid)}\n\nCounting row by row:\n${rowCounts(state.grid)}\nTotal: ${n} live cells. The answer is ${answer}.`,
      options,
    };
  },
  conform: ({ sample, state }) => keyFor(sample.options, String(liveCount(state.grid))),
};

function keyFor(options: unknown[] | undefined, value: string): ConformResult {
  const key = findOptionKey(options ?? [], value, "letter");
  return key ? { answer: key } : { skip: `no option reads ${value}` };
}

function explainCell(grid: number[][], r: number, c: number): string {
  const k = liveNeighbours(grid, r, c);
  const alive = grid[r]?.[c] === 1;
  const next = alive
    ? k === 2 || k === 3
      ? "stays alive"
      : k < 2
        ? "dies (fewer than 2 neighbours)"
        : "dies (more than 3 neighbours)"
    : k === 3
      ? "is born (exactly 3 neighbours)"
      : "stays dead";
  return `(${r},${c}) ${alive ? "alive" : "dead"}, ${k} live neighbour(s) → ${next}`;
}

function iterationText(grid: number[][]): string {
  const changes: string[] = [];
  grid.forEach((row, r) => {
    row.forEach((_, c) => {
      const k = liveNeighbours(grid, r, c);
      const alive = row[c] === 1;
      if (alive !== ((alive && (k === 2 || k === 3)) || (!alive && k === 3)))
        changes.push(explainCell(grid, r, c));
    });
  });
  return changes.length ? `Cells that change:\n${changes.join("\n")}` : "No cell changes.";
}

export const liveAfter: QuestionTemplate<LifeState> = {
  id: 2,
  name: "live-count-next",
  description: "Predict the number of live cells after one iteration.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const next = evolve(state.grid);
    const n = liveCount(next);
    const { options, answer } = numberChoices(rng, n, state.grid.length ** 2);
    return {
      question: `${RULES}\n\nHow many cells will be alive after 1 iteration?${optionBlock(options)}`,
      answer,
      analysis:
        `${GRID_LEGEND}\n${gridText(state.grid)}\n\n${iterationText(state.grid)}\n\nAfter 1 iteration:\n${gridText(next)}\n` +
        `${rowCounts(next)}\nLive cells: ${liveCount(state.grid)} before, ${n} after. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /After (\d+) iterations?/gi);
    let g = state.grid;
    for (let i = 0; i < Number(m?.[1] ?? 1); i++) g = evolve(g);
    return keyFor(sample.options, String(liveCount(g)));
  },
};

const word = (v: number | undefined): string => (v === 1 ? "alive" : "dead");
export function historyText(seq: number[]): string {
  return seq.map((v, i) => (i === 0 ? `Initially: ${word(v)}` : `Step ${i}: ${word(v)}`)).join(" → ");
}

function cellHistory(
  grid: number[][],
  r: number,
  c: number,
  iterations: number,
): { seq: number[]; grids: number[][][] } {
  const grids = [grid];
  for (let i = 0; i < iterations; i++) grids.push(evolve(grids[grids.length - 1] as number[][]));
  return { seq: grids.map((g) => g[r]?.[c] ?? 0), grids };
}

const HISTORY_ITERATIONS = { Easy: 4, Medium: 3, Hard: 2 } as const;

export const cellStates: QuestionTemplate<LifeState> = {
  id: 3,
  name: "cell-history",
  description: "Predict one cell's state over the next few iterations.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate({ state, rng, plotLevel }): GeneratedQuestion | null {
    const k = HISTORY_ITERATIONS[plotLevel];
    const n = state.grid.length;
    // Prefer cells whose state changes at least once, as the original does.
    const cells: Array<[number, number]> = [];
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) cells.push([r, c]);
    const active = cells.filter(([r, c]) => new Set(cellHistory(state.grid, r, c, k).seq).size > 1);
    const [r, c] = rng.pick(active.length ? active : cells);
    const { seq, grids } = cellHistory(state.grid, r, c, k);
    const pool: string[] = [];
    for (let mask = 0; mask < 2 ** (k + 1); mask++)
      pool.push(historyText([...Array(k + 1).keys()].map((i) => (mask >> (k - i)) & 1)));
    const ch = makeChoices(rng, historyText(seq), pool, 8);
    const options = ch.values.map((v, i) => `${letter(i)}: ${v}`);
    const answer = letter(ch.correct);
    const steps = grids.slice(0, k).map((g, i) => `Iteration ${i + 1}: ${explainCell(g, r, c)}`);
    return {
      question: `${RULES}\n\nConsider the cell at (${r}, ${c}). What are its states now and after each of the next ${k} iterations?${optionBlock(options)}`,
      answer,
      analysis: `${GRID_LEGEND}\n${gridText(state.grid, [[r, c]])}\n\nThe whole grid evolves; at each iteration the target cell's neighbours are counted in the current grid:\n${steps.join("\n")}\n\nSequence: ${historyText(seq)}. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(
      sample.question,
      /position \((\d+), (\d+)\)\. How will its state change over the next (\d+) iterations/g,
      /cell at \((\d+), (\d+)\)\. What are its states now and after each of the next (\d+) iterations/g,
    );
    if (!m) return { skip: "cell or iteration count not found" };
    return keyFor(
      sample.options,
      historyText(cellHistory(state.grid, Number(m[1]), Number(m[2]), Number(m[3])).seq),
    );
  },
};

export const regionStability: QuestionTemplate<LifeState> = {
  id: 4,
  name: "region-stability",
  description: "Predict how many iterations a 3x3 region needs to become stable.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion | null {
    const n = state.grid.length;
    const r0 = rng.int(0, n - 1);
    const c0 = rng.int(0, n - 1);
    const res = regionStabilitySteps(state.grid, r0, c0);
    if (res.steps < 0) return null;
    const { options, answer } = numberChoices(rng, res.steps, 8);
    const cells: Array<[number, number]> = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cells.push([(r0 + i) % n, (c0 + j) % n]);
    const lines = res.history.map((g, t) => {
      const win = region(g, r0, c0);
      return `Iteration ${t} (window cells bracketed):\n${gridText(g, cells)}\nWindow:\n${win.map((row) => row.join(" ")).join("\n")}`;
    });
    const why =
      res.reason === "still"
        ? "taken alone, no cell of the window would change"
        : "the window repeats an earlier pattern";
    return {
      question:
        `${RULES}\n\nLook at the 3x3 window whose top-left cell is (${r0}, ${c0}); it covers rows ${[0, 1, 2].map((i) => (r0 + i) % n).join(", ")} and columns ${[0, 1, 2].map((j) => (c0 + j) % n).join(", ")} (wrapping around the edges). ` +
        "The whole grid keeps evolving. After t iterations (t = 0, 1, 2, ...) the window counts as stable when either (a) applying the rules to the 3x3 window alone, wrapping inside the window, would change none of its cells, or (b) its pattern is the same as at an earlier iteration. " +
        `What is the smallest such t?${optionBlock(options)}`,
      answer,
      analysis: `${lines.join("\n\n")}\n\nAt iteration ${res.steps} ${why}, so the window is stable after ${res.steps} iteration(s). The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(
      sample.question,
      /region starting at cell \((\d+),\s*(\d+)\)/g,
      /window whose top-left cell is \((\d+), (\d+)\)/g,
    );
    if (!m) return { skip: "region start not found" };
    const res = regionStabilitySteps(state.grid, Number(m[1]), Number(m[2]));
    return keyFor(sample.options, String(res.steps));
  },
};
