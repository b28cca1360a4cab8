/**
 * Jewel2 question templates, ids 0-6 as in the original: count a gem, find a gem, count special gems,
 * the outcome of a clear and of a swap, the least number cleared by two commands, and the command that
 * clears most.
 */
import { letter } from "../../options.js";
import { lastMatch } from "../../parse.js";
import { type ConformResult, type QuestionTemplate, type Rng, skipTask } from "../../types.js";
import {
  allCommands,
  type Board,
  bestCommand,
  type Command,
  clearAt,
  commandText,
  DIRECTIONS,
  type Direction,
  isSpecial,
  marks,
  neighbour,
  parseCommand,
  run1,
  swapAt,
} from "./logic.js";
import { BASIC, type Jewel2State, SPECIAL } from "./state.js";

const COLOURS: Record<string, string> = { A: "red", B: "green", C: "blue", D: "yellow", E: "purple" };

function intro(s: Jewel2State): string {
  const n = s.rows;
  return (
    `The image shows a ${n}x${n} Jewel2 board. Cells are written (x, y): x is the row from 0 at the top, y the column from 0 at the left, ` +
    `as labelled; the bottom-right cell is (${n - 1}, ${n - 1}). "Total Cleared" under the board is the score so far.\n` +
    "Gems: A red, B green, C blue, D yellow, E purple diamonds are basic; a, b, c, d, e are round gems of those colours, " +
    '"+" is a dark round gem and "|" a tall cyan bar: these are special.\n' +
    "Commands: `clear x y` on a basic gem works when it lies in a row or column run of three or more equal gems: the whole run is " +
    "removed (both runs if both qualify). On a special gem it fires it: a-e remove the gem and every basic gem of their colour, " +
    '"|" removes its column, "+" the cells around it (distance 1, diagonals too). `swap x y dir` (dir = up, down, left, right) ' +
    "exchanges two basic gems; it is refused when a special gem is involved or the target is off the board, and undone when no " +
    "run of three forms at either cell, otherwise those runs are removed. Removed gems count toward Total Cleared; the gems above " +
    "fall down, new random gems fill the top, and nothing chains.\n\n"
  );
}

const cells = (list: Array<[number, number]>) =>
  list.length ? list.map(([r, c]) => `(${r},${c})`).join(", ") : "none";
const positionsOf = (b: Board, e: string): Array<[number, number]> =>
  b.flatMap((row, r) => row.flatMap((v, c): Array<[number, number]> => (v === e ? [[r, c]] : [])));

/* ------------------------------ 0-2: perception ------------------------------ */

const countElement: QuestionTemplate<Jewel2State> = {
  id: 0,
  name: "count-element",
  description: "Count the gems of one basic kind on the board.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate: ({ state, rng }) => {
    const e = rng.pick(BASIC);
    const at = positionsOf(state.chessboard, e);
    return {
      question: `${intro(state)}Question: How many '${e}' gems (${COLOURS[e]} diamonds) are on the board? Answer with a number.`,
      answer: String(at.length),
      analysis: `Scanning the board row by row, the '${e}' gems are at ${cells(at)}. So there are ${at.length}.`,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(sample.question, /How many '([A-E])'/g);
    return m
      ? { answer: String(positionsOf(state.chessboard, m[1] as string).length) }
      : { skip: "no element" };
  },
};

const whereIs: QuestionTemplate<Jewel2State> = {
  id: 1,
  name: "element-position",
  description: "Pick the position, among eight, that holds a given basic gem.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => {
    const present = BASIC.filter((e) => positionsOf(state.chessboard, e).length > 0);
    const e = rng.pick(present);
    const at = positionsOf(state.chessboard, e);
    const right = rng.pick(at);
    const others = state.chessboard.flatMap((row, r) =>
      row.flatMap((v, c): Array<[number, number]> => (v !== e ? [[r, c]] : [])),
    );
    if (others.length < 7) return null;
    // Cells next to a real one first: the likely misreadings.
    const near = others.filter(([r, c]) => at.some(([ar, ac]) => Math.abs(ar - r) + Math.abs(ac - c) === 1));
    const pool = [
      ...new Map([...rng.shuffle(near), ...rng.shuffle(others)].map((p) => [`${p}`, p])).values(),
    ].slice(0, 7);
    const list = rng.shuffle([right, ...pool]);
    const options = list.map((p, i) => `${letter(i)}. Position (${p[0]}, ${p[1]})`);
    const answer = letter(list.indexOf(right));
    return {
      question: `${intro(state)}Question: Which of the following positions holds a '${e}' gem (${COLOURS[e]} diamond)?\n\nOptions:\n${options.join("\n")}\n\nAnswer with the letter of the correct option.`,
      answer,
      analysis: `The '${e}' gems are at ${cells(at)}. Of the options only (${right[0]}, ${right[1]}) is one of them: the answer is ${answer}.`,
      options,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(sample.question, /does element '([A-E])'|holds a '([A-E])'/g);
    const e = m?.[1] ?? m?.[2];
    if (!e) return { skip: "no element" };
    const hits = (sample.options ?? []).flatMap((o, i) => {
      const p = /\((\d+),\s*(\d+)\)/.exec(String(o));
      return p && state.chessboard[Number(p[1])]?.[Number(p[2])] === e ? [letter(i)] : [];
    });
    return hits.length === 1 ? { answer: hits[0] as string } : { skip: `${hits.length} options hold it` };
  },
};

