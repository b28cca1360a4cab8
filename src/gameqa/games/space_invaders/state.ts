/**
 * Space Invaders state, with the published keys: enemy `x` is the ROW and `y` the COLUMN (both
 * 1-based, as labelled in the image); the ship sits below row `enemy_area_rows` on column `ship_col`.
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";

export type EnemyColor = "purple" | "blue" | "green";
export const ENEMY_COLORS: readonly EnemyColor[] = ["purple", "blue", "green"];

export interface Enemy {
  x: number;
  y: number;
  color: EnemyColor;
}

export interface SpaceInvadersState {
  enemy_rows: number;
  enemy_cols: number;
  enemy_area_rows: number;
  total_cols: number;
  ship_col: number;
  enemies: Enemy[];
}

/** Formation size, side padding and enemy-area height per plot level (the original's ranges). */
const LEVEL_PARAMS: Record<Level, { rows: number; cols: number[]; pad: number[]; area: number[] }> = {
  Easy: { rows: 3, cols: [4, 5], pad: [1, 2], area: [5, 6] },
  Medium: { rows: 4, cols: [6, 7, 8], pad: [2], area: [6, 7] },
  Hard: { rows: 5, cols: [9, 10, 11], pad: [2, 3], area: [7, 8] },
};

/** Colour by depth inside the formation: the front-most (top) row purple, then blue, then green. */
function colorForDepth(depth: number, formationRows: number): EnemyColor {
  if (depth === 0) return "purple";
  const blueRows = formationRows === 5 ? 2 : 1;
  return depth <= blueRows ? "blue" : "green";
}

export function generateState(rng: Rng, plotLevel: Level): SpaceInvadersState {
  const p = LEVEL_PARAMS[plotLevel];
  const enemyCols = rng.pick(p.cols);
  const totalCols = enemyCols + 2 * rng.pick(p.pad);
  const areaRows = rng.pick(p.area);
  for (;;) {
    const startRow = rng.int(1, areaRows - p.rows + 1);
    const startCol = rng.int(1, totalCols - enemyCols + 1);
    const enemies: Enemy[] = [];
    for (let c = startCol; c < startCol + enemyCols; c++) {
      // Each column keeps the top `height` enemies of the formation; full columns are most likely.
      const weights = Array.from({ length: p.rows + 1 }, (_, h) => (h === p.rows ? 3 : 1 + h * 0.5));
      let roll = rng.next() * weights.reduce((a, b) => a + b, 0);
      let height = 0;
      while (height < p.rows && roll >= (weights[height] as number)) roll -= weights[height++] as number;
      for (let d = 0; d < height; d++)
        enemies.push({ x: startRow + d, y: c, color: colorForDepth(d, p.rows) });
    }
    if (enemies.length < 2) continue;
    const withEnemies = [...new Set(enemies.map((e) => e.y))];
    const without = Array.from({ length: totalCols }, (_, i) => i + 1).filter(
      (c) => !withEnemies.includes(c),
    );
    const shipCol = without.length > 0 && rng.chance(0.2) ? rng.pick(without) : rng.pick(withEnemies);
    return {
      enemy_rows: p.rows,
      enemy_cols: enemyCols,
      enemy_area_rows: areaRows,
      total_cols: totalCols,
      ship_col: shipCol,
      enemies,
    };
  }
}

export function parseState(json: unknown, where: string): SpaceInvadersState {
  const o = expectObject(json, where);
  const area = expectInt(o, "enemy_area_rows", where, 1);
  const total = expectInt(o, "total_cols", where, 1);
  const s: SpaceInvadersState = {
    enemy_rows: expectInt(o, "enemy_rows", where, 1),
    enemy_cols: expectInt(o, "enemy_cols", where, 1),
    enemy_area_rows: area,
    total_cols: total,
    ship_col: expectInt(o, "ship_col", where, 1, total),
    enemies: [],
  };
  if (!Array.isArray(o.enemies)) throw new UserError(`${where}: field "enemies" must be an array`);
  s.enemies = o.enemies.map((e, i) => {
    const at = `${where}: enemies[${i}]`;
    const eo = expectObject(e, at);
    const color = eo.color;
    if (typeof color !== "string" || !ENEMY_COLORS.includes(color as EnemyColor)) {
      throw new UserError(`${at}: field "color" must be purple, blue or green`);
    }
    return {
      x: expectInt(eo, "x", at, 1, area),
      y: expectInt(eo, "y", at, 1, total),
      color: color as EnemyColor,
    };
  });
  return s;
}
