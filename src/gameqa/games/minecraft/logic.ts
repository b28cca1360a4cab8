/**
 * Minecraft rules the questions rest on. The player is 2 blocks tall and can mine a block whose
 * height (n + 1 for a block on top of n blocks) is at most 2, or, on a stack with ladders, any block
 * by climbing. Otherwise the player builds blocks under his feet: n + 1 - 2 of them. Crossing a
 * river means bridging it straight across: one block per cell of its width.
 */
export const climbBlocks = (under: number, ladder: boolean): number =>
  ladder ? 0 : Math.max(0, under + 1 - 2);

/** Blocks to reach the target across a river (same side: climbing only). */
export const riverClimbBlocks = (width: number, sameSide: boolean, under: number, ladder: boolean): number =>
  (sameSide ? 0 : width) + climbBlocks(under, ladder);

/** The scenery kinds a scene may hold, with the names the options use. */
export const SCENERY_NAMES = {
  brick: "Brick",
  gold_ore: "Gold Ore",
  diamond_ore: "Diamond Ore",
  tnt: "TNT",
  pumpkin: "Pumpkin",
  ladder: "Ladder",
  river: "River",
  lava: "Lava",
} as const;
export type SceneryKind = keyof typeof SCENERY_NAMES;
export const SCENERY_KINDS = Object.keys(SCENERY_NAMES) as SceneryKind[];
/** Option names that never occur in a scene but serve as distractors, as in the original. */
export const EXTRA_NAMES = ["Tree"];

/** The state's spelling of a scenery: the option name in lower case, except "TNT". */
export const stateName = (k: SceneryKind): string => (k === "tnt" ? "TNT" : SCENERY_NAMES[k].toLowerCase());

/** Set key of a list of scenery names, whatever their case and order. */
export const nameSetKey = (names: readonly string[]): string =>
  names
    .map((n) => n.trim().toLowerCase())
    .sort()
    .join("|");

export type TargetBlock = "pumpkin" | "gold ore" | "diamond ore";
export const TARGET_BLOCKS: TargetBlock[] = ["pumpkin", "gold ore", "diamond ore"];