function specials(b: Board): { count: number; analysis: string } {
  const lines = SPECIAL.map((e) => `- '${e}': ${cells(positionsOf(b, e))}`);
  const count = b.flat().filter(isSpecial).length;
  return { count, analysis: `Special gems on the board:\n${lines.join("\n")}\nIn total ${count}.` };
}

const countSpecials: QuestionTemplate<Jewel2State> = {
  id: 2,
  name: "count-specials",
  description: "Count the special gems (a, b, c, d, e, +, |) on the board.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate: ({ state }) => {
    const { count, analysis } = specials(state.chessboard);
    return {
      question: `${intro(state)}Question: How many special gems (a, b, c, d, e, +, |) are on the board? Answer with a number.`,
      answer: String(count),
      analysis,
    };
  },
  conform: ({ state }) => ({ answer: String(specials(state.chessboard).count) }),
};

/* ------------------------------ 3-4: clear and swap outcomes ------------------------------ */

const CLEAR_NOTHING = "Nothing happens: the clear does not meet the elimination conditions.";
const SWAP_NOTHING = "Nothing happens: the swap does not meet the elimination conditions.";
const SWAP_SPECIAL = "The swap is refused because one of the gems is special.";
const clearCount = (n: number, total: number) =>
  `The clear removes ${n} gems; Total Cleared becomes ${total}.`;
const swapCount = (n: number, total: number) =>
  `After the swap ${n} gems are removed; Total Cleared becomes ${total}.`;

/** Options A, B fixed; C-H counts, the right one (if any) at a random place, distractors near it. */
function countOptions(
  rng: Rng,
  first: string[],
  right: number | undefined,
  total: number,
  text: (n: number, t: number) => string,
) {
  const values = rng
    .shuffle([...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12].filter((v) => v !== right))])
    .slice(0, 6);
  const at = right === undefined ? -1 : rng.int(0, 5);
  if (right !== undefined) values[at] = right;
  const options = [...first, ...values.map((v) => text(v, total + v))].map((t, i) => `${letter(i)}. ${t}`);
  return { options, rightLetter: at >= 0 ? letter(at + 2) : undefined };
}

function pickClear(state: Jewel2State, rng: Rng): [number, number] {
  const n = state.rows;
  const working: Array<[number, number]> = [];
  for (let x = 0; x < n; x++)
    for (let y = 0; y < n; y++) if (marks(state.chessboard, x, y).length > 0) working.push([x, y]);
  // As the original: mostly a clear that works, sometimes any cell.
  return working.length > 0 && rng.chance(0.75) ? rng.pick(working) : [rng.int(0, n - 1), rng.int(0, n - 1)];
}

export function clearLetter(
  s: Jewel2State,
  x: number,
  y: number,
): { kind: "A" | "B" | "count"; cleared: number } {
  const out = clearAt(s.chessboard, x, y);
  if (out.cleared === 0) return { kind: "A", cleared: 0 };
  return { kind: isSpecial(s.chessboard[x]?.[y]) ? "B" : "count", cleared: out.cleared };
}

/** The letter of the count option saying `n` gems (the original's options may run two letters into one string). */
function countLetter(options: readonly unknown[] | undefined, n: number): ConformResult {
  const text = (options ?? []).map(String).join("\n");
  const hits = [
    ...text.matchAll(/([C-H])\. [^.]*?(?:eliminate|clearing|removes|swap) (\d+) (?:elements|gems)/g),
  ]
    .filter((m) => Number(m[2]) === n)
    .map((m) => m[1] as string);
  return hits.length === 1 ? { answer: hits[0] as string } : { skip: `${hits.length} options say ${n}` };
}

