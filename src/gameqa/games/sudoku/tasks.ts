import { cellsWhere } from "../../grid.js";
import { findOptionKey, letter } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, QuestionTemplate } from "../../types.js";
import {
  boxSize,
  COLOR_NAMES,
  candidates,
  colorName,
  constraintText,
  firstNakedSingle,
  type SudokuState,
} from "./logic.js";

function rules(s: SudokuState): string {
  const names = COLOR_NAMES.slice(0, s.size);
  const b = boxSize(s.size);
  return (
    `This is a colour sudoku on a ${s.size}x${s.size} board. When complete, every row, every column and every ${b}x${b} box (outlined by thick lines) holds each of the ${s.size} colours exactly once: ${names.join(", ")}. ` +
    `White cells are still empty. Positions are written (row, column); rows are numbered 1-${s.size} from top to bottom and columns 1-${s.size} from left to right.`
  );
}

function colorOptions(s: SudokuState): string[] {
  return COLOR_NAMES.slice(0, s.size).map((c, i) => `${letter(i)}. ${c}`);
}
const optionBlock = (options: string[]): string => `\n\nOptions:\n${options.join("\n")}`;

const filledCells = (s: SudokuState): Array<[number, number]> => cellsWhere(s.board, (v) => v !== 0);
const emptyCells = (s: SudokuState): Array<[number, number]> => cellsWhere(s.board, (v) => v === 0);

export const colorAt: QuestionTemplate<SudokuState> = {
  id: 1,
  name: "color-at",
  description: "Read the colour of a filled cell.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion | null {
    const cells = filledCells(state);
    if (cells.length === 0) return null;
    const [r, c] = rng.pick(cells);
    const v = state.board[r]?.[c] ?? 0;
    const options = colorOptions(state);
    const answer = letter(v - 1);
    return {
      question: `${rules(state)}\n\nCell (${r + 1}, ${c + 1}) is already filled. What colour is it?${optionBlock(options)}`,
      answer,
      analysis: `Row ${r + 1}, column ${c + 1} of the image is painted ${colorName(v)}. So the answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(
      sample.question,
      /position \((\d+),(\d+)\)/g,
      /Cell \((\d+), (\d+)\) is already filled/g,
    );
    if (!m) return { skip: "position not found" };
    const v = state.board[Number(m[1]) - 1]?.[Number(m[2]) - 1] ?? 0;
    if (v === 0) return { skip: "asked cell is empty" };
    const key = findOptionKey(sample.options ?? [], colorName(v), "letter");
    return key ? { answer: key } : { skip: `no option reads ${colorName(v)}` };
  },
};

function colorCount(s: SudokuState, v: number): Array<[number, number]> {
  return filledCells(s).filter(([r, c]) => s.board[r]?.[c] === v);
}

export const countColor: QuestionTemplate<SudokuState> = {
  id: 2,
  name: "count-color",
  description: "Count how many cells show a given colour.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion {
    const v = rng.int(1, state.size);
    const cells = colorCount(state, v);
    return {
      question: `${rules(state)}\n\nHow many cells of the board are ${colorName(v)}? Answer with a number.`,
      answer: cells.length,
      analysis:
        `${colorName(v)} appears at ${cells.length ? cells.map(([r, c]) => `(${r + 1},${c + 1})`).join(", ") : "no cell"}. ` +
        `That is ${cells.length} cell(s). So the answer is ${cells.length}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(
      sample.question,
      /How many times does (.+?) appear/g,
      /How many cells of the board are (.+?)\?/g,
    );
    const v = COLOR_NAMES.indexOf(m?.[1] ?? "") + 1;
    if (v === 0) return { skip: "colour not found" };
    return { answer: colorCount(state, v).length };
  },
};

