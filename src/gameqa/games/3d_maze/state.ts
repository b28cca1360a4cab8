/**
 * 3D maze state. The original never writes its state files (its example folder has no states/), so
 * the keys follow its puzzle dataclasses: grid_size, cubes, start_pos, goal_pos, ladders, path (main
 * path segments), branches (dead-end side paths and the cube they leave from) plus `labels` (the
 * numbered green cubes: branch points, checkpoints or blocks) and `kind` (the question_description
 * the board was made for; the labels mean different things per kind). Positions are [x, y, z].
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import {
  GRID,
  growPath,
  key,
  levelOfCubes,
  orderedCubes,
  type Pos,
  type Segment,
  samePos,
  tooClose,
  unkey,
} from "./logic.js";

export const KINDS = ["path_finding", "sequence_finding", "height_comparison", "main_path"] as const;
export type MazeKind = (typeof KINDS)[number];

export interface Branch {
  pos: Pos;
  branch_id: number;
  path: Segment[];
}
export interface Label {
  pos: Pos;
  label: number;
}
export interface Ladder {
  base_pos: Pos;
  direction: "+x";
  height: number;
}

export interface MazeState {
  kind: MazeKind;
  grid_size: Pos;
  cubes: Pos[];
  start_pos: Pos;
  goal_pos: Pos;
  ladders: Ladder[];
  path: Segment[];
  branches: Branch[];
  labels: Label[];
}

const START: Pos = [GRID[0] - 1, GRID[1] - 1, 0];
/** Boards tried per call before giving up (the engine then draws again). */
const TRIES = 4000;

/** Labelled cubes picked at random from `pool`, none too close to another, numbered 1.. in pick order. */
export function pickLabels(rng: Rng, pool: readonly Pos[], count: number): Label[] {
  const left = [...pool];
  const labels: Label[] = [];
  while (labels.length < count && left.length > 0) {
    const i = rng.int(0, left.length - 1);
    const pos = left[i] as Pos;
    left.splice(i, 1);
    if (!labels.some((l) => tooClose(l.pos, pos))) labels.push({ pos, label: labels.length + 1 });
  }
  return labels;
}

/**
 * Dead-end side paths from 3-4 cubes of the main path (segment ends with odd x and y, not among the
 * last three cubes, not too close to one another), each 1-2 segments kept clear of other cubes. A
 * branch cube whose side path cannot grow is swapped for an unused candidate, up to 10 times.
 */
function addBranches(
  rng: Rng,
  main: Segment[],
  cubes: Set<number>,
  worthIt: (branches: number) => boolean,
): Branch[] | null {
  const spots: Pos[] = [];
  for (const p of rng.shuffle(orderedCubes(main).slice(0, -3)))
    if (p[0] % 2 === 1 && p[1] % 2 === 1 && !spots.some((s) => tooClose(s, p))) spots.push(p);
  const count = Math.min(spots.length, rng.int(3, 4));
  if (!worthIt(count)) return null;
  const spare = spots.slice(count);
  const branches: Branch[] = [];
  for (let i = 0; i < count; i++) {
    let pos = spots[i] as Pos;
    let side: Segment[] = [];
    for (let attempt = 0; attempt < 10 && side.length === 0; attempt++) {
      side = growPath(rng, pos, cubes, 1, 2, true);
      if (side.length === 0 && spare.length > 0)
        pos = spare.splice(rng.int(0, spare.length - 1), 1)[0] as Pos;
    }
    if (side.length === 0) return null;
    branches.push({ pos, branch_id: i + 1, path: side });
  }
  return branches;
}

/**
 * Whether `branches` side paths (1 to 4 cubes each) can still bring a main path of `mainCubes`
 * cubes into the level's band; boards that cannot are dropped before their side paths are grown.
 */
function bandReachable(plotLevel: Level, mainCubes: number, branches: number): boolean {
  if (plotLevel === "Easy") return mainCubes + branches < 15;
  if (plotLevel === "Hard") return mainCubes + 4 * branches >= 25;
  return mainCubes + branches < 25 && mainCubes + 4 * branches >= 15;
}

function assemble(
  kind: MazeKind,
  main: Segment[],
  branches: Branch[],
  cubes: Set<number>,
  labels: Label[],
): MazeState {
  const all = [main, ...branches.map((b) => b.path)].flat();
  return {
    kind,
    grid_size: [...GRID],
    cubes: [...cubes].map(unkey).sort((a, b) => a[2] - b[2] || a[1] - b[1] || a[0] - b[0]),
    start_pos: [...START],
    goal_pos: (main[main.length - 1] as Segment).end,
    ladders: all
      .filter((s) => s.type === "ladder")
      .map((s) => ({ base_pos: s.start, direction: "+x", height: s.end[2] - s.start[2] })),
    path: main,
    branches,
    labels,
  };
}

