/**
 * Pac-Man state with the published keys: `walls`, `beans` and positions are [row, col] lists,
 * `direction` is UP / DOWN / LEFT / RIGHT, `ghosts` are Pinky then Blinky.
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { BFS_ORDER, DELTA, type Dir, type GhostName, type Pos } from "./logic.js";

export interface PacmanGhost {
  name: GhostName;
  position: Pos;
  color: number[];
}

export interface PacmanState {
  grid_size: number;
  cell_size: number;
  wall_ratio: number;
  walls: Pos[];
  pacman_position: Pos;
  direction: Dir;
  beans: Pos[];
  ghosts: PacmanGhost[];
  score: number;
  game_over: boolean;
}

/** Board side per plot level (the original's 16 / 18 / 20). */
export const PACMAN_SIZES: Record<Level, number> = { Easy: 16, Medium: 18, Hard: 20 };
const WALL_RATIO = 0.1;
const GHOST_COLORS: Record<GhostName, number[]> = { Pinky: [255, 105, 180], Blinky: [255, 0, 0] };

/**
 * Inner walls as the original places them: shuffled inner cells, each taken while it touches fewer
 * than two walls already placed, up to 10% of all cells.
 */
function innerWalls(rng: Rng, n: number): Set<number> {
  const inner: number[] = [];
  for (let r = 1; r < n - 1; r++) for (let c = 1; c < n - 1; c++) inner.push(r * n + c);
  const placed = new Set<number>();
  const goal = Math.floor(n * n * WALL_RATIO);
  for (const k of rng.shuffle(inner)) {
    if (placed.size >= goal) break;
    const touching = [k - n, k + n, k - 1, k + 1].filter((x) => placed.has(x)).length;
    if (touching < 2) placed.add(k);
  }
  return placed;
}

/**
 * The trail Pac-Man has already eaten: a breadth-first tree grown from the start with shuffled
 * moves, preferring moves that do not turn back, cut at a random length (the original's
 * generate_valid_path); when that length is not reached, the last path grown.
 */
function trail(
  rng: Rng,
  n: number,
  open: (k: number) => boolean,
  start: number,
  maxLength: number,
): number[] {
  const want = rng.int(0, maxLength);
  // Breadth-first tree: parent, length and last direction per reached cell.
  const parent = new Map<number, number>([[start, -1]]);
  const length = new Map<number, number>([[start, 1]]);
  const lastDir = new Map<number, Dir | null>([[start, null]]);
  const queue = [start];
  let at = start;
  for (let head = 0; head < queue.length; head++) {
    at = queue[head] as number;
    if (length.get(at) === want) break;
    const prev = lastDir.get(at) ?? null;
    const forward: Array<[number, Dir]> = [];
    const back: Array<[number, Dir]> = [];
    for (const d of BFS_ORDER) {
      const next = at + DELTA[d][0] * n + DELTA[d][1];
      if (!open(next) || parent.has(next)) continue;
      const reverse = prev !== null && DELTA[d][0] === -DELTA[prev][0] && DELTA[d][1] === -DELTA[prev][1];
      (reverse ? back : forward).push([next, d]);
    }
    for (const [next, d] of rng.shuffle(forward.length > 0 ? forward : back)) {
      parent.set(next, at);
      length.set(next, (length.get(at) as number) + 1);
      lastDir.set(next, d);
      queue.push(next);
    }
  }
  const path: number[] = [];
  for (let k = at; k >= 0; k = parent.get(k) as number) path.push(k);
  return path.reverse();
}

export function generateState(rng: Rng, plotLevel: Level): PacmanState {
  const n = PACMAN_SIZES[plotLevel];
  const walls = innerWalls(rng, n);
  for (let i = 0; i < n; i++)
    walls
      .add(i)
      .add((n - 1) * n + i)
      .add(i * n)
      .add(i * n + n - 1);
  const open: number[] = [];
  for (let k = 0; k < n * n; k++) if (!walls.has(k)) open.push(k);
  const isOpen = (k: number): boolean => k >= 0 && k < n * n && !walls.has(k);
  const beans = new Set(open);
  const start = rng.pick(open);
  const path = trail(rng, n, isOpen, start, Math.floor(n * n * (1 - WALL_RATIO) * 0.7));
  for (const k of path) beans.delete(k);
  // As in the original, Pac-Man stays on the trail's first cell and faces the way the trail's last
  // step went (its main.py computes the end cell but never moves him there).
  const end = path[path.length - 1] as number;
  const before = path.length > 1 ? (path[path.length - 2] as number) : end;
  const direction: Dir =
    end - before === -n ? "UP" : end - before === n ? "DOWN" : end - before === -1 ? "LEFT" : "RIGHT";
  // Ghosts stand on free cells away from Pac-Man and from each other, so nothing hides him.
  const [pinky, blinky] = rng.sample(
    open.filter((k) => k !== start),
    2,
  ) as [number, number];
  const pos = (k: number): Pos => [Math.floor(k / n), k % n];
  return {
    grid_size: n,
    cell_size: 30,
    wall_ratio: WALL_RATIO,
    walls: [...walls].sort((a, b) => a - b).map(pos),
    pacman_position: pos(start),
    direction,
    beans: [...beans].sort((a, b) => a - b).map(pos),
    ghosts: [
      { name: "Pinky", position: pos(pinky), color: GHOST_COLORS.Pinky },
      { name: "Blinky", position: pos(blinky), color: GHOST_COLORS.Blinky },
    ],
    score: open.length - beans.size,
    game_over: false,
  };
}

function expectPos(v: unknown, n: number, where: string, field: string): Pos {
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < n)
  )
    throw new UserError(`${where}: field "${field}" must be a [row, col] pair inside the ${n}x${n} board`);
  return [v[0] as number, v[1] as number];
}

function expectPosList(o: Record<string, unknown>, key: string, n: number, where: string): Pos[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${key}" must be a list of [row, col] pairs`);
  return v.map((p, i) => expectPos(p, n, where, `${key}[${i}]`));
}

const DIRS: readonly Dir[] = BFS_ORDER;

export function parseState(json: unknown, where: string): PacmanState {
  const o = expectObject(json, where);
  const n = expectInt(o, "grid_size", where, 3, 200);
  const direction = o.direction;
  if (typeof direction !== "string" || !DIRS.includes(direction as Dir))
    throw new UserError(`${where}: field "direction" must be one of ${DIRS.join(", ")}`);
  if (!Array.isArray(o.ghosts)) throw new UserError(`${where}: field "ghosts" must be a list`);
  const ghosts = o.ghosts.map((g, i): PacmanGhost => {
    const go = expectObject(g, `${where} ghosts[${i}]`);
    if (go.name !== "Pinky" && go.name !== "Blinky")
      throw new UserError(`${where}: field "ghosts[${i}].name" must be "Pinky" or "Blinky"`);
    return {
      name: go.name,
      position: expectPos(go.position, n, where, `ghosts[${i}].position`),
      color: Array.isArray(go.color) ? go.color.map(Number) : GHOST_COLORS[go.name],
    };
  });
  return {
    grid_size: n,
    cell_size: typeof o.cell_size === "number" ? o.cell_size : 30,
    wall_ratio: typeof o.wall_ratio === "number" ? o.wall_ratio : WALL_RATIO,
    walls: expectPosList(o, "walls", n, where),
    pacman_position: expectPos(o.pacman_position, n, where, "pacman_position"),
    direction: direction as Dir,
    beans: expectPosList(o, "beans", n, where),
    ghosts,
    score: expectInt(o, "score", where, 0),
    game_over: o.game_over === true,
  };
}
