/**
 * Pac-Man rules as the original plays them. Positions are [row, col]. Ghosts chase along a
 * breadth-first shortest path whose neighbour order (UP, DOWN, LEFT, RIGHT) decides ties; Pinky
 * aims up to four cells ahead of Pac-Man (stopping before a wall), Blinky at Pac-Man. In a turn
 * Pac-Man moves first, then Pinky, then Blinky; a ghost that ends its move on Pac-Man's cell catches him.
 */
import type { PacmanState } from "./state.js";

export type Pos = readonly [row: number, col: number];
export type Dir = "UP" | "DOWN" | "LEFT" | "RIGHT";
export type GhostName = "Pinky" | "Blinky";

export const DELTA: Record<Dir, Pos> = { UP: [-1, 0], DOWN: [1, 0], LEFT: [0, -1], RIGHT: [0, 1] };
/** Breadth-first neighbour order of the original (this is what makes UP > DOWN > LEFT > RIGHT). */
export const BFS_ORDER: readonly Dir[] = ["UP", "DOWN", "LEFT", "RIGHT"];
export const fmt = ([r, c]: Pos): string => `(${r}, ${c})`;
export const samePos = (a: Pos, b: Pos): boolean => a[0] === b[0] && a[1] === b[1];
const add = ([r, c]: Pos, d: Dir): Pos => [r + DELTA[d][0], c + DELTA[d][1]];

/** The board's fixed parts, with walls in a lookup table. */
export class Board {
  readonly size: number;
  private readonly walls: Uint8Array;
  constructor(s: PacmanState) {
    this.size = s.grid_size;
    this.walls = new Uint8Array(this.size * this.size);
    for (const [r, c] of s.walls) this.walls[r * this.size + c] = 1;
    this.prev = new Int32Array(this.size * this.size);
    this.queue = new Int32Array(this.size * this.size);
  }
  /** Walls, and everything off the board, block. */
  blocked([r, c]: Pos): boolean {
    return r < 0 || c < 0 || r >= this.size || c >= this.size || this.walls[r * this.size + c] === 1;
  }
  key([r, c]: Pos): number {
    return r * this.size + c;
  }

  /** Scratch buffers of the search (one board, one search at a time). */
  private readonly prev: Int32Array;
  private readonly queue: Int32Array;

  /** Shortest path start..goal (both included), first found in BFS_ORDER; [] when unreachable. */
  bfs(start: Pos, goal: Pos): Pos[] {
    const n = this.size;
    const { prev, queue } = this;
    prev.fill(-2);
    const from = this.key(start);
    const to = this.key(goal);
    prev[from] = -1;
    queue[0] = from;
    for (let head = 0, tail = 1; head < tail; head++) {
      const at = queue[head] as number;
      if (at === to) {
        const path: Pos[] = [];
        for (let k = at; k >= 0; k = prev[k] as number) path.push([Math.floor(k / n), k % n]);
        return path.reverse();
      }
      const r = Math.floor(at / n);
      const c = at % n;
      // UP, DOWN, LEFT, RIGHT (BFS_ORDER).
      const nexts = [
        r > 0 ? at - n : -1,
        r < n - 1 ? at + n : -1,
        c > 0 ? at - 1 : -1,
        c < n - 1 ? at + 1 : -1,
      ];
      for (const k of nexts) {
        if (k < 0 || this.walls[k] === 1 || prev[k] !== -2) continue;
        prev[k] = at;
        queue[tail++] = k;
      }
    }
    return [];
  }

  /** Pinky's target: up to four cells ahead of Pac-Man in his direction, stopping before a wall. */
  pinkyTarget(pacman: Pos, dir: Dir): Pos {
    let t = pacman;
    for (let i = 0; i < 4 && !this.blocked(add(t, dir)); i++) t = add(t, dir);
    return t;
  }
}

export function directionBetween(a: Pos, b: Pos): Dir {
  const dr = b[0] - a[0];
  const dc = b[1] - a[1];
  if (dr === -1 && dc === 0) return "UP";
  if (dr === 1 && dc === 0) return "DOWN";
  if (dr === 0 && dc === -1) return "LEFT";
  return "RIGHT";
}

