import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject, intCell } from "../../parse.js";
import type { GameDefinition, Level, Rng } from "../../types.js";
import { COLOR_HEX, makePuzzle, type SudokuState } from "./logic.js";
import { renderSudoku } from "./render.js";
import { colorAt, countColor, crowdedLines, deduce, possibleColors } from "./tasks.js";

/** Board size and share of emptied cells per plot level (the original's easy_4/hard_4, easy, medium/hard). */
const LEVELS: Record<Level, { size: number; fractions: number[] }> = {
  Easy: { size: 4, fractions: [0.4, 0.5] },
  Medium: { size: 9, fractions: [0.1] },
  Hard: { size: 9, fractions: [0.2, 0.3] },
};

function generateState(rng: Rng, level: Level): SudokuState {
  const { size, fractions } = LEVELS[level];
  return { size, board: makePuzzle(rng, size, rng.pick(fractions)), colors: COLOR_HEX.slice(0, size) };
}

function parseState(json: unknown, where: string): SudokuState {
  const obj = expectObject(json, where);
  const size = expectInt(obj, "size", where, 4, 9);
  if (size !== 4 && size !== 9) throw new UserError(`${where}: field "size" must be 4 or 9`);
  const board = expectMatrix(obj, "board", where, intCell(0, size), `an integer 0..${size}`);
  if (board.length !== size || board.some((r) => r.length !== size))
    throw new UserError(`${where}: field "board" must be ${size}x${size}`);
  const colors = obj.colors;
  if (!Array.isArray(colors) || colors.length !== size || colors.some((c) => typeof c !== "string")) {
    throw new UserError(`${where}: field "colors" must list ${size} colour strings`);
  }
  return { size, board, colors: colors as string[] };
}

const game: GameDefinition<SudokuState> = {
  name: "sudoku",
  title: "Sudoku (colour)",
  category: "Multi-step Reasoning",
  domain: "OOD",
  generateState,
  renderSvg: renderSudoku,
  parseState,
  tasks: [colorAt, countColor, possibleColors, crowdedLines, deduce],
};

export default game;
