/**
 * Rhythm game question templates, ids 1-7 as in the original: block type at a cell and share of
 * occupied cells (Target Perception), snake length after some seconds and the score of a column,
 * without and with a 1-second reversal (State Prediction), and the best column without and with the
 * reversal delay (Strategy Optimization). Multiple-choice answers are 1-based option numbers
 * (strings); task 2 is a fill-in decimal with three places.
 */
import { findOptionKey } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type {
  ConformInput,
  ConformResult,
  GameQASample,
  GeneratedQuestion,
  QuestionTemplate,
  Rng,
} from "../../types.js";
import { skipTask, type TaskSkip } from "../../types.js";
import { type BlockType, cellMap, colorAt, type Hit, play, snakeSpan, TYPE_OF } from "./logic.js";
import type { RhythmState } from "./state.js";

const RULES =
  "The image is a screenshot of a rhythm game. Coloured operation blocks fall down the grid by one cell per second; rows are numbered from the bottom (row 1 is the lowest) " +
  "and columns from the left, both from 1, and a cell is written (row, column). You pick one column for your finger and cannot move it afterwards; " +
  "every block of that column that falls into row 1 is clicked and may score points (you may also pick no column, which changes nothing in the falling).\n" +
  "There are three kinds of blocks:\n" +
  "1. Click block: yellow, 1 cell, worth 10 points.\n" +
  "2. Reverse block: green, 1 cell, worth 15 points. Clicking it mirrors the whole grid left to right, but your finger keeps its position on the screen.\n" +
  "3. Snake block: 2 or more consecutive cells of one column. Its lowest cell (the Snake Head) is pink, its highest cell (the Snake Tail) is grey and the cells " +
  "between (Snake Body, if any) are blue. It scores only when all its cells are clicked, and then a snake of length l (head and tail included) is worth l * (2l + 7) points.\n\n";

const DELAY_RULE =
  "This time, mirroring the grid takes 1 second: the blocks keep falling during that second but cannot be clicked. ";
const ANSWER_WITH_OPTION = "\n\nAnswer with the number of the correct option.";
const optionList = (values: readonly string[]): string =>
  `\nOptions:\n${values.map((v, i) => `${i + 1}. ${v}`).join("\n")}`;

const TYPE_OPTIONS: BlockType[] = ["Non-type", "Click", "Reverse", "Snake Head", "Snake Body", "Snake Tail"];
const LENGTH_OPTIONS = ["2", "3", "4", "5"];

function optionAnswer(sample: GameQASample, value: string): ConformResult {
  const key = findOptionKey(sample.options ?? [], value, "index1");
  return key ? { answer: key } : { skip: `no single option reads ${value}` };
}

export const blockType: QuestionTemplate<RhythmState> = {
  id: 1,
  name: "block-type",
  description: "Name the type of block at a given cell.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const row = rng.int(1, state.rows);
    const col = rng.int(1, state.cols);
    const color = colorAt(cellMap(state), row, col);
    const answer = String(TYPE_OPTIONS.indexOf(TYPE_OF[color]) + 1);
    return {
      question: `${RULES}Question: What type of block is at row ${row}, column ${col} in the image?${optionList(TYPE_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis:
        color === "white"
          ? `Cell (${row}, ${col}) is empty (white), so it holds no block: Non-type. The answer is option ${answer}.`
          : `Cell (${row}, ${col}) is ${color}, the colour of a ${TYPE_OF[color]} block. The answer is option ${answer}.`,
      options: TYPE_OPTIONS,
    };
  },
  conform({ sample, state }: ConformInput<RhythmState>): ConformResult {
    const m = lastMatch(sample.question, /row (\d+)(?:,| and) column (\d+)/g);
    if (!m) return { skip: "cell not found in question" };
    return optionAnswer(sample, TYPE_OF[colorAt(cellMap(state), Number(m[1]), Number(m[2]))]);
  },
};

const shareText = (s: RhythmState): string => (s.block_info.length / (s.rows * s.cols)).toFixed(3);

export const occupiedShare: QuestionTemplate<RhythmState> = {
  id: 2,
  name: "occupied-share",
  description: "Give the share of grid cells covered by blocks, as a decimal with 3 significant figures.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion {
    const perRow = Array.from(
      { length: state.rows },
      (_, r) => state.block_info.filter((b) => b.row === r + 1).length,
    );
    const cells = state.rows * state.cols;
    const answer = shareText(state);
    return {
      question: `${RULES}Question: What fraction of the grid's cells are covered by operation blocks? Give it as a decimal with 3 significant figures (for example 0.625).`,
      answer,
      analysis:
        `The grid has ${state.rows} rows and ${state.cols} columns, ${state.rows} * ${state.cols} = ${cells} cells.\n` +
        `${perRow.map((n, r) => `Row ${r + 1}: ${n} block cell(s).`).join("\n")}\n` +
        `Covered: ${perRow.join(" + ")} = ${state.block_info.length} cells, and ${state.block_info.length} / ${cells} = ${answer}. So the answer is ${answer}.`,
    };
  },
  conform: ({ state }) => ({ answer: shareText(state) }),
};

