/**
 * Star Battle question templates, question ids 1-4 as in the original: the cell of the last missing
 * star (fill-in "(r, c)"), which option cell belongs to a region, which option cell holds a region's
 * star, and which option cell can take a star now (multiple choice, 1-based option numbers).
 */
import { findOptionKey, makeChoices } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type {
  ConformInput,
  ConformResult,
  GameQASample,
  GeneratedQuestion,
  Rng,
  TaskDefinition,
} from "../../types.js";
import {
  blockers,
  type Cell,
  canHoldStar,
  cellText,
  cellTextSpaced,
  isStar,
  REGION_COLORS,
  regionMap,
  sameCell,
} from "./logic.js";
import type { StarBattleState } from "./state.js";

const OPTION_COUNT = 8;
const NULL_OPTION = "null";

const colourOf = (k: number): string => REGION_COLORS[k]?.[0] ?? `colour ${k}`;

function preamble(s: StarBattleState): string {
  const n = s.regions.length;
  const colours = s.regions.map((_, k) => `Region ${k}: ${colourOf(k)}`).join("\n");
  return (
    `This is a Star Battle puzzle on a ${n}x${n} grid divided into ${n} regions; the cells of one colour form one region.\n` +
    `${colours}\n` +
    "A black dot in a cell is a star.\n" +
    "Rules: every row, every column and every region must hold exactly 1 star, and no two stars may touch, not even diagonally.\n" +
    "Cells are written (row,col): rows and columns are numbered from 0, and the top-left cell is (0,0).\n\n"
  );
}

const optionBlock = (values: readonly string[]): string =>
  `\nOptions:\n${values.map((v, i) => `${i + 1}. ${v}`).join("\n")}\n\nAnswer with the number of the correct option.`;

const cellsOf = (s: StarBattleState): Cell[] => s.regions.flat();
const regionIndex = (s: StarBattleState, cell: Cell): number =>
  s.regions.findIndex((cells) => cells.some((c) => sameCell(c, cell)));
const starOfRegion = (s: StarBattleState, k: number): Cell | undefined =>
  s.stars.find((star) => regionIndex(s, star) === k);

/** Options: the answer and distractors from `preferred` first, then `others` (never the answer). */
function pickOptions(rng: Rng, answer: string, preferred: string[], others: string[], count = OPTION_COUNT) {
  const pool = [...new Set([...rng.shuffle(preferred), ...rng.shuffle(others)])].filter((v) => v !== answer);
  const { values, correct } = makeChoices(rng, answer, pool.slice(0, count - 1), count);
  return { values, index: correct + 1 };
}

/** 1-based number of the published option equal to `value` (spaces ignored). */
const optionNumber = (sample: GameQASample, value: string): number | undefined => {
  const key = findOptionKey(sample.options ?? [], value, "index1", (v) => v.replace(/\s+/g, ""));
  return key === undefined ? undefined : Number(key);
};

/** The option cells of a published sample ("null" and unreadable options as undefined). */
const optionCells = (sample: GameQASample): Array<Cell | undefined> =>
  (sample.options ?? []).map((o) => {
    const m = /\((\d+)\s*,\s*(\d+)\)/.exec(String(o));
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  });

/** Conform by "exactly one option satisfies `ok`" (the original never offers a second one). */
function uniqueOption(sample: GameQASample, ok: (cell: Cell | undefined) => boolean) {
  const hits = optionCells(sample).flatMap((c, i) => (ok(c) ? [i + 1] : []));
  return hits.length === 1 ? { answer: hits[0] as number } : { skip: `${hits.length} options qualify` };
}

const parseCell = (text: string): Cell => {
  const m = /\((\d+),\s*(\d+)\)/.exec(text);
  return [Number(m?.[1]), Number(m?.[2])];
};

/** A conform hook for a question about one region ("region N", the last match in the question). */
const regionConform =
  (answer: (k: number, input: ConformInput<StarBattleState>) => ConformResult) =>
  (input: ConformInput<StarBattleState>): ConformResult => {
    const m = lastMatch(input.sample.question, /region (\d+)/g);
    return m ? answer(Number(m[1]), input) : { skip: "no region in the question" };
  };

/** Tasks 2 and 3: Target Perception questions about one random region k. */
function regionTask(
  id: number,
  name: string,
  description: string,
  ask: (state: StarBattleState, rng: Rng, k: number, region: Cell[]) => GeneratedQuestion,
  answer: (k: number, input: ConformInput<StarBattleState>) => ConformResult,
): TaskDefinition<StarBattleState> {
  return {
    id,
    name,
    description,
    qaType: "Target Perception",
    qaLevel: "Easy",
    answerFormat: "option-index",
    generate: ({ state, rng }) => {
      const k = rng.int(0, state.regions.length - 1);
      return ask(state, rng, k, state.regions[k] as Cell[]);
    },
    conform: regionConform(answer),
  };
}

