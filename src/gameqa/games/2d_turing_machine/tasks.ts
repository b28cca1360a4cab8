/**
 * 2D Turing machine question templates, question ids 0-3 as in the original: head position after
 * n steps, head state and symbol under it after n steps, the symbol history of one cell, and the
 * first step at which the head enters a state. All are State Prediction / Medium multiple choice
 * with 1-based option numbers as answers; n is 3..8.
 */
import { makeChoices } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { GeneratedQuestion, Rng, TaskDefinition } from "../../types.js";
import {
  BRACKETS,
  bracket,
  colorName,
  DIRECTION_NAMES,
  firstEntry,
  machineSize,
  pos,
  type Run,
  runOnGrid,
  simulate,
  symbolTrajectory,
  traceText,
  type Visit,
} from "./logic.js";
import type { TuringState } from "./state.js";

const OPTION_COUNT = 8;
/** The original asks about 3..8 steps; its boards are checked for 10. */
const MIN_STEPS = 3;
const MAX_STEPS = 8;

function preamble(s: TuringState): string {
  const { states, symbols } = machineSize(s);
  const rules = s.rules
    .map(
      (r) =>
        `State ${r.state}, Symbol ${r.symbol} -> Write ${r.new_symbol}, Move ${DIRECTION_NAMES[r.direction]}, New State ${r.new_state}`,
    )
    .join("\n");
  const colours = Array.from({ length: symbols }, (_, k) => `Symbol ${k}: ${colorName(k)}`).join("\n");
  const brackets = BRACKETS.slice(0, states)
    .map((b, k) => `State ${k}: ${b[0]} ${b[1]}`)
    .join("\n");
  const { x, y, state } = s.head;
  const under = s.grid[y]?.[x] ?? 0;
  return (
    "The image shows the tape of a 2D Turing machine: a grid whose cells hold symbols, drawn as colours, and a head marked by the black dot. " +
    "Rows are numbered from 0 at the top and columns from 0 at the left; positions are written (row, column).\n" +
    "At every step the head reads the symbol under it and applies the rule for its current state and that symbol: " +
    "it writes the rule's symbol into its cell, moves one cell in the rule's direction and takes the rule's new state. " +
    "The head never leaves the grid in the steps asked about.\n\n" +
    `Rules:\n${rules}\n\nSymbol colours:\n${colours}\n\n` +
    `Head states are written as brackets around the symbol under the head:\n${brackets}\n\n` +
    `The head is now at ${pos(y, x)} in state ${state}, on symbol ${under}, written ${bracket(state, under)}.\n\n`
  );
}

const optionList = (values: readonly string[]): string =>
  `Options:\n${values.map((v, i) => `${i + 1}: ${v}`).join("\n")}\n\nAnswer with the number of the correct option.`;

/** `count` options: the answer and distractors from `preferred` first, then `others` (never the answer). */
function pickOptions(rng: Rng, answer: string, preferred: string[], others: string[], count = OPTION_COUNT) {
  const pool = [...new Set([...rng.shuffle(preferred), ...rng.shuffle(others)])].filter((v) => v !== answer);
  const { values, correct } = makeChoices(rng, answer, pool.slice(0, count - 1), count);
  return { values, index: correct + 1 };
}

const stepsIn = (q: string): number | undefined => {
  const m = lastMatch(q, /after (\d+) steps/g);
  return m ? Number(m[1]) : undefined;
};

/** 1-based number of the option equal to one of `values` (spaces ignored). */
function optionNumber(options: readonly unknown[] | undefined, ...values: string[]): number | undefined {
  const squash = (v: unknown): string => String(v).replace(/\s+/g, "");
  const wanted = new Set(values.map(squash));
  const i = (options ?? []).findIndex((o) => wanted.has(squash(o)));
  return i >= 0 ? i + 1 : undefined;
}

/** Shared conform logic: simulate the published step count and find the option holding `value`. */
function conformWith(
  sample: { question: string; options?: readonly unknown[] },
  state: TuringState,
  value: (run: Run) => string | string[],
): { answer: number } | { skip: string } {
  const steps = stepsIn(sample.question);
  if (steps === undefined) return { skip: "no step count in the question" };
  const run = simulate(state, steps);
  if (!run) return { skip: `the head leaves the grid within ${steps} steps` };
  const v = value(run);
  const n = optionNumber(sample.options, ...(Array.isArray(v) ? v : [v]));
  return n === undefined ? { skip: `no option equals ${v}` } : { answer: n };
}

function finish(question: string, trace: string, conclusion: string, values: string[], index: number) {
  return {
    question: `${question}\n${optionList(values)}`,
    answer: index,
    analysis: `${trace}\n${conclusion}\nSo the answer is option ${index}.`,
    options: values,
  } satisfies GeneratedQuestion;
}

