/**
 * Sokoban state with the published keys. `grid[y][x]` holds 0 floor, 1 wall, 2 box, 3 target,
 * 4 box on target, 5 player, 6 player on target; `player`, `boxes`, `targets` repeat the positions
 * as {x: column, y: row}. Questions write positions as (row, column).
 */
import { UserError } from "../../../util/errors.js";
import { expectMatrix, expectObject, intCell } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { CELL, type Pos, solveFewestMoves } from "./logic.js";

export interface XY {
  x: number;
  y: number;
}

export interface SokobanState {
  grid: number[][];
  grid_size: { width: number; height: number };
  player: XY;
  boxes: XY[];
  targets: XY[];
  symbols: Record<string, number>;
}

/** Board side per plot level: the original passes its move count (5 / 8 / 12) as the board size. */
export const SOKOBAN_SIZES: Record<Level, number> = { Easy: 5, Medium: 8, Hard: 12 };

const SYMBOLS = {
  empty: 0,
  wall: 1,
  box: 2,
  target: 3,
  box_on_target: 4,
  player: 5,
  player_on_target: 6,
};

/** Rebuild the position lists from the grid (row-major, as the original lists them). */
export function stateFromGrid(grid: number[][]): SokobanState {
  const player: XY = { x: 0, y: 0 };
  const boxes: XY[] = [];
  const targets: XY[] = [];
  grid.forEach((row, y) => {
    row.forEach((v, x) => {
      if (v === CELL.box || v === CELL.boxOnTarget) boxes.push({ x, y });
      if (v === CELL.target || v === CELL.boxOnTarget || v === CELL.playerOnTarget) targets.push({ x, y });
      if (v === CELL.player || v === CELL.playerOnTarget) Object.assign(player, { x, y });
    });
  });
  return {
    grid,
    grid_size: { width: grid[0]?.length ?? 0, height: grid.length },
    player,
    boxes,
    targets,
    symbols: { ...SYMBOLS },
  };
}

/** Walls on the border and on ~10% of the inner cells, then boxes/targets in pairs, then the player. */
function randomGrid(rng: Rng, size: number, boxes: number): number[][] | null {
  const grid = Array.from({ length: size }, (_, y) =>
    Array.from({ length: size }, (_, x) =>
      y === 0 || x === 0 || y === size - 1 || x === size - 1 || rng.chance(0.1) ? CELL.wall : CELL.empty,
    ),
  );
  const free: Pos[] = [];
  for (let y = 1; y < size - 1; y++)
    for (let x = 1; x < size - 1; x++) if (grid[y]?.[x] === 0) free.push([y, x]);
  if (free.length < boxes * 2 + 1) return null;
  const cells = rng.sample(free, boxes * 2 + 1);
  for (let i = 0; i < boxes; i++) {
    const [by, bx] = cells[2 * i] as Pos;
    const [ty, tx] = cells[2 * i + 1] as Pos;
    (grid[by] as number[])[bx] = CELL.box;
    (grid[ty] as number[])[tx] = CELL.target;
  }
  const [py, px] = cells[boxes * 2] as Pos;
  (grid[py] as number[])[px] = CELL.player;
  return grid;
}

/**
 * Half the boards hold one box (checked solvable, as the original does), half 2-3 boxes (not
 * checked, as in the original). One-box draws are repeated until solvable, at most 100 times (only
 * ~17% of 5x5 draws are solvable, so the original's 10 tries lose ~15% of its Easy boards); after
 * that, never seen in practice, an open room with the box in the middle, which is always solvable.
 */
export function generateState(rng: Rng, plotLevel: Level): SokobanState {
  const size = SOKOBAN_SIZES[plotLevel];
  const boxes = rng.chance(0.5) ? 1 : rng.int(2, 3);
  for (let attempt = 0; attempt < 100; attempt++) {
    const grid = randomGrid(rng, size, boxes);
    if (!grid) continue;
    const state = stateFromGrid(grid);
    if (boxes > 1 || solveFewestMoves(state) !== null) return state;
  }
  const grid = Array.from({ length: size }, (_, y) =>
    Array.from({ length: size }, (_, x) =>
      y === 0 || x === 0 || y === size - 1 || x === size - 1 ? CELL.wall : CELL.empty,
    ),
  );
  const mid = Math.floor(size / 2);
  (grid[mid] as number[])[mid] = CELL.box;
  const others: Pos[] = [];
  for (let y = 1; y < size - 1; y++)
    for (let x = 1; x < size - 1; x++) if (y !== mid || x !== mid) others.push([y, x]);
  const [[ty, tx], [py, px]] = rng.sample(others, 2) as [Pos, Pos];
  (grid[ty] as number[])[tx] = CELL.target;
  (grid[py] as number[])[px] = CELL.player;
  return stateFromGrid(grid);
}

export function parseState(json: unknown, where: string): SokobanState {
  const o = expectObject(json, where);
  const grid = expectMatrix(o, "grid", where, intCell(0, 6), "an integer 0..6");
  const players = grid.flat().filter((v) => v === CELL.player || v === CELL.playerOnTarget).length;
  if (players !== 1)
    throw new UserError(`${where}: field "grid" must hold exactly one player (5 or 6), found ${players}`);
  const s = stateFromGrid(grid);
  if (s.boxes.length === 0) throw new UserError(`${where}: field "grid" holds no box (2 or 4)`);
  return s;
}