export const snakeLength: QuestionTemplate<RhythmState> = {
  id: 3,
  name: "snake-length-later",
  description: "Find the length of the snake whose head will be at a given cell after some seconds.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    const m = cellMap(state);
    const heads = state.block_info.filter((b) => b.color === "pink" && b.row > 1);
    if (heads.length === 0) return skipTask("no snake head above row 1");
    const head = rng.pick(heads);
    const k = rng.int(1, head.row - 1);
    const length = snakeSpan(m, state.rows, head.row, head.col);
    const answer = String(LENGTH_OPTIONS.indexOf(String(length)) + 1);
    return {
      question: `${RULES}Question: Nobody clicks. After ${k} second(s), the head (lowest cell) of a snake block is at (${head.row - k}, ${head.col}). How long is that snake block?${optionList(LENGTH_OPTIONS)}${ANSWER_WITH_OPTION}`,
      answer,
      analysis:
        `Blocks fall 1 cell per second, so ${k} second(s) earlier, as in the image, the head was ${k} row(s) higher, at (${head.row}, ${head.col}). ` +
        `In the image that snake runs from (${head.row}, ${head.col}) up to its grey tail at (${head.row + length - 1}, ${head.col}): ${length} cells. The answer is option ${answer}.`,
      options: LENGTH_OPTIONS,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(
      sample.question,
      /(?:by|at) \((\d+), (\d+)\) after (\d+) second/g,
      /After (\d+) second\(s\), the head \(lowest cell\) of a snake block is at \((\d+), (\d+)\)/g,
    );
    if (!m) return { skip: "snake head not found in question" };
    const [r, c, k] = m[0].startsWith("After") ? [m[2], m[3], m[1]] : [m[1], m[2], m[3]];
    const row = Number(r) + Number(k);
    const col = Number(c);
    const cells = cellMap(state);
    if (cells.get(row * 100 + col) !== "pink") return { skip: `no snake head at (${row}, ${col})` };
    return optionAnswer(sample, String(snakeSpan(cells, state.rows, row, col)));
  },
};

function hitText(h: Hit, delay: number): string {
  if (h.type === "Snake Head")
    return `(${h.row}, ${h.col}): a Snake Head; the whole snake of length ${h.length} is clicked, ${h.points} points.`;
  if (h.type === "Snake Body" || h.type === "Snake Tail")
    return `(${h.row}, ${h.col}): a ${h.type} of a snake whose head has passed; it scores nothing and we wait for it to pass.`;
  if (h.type === "Reverse")
    return `(${h.row}, ${h.col}): a Reverse block, 15 points; the grid is mirrored${delay ? ` and the next ${delay} row(s) pass unclicked` : ""}.`;
  return `(${h.row}, ${h.col}): a Click block, 10 points.`;
}

/** Eight distinct non-negative scores: the answer and offsets within ±15 (the original's scheme). */
function scoreOptions(rng: Rng, answer: number): string[] {
  const values = new Set([answer]);
  while (values.size < 8) {
    const v = answer + rng.int(-15, 15);
    if (v >= 0) values.add(v);
  }
  return rng.shuffle([...values].map(String));
}

