/**
 * Scenes drawn as the original builds them in its 3D engine: unit cubes on integer cells, a 50 x 50
 * floor whose top is at y = -0.5 (cells at y = -1), rivers and lava sunk into the floor (cells at
 * y = -1, 0.7 high), and a camera looking at the mean of the scene's objects from a random
 * direction. Random choices follow the original's distributions; plot levels are reached by
 * drawing again until the original's level rule gives the level asked for.
 */
import type { Level, Rng } from "../../types.js";
import { SCENERY_KINDS, type SceneryKind, stateName, TARGET_BLOCKS, type TargetBlock } from "./logic.js";
import { levelOf, type MinecraftState, type SceneKind, type Vec3 } from "./state.js";

export type VoxelKind =
  | "stone"
  | "brick"
  | "gold_ore"
  | "diamond_ore"
  | "tnt"
  | "pumpkin"
  | "cube"
  | "lava"
  | "player"
  | "ground";

export interface Voxel {
  p: Vec3;
  kind: VoxelKind;
  /** Fill of a plain "cube" (hex). */
  color?: string;
  /** Ladders on the four sides. */
  ladder?: boolean;
}

export interface Scene {
  sky: boolean;
  /** The floor at y = -1 on every free cell of [-25, 24]²; null: no floor. */
  ground: { color: string; grid: boolean } | null;
  river?: { axis: "x" | "z"; at: number; width: number; grid: boolean };
  voxels: Voxel[];
  camera: { eye: Vec3; target: Vec3 };
}

const SPACE = { x: 3, z: 4 };
const GRASS = { green: "#2e9e2e", brown: "#7a5a32" };
const RIVER_LENGTH = 25;

const hex = (v: number): string =>
  Math.round(v * 255)
    .toString(16)
    .padStart(2, "0");
const randomColor = (rng: Rng): string => `#${hex(rng.next())}${hex(rng.next())}${hex(rng.next())}`;
const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
const key = (x: number, y: number, z: number): string => `${x},${y},${z}`;

/** River cells (y = -1) of a river along `axis` through `at` (z for an x river, x for a z river). */
export function riverCells(r: NonNullable<Scene["river"]>): Vec3[] {
  const cells: Vec3[] = [];
  for (let t = -RIVER_LENGTH; t <= RIVER_LENGTH; t++) {
    for (let w = -Math.floor((r.width - 1) / 2); w <= Math.floor(r.width / 2); w++) {
      cells.push(r.axis === "x" ? [t, -1, r.at + w] : [r.at + w, -1, t]);
    }
  }
  return cells;
}

/** Occupied cells and the "centroid" cells the camera aims at, as the original tracks them. */
class Builder {
  readonly taken = new Set<string>();
  readonly centroid = new Map<string, Vec3>();
  readonly voxels: Voxel[] = [];
  scene: Omit<Scene, "voxels" | "camera"> = { sky: false, ground: null };
  constructor(readonly rng: Rng) {}
  mark(p: Vec3, centroid = true): void {
    this.taken.add(key(...p));
    if (centroid) this.centroid.set(key(...p), p);
  }
  free(p: Vec3): boolean {
    return !this.taken.has(key(...p));
  }
  add(v: Voxel, centroid = true): void {
    this.voxels.push(v);
    this.mark(v.p, centroid);
  }
  /** A random ground-level cell (y = 0) where every cell of `cells` (offsets) is free. */
  spot(cells: Vec3[], zRange: [number, number] = [-SPACE.z, SPACE.z]): Vec3 {
    const ok: Vec3[] = [];
    for (let x = -SPACE.x; x <= SPACE.x; x++)
      for (let z = zRange[0]; z <= zRange[1]; z++)
        if (cells.every(([dx, dy, dz]) => this.free([x + dx, dy, z + dz]))) ok.push([x, 0, z]);
    return this.rng.pick(ok);
  }
  river(axis: "x" | "z", at: number, width: number, grid: boolean): void {
    this.scene.river = { axis, at, width, grid };
    for (const c of riverCells(this.scene.river)) {
      this.mark(c, false);
      this.mark([c[0], 0, c[2]], false);
    }
    this.mark(axis === "x" ? [0, 0, at] : [at, 0, 0]);
  }
  /** The original's random floor: grass (green or brown) half the time, else a random colour. */
  ground(grid: "allow" | "always" | "never"): void {
    if (this.rng.chance(0.5))
      this.scene.ground = { color: this.rng.chance(0.5) ? GRASS.brown : GRASS.green, grid: false };
    else {
      const g = grid === "always" ? true : grid === "never" ? false : this.rng.chance(0.5);
      this.scene.ground = { color: randomColor(this.rng), grid: g };
    }
  }
  land(): void {
    this.scene.ground = { color: GRASS.green, grid: false };
  }
  /** Camera on a sphere around the mean of the centroid cells, as the original's overlook. */
  finish(sky: boolean, dist: [number, number], phiDeg: [number, number]): Scene {
    const cells = [...this.centroid.values()];
    const mean = [0, 1, 2].map((k) => cells.reduce((s, c) => s + (c[k] as number), 0) / cells.length) as Vec3;
    const d = uniform(this.rng, ...dist);
    const phi = (uniform(this.rng, ...phiDeg) * Math.PI) / 180;
    const theta = uniform(this.rng, 0, 2 * Math.PI);
    const eye: Vec3 = [
      mean[0] + d * Math.sin(phi) * Math.cos(theta),
      mean[1] + d * Math.cos(phi),
      mean[2] + d * Math.sin(phi) * Math.sin(theta),
    ];
    return { ...this.scene, sky, voxels: this.voxels, camera: { eye, target: mean } };
  }
}