const clearOutcome: QuestionTemplate<Jewel2State> = {
  id: 3,
  name: "clear-outcome",
  description: "Predict what `clear x y` does.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => {
    const [x, y] = pickClear(state, rng);
    const r = clearLetter(state, x, y);
    const total = state.total_cleared;
    const special = `The special gem fires; Total Cleared becomes ${total + (r.kind === "B" ? r.cleared : rng.int(1, 9))}.`;
    const { options, rightLetter } = countOptions(
      rng,
      [CLEAR_NOTHING, special],
      r.kind === "count" ? r.cleared : undefined,
      total,
      clearCount,
    );
    const answer = r.kind === "count" ? (rightLetter as string) : r.kind;
    const target = state.chessboard[x]?.[y];
    const m = marks(state.chessboard, x, y);
    const analysis =
      r.kind === "A"
        ? `The gem at (${x},${y}) is '${target}': its row run and column run are both shorter than three, so nothing is removed. The answer is A.`
        : r.kind === "B"
          ? `The gem at (${x},${y}) is the special '${target}'; firing it removes ${cells(m)}: ${r.cleared} gems, so Total Cleared becomes ${total} + ${r.cleared} = ${total + r.cleared}. The answer is B.`
          : `The gem at (${x},${y}) is '${target}'; the runs of three or more through it are ${cells(m)}: ${r.cleared} gems are removed and Total Cleared becomes ${total} + ${r.cleared} = ${total + r.cleared}. The answer is ${answer}.`;
    return {
      question: `${intro(state)}Question: What will happen if you execute clear ${x} ${y}?\n\nOptions:\n${options.join("\n")}\n\nAnswer with the letter of the correct option.`,
      answer,
      analysis,
      options,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(sample.question, /execute clear (\d+) (\d+)/g);
    if (!m) return { skip: "no clear" };
    const r = clearLetter(state, Number(m[1]), Number(m[2]));
    return r.kind === "count" ? countLetter(sample.options, r.cleared) : { answer: r.kind };
  },
};

export function swapLetter(
  s: Jewel2State,
  x: number,
  y: number,
  d: Direction,
): { kind: "A" | "B" | "count"; cleared: number; reason?: string } {
  const out = swapAt(s.chessboard, x, y, d);
  if (out.reason === "special") return { kind: "B", cleared: 0, reason: out.reason };
  if (out.cleared === 0) return { kind: "A", cleared: 0, ...(out.reason ? { reason: out.reason } : {}) };
  return { kind: "count", cleared: out.cleared };
}

const swapOutcome: QuestionTemplate<Jewel2State> = {
  id: 4,
  name: "swap-outcome",
  description: "Predict what `swap x y dir` does.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => {
    const n = state.rows;
    const working = allCommands(n).filter(
      (c) => c.kind === "swap" && run1(state.chessboard, c).cleared > 0,
    ) as Array<Extract<Command, { kind: "swap" }>>;
    const c =
      working.length > 0 && rng.chance(0.75)
        ? rng.pick(working)
        : { kind: "swap" as const, x: rng.int(0, n - 1), y: rng.int(0, n - 1), d: rng.pick(DIRECTIONS) };
    const r = swapLetter(state, c.x, c.y, c.d);
    const total = state.total_cleared;
    const { options, rightLetter } = countOptions(
      rng,
      [SWAP_NOTHING, SWAP_SPECIAL],
      r.kind === "count" ? r.cleared : undefined,
      total,
      swapCount,
    );
    const answer = r.kind === "count" ? (rightLetter as string) : r.kind;
    const [nx, ny] = neighbour(c.x, c.y, c.d);
    const a = state.chessboard[c.x]?.[c.y];
    const b = state.chessboard[nx]?.[ny];
    const analysis =
      r.reason === "out of board"
        ? `Moving ${c.d} from (${c.x},${c.y}) leaves the board, so the swap cannot happen and nothing changes. The answer is A.`
        : r.kind === "B"
          ? `The swap would exchange '${a}' at (${c.x},${c.y}) with '${b}' at (${nx},${ny}); one of them is special, so it is refused. The answer is B.`
          : r.kind === "A"
            ? `Exchanging '${a}' at (${c.x},${c.y}) with '${b}' at (${nx},${ny}) forms no run of three at either cell, so the swap is undone. The answer is A.`
            : `Exchanging '${a}' at (${c.x},${c.y}) with '${b}' at (${nx},${ny}) forms runs of three or more that remove ${r.cleared} gems; Total Cleared becomes ${total} + ${r.cleared} = ${total + r.cleared}. The answer is ${answer}.`;
    return {
      question: `${intro(state)}Question: What will happen if you execute swap ${c.x} ${c.y} ${c.d}?\n\nOptions:\n${options.join("\n")}\n\nAnswer with the letter of the correct option.`,
      answer,
      analysis,
      options,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(sample.question, /execute swap (\d+) (\d+) (up|down|left|right)/g);
    if (!m) return { skip: "no swap" };
    const r = swapLetter(state, Number(m[1]), Number(m[2]), m[3] as Direction);
    return r.kind === "count" ? countLetter(sample.options, r.cleared) : { answer: r.kind };
  },
};

