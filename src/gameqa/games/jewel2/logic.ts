/**
 * Jewel2 rules as the original's game plays them: `clear x y` removes a line of three or more equal
 * basic gems through (x, y) (its row run and its column run) or fires a special gem (a-e: every gem of
 * that colour; "|": the column; "+": the 3x3 around it); `swap x y dir` exchanges two basic gems and
 * keeps the swap only if a line forms at either cell. Cleared cells fall and are refilled from the top;
 * nothing chains. Cells refilled in a simulation are UNKNOWN: they match nothing, so counts after them
 * are the least the command can clear, whatever the new gems are.
 */
import { BASIC, SPECIAL } from "./state.js";

export type Board = string[][];
export const UNKNOWN = "?";
export const DIRECTIONS = ["up", "down", "right", "left"] as const;
export type Direction = (typeof DIRECTIONS)[number];
const STEP: Record<Direction, [number, number]> = { up: [-1, 0], down: [1, 0], right: [0, 1], left: [0, -1] };

export const isBasic = (e: string | undefined): boolean => (BASIC as readonly string[]).includes(e ?? "");
export const isSpecial = (e: string | undefined): boolean => (SPECIAL as readonly string[]).includes(e ?? "");
const copy = (b: Board): Board => b.map((r) => [...r]);
const key = (r: number, c: number) => r * 64 + c;

/** The run of equal cells through (x, y) along one axis. */
function run(b: Board, x: number, y: number, dx: number, dy: number): Array<[number, number]> {
  const target = b[x]?.[y];
  const cells: Array<[number, number]> = [[x, y]];
  for (const s of [-1, 1]) {
    let i = x + s * dx;
    let j = y + s * dy;
    while (b[i]?.[j] !== undefined && b[i]?.[j] === target) {
      cells.push([i, j]);
      i += s * dx;
      j += s * dy;
    }
  }
  return cells;
}

/** Cells a clear at (x, y) would mark (empty when it does nothing). */
export function marks(b: Board, x: number, y: number): Array<[number, number]> {
  const t = b[x]?.[y];
  const n = b.length;
  const out: Array<[number, number]> = [];
  if (isSpecial(t)) {
    if (t === "|") for (let i = 0; i < n; i++) out.push([i, y]);
    else if (t === "+") {
      for (let i = x - 1; i <= x + 1; i++)
        for (let j = y - 1; j <= y + 1; j++) if (i >= 0 && j >= 0 && i < n && j < n) out.push([i, j]);
    } else {
      const upper = (t as string).toUpperCase();
      b.forEach((row, i) => {
        row.forEach((e, j) => {
          if (e === upper) out.push([i, j]);
        });
      });
      out.push([x, y]);
    }
    return out;
  }
  if (!isBasic(t)) return out;
  const h = run(b, x, y, 0, 1);
  const v = run(b, x, y, 1, 0);
  if (h.length >= 3) out.push(...h);
  if (v.length >= 3) out.push(...v);
  return out;
}

/** Remove the marked cells, let the columns fall and refill from the top with UNKNOWN cells. */
function removeAndFall(b: Board, marked: Array<[number, number]>): number {
  const set = new Set(marked.map(([i, j]) => key(i, j)));
  let cleared = 0;
  for (const k of set) {
    const i = Math.floor(k / 64);
    const j = k % 64;
    if ((b[i]?.[j] ?? " ") !== " ") cleared++;
    (b[i] as string[])[j] = " ";
  }
  const n = b.length;
  for (let j = 0; j < n; j++) {
    const kept = b.map((row) => row[j] as string).filter((e) => e !== " ");
    const column = [...new Array<string>(n - kept.length).fill(UNKNOWN), ...kept];
    column.forEach((e, i) => {
      (b[i] as string[])[j] = e;
    });
  }
  return cleared;
}

export interface Outcome {
  cleared: number;
  board: Board;
  /** Why nothing happened, for the analyses. */
  reason?: "no line" | "out of board" | "special" | "unknown";
}

export function clearAt(board: Board, x: number, y: number): Outcome {
  const b = copy(board);
  if (b[x]?.[y] === UNKNOWN) return { cleared: 0, board: b, reason: "unknown" };
  const m = marks(b, x, y);
  if (m.length === 0) return { cleared: 0, board: b, reason: "no line" };
  return { cleared: removeAndFall(b, m), board: b };
}

export function neighbour(x: number, y: number, d: Direction): [number, number] {
  const [dx, dy] = STEP[d];
  return [x + dx, y + dy];
}

export function swapAt(board: Board, x: number, y: number, d: Direction): Outcome {
  const b = copy(board);
  const n = b.length;
  const [nx, ny] = neighbour(x, y, d);
  if (nx < 0 || ny < 0 || nx >= n || ny >= n || x < 0 || y < 0 || x >= n || y >= n)
    return { cleared: 0, board: b, reason: "out of board" };
  const e1 = b[x]?.[y];
  const e2 = b[nx]?.[ny];
  if (isSpecial(e1) || isSpecial(e2)) return { cleared: 0, board: b, reason: "special" };
  // A refilled cell could be a special gem (swap refused): the least outcome is nothing.
  if (e1 === UNKNOWN || e2 === UNKNOWN) return { cleared: 0, board: b, reason: "unknown" };
  (b[x] as string[])[y] = e2 as string;
  (b[nx] as string[])[ny] = e1 as string;
  const m = [...marks(b, x, y), ...marks(b, nx, ny)];
  if (m.length === 0) return { cleared: 0, board: copy(board), reason: "no line" };
  return { cleared: removeAndFall(b, m), board: b };
}

export type Command =
  | { kind: "clear"; x: number; y: number }
  | { kind: "swap"; x: number; y: number; d: Direction };

export const commandText = (c: Command): string =>
  c.kind === "clear" ? `clear ${c.x} ${c.y}` : `swap ${c.x} ${c.y} ${c.d}`;

export function parseCommand(text: string): Command | undefined {
  const m = /^\s*(clear|swap)\s+(\d+)\s+(\d+)(?:\s+(up|down|left|right))?\s*$/.exec(text);
  if (!m) return undefined;
  if (m[1] === "clear" && !m[4]) return { kind: "clear", x: Number(m[2]), y: Number(m[3]) };
  if (m[1] === "swap" && m[4])
    return { kind: "swap", x: Number(m[2]), y: Number(m[3]), d: m[4] as Direction };
  return undefined;
}

export const run1 = (b: Board, c: Command): Outcome =>
  c.kind === "clear" ? clearAt(b, c.x, c.y) : swapAt(b, c.x, c.y, c.d);

/** Every command in the original's order: all swaps (rows, columns, up/down/right/left), then all clears. */
export function allCommands(n: number): Command[] {
  const out: Command[] = [];
  for (let x = 0; x < n; x++)
    for (let y = 0; y < n; y++) for (const d of DIRECTIONS) out.push({ kind: "swap", x, y, d });
  for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) out.push({ kind: "clear", x, y });
  return out;
}

/** The first command (in allCommands order) clearing the most; undefined when none clears anything. */
export function bestCommand(
  b: Board,
): { command: Command; cleared: number; all: Array<{ command: Command; cleared: number }> } | undefined {
  const all = allCommands(b.length)
    .map((command) => ({ command, cleared: run1(b, command).cleared }))
    .filter((m) => m.cleared > 0);
  let best: (typeof all)[number] | undefined;
  for (const m of all) if (!best || m.cleared > best.cleared) best = m;
  return best && { ...best, all };
}