/**
 * A task of this game: all are State Prediction / Medium with option-number answers, and all ask
 * about a run of 3..8 steps, which `ask` receives already simulated.
 */
function machineTask(
  id: number,
  name: string,
  ask: (state: TuringState, rng: Rng, run: Run, steps: number) => GeneratedQuestion | null,
  conform: NonNullable<TaskDefinition<TuringState>["conform"]>,
): TaskDefinition<TuringState> {
  return {
    id,
    name,
    description: name,
    qaType: "State Prediction",
    qaLevel: "Medium",
    answerFormat: "option-index",
    generate: ({ state, rng }) => {
      const steps = rng.int(MIN_STEPS, MAX_STEPS);
      const run = simulate(state, steps);
      return run ? ask(state, rng, run, steps) : null;
    },
    conform,
  };
}

function cellsOf(s: TuringState): string[] {
  return s.grid.flatMap((row, y) => row.map((_, x) => pos(y, x)));
}

/* ------------------------------ 0: position ------------------------------ */

/** Where the run ends (visits always holds the start). */
const lastVisit = (run: Run): Visit => run.visits[run.visits.length - 1] as Visit;
const finalPosition = (run: Run): string => pos(lastVisit(run).y, lastVisit(run).x);

const positionTask = machineTask(
  0,
  "position",
  (state, rng, run, steps) => {
    const answer = finalPosition(run);
    const visited = run.visits.map((v) => pos(v.y, v.x));
    const { values, index } = pickOptions(rng, answer, visited, cellsOf(state));
    return finish(
      `${preamble(state)}Question: where will the head be after ${steps} steps?`,
      traceText(run),
      `After ${steps} steps the head is at ${answer}.`,
      values,
      index,
    );
  },
  ({ sample, state }) => conformWith(sample, state, finalPosition),
);

/* ------------------------------ 1: head state and symbol ------------------------------ */

/**
 * Our options spell the bracket out, e.g. "[1] (state 1, symbol 1)": a bare "[1]" reads like an
 * option key to answer parsers. The original's options are the bare brackets.
 */
const headOption = (q: number, a: number): string => `${bracket(q, a)} (state ${q}, symbol ${a})`;
const finalHead = (run: Run): string[] => {
  const { state, symbol } = lastVisit(run);
  return [headOption(state, symbol), bracket(state, symbol)];
};

const headStateTask = machineTask(
  1,
  "head_state",
  (state, rng, run, steps) => {
    const last = lastVisit(run);
    const answer = headOption(last.state, last.symbol);
    const { states, symbols } = machineSize(state);
    const all: string[] = [];
    const near: string[] = [];
    for (let q = 0; q < states; q++) {
      for (let a = 0; a < symbols; a++) {
        const b = headOption(q, a);
        all.push(b);
        // Same state or same symbol as the answer: the likely slips.
        if (q === last.state || a === last.symbol) near.push(b);
      }
    }
    const { values, index } = pickOptions(rng, answer, near, all);
    const writes = run.transitions.filter((t) => t.from.x === last.x && t.from.y === last.y);
    const lastWrite = writes[writes.length - 1];
    const source = lastWrite
      ? `written there at step ${lastWrite.from.step + 1}`
      : `${colorName(last.symbol ?? 0)} in the image`;
    return finish(
      `${preamble(state)}Question: what will be the head state and the symbol under the head after ${steps} steps?`,
      traceText(run),
      `After ${steps} steps the head is at ${finalPosition(run)} in state ${last.state} on symbol ${last.symbol} (${source}), written ${bracket(last.state, last.symbol)}.`,
      values,
      index,
    );
  },
  ({ sample, state }) => conformWith(sample, state, finalHead),
);

/* ------------------------------ 2: symbol history of a cell ------------------------------ */

