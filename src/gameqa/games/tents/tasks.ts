/**
 * Tents question templates with the original's question ids: 0 tents in a row, 3 tents missing in a
 * column, 4 tents missing in the grid, 5 cells allowed by rules 1 and 3, 6 cells where a new tent fits
 * now, 8 which option holds a tree, 9 which option may take a new tent. Options are [row, col] lists,
 * answered with their 1-based number.
 */
import { lastMatch } from "../../parse.js";
import type { ConformInput, ConformResult, Rng, TaskDefinition } from "../../types.js";
import {
  allCells,
  cellsNextToTrees,
  checkNewTent,
  colsOf,
  colTarget,
  fmt,
  isTent,
  isTree,
  key,
  type Pos,
  rowsOf,
  tentsInCol,
  tentsInRow,
  treeNeighbours,
  validNewTents,
} from "./logic.js";
import type { TentsState } from "./state.js";

type Task = TaskDefinition<TentsState>;

const INTRO =
  "This is a Tents puzzle. The grid shows trees and some tents; the goal is to add tents until none is missing, " +
  "following these rules:\n" +
  "1. Every cell is empty, holds a tree or holds a tent.\n" +
  "2. In the end there are as many tents as trees.\n" +
  "3. A tent stands directly above, below, left or right of at least one tree (diagonal neighbours do not count).\n" +
  "4. No two tents touch, not even diagonally.\n" +
  "5. The blue number left of each row and above each column is how many tents that row or column holds in the end.\n\n" +
  "The black numbers are the row and column indices, both counted from 0; the cell (x, y) is in row x and column y, " +
  "and (0, 0) is the top-left corner. Only some of the solution's tents are drawn so far.\n\n";

const list = (ps: readonly Pos[]): string => (ps.length === 0 ? "none" : ps.map(fmt).join(", "));
const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function fillTask(
  id: number,
  name: string,
  description: string,
  qaType: Task["qaType"],
  qaLevel: Task["qaLevel"],
  ask: (s: TentsState, rng: Rng) => { question: string; answer: number; analysis: string },
  recompute: (input: ConformInput<TentsState>) => ConformResult,
): Task {
  return {
    id,
    name,
    description,
    qaType,
    qaLevel,
    answerFormat: "number",
    generate({ state, rng }) {
      const q = ask(state, rng);
      return { question: `${INTRO}Question: ${q.question}`, answer: String(q.answer), analysis: q.analysis };
    },
    conform: recompute,
  };
}

/* ------------------------------ fill-in tasks ------------------------------ */

export function tentsInRowAnswer(s: TentsState, r: number): { answer: number; analysis: string } {
  const tents = tentsInRow(s, r);
  return {
    answer: tents.length,
    analysis: `Row ${r} shows ${count(tents.length, "tent")}${tents.length ? ` at ${list(tents)}` : ""}. The answer is ${tents.length}.`,
  };
}

export function missingInColumn(s: TentsState, c: number): { answer: number; analysis: string } {
  const target = colTarget(s, c);
  const tents = tentsInCol(s, c);
  const missing = target - tents.length;
  return {
    answer: missing,
    analysis:
      `The blue number above column ${c} is ${target}. The column shows ${count(tents.length, "tent")}` +
      `${tents.length ? ` at ${list(tents)}` : ""}. So ${target} - ${tents.length} = ${missing} tents are still missing.`,
  };
}

export function missingInGrid(s: TentsState): { answer: number; analysis: string } {
  const targets = Array.from({ length: colsOf(s) }, (_, c) => colTarget(s, c));
  const total = targets.reduce((a, b) => a + b, 0);
  const shown = s.tent_positions.length;
  return {
    answer: total - shown,
    analysis:
      `The blue numbers above the columns add up to ${targets.join(" + ")} = ${total} tents in the solution. ` +
      `The grid shows ${count(shown, "tent")} (${list(s.tent_positions)}). So ${total} - ${shown} = ${total - shown} tents are missing.`,
  };
}

export function cellsByRules13(s: TentsState): { answer: number; analysis: string } {
  const lines = s.tree_positions.map((t) => {
    const around = treeNeighbours(s, t);
    return `- Tree ${fmt(t)}: ${around.length ? list(around) : "no free neighbour"}.`;
  });
  const cells = cellsNextToTrees(s);
  return {
    answer: cells.length,
    analysis:
      "Rules 1 and 3 allow a tent on any cell directly above, below, left or right of a tree that is not itself a tree " +
      `(cells holding tents count too). The trees and their such neighbours:\n${lines.join("\n")}\n` +
      `Without repeats these are ${list(cells)}: ${cells.length} cells. The answer is ${cells.length}.`,
  };
}