/** A tower of `under` cubes (with ladders or not) topped by the block to mine. */
function tower(b: Builder, at: Vec3, under: number, ladder: boolean, target: TargetBlock): void {
  const colour = randomColor(b.rng);
  for (let y = 0; y < under; y++) b.add({ p: [at[0], y, at[2]], kind: "cube", color: colour, ladder });
  const kind = target === "pumpkin" ? "pumpkin" : target === "gold ore" ? "gold_ore" : "diamond_ore";
  b.add({ p: [at[0], under, at[2]], kind });
}

function sceneryScene(rng: Rng, count: number): MinecraftState {
  const b = new Builder(rng);
  const sky = rng.chance(0.5);
  const chosen = rng.sample(SCENERY_KINDS, count);
  if (chosen.includes("river")) {
    const isX = rng.chance(0.5);
    b.river(
      isX ? "x" : "z",
      isX ? rng.int(-SPACE.z, SPACE.z) : rng.int(-SPACE.x, SPACE.x),
      rng.int(1, 3),
      rng.chance(0.5),
    );
  }
  if (chosen.includes("lava")) {
    const pair = rng.chance(0.5);
    const dv: Vec3 = pair
      ? rng.pick<Vec3>([
          [1, 0, 0],
          [0, 0, 1],
        ])
      : [0, 0, 0];
    const cells: Vec3[] = pair ? [[0, 0, 0], dv] : [[0, 0, 0]];
    const at = b.spot(cells);
    for (const [dx, , dz] of cells) {
      b.add({ p: [at[0] + dx, -1, at[2] + dz], kind: "lava" });
      b.mark([at[0] + dx, 0, at[2] + dz], false); // nothing stands on lava
    }
  }
  b.ground("allow");
  for (const k of chosen) placeScenery(b, k);
  return { sceneries: chosen.map(stateName), scene: b.finish(sky, [18, 21], [40, 60]) };
}

function placeScenery(b: Builder, k: SceneryKind): void {
  const rng = b.rng;
  if (k === "river" || k === "lava") return;
  if (k === "tnt" || k === "pumpkin") {
    b.add({ p: b.spot([[0, 0, 0]]), kind: k });
    return;
  }
  if (k === "ladder") {
    const at = b.spot([
      [0, 0, 0],
      [0, 1, 0],
    ]);
    for (const y of [0, 1]) b.add({ p: [at[0], y, at[2]], kind: "stone", ladder: true });
    return;
  }
  // Brick and ores: one block, or two side by side or stacked.
  const cells: Vec3[] = rng.chance(0.5)
    ? [
        [0, 0, 0],
        rng.chance(0.5)
          ? [0, 1, 0]
          : rng.pick<Vec3>([
              [1, 0, 0],
              [0, 0, 1],
            ]),
      ]
    : [[0, 0, 0]];
  const at = b.spot(cells);
  for (const [dx, dy, dz] of cells) b.add({ p: [at[0] + dx, dy, at[2] + dz], kind: k });
}

