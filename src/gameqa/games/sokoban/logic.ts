/**
 * Sokoban rules and solvers. Positions are [row, col]. Three searches:
 * - `solveFewestMoves`: the true fewest player moves (steps + pushes) for one box, BFS over
 *   (box, player) with a node cap, so it always ends;
 * - `originalMoveCount`: the original generator's answer to "minimum moves" (breadth-first by
 *   pushes, each push preceded by a shortest walk, first solution found), kept for conformance;
 * - `walkPath`: the shortest walk between two cells with boxes as walls (the original's BFS order).
 */
import type { SokobanState } from "./state.js";

export type Pos = readonly [row: number, col: number];
export type Direction = "Up" | "Right" | "Down" | "Left";

export const CELL = {
  empty: 0,
  wall: 1,
  box: 2,
  target: 3,
  boxOnTarget: 4,
  player: 5,
  playerOnTarget: 6,
} as const;

/** The original's move order (Up, Right, Down, Left), also used to break ties between equal paths. */
export const DIRECTIONS: readonly Direction[] = ["Up", "Right", "Down", "Left"];
export const DELTA: Record<Direction, Pos> = { Up: [-1, 0], Right: [0, 1], Down: [1, 0], Left: [0, -1] };

export const fmt = ([r, c]: Pos): string => `(${r}, ${c})`;
export const samePos = (a: Pos, b: Pos): boolean => a[0] === b[0] && a[1] === b[1];
const step = ([r, c]: Pos, d: Direction): Pos => [r + DELTA[d][0], c + DELTA[d][1]];

export const cellAt = (s: SokobanState, [r, c]: Pos): number => s.grid[r]?.[c] ?? CELL.wall;
export const isWall = (s: SokobanState, p: Pos): boolean => cellAt(s, p) === CELL.wall;
const isBoxCell = (v: number): boolean => v === CELL.box || v === CELL.boxOnTarget;
export const playerPos = (s: SokobanState): Pos => [s.player.y, s.player.x];
export const boxPositions = (s: SokobanState): Pos[] => s.boxes.map((b) => [b.y, b.x] as Pos);
export const targetPositions = (s: SokobanState): Pos[] => s.targets.map((t) => [t.y, t.x] as Pos);

/** Every cell that is not a wall, row-major. */
export function openCells(s: SokobanState): Pos[] {
  const out: Pos[] = [];
  s.grid.forEach((row, r) => {
    row.forEach((v, c) => {
      if (v !== CELL.wall) out.push([r, c]);
    });
  });
  return out;
}

export interface MoveStep {
  dir: Direction;
  from: Pos;
  to: Pos;
  /** Why the player did not move, when it did not: a wall, or a box with a wall or box behind it. */
  blocked?: "wall" | { box: Pos; behind: "a wall" | "another box" };
  /** The box pushed, when there was one: from -> to. */
  push?: [Pos, Pos];
}

/** Play moves from the current state (boxes are pushed; a box cannot go into a wall or another box). */
export function simulatePlayer(
  s: SokobanState,
  moves: readonly Direction[],
): { final: Pos; steps: MoveStep[] } {
  const boxes = new Set(boxPositions(s).map((p) => `${p[0]},${p[1]}`));
  const key = (p: Pos): string => `${p[0]},${p[1]}`;
  let at = playerPos(s);
  const steps: MoveStep[] = [];
  for (const dir of moves) {
    const next = step(at, dir);
    if (isWall(s, next)) {
      steps.push({ dir, from: at, to: at, blocked: "wall" });
      continue;
    }
    if (boxes.has(key(next))) {
      const beyond = step(next, dir);
      if (isWall(s, beyond) || boxes.has(key(beyond))) {
        steps.push({
          dir,
          from: at,
          to: at,
          blocked: { box: next, behind: isWall(s, beyond) ? "a wall" : "another box" },
        });
        continue;
      }
      boxes.delete(key(next));
      boxes.add(key(beyond));
      steps.push({ dir, from: at, to: next, push: [next, beyond] });
    } else steps.push({ dir, from: at, to: next });
    at = next;
  }
  return { final: at, steps };
}