export function newTentCells(s: TentsState): { answer: number; analysis: string } {
  const valid = validNewTents(s);
  const lines = valid.map((p) => {
    const c = checkNewTent(s, p);
    return c.ok
      ? `- ${fmt(p)}: next to the tree at ${fmt(c.tree)}, touches no tent; row ${p[0]} still needs ${c.rowNeeds}, column ${p[1]} still needs ${c.colNeeds}.`
      : "";
  });
  const candidates = cellsNextToTrees(s).filter((p) => !isTent(s, p));
  const rejected = candidates
    .filter((p) => !checkNewTent(s, p).ok)
    .map((p) => {
      const c = checkNewTent(s, p);
      return `${fmt(p)} (${c.ok ? "" : c.reason})`;
    });
  return {
    answer: valid.length,
    analysis:
      "A new tent needs an empty cell next to a tree, no tent among its eight neighbours, and room left in its row and column. " +
      `Of the empty cells next to a tree, these are ruled out: ${rejected.length ? rejected.join("; ") : "none"}.\n` +
      `The cells that pass every check:\n${lines.join("\n") || "(none)"}\nSo ${valid.length} positions are available.`,
  };
}

const indexIn = (q: string, word: "row" | "column"): number | undefined => {
  const m = lastMatch(q, new RegExp(`\\b${word} (\\d+)`, "g"));
  return m ? Number(m[1]) : undefined;
};

const rowTask = fillTask(
  0,
  "tents-in-row",
  "how many tents are there in a randomly selected row currently?",
  "Target Perception",
  "Easy",
  (s, rng) => {
    const r = rng.int(0, rowsOf(s) - 1);
    return { question: `How many tents does row ${r} show right now?`, ...tentsInRowAnswer(s, r) };
  },
  ({ sample, state }) => {
    const r = indexIn(sample.question, "row");
    return r === undefined
      ? { skip: "no row in the question" }
      : { answer: String(tentsInRowAnswer(state, r).answer) };
  },
);

const columnTask = fillTask(
  3,
  "missing-tents-in-column",
  "how many tents are still missing in a randomly selected column?",
  "Target Perception",
  "Easy",
  (s, rng) => {
    const c = rng.int(0, colsOf(s) - 1);
    return { question: `How many tents are still missing in column ${c}?`, ...missingInColumn(s, c) };
  },
  ({ sample, state }) => {
    const c = indexIn(sample.question, "column");
    return c === undefined
      ? { skip: "no column in the question" }
      : { answer: String(missingInColumn(state, c).answer) };
  },
);

const gridTask = fillTask(
  4,
  "missing-tents-in-grid",
  "how many tents are still missing in the entire grid?",
  "Target Perception",
  "Medium",
  (s) => ({ question: "How many tents are still missing in the whole grid?", ...missingInGrid(s) }),
  ({ state }) => ({ answer: String(missingInGrid(state).answer) }),
);

const rules13Task = fillTask(
  5,
  "possible-tent-positions",
  "considering only the first and third rules, how many positions in the grid may hold a tent (cells already holding tents included)?",
  "State Prediction",
  "Medium",
  (s) => ({
    question:
      "Looking at the trees only and applying only rules 1 and 3, how many cells of the grid could hold a tent? " +
      "Count cells that already hold a tent as well as empty ones.",
    ...cellsByRules13(s),
  }),
  ({ state }) => ({ answer: String(cellsByRules13(state).answer) }),
);

const newTentTask = fillTask(
  6,
  "new-tent-positions",
  "how many positions in the grid are available to place a new tent without breaking the game rules immediately?",
  "State Prediction",
  "Hard",
  (s) => ({
    question:
      "On how many cells could one new tent be placed right now without breaking any rule at once? " +
      "(The tent need not belong to a full solution.)",
    ...newTentCells(s),
  }),
  ({ state }) => ({ answer: String(newTentCells(state).answer) }),
);

/* ------------------------------ multiple choice ------------------------------ */

const OPTION_COUNT = 8;

function describe(s: TentsState, p: Pos): string {
  return isTree(s, p) ? "a tree" : isTent(s, p) ? "a tent" : "an empty cell";
}

