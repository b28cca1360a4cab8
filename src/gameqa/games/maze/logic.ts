import { cellsWhere } from "../../grid.js";
import type { Rng } from "../../types.js";

/** Grid maze: 0 empty, 1 wall, 2 player, 3 goal; positions are [row, col], 0-based. */
export interface MazeState {
  maze: number[][];
  size: [number, number];
  playerPosition: [number, number];
  endPosition: [number, number];
}

export type Move = "up" | "down" | "left" | "right";
export const MOVES: readonly Move[] = ["up", "down", "left", "right"];
export const DELTA: Record<Move, [number, number]> = {
  up: [-1, 0],
  down: [1, 0],
  left: [0, -1],
  right: [0, 1],
};
export const pos = (p: readonly number[]): string => `(${p[0]}, ${p[1]})`;

export function walkable(m: number[][], r: number, c: number): boolean {
  const v = m[r]?.[c];
  return v === 0 || v === 2 || v === 3;
}

/** Directions the player can step to from its cell, in the order up, down, left, right. */
export function availableMoves(s: MazeState): Move[] {
  const [r, c] = s.playerPosition;
  return MOVES.filter((d) => walkable(s.maze, r + DELTA[d][0], c + DELTA[d][1]));
}

/** Shortest path (BFS) from player to goal as cells, start included; in a perfect maze it is the only simple path. */
export function shortestPath(s: MazeState): Array<[number, number]> | undefined {
  const [sr, sc] = s.playerPosition;
  const rows = s.maze.length;
  const cols = s.maze[0]?.length ?? 0;
  const prev = new Map<number, number>();
  const key = (r: number, c: number): number => r * cols + c;
  const queue: Array<[number, number]> = [[sr, sc]];
  prev.set(key(sr, sc), -1);
  for (let head = 0; head < queue.length; head++) {
    const [r, c] = queue[head] as [number, number];
    if (r === s.endPosition[0] && c === s.endPosition[1]) {
      const path: Array<[number, number]> = [];
      for (let k = key(r, c); k !== -1; k = prev.get(k) ?? -1) path.push([Math.floor(k / cols), k % cols]);
      return path.reverse();
    }
    for (const d of MOVES) {
      const nr = r + DELTA[d][0];
      const nc = c + DELTA[d][1];
      if (nr < 0 || nc < 0 || nr >= rows || nc >= cols || !walkable(s.maze, nr, nc) || prev.has(key(nr, nc)))
        continue;
      prev.set(key(nr, nc), key(r, c));
      queue.push([nr, nc]);
    }
  }
  return undefined;
}

export function pathMoves(path: Array<[number, number]>): Move[] {
  const moves: Move[] = [];
  for (let i = 1; i < path.length; i++) {
    const [r0, c0] = path[i - 1] as [number, number];
    const [r1, c1] = path[i] as [number, number];
    moves.push(r1 < r0 ? "up" : r1 > r0 ? "down" : c1 < c0 ? "left" : "right");
  }
  return moves;
}

/** Number of direction changes along a move list. */
export function countTurns(moves: Move[]): number {
  let turns = 0;
  for (let i = 1; i < moves.length; i++) if (moves[i] !== moves[i - 1]) turns++;
  return turns;
}

/** True when following `moves` never enters a wall or leaves the board and visits the goal at some point. */
export function reachesGoal(s: MazeState, moves: readonly Move[]): boolean {
  let [r, c] = s.playerPosition;
  for (const d of moves) {
    r += DELTA[d][0];
    c += DELTA[d][1];
    if (!walkable(s.maze, r, c)) return false;
    if (r === s.endPosition[0] && c === s.endPosition[1]) return true;
  }
  return false;
}

/** A perfect maze (randomised depth-first carving from (1, 1)); player and goal placed as the original does. */
export function generateMaze(rng: Rng, n: number): MazeState {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(1));
  const carve = (r: number, c: number): void => {
    (m[r] as number[])[c] = 0;
    for (const [dr, dc] of rng.shuffle([
      [-2, 0],
      [0, 2],
      [2, 0],
      [0, -2],
    ] as const)) {
      const nr = r + dr;
      const nc = c + dc;
      if (nr > 0 && nc > 0 && nr < n - 1 && nc < n - 1 && m[nr]?.[nc] === 1) {
        (m[r + dr / 2] as number[])[c + dc / 2] = 0;
        carve(nr, nc);
      }
    }
  };
  carve(1, 1);
  const empty = cellsWhere(m, (v) => v === 0);
  const player = rng.pick(empty);
  // Goal: a cell at the third-largest Manhattan distance from the player (far, but not always a corner).
  const dist = (p: [number, number]): number => Math.abs(p[0] - player[0]) + Math.abs(p[1] - player[1]);
  const others = empty.filter((p) => p !== player);
  const distances = [...new Set(others.map(dist))].sort((a, b) => b - a);
  const target = distances[Math.min(2, distances.length - 1)] as number;
  const goal = rng.pick(others.filter((p) => dist(p) === target));
  (m[player[0]] as number[])[player[1]] = 2;
  (m[goal[0]] as number[])[goal[1]] = 3;
  return { maze: m, size: [n, n], playerPosition: player, endPosition: goal };
}
