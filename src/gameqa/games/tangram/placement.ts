/**
 * Placement of two removed, touching pieces back into their common hole. As in the original, the
 * first piece is tried at the four corners of the hole's bounding box; a corner works when the first
 * piece lies on hole cells there and the cells it leaves are exactly the second piece's shape.
 */
import { type Box, type Cell, dims, heightOf, type Mask, maskOf, widthOf } from "./logic.js";

export const CORNERS = ["upper-left", "upper-right", "bottom-left", "bottom-right"] as const;
export type Corner = (typeof CORNERS)[number];

/** A rectangle of board cells, written as the original's options: "(top,left) to (bottom,right)". */
export const span = (top: number, left: number, h: number, w: number): string =>
  `(${top},${left}) to (${top + h - 1},${left + w - 1})`;

export type CornerResult =
  | { corner: Corner; outcome: "same-as"; same: Corner; because: "width" | "height" }
  | { corner: Corner; outcome: "too-big"; at: string }
  | { corner: Corner; outcome: "blocked"; at: string; pieceCell: Cell; boardCell: Cell }
  | { corner: Corner; outcome: "wrong-rest"; at: string; rest: string }
  | { corner: Corner; outcome: "rest-differs"; at: string; restAt: string; pieceCell: Cell }
  | { corner: Corner; outcome: "fits"; at: string; restAt: string; rest: string };

export interface PlacementAnalysis {
  hole: Mask;
  holeBox: Box;
  first: Mask;
  second: Mask;
  corners: CornerResult[];
  /** Board rectangles of the corners that work, in corner order. */
  valid: string[];
}

/** Top-left board cell of the first piece at a corner of the hole. */
function cornerOrigin(corner: Corner, box: Box, h: number, w: number): Cell {
  const top = corner.startsWith("bottom") ? box.bottom - h + 1 : box.top;
  const left = corner.endsWith("right") ? box.right - w + 1 : box.left;
  return [top, left];
}

/** The first cell (row-major) of `piece` at (top, left) of `grid` that is not an empty (0) cell. */
function firstBlocked(grid: readonly number[][], piece: Mask, top: number, left: number): Cell | null {
  for (let r = 0; r < heightOf(piece); r++)
    for (let c = 0; c < widthOf(piece); c++)
      if (piece[r]?.[c] && grid[top + r]?.[left + c] !== 0) return [r, c];
  return null;
}

/** `grid` with the first piece dropped at (top, left): its cells marked -1 (assumes they were empty). */
function withPiece(grid: readonly number[][], piece: Mask, top: number, left: number): number[][] {
  return grid.map((row, r) => row.map((v, c) => (piece[r - top]?.[c - left] ? -1 : v)));
}

const sameMask = (a: Mask, b: Mask): boolean =>
  heightOf(a) === heightOf(b) &&
  widthOf(a) === widthOf(b) &&
  a.every((row, r) => row.every((v, c) => v === b[r]?.[c]));

/**
 * Whether the first piece at board cell (top, left) and the second piece in the cells left over
 * fill the hole exactly (any position, not only corners: used to keep wrong options wrong).
 */
export function placementWorks(
  grid: readonly number[][],
  first: Mask,
  second: Mask,
  top: number,
  left: number,
): boolean {
  if (firstBlocked(grid, first, top, left)) return false;
  if (
    top < 0 ||
    left < 0 ||
    top + heightOf(first) > grid.length ||
    left + widthOf(first) > (grid[0]?.length ?? 0)
  )
    return false;
  const rest = maskOf(withPiece(grid, first, top, left), 0);
  return rest !== undefined && sameMask(rest.mask, second);
}

/** The original's corner search, with what happened at each corner. */
export function analysePlacement(
  grid: readonly number[][],
  first: Mask,
  second: Mask,
): PlacementAnalysis | undefined {
  const found = maskOf(grid, 0);
  if (!found) return undefined;
  const { mask: hole, box } = found;
  const H = heightOf(hole);
  const W = widthOf(hole);
  const h = heightOf(first);
  const w = widthOf(first);
  const corners: CornerResult[] = [];
  const valid: string[] = [];
  for (const corner of CORNERS) {
    // A piece as wide (tall) as the hole sits at the same place in the right (bottom) corners.
    if (corner.endsWith("right") && w === W) {
      corners.push({
        corner,
        outcome: "same-as",
        same: corner.startsWith("upper") ? "upper-left" : "bottom-left",
        because: "width",
      });
      continue;
    }
    if (corner.startsWith("bottom") && h === H) {
      corners.push({
        corner,
        outcome: "same-as",
        same: corner.endsWith("left") ? "upper-left" : "upper-right",
        because: "height",
      });
      continue;
    }
    const [top, left] = cornerOrigin(corner, box, h, w);
    const at = span(top, left, h, w);
    if (h > H || w > W) {
      corners.push({ corner, outcome: "too-big", at });
      continue;
    }
    const blocked = firstBlocked(grid, first, top, left);
    if (blocked) {
      corners.push({
        corner,
        outcome: "blocked",
        at,
        pieceCell: blocked,
        boardCell: [top + blocked[0], left + blocked[1]],
      });
      continue;
    }
    const after = withPiece(grid, first, top, left);
    const rest = maskOf(after, 0);
    if (!rest || heightOf(rest.mask) !== heightOf(second) || widthOf(rest.mask) !== widthOf(second)) {
      corners.push({ corner, outcome: "wrong-rest", at, rest: rest ? dims(rest.mask) : "0x0" });
      continue;
    }
    const restAt = span(rest.box.top, rest.box.left, heightOf(second), widthOf(second));
    const miss = firstBlocked(after, second, rest.box.top, rest.box.left);
    if (miss) {
      corners.push({ corner, outcome: "rest-differs", at, restAt, pieceCell: miss });
      continue;
    }
    corners.push({ corner, outcome: "fits", at, restAt, rest: dims(rest.mask) });
    valid.push(at);
  }
  return { hole, holeBox: box, first, second, corners, valid };
}
