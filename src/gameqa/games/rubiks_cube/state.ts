/**
 * Rubik's cube state with the published keys: `faces` (U, D, L, R, F, B: 3 x 3 colour numbers,
 * faces[f][i][j] = row i, column j; rows count from the bottom of each face in the unfolded view),
 * `colors` (names of 0..5), `move_history` (the scramble), `face_states` (per-face colour grid,
 * counts, dominant colour, solved flag), `is_solved` and `symbols` (name -> number).
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import {
  COLOURS,
  type Cube,
  cubeSolved,
  FACES,
  type Face,
  faceSolved,
  isMove,
  MOVES,
  type Move,
  solvedCube,
  turn,
  turnAll,
} from "./logic.js";

export interface FaceState {
  colors: string[][];
  dominant_color: string;
  is_solved: boolean;
  matching_stickers: number;
  color_counts: Record<string, number>;
}

export interface CubeState {
  faces: Record<Face, number[][]>;
  colors: string[];
  move_history: Move[];
  face_states: Record<Face, FaceState>;
  is_solved: boolean;
  symbols: Record<string, number>;
}

/** Scramble length per plot level (the original: 1, 2, 3 random turns). */
export const SCRAMBLE: Record<Level, number> = { Easy: 1, Medium: 2, Hard: 3 };

export function toCube(s: CubeState): Cube {
  const cube = new Uint8Array(54);
  FACES.forEach((f, n) => {
    s.faces[f].forEach((row, i) => {
      row.forEach((v, j) => {
        cube[n * 9 + i * 3 + j] = v;
      });
    });
  });
  return cube;
}

function faceState(grid: number[][], colours: readonly string[]): FaceState {
  const counts: Record<string, number> = {};
  const names = grid.map((row) => row.map((v) => colours[v] as string));
  for (const c of names.flat()) counts[c] = (counts[c] ?? 0) + 1;
  // Ties go to the colour met first, as Python's max over an insertion-ordered dict does.
  const dominant = Object.entries(counts).reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    colors: names,
    dominant_color: dominant[0],
    is_solved: grid.flat().every((v) => v === grid[0]?.[0]),
    matching_stickers: dominant[1],
    color_counts: counts,
  };
}

export function fromCube(cube: Cube, history: Move[]): CubeState {
  const faces = {} as Record<Face, number[][]>;
  const states = {} as Record<Face, FaceState>;
  FACES.forEach((f, n) => {
    faces[f] = [0, 1, 2].map((i) => [0, 1, 2].map((j) => cube[n * 9 + i * 3 + j] as number));
    states[f] = faceState(faces[f], COLOURS);
  });
  return {
    faces,
    colors: [...COLOURS],
    move_history: history,
    face_states: states,
    is_solved: cubeSolved(cube),
    symbols: Object.fromEntries(COLOURS.map((c, i) => [c, i])),
  };
}

/**
 * A solved cube scrambled by the level's number of random turns. Unlike the original, the last
 * turn never leaves the cube solved (a turn followed by its prime): such a board has no face to
 * solve, and the original then fails its face question and asks the others about a different cube.
 */
export function generateState(rng: Rng, plotLevel: Level): CubeState {
  const moves = Array.from({ length: SCRAMBLE[plotLevel] - 1 }, () => rng.pick(MOVES));
  const before = turnAll(solvedCube(), moves);
  const last = rng.pick(MOVES.filter((m) => !cubeSolved(turn(before, m))));
  return fromCube(turn(before, last), [...moves, last]);
}

export const unsolvedFaces = (cube: Cube): Face[] => FACES.filter((f) => !faceSolved(cube, f));

export function parseState(json: unknown, where: string): CubeState {
  const o = expectObject(json, where);
  const faces = expectObject(o.faces, `${where} (field "faces")`);
  const grid = {} as Record<Face, number[][]>;
  for (const f of FACES) {
    const g = faces[f];
    if (
      !Array.isArray(g) ||
      g.length !== 3 ||
      !g.every(
        (row) =>
          Array.isArray(row) && row.length === 3 && row.every((v) => Number.isInteger(v) && v >= 0 && v <= 5),
      )
    )
      throw new UserError(`${where}: field "faces.${f}" must be a 3 x 3 grid of colour numbers 0-5`);
    grid[f] = g as number[][];
  }
  const history = o.move_history ?? [];
  if (!Array.isArray(history) || !history.every((m) => typeof m === "string" && isMove(m)))
    throw new UserError(`${where}: field "move_history" must list turns such as "F" or "R'"`);
  const colours = o.colors ?? COLOURS;
  if (!Array.isArray(colours) || colours.length !== 6 || !colours.every((c, i) => c === COLOURS[i]))
    throw new UserError(`${where}: field "colors" must be ${JSON.stringify(COLOURS)}`);
  const state = fromCube(toCube({ faces: grid } as CubeState), history as Move[]);
  return state;
}