function cubesScene(rng: Rng): MinecraftState {
  const b = new Builder(rng);
  const sky = rng.chance(0.5);
  const [x, y, z] = [rng.int(2, 6), rng.int(1, 4), rng.int(2, 6)];
  const base = b.spot([[0, 0, 0]]);
  if (rng.chance(0.5)) b.ground("never");
  const colour = randomColor(rng);
  for (let dx = 0; dx < x; dx++)
    for (let dy = 0; dy < y; dy++)
      for (let dz = 0; dz < z; dz++)
        b.add({ p: [base[0] + dx, dy, base[2] + dz], kind: "cube", color: colour });
  return { x_blocks: x, y_blocks: y, z_blocks: z, scene: b.finish(sky, [16, 23], [40, 70]) };
}

function riverScene(rng: Rng): MinecraftState {
  const b = new Builder(rng);
  const sky = rng.chance(0.5);
  const isX = rng.chance(0.5);
  const width = rng.int(1, 4);
  const at = isX ? rng.int(-SPACE.z, SPACE.z) : rng.int(-SPACE.x, SPACE.x);
  b.river(isX ? "x" : "z", at, width, true);
  const gap = rng.int(1, 3);
  const back = at - Math.floor(width / 2) - gap;
  const player: Vec3 = isX ? [0, -1, back] : [back, -1, 0];
  b.add({ p: player, kind: "player" });
  b.land();
  return {
    river_direction: isX ? "x" : "z",
    river_width: width,
    player_position: player,
    scene: b.finish(sky, [17, 22], [40, 70]),
  };
}

function climbScene(rng: Rng): MinecraftState {
  const b = new Builder(rng);
  const sky = rng.chance(0.5);
  b.ground("always");
  const at: Vec3 = [rng.int(-SPACE.x, SPACE.x), 0, rng.int(-SPACE.z, SPACE.z)];
  const under = rng.int(0, 4);
  const ladder = rng.chance(0.3);
  const target = rng.pick(TARGET_BLOCKS);
  tower(b, at, under, ladder, target);
  return {
    pumkin_position: [at[0], under, at[2]],
    blocks_under_pumpkin: under,
    blocks_with_ladder: ladder,
    target_block: target,
    scene: b.finish(sky, [13, 20], [40, 70]),
  };
}

function riverClimbScene(rng: Rng): MinecraftState {
  const b = new Builder(rng);
  const sky = rng.chance(0.5);
  const width = rng.int(1, 4);
  b.river("x", 0, width, true);
  const sameSide = rng.chance(0.3);
  // The original writes -w//2 here, which Python reads as (-w)//2: -ceil(w / 2).
  const player: Vec3 = [0, -1, -Math.ceil(width / 2) - rng.int(1, 2)];
  b.add({ p: player, kind: "player" });
  b.land();
  const half = Math.floor(width / 2);
  const at = b.spot([[0, 0, 0]], sameSide ? [-SPACE.z, -half - 1] : [half + 1, SPACE.z]);
  const under = rng.int(0, 4);
  const ladder = rng.chance(0.3);
  const target = rng.pick(TARGET_BLOCKS);
  tower(b, at, under, ladder, target);
  return {
    river_direction: "x",
    river_width: width,
    player_position: player,
    pumkin_position: at,
    player_pumpkin_same_side: sameSide,
    blocks_under_pumpkin: under,
    blocks_with_ladder: ladder,
    target_block: target,
    scene: b.finish(sky, [24.5, 28], [40, 60]),
  };
}

export const SCENE_KINDS: SceneKind[] = ["scenery", "cubes", "river", "climb", "river_climb"];
const MAX_DRAWS = 500;

/** A scene of `kind` at `plotLevel` (drawn with the original's odds until the level fits). */
export function drawScene(rng: Rng, kind: SceneKind, plotLevel: Level): MinecraftState {
  for (let i = 0; i < MAX_DRAWS; i++) {
    const s =
      kind === "scenery"
        ? sceneryScene(rng, { Easy: 3, Medium: 4, Hard: 5 }[plotLevel])
        : kind === "cubes"
          ? cubesScene(rng)
          : kind === "river"
            ? riverScene(rng)
            : kind === "climb"
              ? climbScene(rng)
              : riverClimbScene(rng);
    if (levelOf(s) === plotLevel) return s;
  }
  throw new Error(`minecraft: no ${kind} scene at ${plotLevel} in ${MAX_DRAWS} draws`);
}

/** A scene for one random task (each task of the original draws a scene of its own kind). */
export function generateState(rng: Rng, plotLevel: Level): MinecraftState {
  return drawScene(rng, rng.pick(SCENE_KINDS), plotLevel);
}