/** One board of `kind`, or null when this draw does not work out. */
function drawBoard(rng: Rng, kind: MazeKind, plotLevel: Level): MazeState | null {
  const cubes = new Set<number>();
  const main = growPath(rng, START, cubes, 5, 7, false);
  if (main.length === 0) return null;
  const branchy = kind === "path_finding" || kind === "main_path" || plotLevel !== "Easy";
  const size = cubes.size;
  const branches = branchy ? addBranches(rng, main, cubes, (n) => bandReachable(plotLevel, size, n)) : [];
  if (!branches || levelOfCubes(cubes.size) !== plotLevel) return null;
  const ordered = orderedCubes(main);
  const goal = (main[main.length - 1] as Segment).end;
  let labels: Label[];
  if (kind === "path_finding") labels = branches.map((b) => ({ pos: b.pos, label: b.branch_id }));
  else if (kind === "main_path") {
    const pool = [...cubes].map(unkey).filter((p) => !samePos(p, START) && !samePos(p, goal));
    labels = pickLabels(rng, pool, rng.int(3, 4));
  } else labels = pickLabels(rng, ordered.slice(1, -1), kind === "height_comparison" ? 3 : rng.int(3, 4));
  // Every task needs three numbered cubes at least (fewer options would repeat).
  if (labels.length < 3 || (kind === "height_comparison" && labels.length !== 3)) return null;
  return assemble(kind, main, branches, cubes, labels);
}

/**
 * A board for a random kind whose cube count falls in the plot level's band (<15, <25, more). The
 * original makes its sequence and height boards from a bare main path (always Easy); at Medium and
 * Hard ours add dead-end side paths to those too, so every task exists at every level.
 */
export function generateState(rng: Rng, plotLevel: Level): MazeState {
  const kind = rng.pick(KINDS);
  for (let i = 0; i < TRIES; i++) {
    const s = drawBoard(rng, kind, plotLevel);
    if (s) return s;
  }
  // The rarest band (Easy boards with side paths, about 1 draw in 70) misses 4,000 draws with
  // probability near 1e-25: a failure here is a bug, not bad luck.
  throw new Error(`3d_maze: no ${kind} board at ${plotLevel} in ${TRIES} draws`);
}

/* ------------------------------------------------------------------ parsing */

function expectPos(v: unknown, where: string, field: string): Pos {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => typeof n === "number" && Number.isInteger(n)))
    throw new UserError(`${where}: field "${field}" must be an [x, y, z] integer triple`);
  return [v[0], v[1], v[2]] as Pos;
}

function expectArray(obj: Record<string, unknown>, field: string, where: string): unknown[] {
  const v = obj[field];
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be an array`);
  return v;
}

function parseSegments(v: unknown, where: string, field: string): Segment[] {
  if (!Array.isArray(v)) throw new UserError(`${where}: field "${field}" must be an array of segments`);
  return v.map((s, i) => {
    const f = `${field}[${i}]`;
    const o = expectObject(s, `${where} (${f})`);
    if (o.type !== "walk" && o.type !== "ladder")
      throw new UserError(`${where}: field "${f}.type" must be "walk" or "ladder"`);
    return {
      start: expectPos(o.start, where, `${f}.start`),
      end: expectPos(o.end, where, `${f}.end`),
      type: o.type,
    };
  });
}

export function parseState(json: unknown, where: string): MazeState {
  const o = expectObject(json, where);
  if (typeof o.kind !== "string" || !(KINDS as readonly string[]).includes(o.kind))
    throw new UserError(`${where}: field "kind" must be one of ${KINDS.join(", ")}`);
  const path = parseSegments(o.path, where, "path");
  if (path.length === 0) throw new UserError(`${where}: field "path" must hold at least one segment`);
  return {
    kind: o.kind as MazeKind,
    grid_size: expectPos(o.grid_size, where, "grid_size"),
    cubes: expectArray(o, "cubes", where).map((c, i) => expectPos(c, where, `cubes[${i}]`)),
    start_pos: expectPos(o.start_pos, where, "start_pos"),
    goal_pos: expectPos(o.goal_pos, where, "goal_pos"),
    ladders: expectArray(o, "ladders", where).map((l, i) => {
      const lo = expectObject(l, `${where} (ladders[${i}])`);
      const height = lo.height;
      if (typeof height !== "number" || !Number.isInteger(height) || height < 1)
        throw new UserError(`${where}: field "ladders[${i}].height" must be a positive integer`);
      return {
        base_pos: expectPos(lo.base_pos, where, `ladders[${i}].base_pos`),
        direction: "+x" as const,
        height,
      };
    }),
    path,
    branches: expectArray(o, "branches", where).map((b, i) => {
      const bo = expectObject(b, `${where} (branches[${i}])`);
      if (typeof bo.branch_id !== "number" || !Number.isInteger(bo.branch_id))
        throw new UserError(`${where}: field "branches[${i}].branch_id" must be an integer`);
      return {
        pos: expectPos(bo.pos, where, `branches[${i}].pos`),
        branch_id: bo.branch_id,
        path: parseSegments(bo.path, where, `branches[${i}].path`),
      };
    }),
    labels: expectArray(o, "labels", where).map((l, i) => {
      const lo = expectObject(l, `${where} (labels[${i}])`);
      if (typeof lo.label !== "number" || !Number.isInteger(lo.label))
        throw new UserError(`${where}: field "labels[${i}].label" must be an integer`);
      return { pos: expectPos(lo.pos, where, `labels[${i}].pos`), label: lo.label };
    }),
  };
}

/** Cube lookup for rendering and rules. */
export const cubeSet = (s: MazeState): Set<number> => new Set(s.cubes.map(key));
