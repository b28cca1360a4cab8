import { svgText } from "../../render/font.js";
import { circle, polygon, rect, svgDocument } from "../../render/svg.js";
import type { PieceLetter } from "./logic.js";
import type { ChessRangerState } from "./state.js";

/* The original's picture (520 x 520): 60 px squares from (20, 20), a8 at the top left, white and
   grey squares, a 2 px black frame, rank numbers on the left and file letters below. Its pieces are
   black sprite images; ours are black silhouettes drawn in code, each a different outline. */
const CELL = 60;
const ORIGIN = 20;
const SIZE = 8 * CELL + 40;
const INK = "#000000";
const LIGHT = "#ffffff";

type Shape = string[];
const P = (pts: Array<[number, number]>, x: number, y: number, fill = INK): string =>
  polygon(
    pts.map(([u, v]) => [x + u, y + v]),
    fill,
  );
const base = (x: number, y: number): Shape => [
  rect(x + 15, y + 46, 30, 6, INK),
  rect(x + 18, y + 42, 24, 4, INK),
];

const GLYPHS: Record<PieceLetter, (x: number, y: number) => Shape> = {
  P: (x, y) => [
    circle(x + 30, y + 20, 7, INK),
    P(
      [
        [23, 42],
        [37, 42],
        [33, 27],
        [27, 27],
      ],
      x,
      y,
    ),
    ...base(x, y),
  ],
  R: (x, y) => [
    rect(x + 21, y + 12, 18, 10, INK),
    rect(x + 25, y + 12, 3, 4, LIGHT),
    rect(x + 32, y + 12, 3, 4, LIGHT),
    rect(x + 23, y + 22, 14, 20, INK),
    ...base(x, y),
  ],
  B: (x, y) => [
    circle(x + 30, y + 9, 3, INK),
    P(
      [
        [30, 11],
        [37, 21],
        [34, 31],
        [26, 31],
        [23, 21],
      ],
      x,
      y,
    ),
    P(
      [
        [28, 18],
        [33, 15],
        [34, 17],
        [29, 20],
      ],
      x,
      y,
      LIGHT,
    ),
    P(
      [
        [25, 42],
        [35, 42],
        [32, 31],
        [28, 31],
      ],
      x,
      y,
    ),
    ...base(x, y),
  ],
  N: (x, y) => [
    P(
      [
        [21, 42],
        [40, 42],
        [39, 27],
        [36, 17],
        [30, 11],
        [27, 14],
        [21, 18],
        [16, 26],
        [19, 30],
        [27, 26],
        [23, 35],
      ],
      x,
      y,
    ),
    circle(x + 27, y + 19, 1.8, LIGHT),
    ...base(x, y),
  ],
  Q: (x, y) => [
    P(
      [
        [17, 16],
        [23, 30],
        [25, 13],
        [30, 28],
        [35, 13],
        [37, 30],
        [43, 16],
        [39, 42],
        [21, 42],
      ],
      x,
      y,
    ),
    circle(x + 17, y + 15, 2.5, INK),
    circle(x + 25, y + 12, 2.5, INK),
    circle(x + 35, y + 12, 2.5, INK),
    circle(x + 43, y + 15, 2.5, INK),
    ...base(x, y),
  ],
  K: (x, y) => [
    rect(x + 28, y + 5, 4, 13, INK),
    rect(x + 24, y + 8, 12, 4, INK),
    P(
      [
        [21, 42],
        [39, 42],
        [38, 24],
        [33, 19],
        [27, 19],
        [22, 24],
      ],
      x,
      y,
    ),
    rect(x + 22, y + 33, 16, 2, LIGHT),
    ...base(x, y),
  ],
};

export function renderChessRanger(s: ChessRangerState): string {
  const parts: string[] = [];
  for (let r = 0; r < 8; r++)
    for (let c = 0; c < 8; c++)
      parts.push(rect(ORIGIN + c * CELL, ORIGIN + r * CELL, CELL, CELL, (r + c) % 2 ? "#808080" : LIGHT));
  const side = 8 * CELL;
  // The frame as four filled bars (a stroked, unfilled rect would leave the fast rasteriser).
  parts.push(
    rect(ORIGIN - 1, ORIGIN - 1, side + 2, 2, INK),
    rect(ORIGIN - 1, ORIGIN + side - 1, side + 2, 2, INK),
    rect(ORIGIN - 1, ORIGIN - 1, 2, side + 2, INK),
    rect(ORIGIN + side - 1, ORIGIN - 1, 2, side + 2, INK),
  );
  for (let i = 0; i < 8; i++) {
    parts.push(svgText(String(8 - i), 10, ORIGIN + i * CELL + CELL / 2, { size: 10, weight: 1.4 }));
    parts.push(
      svgText(String.fromCharCode(97 + i), ORIGIN + i * CELL + CELL / 2, SIZE - 10, {
        size: 10,
        weight: 1.4,
      }),
    );
  }
  for (const [r, row] of s.mine_board.entries())
    for (const [c, p] of row.entries()) if (p) parts.push(...GLYPHS[p](ORIGIN + c * CELL, ORIGIN + r * CELL));
  return svgDocument(SIZE, SIZE, parts.join(""));
}
