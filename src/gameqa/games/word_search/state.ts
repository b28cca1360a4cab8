/**
 * Word-search state: the published keys `grid` (rows of uppercase letters) and `size`, plus our
 * `words`: the words we hid, with 0-based start cell and direction (absent in published states).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { DIRECTIONS, type DirectionName, path } from "./logic.js";
import { WORDS } from "./words.js";

export interface HiddenWord {
  word: string;
  row: number;
  col: number;
  direction: DirectionName;
}

export interface WordSearchState {
  grid: string[][];
  size: number;
  words?: HiddenWord[];
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Grid side per plot level (the original draws 5..8 and levels it: <=5 Easy, <=7 Medium, else Hard). */
export function sizeFor(rng: Rng, plotLevel: Level): number {
  return plotLevel === "Easy" ? 5 : plotLevel === "Medium" ? rng.pick([6, 7]) : 8;
}

/** Random letters, then two words written over them (a later word may cross an earlier one). */
export function generateState(rng: Rng, plotLevel: Level): WordSearchState {
  const size = sizeFor(rng, plotLevel);
  const grid = Array.from({ length: size }, () =>
    Array.from({ length: size }, () => ALPHABET[rng.int(0, 25)] as string),
  );
  const words: HiddenWord[] = [];
  const fitting = WORDS.filter((w) => w.length <= size);
  for (let placed = 0, tries = 0; placed < 2 && tries < 50; tries++) {
    const word = rng.pick(fitting);
    const direction = rng.pick(DIRECTIONS)[0];
    const starts: Array<[number, number]> = [];
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) if (path(size, [r, c], direction, word.length)) starts.push([r, c]);
    if (starts.length === 0 || words.some((w) => w.word === word)) continue;
    const [row, col] = rng.pick(starts);
    (path(size, [row, col], direction, word.length) ?? []).forEach(([r, c], i) => {
      (grid[r] as string[])[c] = word[i] as string;
    });
    words.push({ word, row, col, direction });
    placed++;
  }
  return { grid, size, words };
}

const letterCell = (v: unknown): string | undefined =>
  typeof v === "string" && /^[A-Z]$/.test(v) ? v : undefined;

export function parseState(json: unknown, where: string): WordSearchState {
  const o = expectObject(json, where);
  const grid = expectMatrix(o, "grid", where, letterCell, "an uppercase letter");
  const size = expectInt(o, "size", where, 1);
  if (grid.length !== size || grid[0]?.length !== size)
    throw new UserError(`${where}: field "grid" is not ${size}x${size}`);
  const s: WordSearchState = { grid, size };
  if (o.words !== undefined) {
    if (!Array.isArray(o.words)) throw new UserError(`${where}: field "words" must be an array`);
    s.words = o.words.map((w, i) => {
      const at = `${where}: words[${i}]`;
      const wo = expectObject(w, at);
      if (typeof wo.word !== "string" || !/^[A-Z]+$/.test(wo.word))
        throw new UserError(`${at}: field "word" must be uppercase letters`);
      const d = wo.direction;
      if (typeof d !== "string" || !DIRECTIONS.some((x) => x[0] === d))
        throw new UserError(`${at}: field "direction" is not a known direction`);
      return {
        word: wo.word,
        row: expectInt(wo, "row", at, 0, size - 1),
        col: expectInt(wo, "col", at, 0, size - 1),
        direction: d as DirectionName,
      };
    });
  }
  return s;
}
