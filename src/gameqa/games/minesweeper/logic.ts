/**
 * Minesweeper rules: neighbour counts, flood reveal, flagging, and a deduction engine (the two
 * classic single-number rules run to a fixpoint) used to pick cells whose fate the image decides.
 */
import type { Rng } from "../../types.js";
import type { MinesweeperState } from "./state.js";

export type Pos = readonly [row: number, col: number];
export const posKey = ([r, c]: Pos): string => `${r},${c}`;
export const fmt = ([r, c]: Pos): string => `(${r},${c})`;

export function neighbours(rows: number, cols: number, r: number, c: number): Pos[] {
  const out: Pos[] = [];
  for (let dr = -1; dr <= 1; dr++) {
    for (let dc = -1; dc <= 1; dc++) {
      const nr = r + dr;
      const nc = c + dc;
      if ((dr !== 0 || dc !== 0) && nr >= 0 && nr < rows && nc >= 0 && nc < cols) out.push([nr, nc]);
    }
  }
  return out;
}

export function countAdjacent(isMine: boolean[][], r: number, c: number): number {
  return neighbours(isMine.length, isMine[0]?.length ?? 0, r, c).filter(([nr, nc]) => isMine[nr]?.[nc])
    .length;
}

export const isMineAt = (s: MinesweeperState, [r, c]: Pos): boolean => s.mine_board[r]?.[c] === "M";
export const isRevealed = (s: MinesweeperState, [r, c]: Pos): boolean => s.revealed[r]?.[c] === true;
export const isFlagged = (s: MinesweeperState, [r, c]: Pos): boolean => s.flagged[r]?.[c] === true;
/** Adjacent-mine number of a safe cell (-1 for a mine). */
export const numberAt = (s: MinesweeperState, [r, c]: Pos): number => {
  const v = s.mine_board[r]?.[c];
  return typeof v === "number" ? v : -1;
};

/** Reveal a safe cell; zeros open their neighbours recursively (flags on opened cells are removed). */
export function floodReveal(s: MinesweeperState, r: number, c: number): void {
  const stack: Pos[] = [[r, c]];
  while (stack.length > 0) {
    const p = stack.pop() as Pos;
    if (isRevealed(s, p) || isMineAt(s, p)) continue;
    (s.revealed[p[0]] as boolean[])[p[1]] = true;
    (s.flagged[p[0]] as boolean[])[p[1]] = false;
    if (numberAt(s, p) === 0) stack.push(...neighbours(s.rows, s.cols, p[0], p[1]));
  }
}

/** Hidden cells touching at least one revealed cell (the frontier). */
export function isBoundary(s: MinesweeperState, p: Pos): boolean {
  return !isRevealed(s, p) && neighbours(s.rows, s.cols, p[0], p[1]).some((n) => isRevealed(s, n));
}

export function allCells(s: MinesweeperState): Pos[] {
  const out: Pos[] = [];
  for (let r = 0; r < s.rows; r++) for (let c = 0; c < s.cols; c++) out.push([r, c]);
  return out;
}

/** Flag up to `count` real mines on the frontier, chosen at random. */
export function autoFlag(s: MinesweeperState, rng: Rng, count: number): void {
  const frontierMines = allCells(s).filter((p) => isBoundary(s, p) && isMineAt(s, p));
  for (const [r, c] of rng.sample(frontierMines, Math.min(count, frontierMines.length)))
    (s.flagged[r] as boolean[])[c] = true;
}

export const countFlags = (s: MinesweeperState): number => s.flagged.flat().filter(Boolean).length;
export const countRevealed = (s: MinesweeperState): number => s.revealed.flat().filter(Boolean).length;

export interface Deductions {
  /** Hidden, unflagged cells that must be mines -> index of the proving step in `steps`. */
  mines: Map<string, number>;
  /** Hidden cells that must be safe -> index of the proving step in `steps`. */
  safe: Map<string, number>;
  /** The deduction steps in the order they were made. */
  steps: string[];
  /** For each step, the earlier steps whose conclusions it used. */
  uses: number[][];
}

/**
 * What the visible board proves, using only revealed numbers and flags (flags are taken as
 * correct): a number whose known mines already match it makes its other hidden neighbours safe; a
 * number that needs all of its unknown neighbours makes them mines. Repeated until nothing changes.
 */
export function deduce(s: MinesweeperState): Deductions {
  const mines = new Map<string, number>();
  const safe = new Map<string, number>();
  const steps: string[] = [];
  const uses: number[][] = [];
  const knownMine = (p: Pos): boolean => isFlagged(s, p) || mines.has(posKey(p));
  const known = (p: Pos): boolean => isRevealed(s, p) || knownMine(p) || safe.has(posKey(p));
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of allCells(s)) {
      if (!isRevealed(s, p)) continue;
      const n = numberAt(s, p);
      if (n <= 0) continue;
      const around = neighbours(s.rows, s.cols, p[0], p[1]);
      const m = around.filter(knownMine);
      const unknown = around.filter((q) => !known(q));
      if (unknown.length === 0) continue;
      // Earlier steps this one relies on: proved (not flagged) mines, and for the mine rule the
      // proved-safe neighbours that were left out of the unknown cells.
      const proved = (q: Pos): number[] => {
        const i = mines.get(posKey(q)) ?? safe.get(posKey(q));
        return i === undefined ? [] : [i];
      };
      const minesText = m.length === 0 ? "no known mine" : `the known mine(s) ${m.map(fmt).join(", ")}`;
      if (m.length === n) {
        steps.push(
          `${fmt(p)} shows ${n} and touches ${minesText}, so its other hidden neighbours ${unknown.map(fmt).join(", ")} are safe`,
        );
        uses.push(m.flatMap(proved));
        for (const q of unknown) safe.set(posKey(q), steps.length - 1);
        changed = true;
      } else if (m.length + unknown.length === n) {
        steps.push(
          `${fmt(p)} shows ${n}, touches ${minesText} and has only ${unknown.length} other unknown neighbour(s), so ${unknown.map(fmt).join(", ")} must be mine(s)`,
        );
        uses.push(around.filter((q) => !isRevealed(s, q)).flatMap(proved));
        for (const q of unknown) mines.set(posKey(q), steps.length - 1);
        changed = true;
      }
    }
  }
  return { mines, safe, steps, uses };
}

/** The deduction steps that prove the given cells (their steps and those they rely on, in order), as text. */
export function proofOf(d: Deductions, ...cells: Pos[]): string {
  const needed = new Set<number>();
  const visit = (i: number): void => {
    if (needed.has(i)) return;
    needed.add(i);
    for (const j of d.uses[i] ?? []) visit(j);
  };
  for (const p of cells) {
    const i = d.mines.get(posKey(p)) ?? d.safe.get(posKey(p));
    if (i !== undefined) visit(i);
  }
  return [...needed]
    .sort((a, b) => a - b)
    .map((i, n) => `Step ${n + 1}: ${d.steps[i]}.`)
    .join("\n");
}

/** True when every neighbour of p is revealed, flagged, or proved mine/safe. */
export function neighbourhoodKnown(s: MinesweeperState, d: Deductions, p: Pos): boolean {
  return neighbours(s.rows, s.cols, p[0], p[1]).every(
    (q) => isRevealed(s, q) || isFlagged(s, q) || d.mines.has(posKey(q)) || d.safe.has(posKey(q)),
  );
}
