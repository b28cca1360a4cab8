/**
 * Minecraft question templates, ids 1-5 as in the original: which sceneries the scene holds
 * (multiple choice, 1-based option number), how many cubes form the cuboid, and the fewest blocks
 * needed to cross a river, to reach a block on a tower, and to do both (fill-in integers). Each task
 * works on a scene of its own kind (see scene.ts), as in the original.
 */
import type { ConformResult, GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import { skipTask, type TaskSkip } from "../../types.js";
import {
  climbBlocks,
  EXTRA_NAMES,
  nameSetKey,
  riverClimbBlocks,
  SCENERY_KINDS,
  SCENERY_NAMES,
  type TargetBlock,
} from "./logic.js";
import { kindOf, type MinecraftState, type SceneKind } from "./state.js";

const WORLD =
  'The image is a scene from a game in the style of "Minecraft": everything is built of cubes of one size. ' +
  "The player has plenty of blocks and places them by the usual Minecraft rules: a new block goes next to the player and must share a face with a block already there. " +
  "A block may also be placed inside a fluid such as river water, where it simply takes the fluid's place. Sometimes the player can also remove blocks.\n";

const SCENERY_RULES =
  "The scene holds several sceneries, each one of these:\n" +
  "1. Bricks\n2. Gold Ore (stone with gold-coloured spots)\n3. Diamond Ore (stone with blue-green spots)\n" +
  '4. TNT (a red block like dynamite, marked "TNT")\n5. Pumpkin (an orange block like a pumpkin)\n' +
  "6. Ladder (not a block itself: a wooden ladder fixed to the sides of blocks)\n" +
  "7. River (below ground level, blue, crossing the whole picture; sometimes drawn as a grid of cells so that its width can be counted)\n" +
  "8. Lava (below ground level, orange and yellow)\n\n" +
  "Which option lists exactly the sceneries in the image?\n";

const RIVER_RULES =
  "The river is drawn as a grid of cells so that its width can be counted, and the player's position is marked in red. " +
  "The player can neither wade through the water nor jump across it.\n";

const climbRules = (b: string): string =>
  `If the ${b} lies on the ground (at a height of 1 block), the player can mine it at once. Otherwise n blocks (n a positive integer) are stacked under it, so the ${b} is at a height of n + 1. Then:\n` +
  `- with ladders fixed to the blocks under the ${b}, the player climbs up as far as needed and mines it without using any block;\n` +
  `- without ladders, the player (2 blocks tall) can mine the ${b} only when his upper body is not below it: a ${b} at a height of 2 can be mined directly, one at a height of 3 cannot. ` +
  "He can raise himself by placing blocks under his feet: standing on 2 such blocks, his upper body is at a height of 4.\n";

const suits = (s: MinecraftState, kind: SceneKind): boolean => kindOf(s) === kind;
const otherScene = (): TaskSkip => skipTask("scene made for another task");
const blockOf = (s: MinecraftState): TargetBlock => s.target_block ?? "pumpkin";

/** Options: the scene's names plus 7 other sets of as many names (Tree included, as the original). */
function sceneryOptions(rng: Rng, names: string[]): { options: string[]; answer: number } {
  const pool = [...Object.values(SCENERY_NAMES), ...EXTRA_NAMES];
  const right = [...names].sort().join(", ");
  const sets = new Set([right]);
  while (sets.size < 8) sets.add(rng.sample(pool, names.length).sort().join(", "));
  let options = rng.shuffle([...sets]);
  const answer = options.indexOf(right) + 1;
  if (rng.chance(0.5)) options = options.map((o) => rng.shuffle(o.split(", ")).join(", "));
  return { options, answer };
}

const optionName: Record<string, string> = Object.fromEntries(
  SCENERY_KINDS.map((k) => [SCENERY_NAMES[k].toLowerCase(), SCENERY_NAMES[k]]),
);
const LOOKS: Record<string, string> = {
  Brick: "red-brown bricks with light mortar lines",
  "Gold Ore": "grey stone with gold-coloured spots: gold ore",
  "Diamond Ore": "grey stone with blue-green spots: diamond ore",
  TNT: 'a red block with a white band marked "TNT"',
  Pumpkin: "an orange block with ridges: a pumpkin",
  Ladder: "wooden ladders fixed to the sides of blocks",
  River: "a blue river crossing the whole picture below ground level",
  Lava: "orange and yellow lava below ground level",
};

export const sceneryRecognition: QuestionTemplate<MinecraftState> = {
  id: 1,
  name: "scenery-recognition",
  description: "Pick the option that lists the sceneries of the scene.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | TaskSkip {
    if (!suits(state, "scenery") || !state.sceneries) return otherScene();
    const names = state.sceneries.map((n) => optionName[n.toLowerCase()] ?? n);
    const { options, answer } = sceneryOptions(rng, names);
    return {
      question: `${WORLD}${SCENERY_RULES}\nOptions:\n${options.map((o, i) => `${i + 1}: ${o}`).join("\n")}\n\nAnswer with the number of the correct option.`,
      answer,
      analysis:
        `In the scene we see:\n${names.map((n) => `- ${LOOKS[n] ?? n}`).join("\n")}\n` +
        `So the scene holds ${names.join(", ")}, exactly the sceneries of option ${answer}: ${options[answer - 1]}. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }): ConformResult {
    if (!state.sceneries) return { skip: "not a scenery state" };
    const want = nameSetKey(state.sceneries);
    const hits = (sample.options ?? []).flatMap((o, i) =>
      nameSetKey(String(o).split(",")) === want ? [i + 1] : [],
    );
    return hits.length === 1
      ? { answer: hits[0] as number }
      : { skip: `${hits.length} options list the sceneries` };
  },
};

export const cubeCount: QuestionTemplate<MinecraftState> = {
  id: 2,
  name: "cube-count",
  description: "Count the cubes of the cuboid in the scene.",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion | TaskSkip {
    if (!suits(state, "cubes")) return otherScene();
    const { x_blocks: x = 0, y_blocks: y = 0, z_blocks: z = 0 } = state;
    const n = x * y * z;
    return {
      question: `${WORLD}How many cubes does the scene hold in all?`,
      answer: n,
      analysis:
        `The cubes form one cuboid. Its top shows ${x} by ${z} cubes, and it is ${y} cube(s) high. ` +
        `So it holds ${x} x ${z} x ${y} = ${n} cubes. The answer is ${n}.`,
    };
  },
  conform: ({ state }) =>
    state.x_blocks === undefined
      ? { skip: "not a cube state" }
      : { answer: (state.x_blocks ?? 0) * (state.y_blocks ?? 0) * (state.z_blocks ?? 0) },
};

export const crossRiver: QuestionTemplate<MinecraftState> = {
  id: 3,
  name: "cross-river",
  description: "Find the fewest blocks needed to cross the river.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion | TaskSkip {
    if (!suits(state, "river")) return otherScene();
    const w = state.river_width ?? 0;
    return {
      question: `${WORLD}A river runs through the scene and the player must get to the other side. ${RIVER_RULES}\nQuestion: What is the smallest number of blocks the player has to use to cross the river?`,
      answer: w,
      analysis:
        `The player crosses by building a bridge of blocks placed in the river. The shortest bridge runs straight across, at right angles to the banks, so it needs one block per cell of the river's width. ` +
        `The river is ${w} cell(s) wide. The answer is ${w}.`,
    };
  },
  conform: ({ state }) =>
    state.river_width === undefined ? { skip: "no river" } : { answer: state.river_width },
};