/** A box sliding on its own: each move succeeds unless a wall is in the way (the player and targets are floor). */
export function simulateLoneBox(
  s: SokobanState,
  start: Pos,
  moves: readonly Direction[],
): { final: Pos; path: Pos[] } {
  let at = start;
  const path: Pos[] = [at];
  for (const dir of moves) {
    const next = step(at, dir);
    if (!isWall(s, next)) at = next;
    path.push(at);
  }
  return { final: at, path };
}

/** Shortest walk from `from` to `to` with walls and boxes blocking, first found in Up/Right/Down/Left order. */
export function walkPath(s: SokobanState, from: Pos, to: Pos): Direction[] | null {
  const rows = s.grid.length;
  const cols = s.grid[0]?.length ?? 0;
  const prev = new Map<number, [number, Direction]>();
  const id = ([r, c]: Pos): number => r * cols + c;
  const seen = new Set([id(from)]);
  const queue: Pos[] = [from];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head] as Pos;
    if (samePos(at, to)) {
      const moves: Direction[] = [];
      for (let k = id(at); k !== id(from); ) {
        const [before, dir] = prev.get(k) as [number, Direction];
        moves.push(dir);
        k = before;
      }
      return moves.reverse();
    }
    for (const dir of DIRECTIONS) {
      const next = step(at, dir);
      const v = cellAt(s, next);
      if (next[0] < 0 || next[1] < 0 || next[0] >= rows || next[1] >= cols) continue;
      if (v === CELL.wall || isBoxCell(v) || seen.has(id(next))) continue;
      seen.add(id(next));
      prev.set(id(next), [id(at), dir]);
      queue.push(next);
    }
  }
  return null;
}

/** Does a move list, played from `from` with walls and boxes blocking, stay on open cells and end at `to`? */
export function isValidWalk(s: SokobanState, from: Pos, to: Pos, moves: readonly Direction[]): boolean {
  let at = from;
  for (const dir of moves) {
    at = step(at, dir);
    const v = cellAt(s, at);
    if (v === CELL.wall || isBoxCell(v)) return false;
  }
  return samePos(at, to);
}

export interface Solution {
  /** Player moves in order (walking steps and pushes). */
  moves: MoveStep[];
  pushes: number;
}

/** Default node cap of the single-box searches (a 12x12 board has at most ~10^4 states). */
export const NODE_CAP = 200_000;

/**
 * The fewest player moves that bring the (single) box onto the (single) free target: BFS over
 * (box, player) states, one move per edge. Null when unsolvable, when the board has several
 * boxes or no free target, or when more than `cap` states would be expanded.
 */
export function solveFewestMoves(s: SokobanState, cap = NODE_CAP): Solution | null {
  const boxes = boxPositions(s);
  const targets = targetPositions(s).filter((t) => cellAt(s, t) === CELL.target);
  if (boxes.length !== 1 || targets.length !== 1) return null;
  const cols = s.grid[0]?.length ?? 0;
  const cells = s.grid.length * cols;
  const open = new Uint8Array(cells);
  s.grid.forEach((row, r) => {
    row.forEach((v, c) => {
      open[r * cols + c] = v === CELL.wall ? 0 : 1;
    });
  });
  const id = (p: Pos): number => p[0] * cols + p[1];
  const target = id(targets[0] as Pos);
  const offsets = DIRECTIONS.map((d) => DELTA[d][0] * cols + DELTA[d][1]);
  const rows = s.grid.length;
  /** Whether the neighbour of cell k in direction d (Up, Right, Down, Left) is on the board. */
  const inside = (k: number, d: number): boolean => {
    const r = Math.floor(k / cols);
    const c = k % cols;
    return d === 0 ? r > 0 : d === 1 ? c < cols - 1 : d === 2 ? r < rows - 1 : c > 0;
  };
  // State = box * cells + player; prev holds the previous state + 1 (0 = unseen), how the direction index.
  const prev = new Int32Array(cells * cells);
  const how = new Uint8Array(cells * cells);
  const start = id(boxes[0] as Pos) * cells + id(playerPos(s));
  prev[start] = -1;
  const queue = new Int32Array(Math.min(cells * cells, cap + 8));
  queue[0] = start;
  let tail = 1;
  for (let head = 0; head < tail && head < cap; head++) {
    const state = queue[head] as number;
    const box = Math.floor(state / cells);
    if (box === target) return replay(s, state, prev, how);
    const player = state % cells;
    for (let d = 0; d < 4; d++) {
      if (!inside(player, d)) continue;
      const next = player + (offsets[d] as number);
      if (open[next] === 0) continue;
      let nextBox = box;
      if (next === box) {
        if (!inside(box, d)) continue;
        nextBox = box + (offsets[d] as number);
        if (open[nextBox] === 0) continue;
      }
      const key = nextBox * cells + next;
      if (prev[key] !== 0 || tail >= queue.length) continue;
      prev[key] = state + 1;
      how[key] = d;
      queue[tail++] = key;
    }
  }
  return null;
}

