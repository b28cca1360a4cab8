/**
 * Tangram state with the published keys: `grid` (piece ids, 0 where a piece was removed), `seeds`
 * ([row, col] per piece, piece k = seeds[k-1]), `removed_pieces` and `config`. Removed pieces'
 * shapes are not stored: they are recomputed from the seeds. One key is ours: `removed_view`, how the
 * single removed piece of a rotation board is drawn (the original keeps it only in the image).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject, intCell } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import {
  applyView,
  assignCells,
  type Cell,
  type Mask,
  maskOf,
  neighbours,
  TURNS,
  type Turn,
  type View,
} from "./logic.js";

export interface TangramConfig {
  grid_size: number;
  num_seeds: number;
  num_pieces_to_remove: number;
}

export interface TangramState {
  grid: number[][];
  seeds: Cell[];
  removed_pieces: number[];
  config: TangramConfig;
  removed_view?: View;
}

/** Board sides per plot level: the original draws 5..10 and calls ≤5 Easy, ≤8 Medium, else Hard. */
export const SIDES: Record<Level, readonly number[]> = { Easy: [5], Medium: [6, 7, 8], Hard: [9, 10] };
export const MIN_PIECES = 4;
export const MAX_PIECES = 8;

/** The board before any removal: every cell with the id of its nearest seed. */
export const fullGrid = (s: TangramState): number[][] => assignCells(s.config.grid_size, s.seeds);

/** A piece's shape (bounding-box mask) as it was cut, before any removal. */
export function pieceMask(s: TangramState, id: number, full = fullGrid(s)): Mask {
  const m = maskOf(full, id);
  if (!m) throw new Error(`tangram: piece ${id} owns no cell`);
  return m.mask;
}

/** Shapes drawn in the "removed pieces" panel, in removed order (the rotation board's piece turned as shown). */
export function shownPieces(s: TangramState): Array<{ id: number; mask: Mask }> {
  const full = fullGrid(s);
  return s.removed_pieces.map((id) => {
    const mask = pieceMask(s, id, full);
    const v = s.removed_view;
    return { id, mask: v && s.removed_pieces.length === 1 ? applyView(mask, v) : mask };
  });
}

/**
 * Three kinds of board, one per removal rule of the original: one to three random pieces removed
 * (count, area, adjacency), one piece removed and drawn turned, mirrored one time in five (rotation),
 * two touching pieces removed (placement).
 */
export function generateState(rng: Rng, plotLevel: Level): TangramState {
  const size = rng.pick(SIDES[plotLevel]);
  const count = rng.int(MIN_PIECES, MAX_PIECES);
  const seeds: Cell[] = [];
  const taken = new Set<number>();
  while (seeds.length < count) {
    const cell: Cell = [rng.int(0, size - 1), rng.int(0, size - 1)];
    if (taken.has(cell[0] * size + cell[1])) continue;
    taken.add(cell[0] * size + cell[1]);
    seeds.push(cell);
  }
  const full = assignCells(size, seeds);
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  const kind = rng.int(0, 2);
  let removed: number[];
  let view: View | undefined;
  if (kind === 0) removed = rng.sample(ids, rng.int(1, 3));
  else if (kind === 1) {
    removed = [rng.pick(ids)];
    view = { flipped: rng.chance(0.2), rotation: rng.pick(TURNS) as Turn };
  } else {
    const first = rng.pick(ids);
    removed = [first, rng.pick(neighbours(full, first))];
  }
  const gone = new Set(removed);
  const state: TangramState = {
    grid: full.map((row) => row.map((v) => (gone.has(v) ? 0 : v))),
    seeds,
    removed_pieces: removed,
    config: { grid_size: size, num_seeds: count, num_pieces_to_remove: removed.length },
  };
  if (view) state.removed_view = view;
  return state;
}

export function parseState(json: unknown, where: string): TangramState {
  const o = expectObject(json, where);
  const cfg = expectObject(o.config, `${where}: field "config"`);
  const size = expectInt(cfg, "grid_size", `${where}: config`, 1, 40);
  const num = expectInt(cfg, "num_seeds", `${where}: config`, 1, 40);
  const toRemove = expectInt(cfg, "num_pieces_to_remove", `${where}: config`, 0, 40);
  const grid = expectMatrix(o, "grid", where, intCell(0, num), `a piece id 0..${num}`);
  if (grid.length !== size || grid.some((row) => row.length !== size))
    throw new UserError(`${where}: field "grid" must be ${size}x${size} (config.grid_size)`);
  const seeds = o.seeds;
  if (!Array.isArray(seeds) || seeds.length !== num)
    throw new UserError(`${where}: field "seeds" must list ${num} [row, col] pairs (config.num_seeds)`);
  const cells = seeds.map((p, i): Cell => {
    const ok =
      Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0 && v < size);
    if (!ok)
      throw new UserError(
        `${where}: field "seeds"[${i}] = ${JSON.stringify(p)} is not a [row, col] on the board`,
      );
    return [p[0], p[1]];
  });
  const removed = o.removed_pieces;
  if (!Array.isArray(removed) || removed.some((v) => !Number.isInteger(v) || v < 1 || v > num))
    throw new UserError(`${where}: field "removed_pieces" must list piece ids 1..${num}`);
  if (new Set(cells.map(([r, c]) => r * size + c)).size !== cells.length)
    throw new UserError(`${where}: field "seeds" lists the same cell twice`);
  // Removed shapes come from the seeds: the grid must be the seeds' cutting minus the removed pieces.
  const cut = assignCells(size, cells);
  grid.forEach((row, r) => {
    row.forEach((v, c) => {
      const id = cut[r]?.[c] as number;
      if (v !== 0 ? v !== id : !removed.includes(id))
        throw new UserError(
          `${where}: field "grid"[${r}][${c}] = ${v} disagrees with the seeds (nearest seed: piece ${id})`,
        );
    });
  });
  const state: TangramState = {
    grid,
    seeds: cells,
    removed_pieces: removed as number[],
    config: { grid_size: size, num_seeds: num, num_pieces_to_remove: toRemove },
  };
  if (o.removed_view !== undefined) {
    const v = expectObject(o.removed_view, `${where}: field "removed_view"`);
    const rotation = v.rotation;
    if (typeof v.flipped !== "boolean" || !TURNS.includes(rotation as Turn))
      throw new UserError(
        `${where}: field "removed_view" must be {flipped: boolean, rotation: 0|90|180|270}`,
      );
    state.removed_view = { flipped: v.flipped, rotation: rotation as Turn };
  }
  return state;
}
