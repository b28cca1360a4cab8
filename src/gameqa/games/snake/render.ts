import { svgText } from "../../render/font.js";
import { line, rect, svgDocument } from "../../render/svg.js";
import { cellsOf, type Pos, snakesOfMap } from "./logic.js";
import type { SnakeState } from "./state.js";

/* The original's canvas: a 420-pixel board (cell = 420 / side) inside a 30-pixel label margin. */
const MARGIN = 30;
const BOARD = 420;
/** The grid's colour: also the margin's, showing between the cells. */
export const GRID_COLOR = "#c8c8c8";
const COLORS = { grid: GRID_COLOR, empty: "#ffffff", head: "#ffff00", body: "#0000ff", food: "#ff0000" };

export function renderSnake(s: SnakeState): string {
  const n = s.map.length;
  const cell = Math.floor(BOARD / n);
  const size = n * cell + 2 * MARGIN;
  const parts: string[] = [rect(0, 0, size, size, COLORS.grid)];
  const label = Math.max(8, Math.round(cell * 0.3));
  for (let i = 0; i < n; i++) {
    const mid = MARGIN + i * cell + cell / 2;
    parts.push(
      svgText(String(i), MARGIN / 2, mid, { size: Math.min(label, 12), weight: 1.6 }),
      svgText(String(i), mid, MARGIN / 2, { size: Math.min(label, 12), weight: 1.6 }),
    );
  }
  const fill = { 0: COLORS.empty, 1: COLORS.food, 2: COLORS.body, 3: COLORS.head } as Record<number, string>;
  // Published maps may keep cells of a failed attempt that the original does not draw: draw the snake only.
  const snake = s.snake ?? snakesOfMap(s.map)?.[0] ?? cellsOf(s.map, 3);
  const onSnake = new Set(snake.map(([r, c]) => r * n + c));
  s.map.forEach((row, r) => {
    row.forEach((v, c) => {
      const colour = v >= 2 && !onSnake.has(r * n + c) ? COLORS.empty : (fill[v] as string);
      parts.push(rect(MARGIN + c * cell + 1, MARGIN + r * cell + 1, cell - 2, cell - 2, colour));
    });
  });
  const centre = ([r, c]: Pos): [number, number] => [
    MARGIN + c * cell + cell / 2,
    MARGIN + r * cell + cell / 2,
  ];
  for (let i = 1; i < snake.length; i++) {
    const [x1, y1] = centre(snake[i - 1] as Pos);
    const [x2, y2] = centre(snake[i] as Pos);
    parts.push(line(x1, y1, x2, y2, "#000000", 4));
  }
  return svgDocument(size, size, parts.join(""));
}