/** Options as [row, col] lists printed "1: (x, y)"; the answer is the correct option's 1-based number. */
function choiceQuestion(
  rng: Rng,
  ask: string,
  correct: Pos,
  wrong: Pos[],
): { options: Pos[]; text: string; answer: number } {
  const seen = new Set([key(correct)]);
  const picked: Pos[] = [];
  for (const p of rng.shuffle(wrong)) {
    if (picked.length === OPTION_COUNT - 1) break;
    if (!seen.has(key(p))) {
      seen.add(key(p));
      picked.push(p);
    }
  }
  const options = rng.shuffle([correct, ...picked]);
  const lines = options.map((p, i) => `${i + 1}: ${fmt(p)}`).join("\n");
  return {
    options,
    text: `${INTRO}Question: ${ask}\nOptions:\n${lines}\n\nAnswer with the number of the option.`,
    answer: options.findIndex((p) => key(p) === key(correct)) + 1,
  };
}

/** Read the published options ([r, c] lists, or "(r, c)" strings) back as positions. */
function optionPositions(options: unknown[] | undefined): Pos[] | undefined {
  const out: Pos[] = [];
  for (const o of options ?? []) {
    const nums = Array.isArray(o) ? o : [...String(o).matchAll(/-?\d+/g)].map((m) => Number(m[0]));
    if (nums.length !== 2 || !nums.every((n) => Number.isInteger(n))) return undefined;
    out.push([Number(nums[0]), Number(nums[1])]);
  }
  return out.length ? out : undefined;
}

/** The 1-based number of the only option passing `test`, or a skip. */
function onlyOption(options: Pos[] | undefined, test: (p: Pos) => boolean): ConformResult {
  if (!options) return { skip: "no [row, col] options" };
  const hits = options.flatMap((p, i) => (test(p) ? [i + 1] : []));
  return hits.length === 1 ? { answer: hits[0] as number } : { skip: `${hits.length} options qualify` };
}

const treeTask: Task = {
  id: 8,
  name: "which-position-has-tree",
  description: "which of the following positions contains a tree?",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }) {
    const tree = rng.pick(state.tree_positions);
    // Distractors: tents and tree neighbours first (they sit next to trees in the picture), then any cell.
    const near = [...state.tent_positions, ...cellsNextToTrees(state)].filter((p) => !isTree(state, p));
    const other = allCells(state).filter((p) => !isTree(state, p));
    const wrong = [...rng.shuffle(near).slice(0, 4), ...rng.shuffle(other)];
    const q = choiceQuestion(rng, "Which of these cells holds a tree?", tree, wrong.slice(0, 40));
    const lines = q.options.map((p, i) => `Option ${i + 1}: ${fmt(p)} is ${describe(state, p)}.`);
    return {
      question: q.text,
      answer: q.answer,
      options: q.options,
      analysis: `${lines.join("\n")}\nOnly option ${q.answer}, ${fmt(tree)}, holds a tree, so the answer is ${q.answer}.`,
    };
  },
  conform: ({ sample, state }) => onlyOption(optionPositions(sample.options), (p) => isTree(state, p)),
};

const placeTask: Task = {
  id: 9,
  name: "which-position-is-valid",
  description: "which of the following positions is available to place a new tent?",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }) {
    // Like the original, the right option is a tent of the solution that the picture leaves out.
    const spots = state.removed_tents.filter((p) => checkNewTent(state, p).ok);
    if (spots.length === 0) return null;
    const spot = rng.pick(spots);
    // Distractors break a rule: empty cells next to trees first (the tempting ones), then any cell.
    const invalid = allCells(state).filter((p) => !checkNewTent(state, p).ok);
    const tempting = invalid.filter(
      (p) => cellsNextToTrees(state).some((q) => key(q) === key(p)) && !isTent(state, p),
    );
    const wrong = [...rng.shuffle(tempting).slice(0, 4), ...rng.shuffle(invalid)];
    const q = choiceQuestion(
      rng,
      "Which of these cells could take one new tent right now without breaking any rule at once? (The tent need not belong to a full solution.)",
      spot,
      wrong.slice(0, 40),
    );
    const lines = q.options.map((p, i) => {
      const c = checkNewTent(state, p);
      return c.ok
        ? `Option ${i + 1}: ${fmt(p)} is allowed: it is next to the tree at ${fmt(c.tree)}, touches no tent, row ${p[0]} still needs ${c.rowNeeds} and column ${p[1]} still needs ${c.colNeeds}.`
        : `Option ${i + 1}: ${fmt(p)} is not allowed: ${c.reason}.`;
    });
    return {
      question: q.text,
      answer: q.answer,
      options: q.options,
      analysis: `${lines.join("\n")}\nSo the answer is option ${q.answer}, ${fmt(spot)}.`,
    };
  },
  conform: ({ sample, state }) =>
    onlyOption(optionPositions(sample.options), (p) => checkNewTent(state, p).ok),
};

export const tentsTasks: Task[] = [
  rowTask,
  columnTask,
  gridTask,
  rules13Task,
  newTentTask,
  treeTask,
  placeTask,
];