export const possibleColors: QuestionTemplate<SudokuState> = {
  id: 3,
  name: "possible-colors",
  description: "Count the colours that could fill an empty cell given its row, column and box.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion | null {
    const cells = emptyCells(state);
    if (cells.length === 0) return null;
    const [r, c] = rng.pick(cells);
    const cand = candidates(state.board, r, c);
    return {
      question:
        `${rules(state)}\n\nConsider the empty cell (${r + 1}, ${c + 1}). Looking only at the colours already on the board in its row, column and box, ` +
        "how many colours could still be placed there? Answer with a number.",
      answer: cand.length,
      analysis: `For (${r + 1}, ${c + 1}): ${constraintText(state.board, r, c)}. The colours not excluded are: ${cand.map(colorName).join(", ") || "none"}. So the answer is ${cand.length}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(sample.question, /position \((\d+),(\d+)\)/g, /the empty cell \((\d+), (\d+)\)/g);
    if (!m) return { skip: "position not found" };
    return { answer: candidates(state.board, Number(m[1]) - 1, Number(m[2]) - 1).length };
  },
};

function emptyLines(s: SudokuState, kind: "row" | "col"): number[][] {
  const n = s.size;
  return Array.from({ length: n }, (_, i) => {
    const out: number[] = [];
    for (let j = 0; j < n; j++)
      if ((kind === "row" ? s.board[i]?.[j] : s.board[j]?.[i]) === 0) out.push(j + 1);
    return out;
  });
}

export const crowdedLines: QuestionTemplate<SudokuState> = {
  id: 4,
  name: "empty-lines",
  description: "Count the rows or columns with more than N empty cells.",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion {
    const kind = rng.pick(["row", "col"] as const);
    const threshold = rng.int(1, 2);
    const lines = emptyLines(state, kind);
    const count = lines.filter((l) => l.length > threshold).length;
    const noun = kind === "row" ? "row" : "column";
    const detail = lines
      .map((l, i) => `${noun} ${i + 1}: ${l.length} empty${l.length ? ` (at ${l.join(", ")})` : ""}`)
      .join("; ");
    return {
      question: `${rules(state)}\n\nHow many ${noun}s have more than ${threshold} empty cells? Answer with a number.`,
      answer: count,
      analysis: `${detail}. ${count} ${noun}(s) have more than ${threshold} empty cells. So the answer is ${count}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(sample.question, /How many (rows|cols|columns) have more than (\d+) empty/g);
    if (!m) return { skip: "row/col threshold not found" };
    const n = Number(m[2]);
    return { answer: emptyLines(state, m[1] === "rows" ? "row" : "col").filter((l) => l.length > n).length };
  },
};

/**
 * Two forced placements, then a third cell that becomes forced. Each placement is the first empty
 * cell in row-major order with a single candidate (the original's rule).
 */
function deduction(
  s: SudokuState,
): { steps: Array<[number, number, number, string]>; final: [number, number, number, string] } | undefined {
  const board = s.board.map((r) => r.slice());
  const steps: Array<[number, number, number, string]> = [];
  for (let k = 0; k < 3; k++) {
    const single = firstNakedSingle(board);
    if (!single) return undefined;
    const [r, c, v] = single;
    steps.push([r, c, v, constraintText(board, r, c)]);
    (board[r] as number[])[c] = v;
  }
  const final = steps.pop() as [number, number, number, string];
  return { steps, final };
}

export const deduce: QuestionTemplate<SudokuState> = {
  id: 5,
  name: "deduction",
  description: "Multi-step deduction: fill two forced cells, then determine a third.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-letter",
  generate({ state }): GeneratedQuestion | null {
    const d = deduction(state);
    if (!d) return null;
    const [fr, fc, fv, ftext] = d.final;
    const options = colorOptions(state);
    const answer = letter(fv - 1);
    const deps = d.steps.map(([r, c]) => `(${r + 1}, ${c + 1})`).join(" and ");
    const lines = d.steps.map(
      ([r, c, v, text], i) =>
        `Step ${i + 1}: (${r + 1}, ${c + 1}) — ${text}; the only colour left is ${colorName(v)}.`,
    );
    return {
      question: `${rules(state)}\n\nFirst fill the cells ${deps}, each of which has only one possible colour. After that, what colour must cell (${fr + 1}, ${fc + 1}) have?${optionBlock(options)}`,
      answer,
      analysis: `${lines.join("\n")}\nFinally (${fr + 1}, ${fc + 1}) — ${ftext}; with those placements the only colour left is ${colorName(fv)}. So the answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(
      sample.question,
      /After determining colors at positions (.+?), what color should be at position \((\d+),(\d+)\)/g,
      /First fill the cells (.+?), each of which .*? what colour must cell \((\d+), (\d+)\) have/g,
    );
    if (!m) return { skip: "positions not found" };
    const board = state.board.map((r) => r.slice());
    for (const dep of (m[1] ?? "").matchAll(/\((\d+),\s*(\d+)\)/g)) {
      const r = Number(dep[1]) - 1;
      const c = Number(dep[2]) - 1;
      const cand = candidates(board, r, c);
      if (cand.length !== 1) return { skip: `(${r + 1},${c + 1}) is not forced` };
      (board[r] as number[])[c] = cand[0] as number;
    }
    const cand = candidates(board, Number(m[2]) - 1, Number(m[3]) - 1);
    if (cand.length !== 1) return { skip: "final cell not forced" };
    const key = findOptionKey(sample.options ?? [], colorName(cand[0] as number), "letter");
    return key ? { answer: key } : { skip: "colour option not found" };
  },
};
