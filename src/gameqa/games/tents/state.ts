/**
 * Tents state with the published keys: `size` is [width, height]; `tree_positions`,
 * `tent_positions` (tents shown) and `removed_tents` (solution tents left out of the picture) are
 * [row, col] lists. Row and column targets count shown plus removed tents.
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { key, type Pos, treeNeighbours } from "./logic.js";

export interface TentsState {
  size: [number, number];
  tree_positions: Pos[];
  tent_positions: Pos[];
  removed_tents: Pos[];
}

/** The original's three configurations: side, trees (= tents), tents removed from the picture. */
export const TENTS_LEVELS: Record<Level, { side: number; trees: number; removed: number }> = {
  Easy: { side: 7, trees: 5, removed: 2 },
  Medium: { side: 10, trees: 10, removed: 4 },
  Hard: { side: 13, trees: 17, removed: 7 },
};

/** Trees on random cells, then tents next to randomly chosen trees, never touching another tent. */
function layout(rng: Rng, side: number, trees: number): { trees: Pos[]; tents: Pos[] } | null {
  const board: TentsState = { size: [side, side], tree_positions: [], tent_positions: [], removed_tents: [] };
  const used = new Set<string>();
  while (board.tree_positions.length < trees) {
    const p: Pos = [rng.int(0, side - 1), rng.int(0, side - 1)];
    if (!used.has(key(p))) {
      used.add(key(p));
      board.tree_positions.push(p);
    }
  }
  const blocked = new Set<string>();
  // Like the original, a tree may receive several tents and another none; 10,000 picks at most.
  for (let tries = 0; tries < 10_000 && board.tent_positions.length < trees; tries++) {
    const tree = rng.pick(board.tree_positions);
    const spot = rng.shuffle(treeNeighbours(board, tree)).find((p) => !blocked.has(key(p)));
    if (!spot) continue;
    board.tent_positions.push(spot);
    for (let dr = -1; dr <= 1; dr++)
      for (let dc = -1; dc <= 1; dc++) blocked.add(key([spot[0] + dr, spot[1] + dc]));
  }
  return board.tent_positions.length === trees
    ? { trees: board.tree_positions, tents: board.tent_positions }
    : null;
}

export function generateState(rng: Rng, plotLevel: Level): TentsState {
  const { side, trees, removed } = TENTS_LEVELS[plotLevel];
  // A layout fails when its trees leave too little room; the original retries without limit, we
  // retry a bounded number of times (with these densities the first try nearly always works).
  for (let attempt = 0; attempt < 200; attempt++) {
    const found = layout(rng, side, trees);
    if (!found) continue;
    const gone = rng.sample(found.tents, Math.min(removed, found.tents.length));
    const goneKeys = new Set(gone.map(key));
    return {
      size: [side, side],
      tree_positions: found.trees,
      tent_positions: found.tents.filter((p) => !goneKeys.has(key(p))),
      removed_tents: gone,
    };
  }
  throw new Error(`tents: no layout of ${trees} trees and tents on ${side}x${side} after 200 tries`);
}

function positions(
  o: Record<string, unknown>,
  field: string,
  where: string,
  rows: number,
  cols: number,
): Pos[] {
  const v = o[field];
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be a list of [row, col]`);
  return v.map((p, i): Pos => {
    const ok =
      Array.isArray(p) &&
      p.length === 2 &&
      Number.isInteger(p[0]) &&
      Number.isInteger(p[1]) &&
      p[0] >= 0 &&
      p[0] < rows &&
      p[1] >= 0 &&
      p[1] < cols;
    if (!ok)
      throw new UserError(
        `${where}: field "${field}"[${i}] = ${JSON.stringify(p)} is not a [row, col] on the grid`,
      );
    return [p[0], p[1]];
  });
}

export function parseState(json: unknown, where: string): TentsState {
  const o = expectObject(json, where);
  const size = o.size;
  const okSize =
    Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v >= 1 && v <= 50);
  if (!okSize) throw new UserError(`${where}: field "size" must be [width, height] with integers 1..50`);
  const [cols, rows] = size as [number, number];
  return {
    size: [cols, rows],
    tree_positions: positions(o, "tree_positions", where, rows, cols),
    tent_positions: positions(o, "tent_positions", where, rows, cols),
    removed_tents: positions(o, "removed_tents", where, rows, cols),
  };
}