/** Wrong histories: edits of the true one (a symbol, a step, one write more or less) and random ones. */
function trajectoryDistractors(
  rng: Rng,
  initial: number,
  writes: Array<[number, number]>,
  steps: number,
  symbols: number,
) {
  const text = (w: ReadonlyArray<readonly [number, number]>): string =>
    `${initial}${w.map(([step, sym]) => `->${sym}(at step ${step})`).join("")}`;
  const out: string[] = [];
  writes.forEach(([step, sym], i) => {
    const other = (sym + rng.int(1, symbols - 1)) % symbols;
    out.push(text(writes.map((w, j) => (j === i ? [step, other] : w))));
    // Never a history without writes: a bare digit would read like an option number.
    if (writes.length > 1) out.push(text(writes.filter((_, j) => j !== i)));
    const shifted = step + (rng.chance(0.5) ? 1 : -1);
    if (shifted >= 1 && shifted <= steps && !writes.some((w) => w[0] === shifted))
      out.push(text(writes.map((w, j) => (j === i ? [shifted, sym] : w))));
  });
  for (let k = 0; k < 3; k++) {
    const step = rng.int(1, steps);
    if (!writes.some((w) => w[0] === step))
      out.push(
        text([...writes, [step, rng.int(0, symbols - 1)] as [number, number]].sort((a, b) => a[0] - b[0])),
      );
  }
  const random: string[] = [];
  for (let k = 0; k < 40; k++) {
    const n = rng.int(1, Math.min(steps, Math.floor(steps / 2) + 1));
    const at = rng
      .sample(
        Array.from({ length: steps }, (_, i) => i + 1),
        n,
      )
      .sort((a, b) => a - b);
    random.push(text(at.map((step) => [step, rng.int(0, symbols - 1)] as [number, number])));
  }
  return { near: out, random };
}

const trajectoryAt = (state: TuringState, y: number, x: number) => (run: Run) =>
  symbolTrajectory(state, run, y, x);

const symbolTask = machineTask(
  2,
  "symbol_at_position",
  (state, rng, run, steps) => {
    const end = lastVisit(run);
    // Cells the head has worked on (as often as it did), but not where it stops.
    const worked = run.transitions.map((t) => t.from).filter((v) => v.x !== end.x || v.y !== end.y);
    if (worked.length === 0) return null;
    const cell = rng.pick(worked);
    const answer = symbolTrajectory(state, run, cell.y, cell.x);
    const writes = run.transitions
      .filter((t) => t.from.x === cell.x && t.from.y === cell.y)
      .map((t) => [t.from.step + 1, t.rule.new_symbol] as [number, number]);
    const initial = state.grid[cell.y]?.[cell.x] ?? 0;
    const { near, random } = trajectoryDistractors(rng, initial, writes, steps, machineSize(state).symbols);
    const { values, index } = pickOptions(rng, answer, near, random);
    const at = pos(cell.y, cell.x);
    return finish(
      `${preamble(state)}Question: how does the symbol at position ${at} change after ${steps} steps? ` +
        "List every write to that cell, including one that writes the symbol it already holds, as " +
        "'first symbol->symbol written(at step k)->...'.",
      traceText(run),
      `Cell ${at} starts as ${colorName(initial)}, symbol ${initial}; the head writes there at steps ${writes.map((w) => w[0]).join(", ")}. Its history is ${answer}.`,
      values,
      index,
    );
  },
  ({ sample, state }) => {
    const m = lastMatch(sample.question, /position \((\d+),\s*(\d+)\)/g);
    if (!m) return { skip: "no position in the question" };
    return conformWith(sample, state, trajectoryAt(state, Number(m[1]), Number(m[2])));
  },
);

/* ------------------------------ 3: first entry into a state ------------------------------ */

/** Options are the step counts 1..8 in order, so option k means k steps (see the game doc). */
const STEP_OPTIONS = Array.from({ length: MAX_STEPS }, (_, i) => String(i + 1));

const firstEntryTask = machineTask(
  3,
  "first_state_entry",
  (state, rng, run) => {
    const entered = [...new Set(run.visits.slice(1).map((v) => v.state))];
    // Prefer a state other than the starting one, as the original does.
    const others = entered.filter((q) => q !== state.head.state);
    const target = rng.pick(others.length > 0 ? others : entered);
    const first = firstEntry(run, target) as number;
    const index = STEP_OPTIONS.indexOf(String(first)) + 1;
    return finish(
      `${preamble(state)}Question: after how many steps will the head first enter state ${target}?`,
      traceText(run, first),
      `The head is in state ${target} (brackets ${BRACKETS[target]}) for the first time after step ${first}.`,
      STEP_OPTIONS,
      index,
    );
  },
  ({ sample, state }) => {
    const m = lastMatch(sample.question, /first enter state (\d+)/g);
    if (!m) return { skip: "no target state in the question" };
    const target = Number(m[1]);
    // The published question does not say how far the original simulated; the entry is within 8 steps.
    const step = firstEntry(runOnGrid(state, MAX_STEPS), target);
    if (step === undefined)
      return { skip: `the head does not enter state ${target} within ${MAX_STEPS} steps` };
    const n = optionNumber(sample.options, String(step));
    return n === undefined ? { skip: `no option equals ${step}` } : { answer: n };
  },
);

export const turingTasks: TaskDefinition<TuringState>[] = [
  positionTask,
  headStateTask,
  symbolTask,
  firstEntryTask,
];
