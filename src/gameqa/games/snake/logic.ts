/**
 * Snake rules: moving, the outcome of a list of moves, and the shortest path to the food with the
 * body moving along (the tail's cell frees as the head moves, as in the original).
 */

/** [row, col], row 0 on top. */
export type Pos = [number, number];
export type Move = "up" | "right" | "down" | "left";

/** The original's direction order (also its search order). */
export const DIRECTIONS: ReadonlyArray<{ name: Move; dr: number; dc: number }> = [
  { name: "up", dr: -1, dc: 0 },
  { name: "right", dr: 0, dc: 1 },
  { name: "down", dr: 1, dc: 0 },
  { name: "left", dr: 0, dc: -1 },
];
const STEP = new Map(DIRECTIONS.map((d) => [d.name, d]));
export const OPPOSITE: Record<Move, Move> = { up: "down", down: "up", left: "right", right: "left" };

export const fmt = (p: Pos): string => `(${p[0]}, ${p[1]})`;
export const fmtList = (ps: readonly Pos[]): string => `[${ps.map(fmt).join(", ")}]`;
const same = (a: Pos, b: Pos): boolean => a[0] === b[0] && a[1] === b[1];

/** Cells of the map holding `value`, row-major. */
export function cellsOf(map: number[][], value: number): Pos[] {
  const out: Pos[] = [];
  map.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v === value) out.push([r, c]);
    });
  });
  return out;
}

/** The move that took the head from `from` to the adjacent `to`. */
export function moveBetween(from: Pos, to: Pos): Move {
  const d = DIRECTIONS.find((x) => from[0] + x.dr === to[0] && from[1] + x.dc === to[1]);
  if (!d) throw new Error(`cells ${fmt(from)} and ${fmt(to)} are not adjacent`);
  return d.name;
}

/** The snake after one move: a new head, every segment takes the place of the one before it. */
export function step(snake: readonly Pos[], move: Move): Pos[] {
  const d = STEP.get(move) as { dr: number; dc: number };
  const [r, c] = snake[0] as Pos;
  return [[r + d.dr, c + d.dc], ...snake.slice(0, -1)];
}

/** 0 hits the border, 1 hits its body, 2 reaches the food, 3 nothing happens (the original's numbering). */
export type Outcome = 0 | 1 | 2 | 3;
export const OUTCOME_TEXT: readonly string[] = [
  "The snake hits the bound of the grid.",
  "The snake hits its body.",
  "The snake reaches the food.",
  "Nothing happens.",
];

export interface Simulation {
  outcome: Outcome;
  /** Snake before each executed move, then the snake after the last one. */
  snakes: Pos[][];
  /** Number of moves executed (the last one ends the process when outcome < 3). */
  steps: number;
}

/** Play `moves`; stop at the first move that leaves the grid, bites the body or eats the food. */
export function simulate(
  snake: readonly Pos[],
  moves: readonly Move[],
  size: number,
  food: Pos | null,
): Simulation {
  const snakes: Pos[][] = [snake.slice()];
  let cur = snake.slice();
  for (let i = 0; i < moves.length; i++) {
    cur = step(cur, moves[i] as Move);
    snakes.push(cur);
    const [r, c] = cur[0] as Pos;
    if (r < 0 || r >= size || c < 0 || c >= size) return { outcome: 0, snakes, steps: i + 1 };
    if (cur.slice(1).some((p) => p[0] === r && p[1] === c)) return { outcome: 1, snakes, steps: i + 1 };
    if (food && same([r, c], food)) return { outcome: 2, snakes, steps: i + 1 };
  }
  return { outcome: 3, snakes, steps: moves.length };
}

/**
 * Shortest list of moves that brings the head onto the food, the whole body moving each step
 * (a move may enter the cell the tail is leaving, never another segment). A* over full snake
 * configurations with the Manhattan distance, which never overestimates, so the first path found is
 * shortest. Returns null when no configuration reachable from the start reaches the food, and
 * undefined when more than `budget` configurations were expanded (the original's exhaustive
 * breadth-first search can run for hours on such boards).
 */
