/**
 * Pyramid Chess rules. An n x n board has levels 0..n-1; level k holds (n-k)² slots [x, y] with
 * x, y in 0..n-1-k. Slot [x, y] of level k > 0 rests on the 2x2 block [x, y], [x+1, y], [x, y+1],
 * [x+1, y+1] of level k-1. PLAYER_0 (blue, "P0") and PLAYER_1 (red, "P1") take turns placing a
 * ball on a free slot of level 0, or on a free upper slot whose four base slots are full. Placing a
 * ball that completes a 2x2 block of one's own colour lets the player take back up to two balls
 * with nothing on top of them. As in the original, a free slot above a one-colour block is not
 * open (its balls are due to be taken back first).
 */
export type Cell = "P0" | "P1" | "--";
/** board[k][x][y]. */
export type Board = Cell[][][];
export type Slot = [number, number, number]; // level, x, y

export const COLOUR: Record<"P0" | "P1", string> = { P0: "blue", P1: "red" };
export const PLAYER: Record<"P0" | "P1", string> = { P0: "PLAYER_0", P1: "PLAYER_1" };
export const other = (p: "P0" | "P1"): "P0" | "P1" => (p === "P0" ? "P1" : "P0");

export const emptyBoard = (n: number): Board =>
  Array.from({ length: n }, (_, k) => Array.from({ length: n - k }, () => Array<Cell>(n - k).fill("--")));

export const sizeOf = (b: Board): number => b.length;
export const inBounds = (b: Board, [k, x, y]: Slot): boolean =>
  k >= 0 && k < b.length && x >= 0 && y >= 0 && x < b.length - k && y < b.length - k;
export const cellAt = (b: Board, [k, x, y]: Slot): Cell => b[k]?.[x]?.[y] ?? "--";

export const bases = ([k, x, y]: Slot): Slot[] =>
  k === 0
    ? []
    : [
        [k - 1, x, y],
        [k - 1, x + 1, y],
        [k - 1, x, y + 1],
        [k - 1, x + 1, y + 1],
      ];

/** The slots one level up that rest on `s` (up to four). */
export function uppers(b: Board, [k, x, y]: Slot): Slot[] {
  const out: Slot[] = [];
  for (const dx of [-1, 0])
    for (const dy of [-1, 0]) {
      const u: Slot = [k + 1, x + dx, y + dy];
      if (inBounds(b, u)) out.push(u);
    }
  return out;
}

export const allSlots = (b: Board): Slot[] =>
  b.flatMap((level, k) => level.flatMap((row, x) => row.map((_, y): Slot => [k, x, y])));

const filled = (b: Board, s: Slot): boolean => cellAt(b, s) !== "--";

/** A full 2x2 block of one colour under `s`. */
export function oneColourBlock(b: Board, s: Slot): boolean {
  const cells = bases(s).map((t) => cellAt(b, t));
  return cells.length === 4 && cells[0] !== "--" && cells.every((c) => c === cells[0]);
}

/** A ball may go on `s` now. */
export const canPlace = (b: Board, s: Slot): boolean =>
  inBounds(b, s) &&
  !filled(b, s) &&
  (s[0] === 0 || (bases(s).every((t) => filled(b, t)) && !oneColourBlock(b, s)));

/** A ball on `s` has nothing on top of it. */
export const canTake = (b: Board, s: Slot): boolean =>
  filled(b, s) && uppers(b, s).every((u) => !filled(b, u));

/** The one-colour blocks (as their upper slot) that a ball of `p` on `s` would complete. */
export function blocksCompleted(b: Board, s: Slot, p: "P0" | "P1"): Slot[] {
  const after = place(b, s, p);
  return uppers(b, s).filter((u) => !filled(after, u) && oneColourBlock(after, u));
}

export function place(b: Board, [k, x, y]: Slot, c: Cell): Board {
  const next = b.map((level) => level.map((row) => row.slice()));
  (next[k] as Cell[][])[x]![y] = c;
  return next;
}

/** Slots where a ball of `p` completes a one-colour block of `p`. */
export const completingMoves = (b: Board, p: "P0" | "P1"): Slot[] =>
  allSlots(b).filter((s) => canPlace(b, s) && blocksCompleted(b, s, p).length > 0);

/**
 * Turns until a ball can be placed on `s` (the placing turn included): one per free slot of the
 * sub-pyramid under it, each counted once, plus one. Also the free slots per level.
 */
export function turnsToPlace(b: Board, s: Slot): { turns: number; missing: Map<number, Slot[]> } {
  const seen = new Set<string>();
  const missing = new Map<number, Slot[]>();
  const walk = (t: Slot): void => {
    for (const u of bases(t)) {
      const key = u.join(",");
      if (filled(b, u) || seen.has(key)) continue;
      seen.add(key);
      missing.set(u[0], [...(missing.get(u[0]) ?? []), u]);
      walk(u);
    }
  };
  walk(s);
  return { turns: seen.size + 1, missing };
}

export const ballCount = (b: Board): number => allSlots(b).filter((s) => filled(b, s)).length;
