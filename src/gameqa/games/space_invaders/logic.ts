/** Space Invaders rules: who a shot hits, what it is worth, and the scoring plans the tasks ask about. */
import type { Enemy, EnemyColor, SpaceInvadersState } from "./state.js";

export const POINTS: Record<EnemyColor, number> = { purple: 30, blue: 20, green: 10 };

/** Enemies on a column, top to bottom. */
export function enemiesOnColumn(s: SpaceInvadersState, col: number): Enemy[] {
  return s.enemies.filter((e) => e.y === col).sort((a, b) => a.x - b.x);
}

/** Enemies on a row, left to right. */
export function enemiesOnRow(s: SpaceInvadersState, row: number): Enemy[] {
  return s.enemies.filter((e) => e.x === row).sort((a, b) => a.y - b.y);
}

/** Rows holding enemies, top to bottom. */
export function occupiedRows(s: SpaceInvadersState): number[] {
  return [...new Set(s.enemies.map((e) => e.x))].sort((a, b) => a - b);
}

/** Columns holding enemies, left to right. */
export function occupiedColumns(s: SpaceInvadersState): number[] {
  return [...new Set(s.enemies.map((e) => e.y))].sort((a, b) => a - b);
}

/** The enemy a shot from `col` destroys: the lowest one on that column (closest to the ship). */
export function target(s: SpaceInvadersState, col: number): Enemy | undefined {
  return enemiesOnColumn(s, col).at(-1);
}

export function shotPoints(s: SpaceInvadersState, col: number): number {
  const e = target(s, col);
  return e ? POINTS[e.color] : 0;
}

export type Drift = "left" | "right";

/**
 * Columns of the current scene that a ship staying on its column hits when it fires once in each
 * of intervals t .. t+k while the enemies drift: the formation moves one column per interval, so
 * the i-th shot meets what was on column ship - i (drift right) or ship + i (drift left).
 * Columns outside the board hold no enemy and are dropped.
 */
export function driftColumns(s: SpaceInvadersState, drift: Drift, k: number): number[] {
  const dir = drift === "right" ? 1 : -1;
  const out: number[] = [];
  for (let i = 0; i <= k; i++) {
    const c = s.ship_col - dir * i;
    if (c < 1 || c > s.total_cols) break;
    out.push(c);
  }
  return out;
}

/** Free columns between the formation and the left / right border. */
export function borderGaps(s: SpaceInvadersState): { left: number; right: number } {
  const cols = occupiedColumns(s);
  return { left: (cols[0] ?? 1) - 1, right: s.total_cols - (cols.at(-1) ?? s.total_cols) };
}

export interface TwoShotPlan {
  /** Best total from two shots on one column (0 when no column has two enemies). */
  sameColumn: { points: number; col: number | null };
  /** Best total from the lowest enemies of two different columns (0 when fewer than two columns). */
  twoColumns: { points: number; cols: [number, number] | null };
  best: number;
}

/** Two shots with free movement: enemy drift does not matter, only which two enemies can be reached. */
export function bestTwoShots(s: SpaceInvadersState): TwoShotPlan {
  let same = { points: 0, col: null as number | null };
  const lows: Array<{ col: number; points: number }> = [];
  for (let c = 1; c <= s.total_cols; c++) {
    const col = enemiesOnColumn(s, c);
    const low = col.at(-1);
    if (!low) continue;
    lows.push({ col: c, points: POINTS[low.color] });
    const second = col.at(-2);
    if (second) {
      const pts = POINTS[low.color] + POINTS[second.color];
      if (pts > same.points) same = { points: pts, col: c };
    }
  }
  const ranked = [...lows].sort((a, b) => b.points - a.points || a.col - b.col);
  const [a, b] = ranked;
  const two =
    a && b
      ? { points: a.points + b.points, cols: [a.col, b.col] as [number, number] }
      : { points: 0, cols: null };
  return { sameColumn: same, twoColumns: two, best: Math.max(same.points, two.points) };
}
