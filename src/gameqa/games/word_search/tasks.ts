/**
 * Word-search question templates: 0 letter in a cell, 1 letter count, 2 direction of a word from a
 * given start, 3 start and direction of a word (listed in the original's README and code; the
 * published example has ids 0-2 only). All multiple choice with 1-based answers, coordinates 1-based.
 */
import { lastMatch } from "../../parse.js";
import {
  type ConformResult,
  type GameQASample,
  type GeneratedQuestion,
  type OptionValue,
  type QuestionTemplate,
  skipTask,
  type TaskSkip,
} from "../../types.js";
import { DIRECTIONS, type DirectionName, directionsFrom, letterCells, occurrences, step } from "./logic.js";
import type { WordSearchState } from "./state.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");
const DIRECTION_NAMES = DIRECTIONS.map((d) => d[0]);

const GRID_RULES =
  "Rules:\n1. The image shows a square grid of uppercase letters.\n" +
  "2. Rows are numbered from 1 at the top and columns from 1 at the left, as labelled along the edges.\n";
const WORD_RULES =
  "Rules:\n1. The image shows a word-search grid of uppercase letters; rows are numbered from 1 at the top and columns from 1 " +
  "at the left.\n2. A word is read from its first letter in a straight line in one of eight directions: right, left, up, down, " +
  'diagonal-right-down, diagonal-right-up, diagonal-left-down or diagonal-left-up ("right" means increasing column, "down" ' +
  "increasing row).\n";

const optionBlock = (opts: OptionValue[]): string =>
  `\n\nOptions:\n${opts.map((o, i) => `${i + 1}: ${String(o)}`).join("\n")}`;
const indexOf = (opts: ReadonlyArray<unknown>, value: string | number): number =>
  opts.findIndex((o) => String(o) === String(value)) + 1;
const conformIndex = (sample: GameQASample, value: string | number): ConformResult => {
  const i = indexOf(sample.options ?? [], value);
  return i > 0 ? { answer: i } : { skip: `computed ${value} is not among the options` };
};

/* ------------------------------ q0: letter in a cell ------------------------------ */

const cellLetter: QuestionTemplate<WordSearchState> = {
  id: 0,
  name: "cell-letter",
  description: "cell_letter",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const r = rng.int(0, state.size - 1);
    const c = rng.int(0, state.size - 1);
    const letter = state.grid[r]?.[c] as string;
    // Distractors: letters that are visible elsewhere in the grid first, then any others.
    const seen = [...new Set(state.grid.flat())].filter((l) => l !== letter);
    const rest = ALPHABET.filter((l) => l !== letter && !seen.includes(l));
    const wrong = [...rng.shuffle(seen), ...rng.shuffle(rest)].slice(0, 7);
    const options = rng.shuffle([letter, ...wrong]);
    const answer = indexOf(options, letter);
    return {
      question: `${GRID_RULES}\nQuestion:\nWhich letter is in row ${r + 1}, column ${c + 1}?${optionBlock(options)}`,
      answer,
      analysis: `Going down to row ${r + 1} and across to column ${c + 1}, the cell holds the letter ${letter}. That is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /row (\d+), column (\d+)/gi);
    if (!m) return { skip: "no cell in the question" };
    const letter = state.grid[Number(m[1]) - 1]?.[Number(m[2]) - 1];
    return letter ? conformIndex(sample, letter) : { skip: "cell outside the grid" };
  },
};

/* ------------------------------ q1: letter count ------------------------------ */

export function letterCount(s: WordSearchState, letter: string): { count: number; analysis: string } {
  const cells = letterCells(s.grid, letter);
  const lines = s.grid.map((row, r) => {
    const cols = row.map((v, c) => (v === letter ? c + 1 : 0)).filter((c) => c > 0);
    return `- Row ${r + 1}: ${cols.length === 0 ? "none" : `column${cols.length > 1 ? "s" : ""} ${cols.join(", ")}`}`;
  });
  return {
    count: cells.length,
    analysis: `Scanning the grid row by row for '${letter}':\n${lines.join("\n")}\nSo '${letter}' appears ${cells.length} time${cells.length === 1 ? "" : "s"}.`,
  };
}

const letterCountTask: QuestionTemplate<WordSearchState> = {
  id: 1,
  name: "letter-count",
  description: "letter_count",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion {
    const present = [...new Set(state.grid.flat())].sort();
    const letter = rng.chance(0.8) ? rng.pick(present) : rng.pick(ALPHABET);
    const { count, analysis } = letterCount(state, letter);
    const lo = count - rng.int(0, Math.min(count, 7));
    const options = rng.shuffle(Array.from({ length: 8 }, (_, i) => lo + i));
    const answer = indexOf(options, count);
    return {
      question: `${GRID_RULES}\nQuestion:\nCount the cells of the grid that contain the letter '${letter}'. How many are there?${optionBlock(options)}`,
      answer,
      analysis: `${analysis} That is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /letter '([A-Z])'/g);
    return m
      ? conformIndex(sample, letterCount(state, m[1] as string).count)
      : { skip: "no letter in the question" };
  },
};

/* ------------------------------ q2: direction from a start ------------------------------ */