export function shortestPath(
  snake: readonly Pos[],
  food: Pos | null,
  size: number,
  budget = 200_000,
): Move[] | null | undefined {
  if (!food) return null;
  const target = food[0] * size + food[1];
  const h = (cell: number): number =>
    Math.abs(Math.floor(cell / size) - food[0]) + Math.abs((cell % size) - food[1]);
  const start = snake.map(([r, c]) => r * size + c);
  const bodies: number[][] = [start];
  const parent: number[] = [-1];
  const via: number[] = [-1];
  const g: number[] = [0];
  const best = new Map<string, number>([[String.fromCharCode(...start), 0]]);
  const buckets: number[][] = [];
  const push = (node: number): void => {
    const f = (g[node] as number) + h((bodies[node] as number[])[0] as number);
    const bucket = buckets[f] ?? [];
    bucket.push(node);
    buckets[f] = bucket;
  };
  const pathTo = (node: number, last: number): Move[] => {
    const moves: Move[] = [(DIRECTIONS[last] as { name: Move }).name];
    for (let n = node; parent[n] !== -1; n = parent[n] as number)
      moves.push((DIRECTIONS[via[n] as number] as { name: Move }).name);
    return moves.reverse();
  };
  push(0);
  let expanded = 0;
  for (let f = 0; f < buckets.length; f++) {
    const bucket = buckets[f];
    while (bucket && bucket.length > 0) {
      const node = bucket.pop() as number;
      const body = bodies[node] as number[];
      if ((best.get(String.fromCharCode(...body)) as number) < (g[node] as number)) continue;
      if (++expanded > budget) return undefined;
      const head = body[0] as number;
      const hr = Math.floor(head / size);
      const hc = head % size;
      for (let d = 0; d < DIRECTIONS.length; d++) {
        const { dr, dc } = DIRECTIONS[d] as { dr: number; dc: number };
        const r = hr + dr;
        const c = hc + dc;
        if (r < 0 || r >= size || c < 0 || c >= size) continue;
        const cell = r * size + c;
        if (cell === target) return pathTo(node, d);
        if (body.indexOf(cell) !== -1 && body.indexOf(cell) < body.length - 1) continue;
        const next = [cell, ...body.slice(0, -1)];
        const key = String.fromCharCode(...next);
        const gn = (g[node] as number) + 1;
        if ((best.get(key) ?? Number.POSITIVE_INFINITY) <= gn) continue;
        best.set(key, gn);
        bodies.push(next);
        parent.push(node);
        via.push(d);
        g.push(gn);
        push(bodies.length - 1);
      }
    }
  }
  return null;
}

/**
 * Every order of the map's body cells that makes a snake: a path from the head through all of them,
 * each segment adjacent to the next. At most `cap` orders, and null when the search itself grows too
 * large (published states store the cells but not their order).
 */
export function bodyOrders(map: number[][], cap = 32, budget = 200_000): Pos[][] | null {
  const size = map.length;
  const head = cellsOf(map, 3)[0] as Pos;
  const body = new Set(cellsOf(map, 2).map(([r, c]) => r * size + c));
  const total = body.size;
  const path: Pos[] = [head];
  const out: Pos[][] = [];
  let work = 0;
  const extend = (): boolean => {
    if (++work > budget) return false;
    if (path.length === total + 1) {
      out.push(path.slice());
      return out.length < cap;
    }
    const [r, c] = path[path.length - 1] as Pos;
    for (const { dr, dc } of DIRECTIONS) {
      const nr = r + dr;
      const nc = c + dc;
      const k = nr * size + nc;
      if (nr < 0 || nr >= size || nc < 0 || nc >= size || !body.has(k)) continue;
      body.delete(k);
      path.push([nr, nc]);
      const more = extend();
      path.pop();
      body.add(k);
      if (!more) return false;
    }
    return true;
  };
  extend();
  return work > budget ? null : out;
}

/** The original's two-segment snake when no long walk fits: the head and its first in-bounds neighbour. */
export function fallbackSnake(head: Pos, size: number): Pos[] {
  for (const { dr, dc } of DIRECTIONS) {
    const r = head[0] + dr;
    const c = head[1] + dc;
    if (r >= 0 && r < size && c >= 0 && c < size) return [head, [r, c]];
  }
  return [head];
}

/**
 * The snakes a published map may show (its state has the body cells, not their order): every order
 * of the body cells that forms a snake, or, when none does, the two-segment snake the original falls
 * back to (its map then keeps the cells of a failed attempt). Null when the search grows too large.
 */
export function snakesOfMap(map: number[][]): Pos[][] | null {
  const orders = bodyOrders(map);
  if (orders === null) return null;
  return orders.length > 0 ? orders : [fallbackSnake(cellsOf(map, 3)[0] as Pos, map.length)];
}
