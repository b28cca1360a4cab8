/**
 * Tents rules: row/column targets (from the full solution: placed plus removed tents), the cells
 * next to a tree, and whether a new tent may go on a cell without breaking a rule at once.
 */
import type { TentsState } from "./state.js";

/** [row, col], row 0 on top. */
export type Pos = [number, number];

export const fmt = (p: Pos): string => `(${p[0]}, ${p[1]})`;
export const key = (p: Pos): string => `${p[0]},${p[1]}`;
export const rowsOf = (s: TentsState): number => s.size[1];
export const colsOf = (s: TentsState): number => s.size[0];
const has = (list: readonly Pos[], p: Pos): boolean => list.some((q) => q[0] === p[0] && q[1] === p[1]);
const inside = (s: TentsState, [r, c]: Pos): boolean => r >= 0 && r < rowsOf(s) && c >= 0 && c < colsOf(s);

/** Up, down, left, right (the original's order when it names an adjacent tree). */
export const ORTHOGONAL: readonly Pos[] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];

export const isTree = (s: TentsState, p: Pos): boolean => has(s.tree_positions, p);
export const isTent = (s: TentsState, p: Pos): boolean => has(s.tent_positions, p);

/** Tents the row must hold in the end (the blue number on the left). */
export function rowTarget(s: TentsState, r: number): number {
  return [...s.tent_positions, ...s.removed_tents].filter((p) => p[0] === r).length;
}

/** Tents the column must hold in the end (the blue number on top). */
export function colTarget(s: TentsState, c: number): number {
  return [...s.tent_positions, ...s.removed_tents].filter((p) => p[1] === c).length;
}

export const tentsInRow = (s: TentsState, r: number): Pos[] => s.tent_positions.filter((p) => p[0] === r);
export const tentsInCol = (s: TentsState, c: number): Pos[] => s.tent_positions.filter((p) => p[1] === c);

/** Every cell in row-major order. */
export function allCells(s: TentsState): Pos[] {
  const out: Pos[] = [];
  for (let r = 0; r < rowsOf(s); r++) for (let c = 0; c < colsOf(s); c++) out.push([r, c]);
  return out;
}

/** In-bounds non-tree cells orthogonally next to `tree`, in the order right, left, up, down. */
export function treeNeighbours(s: TentsState, tree: Pos): Pos[] {
  const [r, c] = tree;
  const around: Pos[] = [
    [r, c + 1],
    [r, c - 1],
    [r - 1, c],
    [r + 1, c],
  ];
  return around.filter((p) => inside(s, p) && !isTree(s, p));
}

/** Cells allowed by rules 1 and 3 alone: next to a tree and not a tree (tents included), sorted. */
export function cellsNextToTrees(s: TentsState): Pos[] {
  const seen = new Map<string, Pos>();
  for (const t of s.tree_positions) for (const p of treeNeighbours(s, t)) seen.set(key(p), p);
  return [...seen.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export type TentCheck =
  | { ok: true; tree: Pos; rowNeeds: number; colNeeds: number }
  | { ok: false; reason: string };

/**
 * Whether a new tent may stand on `p` right now, checked in the original's order: a tree there, a
 * tent there, no tree beside it, a tent among its eight neighbours, its row full, its column full.
 */
export function checkNewTent(s: TentsState, p: Pos): TentCheck {
  if (isTree(s, p)) return { ok: false, reason: "a tree already stands there" };
  if (isTent(s, p)) return { ok: false, reason: "a tent already stands there" };
  const tree = ORTHOGONAL.map(([dr, dc]): Pos => [p[0] + dr, p[1] + dc]).find(
    (q) => inside(s, q) && isTree(s, q),
  );
  if (!tree) return { ok: false, reason: "no tree is directly above, below, left or right of it" };
  for (let dr = -1; dr <= 1; dr++) {
    for (let dc = -1; dc <= 1; dc++) {
      const q: Pos = [p[0] + dr, p[1] + dc];
      if ((dr !== 0 || dc !== 0) && isTent(s, q))
        return { ok: false, reason: `it touches the tent at ${fmt(q)}` };
    }
  }
  const rowNeeds = rowTarget(s, p[0]) - tentsInRow(s, p[0]).length;
  if (rowNeeds <= 0)
    return { ok: false, reason: `row ${p[0]} already has all ${rowTarget(s, p[0])} of its tents` };
  const colNeeds = colTarget(s, p[1]) - tentsInCol(s, p[1]).length;
  if (colNeeds <= 0)
    return { ok: false, reason: `column ${p[1]} already has all ${colTarget(s, p[1])} of its tents` };
  return { ok: true, tree, rowNeeds, colNeeds };
}

/** Cells where a new tent breaks no rule at once, row-major. */
export function validNewTents(s: TentsState): Pos[] {
  return allCells(s).filter((p) => checkNewTent(s, p).ok);
}