function replay(s: SokobanState, end: number, prev: Int32Array, how: Uint8Array): Solution {
  const dirs: Direction[] = [];
  for (let k = end; prev[k] !== -1; k = (prev[k] as number) - 1)
    dirs.push(DIRECTIONS[how[k] as number] as Direction);
  const { steps } = simulatePlayer(s, dirs.reverse());
  return { moves: steps, pushes: steps.filter((m) => m.push).length };
}

/**
 * The original generator's "minimum moves": breadth-first over pushes (right, down, left, up from
 * the box), each push preceded by the shortest walk to the pushing cell with the box as the only
 * obstacle besides walls; the first solution reached counts (fewest pushes, not fewest moves).
 * Returns -1 when it finds none, as the original does (also when the target lies under the box or
 * the player, which its grid conversion loses).
 */
export function originalMoveCount(s: SokobanState, cap = NODE_CAP): number {
  const boxes = boxPositions(s);
  const free = targetPositions(s).filter((t) => cellAt(s, t) === CELL.target);
  if (boxes.length === 0 || free.length === 0) return -1;
  // The original keeps the last box/target it meets in row-major order.
  const target = free[free.length - 1] as Pos;
  const startBox = boxes[boxes.length - 1] as Pos;
  const order: Pos[] = [
    [0, 1],
    [1, 0],
    [0, -1],
    [-1, 0],
  ];
  const seen = new Set([`${fmt(startBox)}${fmt(playerPos(s))}`]);
  const queue: Array<{ box: Pos; player: Pos; moves: number }> = [
    { box: startBox, player: playerPos(s), moves: 0 },
  ];
  for (let head = 0; head < queue.length && head < cap; head++) {
    const { box, player, moves } = queue[head] as (typeof queue)[number];
    if (samePos(box, target)) return moves;
    for (const [dr, dc] of order) {
      const nextBox: Pos = [box[0] + dr, box[1] + dc];
      const pushFrom: Pos = [box[0] - dr, box[1] - dc];
      if (isWall(s, nextBox) || isWall(s, pushFrom)) continue;
      const walk = walkDistance(s, player, pushFrom, box);
      if (walk < 0) continue;
      const key = `${fmt(nextBox)}${fmt(box)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ box: nextBox, player: box, moves: moves + walk + 1 });
    }
  }
  return -1;
}

/** Steps of the shortest walk with only walls and one box blocking; -1 when unreachable. */
function walkDistance(s: SokobanState, from: Pos, to: Pos, box: Pos): number {
  if (samePos(from, to)) return 0;
  const cols = s.grid[0]?.length ?? 0;
  const dist = new Map([[from[0] * cols + from[1], 0]]);
  const queue: Pos[] = [from];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head] as Pos;
    const d = dist.get(at[0] * cols + at[1]) as number;
    for (const dir of DIRECTIONS) {
      const next = step(at, dir);
      if (isWall(s, next) || samePos(next, box) || dist.has(next[0] * cols + next[1])) continue;
      if (samePos(next, to)) return d + 1;
      dist.set(next[0] * cols + next[1], d + 1);
      queue.push(next);
    }
  }
  return -1;
}

export const manhattan = (a: Pos, b: Pos): number => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]);