export interface Ghost {
  name: GhostName;
  pos: Pos;
}

/** A game in progress (the state's mutable parts). */
export interface Sim {
  board: Board;
  pacman: Pos;
  dir: Dir;
  beans: Set<number>;
  score: number;
  over: boolean;
  ghosts: Ghost[];
  /** Cells whose bean was eaten during the simulation, in order. */
  eaten: Pos[];
}

const boards = new WeakMap<PacmanState, Board>();
/** The board of a state, built once (states are not modified after generation). */
export function boardOf(s: PacmanState): Board {
  let b = boards.get(s);
  if (!b) {
    b = new Board(s);
    boards.set(s, b);
  }
  return b;
}

export function startSim(s: PacmanState, board = boardOf(s)): Sim {
  return {
    board,
    pacman: s.pacman_position,
    dir: s.direction,
    beans: new Set(s.beans.map((p) => board.key(p))),
    score: s.score,
    over: s.game_over,
    ghosts: s.ghosts.map((g) => ({ name: g.name, pos: g.position })),
    eaten: [],
  };
}

/** One Pac-Man move: blocked by walls (then neither position nor direction change); eats a bean. */
export function movePacman(sim: Sim, dir: Dir): boolean {
  if (sim.over) return false;
  const next = add(sim.pacman, dir);
  if (sim.board.blocked(next)) return false;
  sim.pacman = next;
  sim.dir = dir;
  if (sim.beans.delete(sim.board.key(next))) {
    sim.score += 1;
    sim.eaten.push(next);
    if (sim.beans.size === 0) sim.over = true;
  }
  return true;
}

/** Where a ghost is heading and its path there. */
export function ghostPlan(sim: Sim, g: Ghost): { target: Pos; path: Pos[] } {
  const target = g.name === "Pinky" ? sim.board.pinkyTarget(sim.pacman, sim.dir) : sim.pacman;
  return { target, path: sim.board.bfs(g.pos, target) };
}

/** Both ghosts take one step in order; returns the name of the first one standing on Pac-Man. */
export function moveGhosts(sim: Sim): GhostName | null {
  for (const g of sim.ghosts) {
    const { path } = ghostPlan(sim, g);
    if (path.length >= 2) g.pos = path[1] as Pos;
    if (samePos(g.pos, sim.pacman)) return g.name;
  }
  return null;
}

export interface Turn {
  pacman: Pos;
  ghosts: Pos[];
}

/** Pac-Man plays `moves` (one turn each; blocked moves still give the ghosts a turn). */
export function playMoves(sim: Sim, moves: readonly Dir[]): { caughtBy: GhostName | null; turns: Turn[] } {
  const turns: Turn[] = [];
  for (const d of moves) {
    movePacman(sim, d);
    const caughtBy = moveGhosts(sim);
    turns.push({ pacman: sim.pacman, ghosts: sim.ghosts.map((g) => g.pos) });
    if (caughtBy) return { caughtBy, turns };
  }
  return { caughtBy: null, turns };
}

/** Pac-Man keeps going in one direction until a move is blocked (the ghosts do not move on that last try). */
export function runUntilWall(sim: Sim, dir: Dir): { caughtBy: GhostName | null; turns: Turn[] } {
  const turns: Turn[] = [];
  for (let limit = sim.board.size * 2; limit > 0; limit--) {
    if (!movePacman(sim, dir)) break;
    const caughtBy = moveGhosts(sim);
    turns.push({ pacman: sim.pacman, ghosts: sim.ghosts.map((g) => g.pos) });
    if (caughtBy) return { caughtBy, turns };
  }
  return { caughtBy: null, turns };
}

/** The cells Pac-Man would pass moving straight ahead until a wall. */
export function straightLine(board: Board, from: Pos, dir: Dir): Pos[] {
  const out: Pos[] = [];
  for (let p = add(from, dir); !board.blocked(p); p = add(p, dir)) out.push(p);
  return out;
}

export const manhattan = (a: Pos, b: Pos): number => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]);