function climbAnalysis(b: string, under: number, ladder: boolean): string {
  if (under === 0)
    return `The ${b} lies on the ground, so the player mines it without building anything: 0 blocks.`;
  if (ladder)
    return `Ladders are fixed to the block(s) under the ${b}, so the player climbs them and mines it without using any block: 0 blocks.`;
  if (under === 1)
    return `There is no ladder, but only one block lies under the ${b}, so it is at a height of 2, level with the player's upper body: 0 blocks.`;
  return `There is no ladder, and the ${b} sits on ${under} blocks, at a height of ${under + 1}. The player is 2 blocks tall, so he must stand on ${under + 1} - 2 = ${under - 1} block(s).`;
}

export const climb: QuestionTemplate<MinecraftState> = {
  id: 4,
  name: "climb-to-block",
  description: "Find the fewest blocks needed to mine a block on top of a tower, ladders considered.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion | TaskSkip {
    if (!suits(state, "climb")) return otherScene();
    const b = blockOf(state);
    const under = state.blocks_under_pumpkin ?? 0;
    const ladder = state.blocks_with_ladder ?? false;
    const n = climbBlocks(under, ladder);
    return {
      question: `${WORLD}The scene holds a ${b} block. ${climbRules(b)}\nQuestion: What is the smallest number of blocks the player has to use to get the ${b}?`,
      answer: n,
      analysis: `${climbAnalysis(b, under, ladder)} The answer is ${n}.`,
    };
  },
  conform: ({ state }) =>
    state.blocks_under_pumpkin === undefined
      ? { skip: "no tower" }
      : { answer: climbBlocks(state.blocks_under_pumpkin, state.blocks_with_ladder ?? false) },
};

export const crossAndClimb: QuestionTemplate<MinecraftState> = {
  id: 5,
  name: "cross-river-and-climb",
  description: "Find the fewest blocks needed to reach a block on a tower that may stand across a river.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion | TaskSkip {
    if (!suits(state, "river_climb")) return otherScene();
    const b = blockOf(state);
    const w = state.river_width ?? 0;
    const same = state.player_pumpkin_same_side ?? true;
    const under = state.blocks_under_pumpkin ?? 0;
    const ladder = state.blocks_with_ladder ?? false;
    const up = climbBlocks(under, ladder);
    const n = riverClimbBlocks(w, same, under, ladder);
    const cross = same
      ? `The player and the ${b} are on the same side of the river, so the river does not matter.`
      : `The player and the ${b} are on opposite sides of the river, so the player first bridges it straight across: ${w} block(s), one per cell of its width.`;
    return {
      question:
        `${WORLD}The scene holds a river and a ${b} block. ${RIVER_RULES}${climbRules(b)}` +
        `If the red mark of the player is completely hidden behind blocks, take the player and the ${b} to be on the same side of the river.\n\n` +
        `Question: What is the smallest number of blocks the player has to use to get the ${b}?`,
      answer: n,
      analysis: `${cross} ${climbAnalysis(b, under, ladder)} In all ${same ? `${up}` : `${w} + ${up} = ${n}`} block(s). The answer is ${n}.`,
    };
  },
  conform: ({ state }) =>
    state.river_width === undefined || state.blocks_under_pumpkin === undefined
      ? { skip: "no river and tower" }
      : {
          answer: riverClimbBlocks(
            state.river_width,
            state.player_pumpkin_same_side ?? true,
            state.blocks_under_pumpkin,
            state.blocks_with_ladder ?? false,
          ),
        },
};

export const TASKS = [sceneryRecognition, cubeCount, crossRiver, climb, crossAndClimb];
