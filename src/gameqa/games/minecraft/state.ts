/**
 * Minecraft states. Each task of the original draws its own kind of scene and writes its own keys,
 * which we keep as published:
 * - scenery recognition: `sceneries` (names, lower case except "TNT");
 * - cube count: `x_blocks`, `y_blocks`, `z_blocks`;
 * - river crossing: `river_direction`, `river_width`, `player_position`;
 * - climbing: `pumkin_position` (sic), `blocks_under_pumpkin`, `blocks_with_ladder`;
 * - river + climbing: all of the last two and `player_pumpkin_same_side`.
 * Ours add `target_block` (the block to mine in the last two) and `scene`, the voxel scene the
 * image is drawn from (the original keeps it in its 3D engine only).
 */
import { UserError } from "../../../util/errors.js";
import { expectObject } from "../../parse.js";
import type { Level } from "../../types.js";
import { SCENERY_NAMES, TARGET_BLOCKS, type TargetBlock } from "./logic.js";
import type { Scene } from "./scene.js";

export type Vec3 = [number, number, number];

export interface MinecraftState {
  sceneries?: string[];
  x_blocks?: number;
  y_blocks?: number;
  z_blocks?: number;
  river_direction?: "x" | "z";
  river_width?: number;
  player_position?: Vec3;
  pumkin_position?: Vec3;
  blocks_under_pumpkin?: number;
  blocks_with_ladder?: boolean;
  player_pumpkin_same_side?: boolean;
  target_block?: TargetBlock;
  scene?: Scene;
}

export type SceneKind = "scenery" | "cubes" | "river" | "climb" | "river_climb";

/** Which task's scene a state is, from its keys. */
export function kindOf(s: MinecraftState): SceneKind | undefined {
  if (s.sceneries) return "scenery";
  if (s.x_blocks !== undefined) return "cubes";
  if (s.pumkin_position && s.river_width !== undefined) return "river_climb";
  if (s.pumkin_position) return "climb";
  if (s.river_width !== undefined) return "river";
  return undefined;
}

/** Plot level of a state, by the original's rules for its kind. */
export function levelOf(s: MinecraftState): Level | undefined {
  switch (kindOf(s)) {
    case "scenery":
      return ({ 3: "Easy", 4: "Medium", 5: "Hard" } as Record<number, Level>)[s.sceneries?.length ?? 0];
    case "cubes": {
      const n = (s.x_blocks ?? 0) * (s.y_blocks ?? 0) * (s.z_blocks ?? 0);
      return n <= 30 ? "Easy" : n <= 70 ? "Medium" : "Hard";
    }
    case "river": {
      const w = s.river_width ?? 0;
      return w <= 2 ? "Easy" : w === 3 ? "Medium" : "Hard";
    }
    case "climb": {
      const n = s.blocks_under_pumpkin ?? 0;
      return n <= 1 ? "Easy" : n <= 3 ? "Medium" : "Hard";
    }
    case "river_climb": {
      const t = (s.river_width ?? 0) + (s.blocks_under_pumpkin ?? 0);
      return t <= 3 ? "Easy" : t <= 6 ? "Medium" : "Hard";
    }
    default:
      return undefined;
  }
}

function optInt(
  o: Record<string, unknown>,
  key: string,
  where: string,
  min: number,
  max: number,
): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
    throw new UserError(`${where}: field "${key}" must be an integer in [${min}, ${max}]`);
  return v;
}

function optBool(o: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") throw new UserError(`${where}: field "${key}" must be true or false`);
  return v;
}

function optVec(o: Record<string, unknown>, key: string, where: string): Vec3 | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => Number.isInteger(x)))
    throw new UserError(`${where}: field "${key}" must be [x, y, z] integers`);
  return [v[0], v[1], v[2]];
}

const KNOWN_NAMES = new Set(Object.values(SCENERY_NAMES).map((n) => n.toLowerCase()));

export function parseState(json: unknown, where: string): MinecraftState {
  const o = expectObject(json, where);
  const s: MinecraftState = {};
  if (o.sceneries !== undefined) {
    if (
      !Array.isArray(o.sceneries) ||
      o.sceneries.length === 0 ||
      !o.sceneries.every((n) => typeof n === "string" && KNOWN_NAMES.has(n.toLowerCase()))
    )
      throw new UserError(
        `${where}: field "sceneries" must list scenery names (${[...KNOWN_NAMES].join(", ")})`,
      );
    s.sceneries = o.sceneries as string[];
  }
  const ints: Array<[keyof MinecraftState, number, number]> = [
    ["x_blocks", 1, 50],
    ["y_blocks", 1, 50],
    ["z_blocks", 1, 50],
    ["river_width", 1, 50],
    ["blocks_under_pumpkin", 0, 50],
  ];
  for (const [key, min, max] of ints) {
    const v = optInt(o, key, where, min, max);
    if (v !== undefined) (s as Record<string, unknown>)[key] = v;
  }
  if (o.river_direction !== undefined) {
    if (o.river_direction !== "x" && o.river_direction !== "z")
      throw new UserError(`${where}: field "river_direction" must be "x" or "z"`);
    s.river_direction = o.river_direction;
  }
  for (const key of ["player_position", "pumkin_position"] as const) {
    const v = optVec(o, key, where);
    if (v) s[key] = v;
  }
  for (const key of ["blocks_with_ladder", "player_pumpkin_same_side"] as const) {
    const v = optBool(o, key, where);
    if (v !== undefined) s[key] = v;
  }
  if (o.target_block !== undefined) {
    if (!TARGET_BLOCKS.includes(o.target_block as TargetBlock))
      throw new UserError(`${where}: field "target_block" must be one of ${TARGET_BLOCKS.join(", ")}`);
    s.target_block = o.target_block as TargetBlock;
  }
  if (o.scene !== undefined) s.scene = o.scene as Scene; // ours, drawn only; written by generateState
  const kind = kindOf(s);
  if (!kind)
    throw new UserError(
      `${where}: no known set of Minecraft state keys (sceneries, x_blocks, river_width, pumkin_position)`,
    );
  const need: Record<SceneKind, Array<keyof MinecraftState>> = {
    scenery: ["sceneries"],
    cubes: ["x_blocks", "y_blocks", "z_blocks"],
    river: ["river_width", "player_position"],
    climb: ["pumkin_position", "blocks_under_pumpkin", "blocks_with_ladder"],
    river_climb: [
      "river_width",
      "pumkin_position",
      "blocks_under_pumpkin",
      "blocks_with_ladder",
      "player_pumpkin_same_side",
    ],
  };
  for (const key of need[kind])
    if (s[key] === undefined) throw new UserError(`${where}: field "${key}" is missing (a ${kind} state)`);
  return s;
}
