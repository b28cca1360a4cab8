/**
 * Chess Ranger rules: chess pieces of one side on an 8x8 board; every move must capture (the king
 * may be captured too) and the goal is one piece left. Pieces move as in chess; pawns capture one
 * square diagonally towards rank 8. Squares are indexed row * 8 + col with row 0 = rank 8 and
 * col 0 = file a, as the original's board; moves are generated square by square in that order, so
 * the first solution found is the original's.
 */
export type PieceLetter = "P" | "R" | "B" | "N" | "Q" | "K";
export type Board = Array<PieceLetter | null>;

export const PIECE_NAMES: Record<PieceLetter, string> = {
  P: "Pawn",
  R: "Rook",
  B: "Bishop",
  N: "Knight",
  Q: "Queen",
  K: "King",
};
export const LETTERS: PieceLetter[] = ["P", "R", "B", "N", "Q", "K"];
export const letterOf = (name: string): PieceLetter | undefined =>
  LETTERS.find((l) => PIECE_NAMES[l].toLowerCase() === name.toLowerCase());

const KING_LIKE: Array<[number, number]> = [
  [-1, 0],
  [0, -1],
  [0, 1],
  [1, 0],
  [-1, -1],
  [-1, 1],
  [1, -1],
  [1, 1],
];
const OFFSETS: Record<PieceLetter, Array<[number, number]>> = {
  P: [
    [-1, -1],
    [-1, 1],
  ],
  R: [
    [-1, 0],
    [0, -1],
    [0, 1],
    [1, 0],
  ],
  B: [
    [-1, -1],
    [-1, 1],
    [1, -1],
    [1, 1],
  ],
  N: [
    [-2, -1],
    [-2, 1],
    [-1, -2],
    [-1, 2],
    [1, -2],
    [1, 2],
    [2, -1],
    [2, 1],
  ],
  Q: KING_LIKE,
  K: KING_LIKE,
};
const SLIDES: Record<PieceLetter, boolean> = { P: false, R: true, B: true, N: false, Q: true, K: false };

export const squareName = (i: number): string =>
  `${String.fromCharCode(97 + (i % 8))}${8 - Math.floor(i / 8)}`;
export function squareIndex(name: string): number | undefined {
  const m = /^([a-h])([1-8])$/.exec(name);
  return m ? (8 - Number(m[2])) * 8 + ((m[1] as string).charCodeAt(0) - 97) : undefined;
}

export interface Move {
  from: number;
  to: number;
  piece: PieceLetter;
  captured: PieceLetter;
}

export const moveText = (m: Move): string =>
  `${PIECE_NAMES[m.piece]} from ${squareName(m.from)} to ${squareName(m.to)}`;
/** The original's option wording of a move. */
export const moveOption = (m: Move): string =>
  `move ${PIECE_NAMES[m.piece]} in ${squareName(m.from)} to capture ${PIECE_NAMES[m.captured]} in ${squareName(m.to)}`;

/** Every capture, square by square (row-major from a8), each piece's directions in the original's order. */
export function captures(b: Board): Move[] {
  const out: Move[] = [];
  for (let from = 0; from < 64; from++) {
    const piece = b[from];
    if (!piece) continue;
    const r = Math.floor(from / 8);
    const c = from % 8;
    for (const [dr, dc] of OFFSETS[piece]) {
      for (let k = 1; ; k++) {
        const rr = r + dr * k;
        const cc = c + dc * k;
        if (rr < 0 || rr > 7 || cc < 0 || cc > 7) break;
        const target = b[rr * 8 + cc];
        if (target) {
          out.push({ from, to: rr * 8 + cc, piece, captured: target });
          break;
        }
        if (!SLIDES[piece]) break;
      }
    }
  }
  return out;
}

export function apply(b: Board, m: Move): Board {
  const next = b.slice();
  next[m.from] = null;
  next[m.to] = m.piece;
  return next;
}

export const pieceCount = (b: Board): number => b.filter(Boolean).length;

/** Depth-first search as the original's solver: the first solution, and how many moves were tried. */
export function solve(b: Board): { moves: Move[] | null; tried: number; backtracks: number } {
  let tried = 0;
  let backtracks = 0;
  const path: Move[] = [];
  const walk = (board: Board, left: number): boolean => {
    if (left === 1) return true;
    for (const m of captures(board)) {
      tried++;
      path.push(m);
      if (walk(apply(board, m), left - 1)) return true;
      path.pop();
      backtracks++;
    }
    return false;
  };
  const ok = walk(b, pieceCount(b));
  return { moves: ok ? path : null, tried, backtracks };
}