/* ------------------------------ 1: last star ------------------------------ */

/** The only cell that completes a board missing exactly one star, with the reasoning. */
export function lastStar(s: StarBattleState): { cell: Cell; analysis: string } | undefined {
  const n = s.regions.length;
  if (s.stars.length !== n - 1) return undefined;
  const all = [...Array(n).keys()];
  const rows = all.filter((r) => !s.stars.some((st) => st[0] === r));
  const cols = all.filter((c) => !s.stars.some((st) => st[1] === c));
  const regions = all.filter((k) => starOfRegion(s, k) === undefined);
  if (rows.length !== 1 || cols.length !== 1 || regions.length !== 1) return undefined;
  const cell: Cell = [rows[0] as number, cols[0] as number];
  if (!canHoldStar(s.regions, s.stars, cell)) return undefined;
  const analysis =
    `The board shows ${s.stars.length} stars: ${s.stars.map(cellTextSpaced).join(", ")}.\n` +
    `Rows holding a star: ${all.filter((r) => r !== cell[0]).join(", ")}; only row ${cell[0]} has none.\n` +
    `Columns holding a star: ${all.filter((c) => c !== cell[1]).join(", ")}; only column ${cell[1]} has none.\n` +
    `So the last star must go at row ${cell[0]}, column ${cell[1]}: ${cellTextSpaced(cell)}.\n` +
    `Check: ${cellTextSpaced(cell)} is in region ${regionIndex(s, cell)} (${colourOf(regionIndex(s, cell))}), the only region without a star, ` +
    "and none of its eight neighbours holds a star.";
  return { cell, analysis };
}

const lastStarTask: TaskDefinition<StarBattleState> = {
  id: 1,
  name: "last_star",
  description: "Find the cell of the one star still missing from the puzzle.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "coordinate",
  generate: ({ state }) => {
    const found = lastStar(state);
    if (!found) return null;
    const answer = cellTextSpaced(found.cell);
    return {
      question:
        `${preamble(state)}${state.stars.length} stars are already placed, at ${state.stars.map(cellTextSpaced).join(", ")}. ` +
        "Exactly one star is missing to complete the puzzle. In which cell must it go? Answer with the cell as (row, col).",
      answer,
      analysis: `${found.analysis}\nSo the answer is ${answer}.`,
    };
  },
  conform: ({ state }) => {
    const found = lastStar(state);
    return found
      ? { answer: cellTextSpaced(found.cell) }
      : { skip: "the board is not one star short of a solution" };
  },
};

/* ------------------------------ 2: a cell of a region ------------------------------ */

/** Cells outside region k that touch it: the distractors easiest to mistake for it. */
function borderCells(s: StarBattleState, k: number): Cell[] {
  const regionOf = regionMap(s.regions, s.regions.length);
  return cellsOf(s).filter(
    ([r, c]) =>
      regionOf[r]?.[c] !== k &&
      [
        [r - 1, c],
        [r + 1, c],
        [r, c - 1],
        [r, c + 1],
      ].some(([a, b]) => regionOf[a as number]?.[b as number] === k),
  );
}

const cellsOfRegionTask = regionTask(
  2,
  "cells_of_region",
  "Given a region, pick the option cell that belongs to it.",
  (state, rng, k, region) => {
    const answer = cellText(rng.pick(region));
    const outside = cellsOf(state).filter((c) => regionIndex(state, c) !== k);
    const { values, index } = pickOptions(
      rng,
      answer,
      borderCells(state, k).map(cellText),
      outside.map(cellText),
    );
    const analysis =
      `Region ${k} is the ${colourOf(k)} area. Its cells are ${region.map(cellText).join(", ")}.\n` +
      values
        .map(
          (v, i) =>
            `Option ${i + 1}, ${v}: ${v === answer ? `in region ${k}` : `in region ${regionIndex(state, parseCell(v))}, not ${k}`}.`,
        )
        .join("\n") +
      `\nOnly ${answer} belongs to region ${k}, so the answer is option ${index}.`;
    return {
      question: `${preamble(state)}Which of the following cells belongs to region ${k} (${colourOf(k)})?${optionBlock(values)}`,
      answer: index,
      analysis,
      options: values,
    } satisfies GeneratedQuestion;
  },
  (k, { sample, state }) => uniqueOption(sample, (c) => c !== undefined && regionIndex(state, c) === k),
);

/* ------------------------------ 3: the star of a region ------------------------------ */

