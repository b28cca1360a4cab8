/**
 * Star Battle state with the published keys: `regions` (region k = list of [row, col] cells),
 * `stars` (the stars on the board) and, on our boards and the original's last-star boards,
 * `solution` (the full solution the stars were taken from).
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { type Cell, growRegions, REGION_COLORS, solve } from "./logic.js";

export interface StarBattleState {
  regions: Cell[][];
  stars: Cell[];
  solution?: Cell[];
}

/** Grid size (= number of regions) per plot level, as the original: 5 / 6 / 8. */
export const GRID_SIZE: Record<Level, number> = { Easy: 5, Medium: 6, Hard: 8 };
const MAX_LAYOUTS = 5_000;

/**
 * A solvable region layout, its first solution, and the solution's stars kept in `keep` random
 * regions. Half the boards keep all but one star (the original's last-star boards); the others keep
 * 2..n stars (its state-analysis boards).
 */
export function generateState(rng: Rng, plotLevel: Level): StarBattleState {
  const n = GRID_SIZE[plotLevel];
  for (let i = 0; i < MAX_LAYOUTS; i++) {
    const regions = growRegions(rng, n, n);
    const solution = regions && solve(regions, n);
    if (!regions || !solution) continue;
    const keep = rng.chance(0.5) ? n - 1 : rng.int(2, n);
    const kept = new Set(rng.sample([...regions.keys()], keep));
    const regionOfStar = (s: Cell): number =>
      regions.findIndex((cells) => cells.some(([r, c]) => r === s[0] && c === s[1]));
    return { regions, stars: solution.filter((s) => kept.has(regionOfStar(s))), solution };
  }
  throw new Error(`star-battle: no solvable ${n}x${n} layout in ${MAX_LAYOUTS} tries`);
}

function cellList(v: unknown, size: number, where: string, field: string): Cell[] {
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be an array of [row, col]`);
  return v.map((c, i) => {
    const ok =
      Array.isArray(c) &&
      c.length === 2 &&
      c.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < size);
    if (!ok)
      throw new UserError(
        `${where}: field "${field}"[${i}] must be [row, col] inside the ${size}x${size} grid`,
      );
    return [c[0], c[1]] as Cell;
  });
}

export function parseState(json: unknown, where: string): StarBattleState {
  const o = expectObject(json, where);
  if (!Array.isArray(o.regions) || o.regions.length < 2 || o.regions.length > REGION_COLORS.length)
    throw new UserError(`${where}: field "regions" must be a list of 2..${REGION_COLORS.length} regions`);
  const size = o.regions.length;
  const regions = o.regions.map((r, k) => cellList(r, size, where, `regions[${k}]`));
  const seen = new Set(regions.flat().map(([r, c]) => r * size + c));
  if (seen.size !== size * size || regions.flat().length !== size * size)
    throw new UserError(
      `${where}: field "regions" must cover each cell of the ${size}x${size} grid exactly once`,
    );
  const s: StarBattleState = { regions, stars: cellList(o.stars, size, where, "stars") };
  if (o.solution !== undefined) s.solution = cellList(o.solution, size, where, "solution");
  return s;
}
