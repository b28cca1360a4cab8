/**
 * Snake state. `map` has the published encoding (0 empty, 1 food, 2 body, 3 head; row 0 on top).
 * The published states stop there, although the picture also shows the body's order (a black line
 * through the segments); our states add `snake`, the segments from head to tail as [row, col].
 */
import { UserError } from "../../../util/errors.js";
import { expectMatrix, expectObject, intCell } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { DIRECTIONS, fallbackSnake, type Pos } from "./logic.js";

export interface SnakeState {
  map: number[][];
  snake?: Pos[];
}

/** Board side per plot level (the original draws 5, 10 or 15 and levels by size). */
export const SNAKE_SIZES: Record<Level, number> = { Easy: 5, Medium: 10, Hard: 15 };

/** Random self-avoiding walk from `head` of `length` cells, or null when it gets stuck. */
function randomWalk(rng: Rng, size: number, head: Pos, length: number): Pos[] | null {
  const used = new Set<number>([head[0] * size + head[1]]);
  const walk: Pos[] = [head];
  while (walk.length < length) {
    const [r, c] = walk[walk.length - 1] as Pos;
    const next = rng
      .shuffle(DIRECTIONS)
      .map(({ dr, dc }): Pos => [r + dr, c + dc])
      .find(([nr, nc]) => nr >= 0 && nr < size && nc >= 0 && nc < size && !used.has(nr * size + nc));
    if (!next) return null;
    used.add(next[0] * size + next[1]);
    walk.push(next);
  }
  return walk;
}

/**
 * The original's generator: a snake of 10-20 segments laid as a random walk from a random head
 * (100 tries), else a two-segment snake (head plus its first in-bounds neighbour, up/right/down/left
 * order); then food on a random empty cell.
 */
export function generateState(rng: Rng, plotLevel: Level): SnakeState {
  const size = SNAKE_SIZES[plotLevel];
  const length = Math.min(rng.int(10, 20), size * size - 1);
  const head: Pos = [rng.int(0, size - 1), rng.int(0, size - 1)];
  let snake: Pos[] | null = null;
  for (let attempt = 0; attempt < 100 && !snake; attempt++) snake = randomWalk(rng, size, head, length);
  snake ??= fallbackSnake(head, size);
  const map = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  snake.forEach(([r, c], i) => {
    (map[r] as number[])[c] = i === 0 ? 3 : 2;
  });
  const empty: Pos[] = [];
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) if (map[r]?.[c] === 0) empty.push([r, c]);
  const [fr, fc] = rng.pick(empty);
  (map[fr] as number[])[fc] = 1;
  return { map, snake };
}

function parseSnake(v: unknown, map: number[][], where: string): Pos[] {
  const size = map.length;
  if (!Array.isArray(v) || v.length < 1)
    throw new UserError(`${where}: field "snake" must be a list of [row, col]`);
  return v.map((p, i): Pos => {
    const ok =
      Array.isArray(p) &&
      p.length === 2 &&
      p.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < size);
    if (!ok) throw new UserError(`${where}: field "snake"[${i}] is not a [row, col] inside the board`);
    const [r, c] = p as Pos;
    if (map[r]?.[c] !== (i === 0 ? 3 : 2))
      throw new UserError(
        `${where}: field "snake"[${i}] = [${r}, ${c}] is not a ${i === 0 ? "head" : "body"} cell of "map"`,
      );
    return [r, c];
  });
}

export function parseState(json: unknown, where: string): SnakeState {
  const o = expectObject(json, where);
  const map = expectMatrix(o, "map", where, intCell(0, 3), "0 (empty), 1 (food), 2 (body) or 3 (head)");
  if (map.length !== map[0]?.length) throw new UserError(`${where}: field "map" is not square`);
  const heads = map.flat().filter((v) => v === 3).length;
  if (heads !== 1)
    throw new UserError(`${where}: field "map" must hold exactly one head (3), found ${heads}`);
  if (map.flat().filter((v) => v === 1).length > 1)
    throw new UserError(`${where}: field "map" holds several foods (1)`);
  return o.snake === undefined ? { map } : { map, snake: parseSnake(o.snake, map, where) };
}