/* ------------------------------ 5: two commands ------------------------------ */

/**
 * The least number of gems two commands clear: refilled cells are unknown and match nothing. `original`
 * reproduces the original's count, which adds the first command's clears again when the second is a
 * successful swap (it measures a swap from the score before both commands).
 */
export function twoCommands(
  b: Board,
  c1: Command,
  c2: Command,
  original = false,
): { total: number; first: number; second: number } {
  const o1 = run1(b, c1);
  const o2 = run1(o1.board, c2);
  const extra = original && c2.kind === "swap" && o2.cleared > 0 ? o1.cleared : 0;
  return { total: o1.cleared + o2.cleared + extra, first: o1.cleared, second: o2.cleared };
}

const sequence: QuestionTemplate<Jewel2State> = {
  id: 5,
  name: "command-sequence",
  description: "Count the gems that two commands in a row clear at least.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "number",
  generate: ({ state, rng }) => {
    const all = allCommands(state.rows);
    const working = all.filter((c) => run1(state.chessboard, c).cleared > 0);
    const c1 = working.length > 0 && rng.chance(0.6) ? rng.pick(working) : rng.pick(all);
    const after = run1(state.chessboard, c1).board;
    const next = all.filter((c) => commandText(c) !== commandText(c1));
    const working2 = next.filter((c) => run1(after, c).cleared > 0);
    const c2 = working2.length > 0 && rng.chance(0.5) ? rng.pick(working2) : rng.pick(next);
    const r = twoCommands(state.chessboard, c1, c2);
    // Where the original double counts (a clearing first command, then a successful swap) we ask nothing.
    if (r.total !== twoCommands(state.chessboard, c1, c2, true).total)
      return skipTask("the original would count the first command twice");
    return {
      question:
        `${intro(state)}Question: How many elements will be eliminated at least after performing ${commandText(c1)} followed by ${commandText(c2)}? ` +
        "(Gems that fall in from the top are unknown: count only what is certain.) Answer with a number.",
      answer: String(r.total),
      analysis:
        `${commandText(c1)} removes ${r.first} gem(s)${r.first > 0 ? "; the gems above fall and unknown gems fill the top" : ""}. ` +
        `On the resulting board ${commandText(c2)} removes at least ${r.second} gem(s). In total at least ${r.first} + ${r.second} = ${r.total}.`,
    };
  },
  conform: ({ sample, state }) => {
    const m = lastMatch(
      sample.question,
      /performing ((?:clear|swap)[ a-z0-9]+?) followed by ((?:clear|swap)[ a-z0-9]+?)[?.]/g,
    );
    const c1 = m && parseCommand(m[1] as string);
    const c2 = m && parseCommand(m[2] as string);
    if (!c1 || !c2) return { skip: "no commands" };
    return { answer: String(twoCommands(state.chessboard, c1, c2, true).total) };
  },
};

/* ------------------------------ 6: best command ------------------------------ */

const NONE = "No command can clear any elements.";

function bestAnswer(s: Jewel2State): { answer: string; analysis: string } {
  const best = bestCommand(s.chessboard);
  if (!best) return { answer: NONE, analysis: "No swap and no clear on this board removes any gem." };
  const list = [...best.all]
    .sort((a, b) => b.cleared - a.cleared)
    .map((m) => `- ${commandText(m.command)}: ${m.cleared}`);
  return {
    answer: commandText(best.command),
    analysis: `Commands that remove gems, most first:\n${list.join("\n")}\nThe most is ${best.cleared}; the first command reaching it in the stated order is ${commandText(best.command)}.`,
  };
}

const bestMove: QuestionTemplate<Jewel2State> = {
  id: 6,
  name: "best-command",
  description: "Find the single command that clears the most gems.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "text",
  generate: ({ state }) => {
    const { answer, analysis } = bestAnswer(state);
    return {
      question:
        `${intro(state)}Question: What command will result in the maximum number of elements being cleared in a single move? ` +
        'If several commands tie, give the first in this order: all swaps before all clears; by row x, then column y; directions in the order up, down, right, left. Answer with the command, e.g. "swap 1 2 up" or "clear 0 3", or "No command can clear any elements." if none clears anything.',
      answer,
      analysis,
    };
  },
  conform: ({ state }) => ({ answer: bestAnswer(state).answer }),
};

export const jewel2Tasks: QuestionTemplate<Jewel2State>[] = [
  countElement,
  whereIs,
  countSpecials,
  clearOutcome,
  swapOutcome,
  sequence,
  bestMove,
];
