/**
 * The four 3D maze questions of the original (question_id 0-3). Answers are 1-based option numbers;
 * every answer is computed by walking the stored main path, and each conform hook recomputes it
 * from the state and finds it among the sample's printed options.
 */
import type {
  ConformResult,
  GameQASample,
  GeneratedQuestion,
  OptionValue,
  TaskDefinition,
} from "../../types.js";
import {
  type Direction,
  direction,
  HEIGHT_RELATIONS,
  heightRelation,
  indexOnPath,
  midpoint,
  orderedCubes,
  type Pos,
  type Segment,
  samePos,
  segmentFrom,
} from "./logic.js";
import type { MazeKind, MazeState } from "./state.js";

const RULES =
  "Rules:\n" +
  "1. The image shows a maze built from cubes; the player can only walk on the tops of cubes.\n" +
  "2. A ladder can be climbed from the cube at its foot; it brings the player onto the top of the cube at its upper end.\n" +
  "3. The blue cube is the start and the red cube is the goal.\n";
const DIRECTIONS =
  'Directions: "left-forward" and "right-forward" mean walking on the same level away from the viewer, towards ' +
  'the back-left or the back-right of the picture; "up" means climbing a ladder.\n';
const ANSWER = "\n\nAnswer with the number of the correct option.";

const optionBlock = (opts: readonly string[]): string =>
  `\n\nOptions:\n${opts.map((o, i) => `${i + 1}: ${o}`).join("\n")}`;

/** 1-based number of the first option accepted by `same`, or a skip naming what we computed. */
function conformOption(sample: GameQASample, computed: string, same: (o: string) => boolean): ConformResult {
  const i = (sample.options ?? []).findIndex((o: OptionValue) => same(String(o)));
  return i >= 0 ? { answer: i + 1 } : { skip: `computed "${computed}" is not among the options` };
}

/** Labels met along the main path, in walking order. */
function labelsInPathOrder(state: MazeState): number[] {
  return orderedCubes(state.path).flatMap((c) =>
    state.labels.filter((l) => samePos(l.pos, c)).map((l) => l.label),
  );
}

const labelAt = (state: MazeState, p: Pos): number | undefined =>
  state.labels.find((l) => samePos(l.pos, p))?.label;

/** "Step n: ..." lines for the walk along the main path, naming the labelled cubes passed. */
function walkSteps(state: MazeState, noun: string): string[] {
  const steps: string[] = [];
  const visit = (p: Pos | undefined): void => {
    const label = p && labelAt(state, p);
    if (label !== undefined) steps.push(`Step ${steps.length + 1}: reach ${noun} ${label}`);
  };
  visit(state.path[0]?.start);
  for (const seg of state.path) {
    const d = direction(seg);
    steps.push(
      `Step ${steps.length + 1}: ${d === "up" ? "climb the ladder up 3 levels" : `walk 2 cubes ${d}`}`,
    );
    visit(midpoint(seg));
    visit(seg.end);
  }
  return steps;
}

/*
 * Which boards a task can question. Labels mean branch points on path_finding boards, checkpoints
 * on the main path on sequence/height boards and any blocks on main_path boards; the checkpoint
 * order and the height questions make sense on several of them, so boards are shared.
 */
const suits = (state: MazeState, ...kinds: MazeKind[]): boolean => kinds.includes(state.kind);

/** The segments walked from the start to `pos` (through a side path if needed), or undefined. */
function routeTo(state: MazeState, pos: Pos): Segment[] | undefined {
  const upTo = (path: readonly Segment[], p: Pos): Segment[] | undefined => {
    const i = path.findIndex((s) => samePos(s.end, p) || samePos(midpoint(s) ?? s.end, p));
    return i >= 0 ? path.slice(0, i + 1) : undefined;
  };
  if (samePos(state.start_pos, pos)) return [];
  const main = upTo(state.path, pos);
  if (main) return main;
  for (const b of state.branches) {
    const side = upTo(b.path, pos);
    const before = samePos(b.pos, state.start_pos) ? [] : upTo(state.path, b.pos);
    if (side && before) return [...before, ...side];
  }
  return undefined;
}

/* ------------------------------ q0: path choices at branches ------------------------------ */