function columnScore(
  id: number,
  name: string,
  delay: number,
  description: string,
): QuestionTemplate<RhythmState> {
  return {
    id,
    name,
    description,
    qaType: "State Prediction",
    qaLevel: "Medium",
    answerFormat: "option-index",
    generate({ state, rng }): GeneratedQuestion {
      const col = rng.int(1, state.cols);
      const { hits, total } = play(state, cellMap(state), col, delay);
      const options = scoreOptions(rng, total);
      const answer = String(options.indexOf(String(total)) + 1);
      const steps = hits.map((h) => hitText(h, delay));
      return {
        question: `${RULES}Question: ${delay ? DELAY_RULE : ""}If you keep your finger on column ${col}, how many points do you score in total?${optionList(options)}${ANSWER_WITH_OPTION}`,
        answer,
        analysis:
          `We follow the finger from row 1 upwards.\n${steps.length ? steps.join("\n") : "No block reaches the finger."}\n` +
          `Total: ${hits.length ? hits.map((h) => h.points).join(" + ") : "0"} = ${total} points. The answer is option ${answer}.`,
        options,
      };
    },
    conform({ sample, state }) {
      const m = lastMatch(sample.question, /(?:selecting|on) column (\d+)/g);
      if (!m) return { skip: "column not found in question" };
      return optionAnswer(sample, String(play(state, cellMap(state), Number(m[1]), delay).total));
    },
  };
}

export const columnPoints = columnScore(
  4,
  "column-score",
  0,
  "Find the total score when clicking a given column.",
);
export const columnPointsDelayed = columnScore(
  5,
  "column-score-slow-reverse",
  1,
  "Find the total score when clicking a given column if mirroring the grid takes 1 second.",
);

/** Scores of every column and the columns reaching the maximum. */
function bestColumns(state: RhythmState, delay: number) {
  const m = cellMap(state);
  const runs = Array.from({ length: state.cols }, (_, i) => play(state, m, i + 1, delay));
  const top = Math.max(...runs.map((r) => r.total));
  const best = runs.flatMap((r, i) => (r.total === top ? [i + 1] : []));
  return { runs, top, best };
}

function bestColumn(
  id: number,
  name: string,
  delay: number,
  description: string,
): QuestionTemplate<RhythmState> {
  return {
    id,
    name,
    description,
    qaType: "Strategy Optimization",
    qaLevel: "Hard",
    answerFormat: "option-index",
    generate({ state }): GeneratedQuestion | TaskSkip {
      const { runs, top, best } = bestColumns(state, delay);
      // One best column keeps the answer a single option (the original lists ties, "1, 3": rare).
      if (best.length !== 1) return skipTask("several columns tie for the best score");
      const options = Array.from({ length: state.cols }, (_, i) => String(i + 1));
      const answer = String(best[0]);
      const lines = runs.map(
        (r, i) =>
          `Column ${i + 1}: ${r.hits.length ? r.hits.map((h) => `${h.type} at (${h.row}, ${h.col})`).join(" -> ") : "no block"}; ${r.total} points.`,
      );
      return {
        question: `${RULES}Question: ${delay ? DELAY_RULE : ""}Which column should your finger be on to score the most points?${optionList(options)}${ANSWER_WITH_OPTION}`,
        answer,
        analysis: `We play every column from row 1 upwards.\n${lines.join("\n")}\nColumn ${answer} scores the most, ${top} points. The answer is option ${answer}.`,
        options,
      };
    },
    conform({ sample, state }) {
      const { best } = bestColumns(state, delay);
      const keys = best.map((c) => findOptionKey(sample.options ?? [], String(c), "index1"));
      return keys.every(Boolean)
        ? { answer: keys.join(", ") }
        : { skip: "a best column is not among the options" };
    },
  };
}

export const bestCol = bestColumn(6, "best-column", 0, "Find the column that scores the most.");
export const bestColDelayed = bestColumn(
  7,
  "best-column-slow-reverse",
  1,
  "Find the column that scores the most if mirroring the grid takes 1 second.",
);

export const TASKS = [
  blockType,
  occupiedShare,
  snakeLength,
  columnPoints,
  columnPointsDelayed,
  bestCol,
  bestColDelayed,
];