const starOfRegionTask = regionTask(
  3,
  "star_of_region",
  "Given a region, pick the option cell of it that holds a star (or null).",
  (state, rng, k, region) => {
    const star = starOfRegion(state, k);
    const answer = star ? cellText(star) : NULL_OPTION;
    // "null" is always offered, so its presence does not give the answer away.
    const picked = pickOptions(
      rng,
      answer,
      region.map(cellText),
      cellsOf(state)
        .filter((c) => regionIndex(state, c) !== k)
        .map(cellText),
      star ? OPTION_COUNT - 1 : OPTION_COUNT,
    ).values;
    const values = star ? rng.shuffle([...picked, NULL_OPTION]) : picked;
    const at = values.indexOf(answer) + 1;
    const analysis =
      `Region ${k} is the ${colourOf(k)} area: ${region.map(cellText).join(", ")}.\n` +
      (star
        ? `Scanning it for a black dot, the star is at ${answer}.`
        : "None of its cells shows a black dot, so the region holds no star yet.") +
      `\n${values
        .map((v, i) =>
          v === NULL_OPTION
            ? `Option ${i + 1}: null (no star in the region).`
            : `Option ${i + 1}, ${v}: region ${regionIndex(state, parseCell(v))}, ${isStar(state.stars, parseCell(v)) ? "a star" : "no star"}.`,
        )
        .join("\n")}\nSo the answer is option ${at}.`;
    return {
      question:
        `${preamble(state)}Which of the following cells of region ${k} (${colourOf(k)}) holds a star? ` +
        `If the region has no star yet, choose "null".${optionBlock(values)}`,
      answer: at,
      analysis,
      options: values,
    } satisfies GeneratedQuestion;
  },
  (k, { sample, state }) => {
    const star = starOfRegion(state, k);
    const n = optionNumber(sample, star ? cellText(star) : NULL_OPTION);
    return n === undefined ? { skip: "the region's star is not among the options" } : { answer: n };
  },
);

/* ------------------------------ 4: a cell that can take a star ------------------------------ */

export function whyNot(s: StarBattleState, cell: Cell): string {
  if (isStar(s.stars, cell)) return `${cellTextSpaced(cell)} already holds a star.`;
  const b = blockers(s.regions, s.stars, cell);
  const reasons: string[] = [];
  if (b.adjacent.length)
    reasons.push(`it touches the star(s) at ${b.adjacent.map(cellTextSpaced).join(" and ")}`);
  if (b.row) reasons.push(`row ${cell[0]} already has a star at ${cellTextSpaced(b.row)}`);
  if (b.column) reasons.push(`column ${cell[1]} already has a star at ${cellTextSpaced(b.column)}`);
  if (b.region)
    reasons.push(`its region ${regionIndex(s, cell)} already has a star at ${cellTextSpaced(b.region)}`);
  return reasons.length
    ? `${cellTextSpaced(cell)} cannot take a star: ${reasons.join("; ")}.`
    : `${cellTextSpaced(cell)} can take a star: no star touches it, and its row ${cell[0]}, column ${cell[1]} and region ${regionIndex(s, cell)} have no star yet.`;
}

const validCellTask: TaskDefinition<StarBattleState> = {
  id: 4,
  name: "valid_cells",
  description: "Pick the option cell where a star can be placed on the current board.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate: ({ state, rng }) => {
    const empty = cellsOf(state).filter((c) => !isStar(state.stars, c));
    const valid = empty.filter((c) => canHoldStar(state.regions, state.stars, c));
    if (valid.length === 0) return null;
    const cell = rng.pick(valid);
    const invalid = empty.filter((c) => !canHoldStar(state.regions, state.stars, c));
    // Cells blocked by one rule only (not by a neighbouring star) are the subtle distractors.
    const subtle = invalid.filter((c) => blockers(state.regions, state.stars, c).adjacent.length === 0);
    const { values, index } = pickOptions(rng, cellText(cell), subtle.map(cellText), invalid.map(cellText));
    return {
      question: `${preamble(state)}On the current board, which of the following cells can take a star without breaking a rule?${optionBlock(values)}`,
      answer: index,
      analysis: `${values.map((v, i) => `Option ${i + 1}: ${whyNot(state, parseCell(v))}`).join("\n")}\nSo the answer is option ${index}.`,
      options: values,
    } satisfies GeneratedQuestion;
  },
  conform: ({ sample, state }) => {
    const anyValid = cellsOf(state).some((c) => canHoldStar(state.regions, state.stars, c));
    // The original offers "null" when no empty cell can take a star.
    if (!anyValid) {
      const n = optionNumber(sample, NULL_OPTION);
      return n === undefined ? { skip: "no valid cell and no null option" } : { answer: n };
    }
    return uniqueOption(sample, (c) => c !== undefined && canHoldStar(state.regions, state.stars, c));
  },
};

export const starBattleTasks: TaskDefinition<StarBattleState>[] = [
  lastStarTask,
  cellsOfRegionTask,
  starOfRegionTask,
  validCellTask,
];