const parseChoices = (text: string): Map<number, string> =>
  new Map(
    [...text.matchAll(/(\d+)\s*-\s*(left-forward|right-forward|up)/g)].map((m) => [
      Number(m[1]),
      m[2] as string,
    ]),
  );

/** The main path's direction at each branch cube, and the direction its dead end leaves in. */
export function branchChoices(state: MazeState): Array<{ id: number; main: Direction; side: Direction }> {
  return [...state.branches]
    .sort((a, b) => a.branch_id - b.branch_id)
    .map((b) => {
      const seg = segmentFrom(state.path, b.pos);
      const first = b.path[0];
      if (!seg || !first)
        throw new Error(`3d_maze: branch ${b.branch_id} is not a segment start with a side path`);
      return { id: b.branch_id, main: direction(seg), side: direction(first) };
    });
}

const choiceText = (dirs: ReadonlyArray<{ id: number; dir: string }>): string =>
  dirs.map((d) => `${d.id}-${d.dir}`).join(", ");

const pathFinding: TaskDefinition<MazeState> = {
  id: 0,
  name: "path-finding",
  description: "path_finding",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | null {
    if (!suits(state, "path_finding")) return null;
    const choices = branchChoices(state);
    const correct = choiceText(choices.map((c) => ({ id: c.id, dir: c.main })));
    // Distractors: other mixes of each branch's two ways (all of them when there are three branches).
    const mixes: string[] = [];
    for (let mask = 0; mask < 1 << choices.length; mask++)
      mixes.push(choiceText(choices.map((c, i) => ({ id: c.id, dir: mask & (1 << i) ? c.side : c.main }))));
    const wrong = rng.shuffle(mixes.filter((m) => m !== correct)).slice(0, 7);
    const options = rng.shuffle([correct, ...wrong]);
    const answer = options.indexOf(correct) + 1;
    const order = labelsInPathOrder(state);
    const lines = order.map((id, i) => {
      const c = choices.find((x) => x.id === id) as (typeof choices)[number];
      const next = order[i + 1];
      return `- At branch ${id}, going ${c.main} ${next === undefined ? "leads on towards the goal" : `leads to branch ${next}`}; going ${c.side} ends in a dead end.`;
    });
    return {
      question:
        `${RULES}4. The numbered green cubes are branch points where the player must choose which way to go.\n${DIRECTIONS}\n` +
        `Which combination of choices at the numbered branch points leads from the start to the goal?${optionBlock(options)}${ANSWER}`,
      answer,
      options,
      analysis:
        `Following the path from the start, the branch points come in the order ${order.join(", ")} before the goal.\n\n` +
        `${lines.join("\n")}\n\nSo the right choices are ${correct}, which is option ${answer}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const want = new Map(branchChoices(state).map((c) => [c.id, c.main as string]));
    const correct = choiceText([...want].map(([id, dir]) => ({ id, dir })));
    return conformOption(sample, correct, (o) => {
      const got = parseChoices(o);
      return got.size === want.size && [...want].every(([id, dir]) => got.get(id) === dir);
    });
  },
};

/* ------------------------------ q1: order of checkpoints ------------------------------ */

const sequenceText = (labels: readonly number[]): string =>
  ["Start", ...labels.map(String), "Goal"].join(" -> ");
const numbersIn = (text: string): number[] => [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));

function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]),
  );
}

const sequenceFinding: TaskDefinition<MazeState> = {
  id: 1,
  name: "sequence-finding",
  description: "sequence_finding",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | null {
    if (!suits(state, "sequence_finding", "height_comparison", "path_finding")) return null;
    // A branch point on the start cube would make "Start -> n" name one cube twice.
    if (state.labels.some((l) => samePos(l.pos, state.start_pos))) return null;
    const order = labelsInPathOrder(state);
    const correct = sequenceText(order);
    const wrong = rng
      .shuffle(permutations(order).map(sequenceText))
      .filter((s) => s !== correct)
      .slice(0, 5);
    const options = rng.shuffle([correct, ...wrong]);
    const answer = options.indexOf(correct) + 1;
    return {
      question:
        `${RULES}4. The numbered green cubes are checkpoints on the way.\n\n` +
        `In which order are the numbered checkpoints passed when following the path from the start to the goal?${optionBlock(options)}${ANSWER}`,
      answer,
      options,
      analysis:
        `Walking the path from the start:\n${walkSteps(state, "checkpoint").join("\n")}\n\n` +
        `The checkpoints are passed in the order ${correct}, which is option ${answer}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const want = labelsInPathOrder(state).join(",");
    return conformOption(sample, want, (o) => numbersIn(o).join(",") === want);
  },
};

/* ------------------------------ q2: heights of three points ------------------------------ */

const compact = (s: string): string => s.replace(/\s+/g, "");

const heightComparison: TaskDefinition<MazeState> = {
  id: 2,
  name: "height-comparison",
  description: "height_comparison",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | null {
    if (state.labels.length !== 3) return null;
    const points = [...state.labels].sort((a, b) => a.label - b.label);
    const correct = heightRelation(points.map((p) => ({ label: p.label, z: p.pos[2] })));
    const wrong = rng.shuffle(HEIGHT_RELATIONS.filter((r) => r !== correct)).slice(0, 7);
    const options = rng.shuffle([correct, ...wrong]);
    const answer = options.indexOf(correct) + 1;
    // Heights come from the walk: each ladder on the way raises the player 3 levels.
    const lines = points.map((p) => {
      const route = routeTo(state, p.pos);
      const ladders = route?.filter((s) => s.type === "ladder").length;
      const how =
        ladders === undefined
          ? ""
          : `reached after climbing ${ladders} ladder${ladders === 1 ? "" : "s"}, so it `;
      return `- Point ${p.label}: ${how}stands on level ${p.pos[2]} (ground level is 0).`;
    });
    return {
      question:
        `${RULES}4. The green cubes are numbered points 1, 2 and 3.\n\n` +
        `How do the heights of the three numbered points compare? "<" means lower than and "=" means the same height.${optionBlock(options)}${ANSWER}`,
      answer,
      options,
      analysis:
        `Following the paths from the start:\n${lines.join("\n")}\n\n` +
        `Sorting the points from lowest to highest gives ${correct}, which is option ${answer}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const want = heightRelation(state.labels.map((l) => ({ label: l.label, z: l.pos[2] })));
    return conformOption(sample, want, (o) => compact(o) === compact(want));
  },
};

/* ------------------------------ q3: labelled blocks on the main path ------------------------------ */

/** Our option text; "Blocks" keeps bare numbers out of the options (a reply "3" must mean option 3). */
const blocksText = (labels: readonly number[]): string =>
  labels.length === 0 ? "None" : `${labels.length === 1 ? "Block" : "Blocks"} ${labels.join(", ")}`;

function subsets(items: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => mask & (1 << i)));
  return out;
}

export const labelsOnMainPath = (state: MazeState): number[] =>
  state.labels
    .filter((l) => indexOnPath(state.path, l.pos) >= 0)
    .map((l) => l.label)
    .sort((a, b) => a - b);

const mainPath: TaskDefinition<MazeState> = {
  id: 3,
  name: "main-path",
  description: "main_path",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-index",
  generate({ state, rng }): GeneratedQuestion | null {
    if (!suits(state, "main_path")) return null;
    const labels = state.labels.map((l) => l.label).sort((a, b) => a - b);
    const on = labelsOnMainPath(state);
    const off = labels.filter((l) => !on.includes(l));
    const correct = blocksText(on);
    const wrong = rng
      .shuffle(subsets(labels).map(blocksText))
      .filter((s) => s !== correct)
      .slice(0, 7);
    const options = rng.shuffle([correct, ...wrong]);
    const answer = options.indexOf(correct) + 1;
    return {
      question:
        `${RULES}4. Some cubes carry numbers; the maze also has dead-end side paths.\n\n` +
        `Which numbered blocks does the player pass over when following the direct path from the start to the goal?${optionBlock(options)}${ANSWER}`,
      answer,
      options,
      analysis:
        `Walking the direct path from the start:\n${walkSteps(state, "block").join("\n")}\n\n` +
        `${off.length > 0 ? `Blocks ${off.join(", ")} lie on side paths or away from the route.` : "Every numbered block lies on the route."}\n\n` +
        `So the blocks passed are: ${correct}, which is option ${answer}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const want = labelsOnMainPath(state).join(",");
    return conformOption(sample, want || "None", (o) => numbersIn(o).join(",") === want);
  },
};

export const mazeTasks: TaskDefinition<MazeState>[] = [
  pathFinding,
  sequenceFinding,
  heightComparison,
  mainPath,
];