/** Check each direction from the start, letter by letter (stops at the first mismatch). */
export function directionAnalysis(
  s: WordSearchState,
  word: string,
  start: readonly [number, number],
): { found: DirectionName[]; text: string } {
  const lines: string[] = [];
  for (const d of DIRECTION_NAMES) {
    const [dr, dc] = step(d);
    let note = "";
    for (let i = 1; i < word.length; i++) {
      const r = start[0] + dr * i;
      const c = start[1] + dc * i;
      const got = s.grid[r]?.[c];
      if (got === undefined) {
        note = `letter ${i + 1} would be at (row ${r + 1}, column ${c + 1}), outside the grid`;
        break;
      }
      if (got !== word[i]) {
        note = `letter ${i + 1} should be '${word[i]}' but (row ${r + 1}, column ${c + 1}) holds '${got}'`;
        break;
      }
    }
    lines.push(`- ${d}: ${note || `reads ${word.split("").join("-")}, a match`}`);
  }
  return { found: directionsFrom(s.grid, word, start), text: lines.join("\n") };
}

const wordDirection: QuestionTemplate<WordSearchState> = {
  id: 2,
  name: "word-direction",
  description: "word_direction",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    // Only hidden words whose start cell spells them in exactly one direction.
    const ok = (state.words ?? []).filter(
      (w) => directionsFrom(state.grid, w.word, [w.row, w.col]).length === 1,
    );
    if (ok.length === 0) return skipTask("no hidden word reads in exactly one direction from its start");
    const w = rng.pick(ok);
    const { text } = directionAnalysis(state, w.word, [w.row, w.col]);
    const options = rng.shuffle(DIRECTION_NAMES);
    const answer = indexOf(options, w.direction);
    return {
      question:
        `${WORD_RULES}\nQuestion:\nThe word '${w.word}' starts at (row ${w.row + 1}, column ${w.col + 1}). In which direction does it run?` +
        optionBlock(options),
      answer,
      analysis:
        `The start cell (row ${w.row + 1}, column ${w.col + 1}) holds '${w.word[0]}'. Checking the eight directions:\n${text}\n` +
        `Only ${w.direction} spells '${w.word}', which is option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const word = lastMatch(sample.question, /word '([A-Z]+)'/g)?.[1];
    const m = lastMatch(sample.question, /\(row (\d+), column (\d+)\)/gi);
    if (!word || !m) return { skip: "no word or start cell in the question" };
    const found = directionsFrom(state.grid, word, [Number(m[1]) - 1, Number(m[2]) - 1]);
    if (found.length !== 1) return { skip: `the word reads in ${found.length} directions from that cell` };
    return conformIndex(sample, found[0] as DirectionName);
  },
};

/* ------------------------------ q3: find a word ------------------------------ */

const locationText = (row: number, col: number, d: DirectionName): string =>
  `Row ${row + 1}, Column ${col + 1}, Direction: ${d}`;

const findWord: QuestionTemplate<WordSearchState> = {
  id: 3,
  name: "find-word",
  description: "find_word_location",
  qaType: "Target Perception",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    // Only words that can be read in exactly one place and direction.
    const ok = (state.words ?? []).filter((w) => occurrences(state.grid, w.word).length === 1);
    if (ok.length === 0) return skipTask("no hidden word occurs exactly once in the grid");
    const w = rng.pick(ok);
    const correct = locationText(w.row, w.col, w.direction);
    // Distractors start on cells holding the first letter (the places a reader would try), in wrong directions.
    const firsts = letterCells(state.grid, w.word[0] as string);
    const near = firsts
      .flatMap(([r, c]) => DIRECTION_NAMES.map((d) => locationText(r, c, d)))
      .filter((t) => t !== correct);
    const any: string[] = [];
    for (let r = 0; r < state.size; r++)
      for (let c = 0; c < state.size; c++) any.push(locationText(r, c, rng.pick(DIRECTION_NAMES)));
    const wrong = [...new Set([...rng.shuffle(near), ...rng.shuffle(any)])]
      .filter((t) => t !== correct)
      .slice(0, 7);
    const options = rng.shuffle([correct, ...wrong]);
    const answer = indexOf(options, correct);
    const checks = firsts.map(([r, c]) => {
      const ds = directionsFrom(state.grid, w.word, [r, c]);
      return `- (row ${r + 1}, column ${c + 1}): ${ds.length === 0 ? "no direction spells the word" : `spells it going ${ds.join(", ")}`}`;
    });
    return {
      question:
        `${WORD_RULES}3. The word appears exactly once in the grid.\n\nQuestion:\nWhere does the word '${w.word}' start, and in which direction does it run?` +
        optionBlock(options),
      answer,
      analysis:
        `The word begins with '${w.word[0]}', which appears at ${firsts.length} cell(s). Trying all eight directions from each:\n${checks.join("\n")}\n` +
        `So '${w.word}' starts at row ${w.row + 1}, column ${w.col + 1} and runs ${w.direction}: option ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const word = lastMatch(sample.question, /word '([A-Z]+)'/g)?.[1];
    if (!word) return { skip: "no word in the question" };
    const occ = occurrences(state.grid, word);
    if (occ.length !== 1) return { skip: `the word occurs ${occ.length} times` };
    const o = occ[0] as (typeof occ)[number];
    return conformIndex(sample, locationText(o.row, o.col, o.direction));
  },
};

export const wordSearchTasks: QuestionTemplate<WordSearchState>[] = [
  cellLetter,
  letterCountTask,
  wordDirection,
  findWord,
];
