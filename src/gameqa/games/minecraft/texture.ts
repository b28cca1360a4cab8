/**
 * Block looks drawn in code (the original maps Minecraft texture files onto its cubes): a base
 * colour per face and a few flat patches in face coordinates (u to the right, v downwards, 0..1),
 * enough to tell the blocks apart as the question's descriptions do (bricks with mortar lines, ores
 * as grey stone with gold or blue-green spots, TNT as a red block with a white band and dark
 * letters, pumpkins orange with ridges, wooden ladders on the sides of their blocks).
 */
import type { VoxelKind } from "./scene.js";

export type UV = [number, number];
export interface Patch {
  poly: UV[];
  color: string;
}
export interface FaceLook {
  fill: string;
  patches: Patch[];
  /** Cell outline (the original's grid-like "white_cube" texture). */
  outline?: string;
}
export type FaceSide = "top" | "side";

const box = (u0: number, v0: number, u1: number, v1: number, color: string): Patch => ({
  poly: [
    [u0, v0],
    [u1, v0],
    [u1, v1],
    [u0, v1],
  ],
  color,
});
/** A small diamond-shaped spot centred at (u, v). */
const spot = (u: number, v: number, r: number, color: string): Patch => ({
  poly: [
    [u, v - r],
    [u + r, v],
    [u, v + r],
    [u - r, v],
  ],
  color,
});

const STONE = "#8c8c8c";
const STONE_DARK = "#6e6e6e";
const SPECKS: UV[] = [
  [0.2, 0.25],
  [0.7, 0.15],
  [0.45, 0.55],
  [0.15, 0.8],
  [0.8, 0.7],
];
const ORE_SPOTS: UV[] = [
  [0.25, 0.22],
  [0.68, 0.3],
  [0.4, 0.6],
  [0.78, 0.75],
  [0.18, 0.78],
];

function stone(): Patch[] {
  return SPECKS.map(([u, v]) => spot(u, v, 0.06, STONE_DARK));
}

function bricks(): Patch[] {
  const mortar = "#d8cfc4";
  const patches: Patch[] = [];
  for (let row = 1; row < 4; row++) patches.push(box(0, row / 4 - 0.025, 1, row / 4 + 0.025, mortar));
  for (let row = 0; row < 4; row++) {
    const offsets = row % 2 === 0 ? [0.5] : [0.25, 0.75];
    for (const u of offsets) patches.push(box(u - 0.025, row / 4, u + 0.025, (row + 1) / 4, mortar));
  }
  return patches;
}

const ore = (color: string): Patch[] => [...stone(), ...ORE_SPOTS.map(([u, v]) => spot(u, v, 0.1, color))];

/** "TNT" as blocky letters inside the white band. */
function tntLetters(): Patch[] {
  const ink = "#202020";
  const t = (u: number): Patch[] => [
    box(u, 0.4, u + 0.2, 0.45, ink),
    box(u + 0.075, 0.4, u + 0.125, 0.6, ink),
  ];
  const n: Patch[] = [
    box(0.4, 0.4, 0.44, 0.6, ink),
    box(0.56, 0.4, 0.6, 0.6, ink),
    box(0.44, 0.43, 0.56, 0.47, ink),
  ];
  return [...t(0.13), ...n, ...t(0.67)];
}

function ladder(): Patch[] {
  const wood = "#a07a3c";
  const patches = [box(0.12, 0, 0.22, 1, wood), box(0.78, 0, 0.88, 1, wood)];
  for (const v of [0.12, 0.37, 0.62, 0.87]) patches.push(box(0.12, v - 0.04, 0.88, v + 0.04, wood));
  return patches;
}

/** Looks of one face of a voxel; `color` for plain cubes and the floor, `ladder` adds ladders to sides. */
export function faceLook(
  kind: VoxelKind | "river",
  side: FaceSide,
  opts: { color?: string; ladder?: boolean; grid?: boolean },
): FaceLook {
  const withLadder = (look: FaceLook): FaceLook =>
    opts.ladder && side === "side" ? { ...look, patches: [...look.patches, ...ladder()] } : look;
  switch (kind) {
    case "stone":
      return withLadder({ fill: STONE, patches: stone() });
    case "brick":
      return { fill: "#a4513a", patches: bricks() };
    case "gold_ore":
      return { fill: STONE, patches: ore("#f2c230") };
    case "diamond_ore":
      return { fill: STONE, patches: ore("#5ee0e0") };
    case "tnt":
      return side === "top"
        ? {
            fill: "#c8362c",
            patches: [box(0.3, 0.3, 0.7, 0.7, "#9a9a9a"), box(0.42, 0.42, 0.58, 0.58, "#303030")],
          }
        : { fill: "#d23a2e", patches: [box(0, 0.33, 1, 0.67, "#f0f0f0"), ...tntLetters()] };
    case "pumpkin":
      return side === "top"
        ? { fill: "#d9861c", patches: [box(0.42, 0.42, 0.58, 0.58, "#5a3d12")] }
        : {
            fill: "#e0901f",
            patches: [0.25, 0.5, 0.75].map((u) => box(u - 0.02, 0, u + 0.02, 1, "#a8621a")),
          };
    case "cube":
      return withLadder({
        fill: opts.color ?? "#cccccc",
        patches: [],
        outline: darker(opts.color ?? "#cccccc"),
      });
    case "lava":
      return {
        fill: "#f07010",
        patches: [
          spot(0.3, 0.3, 0.15, "#ffc020"),
          spot(0.7, 0.65, 0.18, "#ffc020"),
          spot(0.25, 0.75, 0.1, "#ffe060"),
        ],
      };
    case "river":
      return { fill: "#007fff", patches: [], ...(opts.grid ? { outline: "#00306a" } : {}) };
    case "player":
      return { fill: "#ff0000", patches: [] };
    case "ground": {
      const fill = opts.color ?? "#2e9e2e";
      return { fill, patches: [], ...(opts.grid ? { outline: darker(fill) } : {}) };
    }
  }
}

/** `hex` scaled by `k` (face shading and outlines). */
export function shade(hex: string, k: number): string {
  const v = Number.parseInt(hex.slice(1), 16);
  const ch = (s: number) =>
    Math.max(0, Math.min(255, Math.round(((v >> s) & 255) * k)))
      .toString(16)
      .padStart(2, "0");
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}

export const darker = (hex: string): string => shade(hex, 0.6);
