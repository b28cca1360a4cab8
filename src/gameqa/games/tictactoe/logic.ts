/** Tic-tac-toe rules and the rule-based move advisor used by the original GameQA tasks. */

export type Mark = "O" | "X" | " ";
export type Player = "O" | "X";
export type Board = Mark[][];
export interface TicTacToeState {
  board: Board;
}

/** The eight lines, as row-major cell indices 0..8, in the order the advice checks them. */
export const LINES: ReadonlyArray<readonly [number, number, number]> = [
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
  [0, 3, 6],
  [1, 4, 7],
  [2, 5, 8],
  [0, 4, 8],
  [2, 4, 6],
];
const LINE_NAMES = [
  "row 0",
  "row 1",
  "row 2",
  "column 0",
  "column 1",
  "column 2",
  "the main diagonal (top-left to bottom-right)",
  "the anti-diagonal (top-right to bottom-left)",
];

export function lineName(line: readonly number[]): string {
  const i = LINES.findIndex((l) => l.every((v, k) => v === line[k]));
  return LINE_NAMES[i] ?? String(line);
}

export const cellAt = (b: Board, i: number): Mark => b[Math.floor(i / 3)]?.[i % 3] ?? " ";
export const coord = (i: number): string => `(${Math.floor(i / 3)}, ${i % 3})`;
export const other = (p: Player): Player => (p === "O" ? "X" : "O");

export function countMarks(b: Board): { o: number; x: number } {
  let o = 0;
  let x = 0;
  for (const row of b) for (const v of row) v === "O" ? o++ : v === "X" ? x++ : 0;
  return { o, x };
}

/** O moves first, so O is to move when the counts are equal. */
export function playerToMove(b: Board): Player {
  const { o, x } = countMarks(b);
  return o > x ? "X" : "O";
}

export function winningLine(b: Board, p: Player): readonly number[] | undefined {
  return LINES.find((l) => l.every((i) => cellAt(b, i) === p));
}

export const emptyCells = (b: Board): number[] => [...Array(9).keys()].filter((i) => cellAt(b, i) === " ");

export function place(b: Board, i: number, p: Player): Board {
  const copy = b.map((row) => row.slice());
  (copy[Math.floor(i / 3)] as Mark[])[i % 3] = p;
  return copy;
}

/** Empty cells where `p` completes a line (a line already complete counts too, as in the original). */
export function winningMoves(b: Board, p: Player): number[] {
  return emptyCells(b).filter((i) => winningLine(place(b, i, p), p) !== undefined);
}

/** Lines through empty cell i holding exactly one mark of p and none of the opponent (two-way threat when ≥ 2). */
export function forkLines(b: Board, i: number, p: Player): Array<readonly number[]> {
  const opp = other(p);
  return LINES.filter((l) => l.includes(i)).filter((l) => {
    const marks = l.map((k) => cellAt(b, k));
    return marks.filter((m) => m === p).length === 1 && !marks.includes(opp);
  });
}

export type AdviceKind = "full" | "win" | "lost" | "block" | "fork" | "block-fork" | "first";
export interface Advice {
  kind: AdviceKind;
  /** Cell index 0..8, or undefined when no move is recommended ("None"). */
  move: number | undefined;
  reason: string;
}

/**
 * Priority rules (stated in every question): 1 win now; 2 if the opponent has two or more winning
 * cells nothing can stop them (None), if one, block it; 3 create a double threat; 4 take the cell
 * where the opponent would create one; 5 otherwise the first empty cell in row-major order.
 */
export function advise(b: Board, p: Player): Advice {
  const empty = emptyCells(b);
  const opp = other(p);
  if (empty.length === 0)
    return { kind: "full", move: undefined, reason: "The board is full, so no move is possible." };
  const wins = winningMoves(b, p);
  if (wins.length > 0) {
    const m = wins[0] as number;
    const line = winningLine(place(b, m, p), p) ?? [];
    return {
      kind: "win",
      move: m,
      reason: `${p} completes ${lineName(line)} by playing ${coord(m)} and wins.`,
    };
  }
  const threats = winningMoves(b, opp);
  if (threats.length > 1) {
    const names = threats.map((t) => lineName(winningLine(place(b, t, opp), opp) ?? [])).join(", ");
    return {
      kind: "lost",
      move: undefined,
      reason: `${opp} can win at ${threats.map(coord).join(", ")} (${names}); one move cannot block them all, so no move saves ${p}.`,
    };
  }
  if (threats.length === 1) {
    const m = threats[0] as number;
    const line = winningLine(place(b, m, opp), opp) ?? [];
    return {
      kind: "block",
      move: m,
      reason: `${opp} threatens to complete ${lineName(line)} at ${coord(m)}, so ${p} must block there.`,
    };
  }
  for (const i of empty) {
    const lines = forkLines(b, i, p);
    if (lines.length >= 2) {
      return {
        kind: "fork",
        move: i,
        reason: `Playing ${coord(i)} gives ${p} two threats at once (${lineName(lines[0] ?? [])} and ${lineName(lines[1] ?? [])}).`,
      };
    }
  }
  for (const i of empty) {
    const lines = forkLines(b, i, opp);
    if (lines.length >= 2) {
      return {
        kind: "block-fork",
        move: i,
        reason: `${opp} could create a double threat at ${coord(i)} (${lineName(lines[0] ?? [])} and ${lineName(lines[1] ?? [])}), so ${p} takes that cell first.`,
      };
    }
  }
  const m = empty[0] as number;
  return {
    kind: "first",
    move: m,
    reason: `No rule applies, so ${p} takes the first empty cell in row-major order, ${coord(m)}.`,
  };
}

/**
 * The original's board difficulty (plot_level): the advised move is about an immediate win or block
 * → Easy, about a double threat → Medium, anything else (incl. no move) → Hard.
 */
export function boardLevel(b: Board): "Easy" | "Medium" | "Hard" {
  const a = advise(b, playerToMove(b));
  if (a.move === undefined) return "Hard";
  if (a.kind === "win" || a.kind === "lost" || a.kind === "block") return "Easy";
  if (a.kind === "fork" || a.kind === "block-fork") return "Medium";
  return "Hard";
}

export function gameOver(b: Board): string | undefined {
  for (const p of ["O", "X"] as const) {
    const l = winningLine(b, p);
    if (l) return `${p} has already completed ${lineName(l)}`;
  }
  if (emptyCells(b).length === 0) return "the board is full";
  return undefined;
}

export function boardText(b: Board): string {
  return b.map((row, r) => `row ${r}: ${row.map((v) => (v === " " ? "." : v)).join(" ")}`).join("\n");
}
