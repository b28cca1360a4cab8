/**
 * 3D reconstruction state. Published keys: `voxel_positions` (the structure drawn), the target
 * projections stored bottom row first (`[z-1][y-1]` and `[z-1][x-1]`) and `remaining_voxels`.
 * Ours adds `structure`: which structure is drawn ("current" = the puzzle's start, "solution" =
 * start plus a minimal completion, "custom" = start plus random voxels); absent means "current".
 * We write `remaining_voxels` as the number of voxels still available (shown in the image).
 */
import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject, intCell } from "../../parse.js";
import type { Level, Rng } from "../../types.js";
import { generatePuzzle, growRandom, minimalAddition, projections, sortVoxels, type Voxel } from "./logic.js";

export type StructureKind = "current" | "solution" | "custom";

export interface ReconstructionState {
  voxel_positions: Array<[number, number, number]>;
  target_yz_projection: number[][];
  target_xz_projection: number[][];
  remaining_voxels: number;
  structure?: StructureKind;
}

/** Target size range and minimum start size per plot level (the original's rule). */
const LEVELS: Record<Level, { min: number; max: number; keep: number; gap: number }> = {
  Easy: { min: 3, max: 5, keep: 1, gap: 3 },
  Medium: { min: 6, max: 10, keep: 2, gap: 4 },
  Hard: { min: 11, max: 15, keep: 3, gap: 5 },
};

export function generateState(rng: Rng, plotLevel: Level): ReconstructionState {
  const L = LEVELS[plotLevel];
  const targetCount = rng.int(L.min, L.max);
  const initialCount = Math.min(Math.max(L.keep, targetCount - L.gap), targetCount - 1);
  const { target, current } = generatePuzzle(rng, targetCount, initialCount);
  const proj = projections(target);
  const limit = target.length - current.length;
  const roll = rng.next();
  const kind: StructureKind = roll < 0.6 ? "current" : roll < 0.8 ? "solution" : "custom";
  let shown: Voxel[] = current;
  if (kind === "solution") {
    const sol = minimalAddition(current, proj, limit);
    shown = [...current, ...(sol?.added ?? [])];
  } else if (kind === "custom") {
    shown = [...current, ...growRandom(rng, current, rng.int(1, Math.max(1, limit)))];
  }
  return {
    voxel_positions: sortVoxels(shown).map((v) => [v[0], v[1], v[2]]),
    target_yz_projection: proj.yz,
    target_xz_projection: proj.xz,
    remaining_voxels: Math.max(0, targetCount - shown.length),
    structure: kind,
  };
}

export function parseState(json: unknown, where: string): ReconstructionState {
  const o = expectObject(json, where);
  if (!Array.isArray(o.voxel_positions))
    throw new UserError(`${where}: field "voxel_positions" must be an array of [x, y, z]`);
  const voxels = o.voxel_positions.map((v, i) => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((c) => Number.isInteger(c) && c >= 1 && c <= 3)) {
      throw new UserError(`${where}: voxel_positions[${i}] must be [x, y, z] with coordinates 1..3`);
    }
    return [v[0], v[1], v[2]] as [number, number, number];
  });
  const yz = expectMatrix(o, "target_yz_projection", where, intCell(0, 1), "0 or 1");
  const xz = expectMatrix(o, "target_xz_projection", where, intCell(0, 1), "0 or 1");
  for (const [k, m] of [
    ["target_yz_projection", yz],
    ["target_xz_projection", xz],
  ] as const) {
    if (m.length !== 3 || m[0]?.length !== 3) throw new UserError(`${where}: field "${k}" must be 3x3`);
  }
  const s: ReconstructionState = {
    voxel_positions: voxels,
    target_yz_projection: yz,
    target_xz_projection: xz,
    remaining_voxels: expectInt(o, "remaining_voxels", where),
  };
  if (o.structure !== undefined) {
    if (o.structure !== "current" && o.structure !== "solution" && o.structure !== "custom") {
      throw new UserError(`${where}: field "structure" must be current, solution or custom`);
    }
    s.structure = o.structure;
  }
  return s;
}
