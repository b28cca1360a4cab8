/**
 * 3D reconstruction question templates, ids 0-5 as in the original: voxel count, which position
 * holds a voxel, how the projections match, a projection after adding voxels, which addition
 * completes the target, and the fewest voxels to add. Answers are strings, as published.
 */
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import {
  ALL_CELLS,
  allowedCells,
  type Criterion,
  faceNeighbours,
  fmtVoxel,
  fmtVoxels,
  growRandom,
  isConnected,
  isValidAddition,
  matrixText,
  minimalAddition,
  type Projection,
  type Projections,
  projections,
  sameProjection,
  sortVoxels,
  topDown,
  type Voxel,
  vkey,
} from "./logic.js";
import type { ReconstructionState } from "./state.js";

const voxelsOf = (s: ReconstructionState): Voxel[] =>
  s.voxel_positions.map(([x, y, z]) => [x, y, z] as const);
const targetOf = (s: ReconstructionState): Projections => ({
  yz: s.target_yz_projection,
  xz: s.target_xz_projection,
});
const isStart = (s: ReconstructionState): boolean => (s.structure ?? "current") === "current";

const GRID =
  "Rules:\n1. The structure lives in a 3x3x3 grid of cells; a voxel is a unit cube filling one cell, and a cell holds at most one voxel.\n" +
  "2. A position is written (x, y, z) with each coordinate from 1 to 3; (1, 1, 1) is the front-left-bottom cell.\n" +
  "3. All voxels of a structure are joined face to face into one piece.\n";
const VIEWS =
  "4. The front view (Y-Z) looks at the structure along the negative X direction; Y runs horizontally and Z vertically, and a cell is written (y, z).\n" +
  "5. The side view (X-Z) looks at the structure along the positive Y direction; X runs horizontally and Z vertically, and a cell is written (x, z).\n" +
  "6. A projection cell is 1 (filled) when at least one voxel lies on its line of sight, otherwise 0.\n";
const PUZZLE =
  "7. The puzzle: add voxels to the structure until both of its projections equal the target projections drawn on the right of the image.\n" +
  "8. Each new voxel must be placed face to face against the structure built so far, and at most the number of voxels shown as " +
  "'remaining available voxels' in the image may be added.\n";
const IMAGE_NOTE =
  "The image shows the voxel structure on the left and two target projections on the right (they need not be the projections of this structure).\n\n";

const optionLines = (opts: string[]): string =>
  `Options:\n${opts.map((o, i) => `${i + 1}: ${o}`).join("\n")}`;
const cells2 = (p: Projection): string => {
  const out: string[] = [];
  for (let h = 1; h <= 3; h++)
    for (let z = 1; z <= 3; z++) if (p[z - 1]?.[h - 1] === 1) out.push(`(${h}, ${z})`);
  return out.length === 0 ? "none" : out.join(", ");
};
const rowsText = (p: Projection): string =>
  topDown(p)
    .map((r, i) => `   [${r.join(", ")}] (z = ${3 - i})`)
    .join("\n");

/* ------------------------------ q0: count ------------------------------ */

export function countVoxels(s: ReconstructionState): { answer: string; analysis: string } {
  const vs = voxelsOf(s);
  return {
    answer: String(vs.length),
    analysis: `The structure has voxels at ${sortVoxels(vs).map(fmtVoxel).join(", ")}. Counting them gives ${vs.length}, so the answer is ${vs.length}.`,
  };
}

/* ------------------------------ q1: position ------------------------------ */

function positionQuestion(s: ReconstructionState, rng: Rng): GeneratedQuestion {
  const vs = voxelsOf(s);
  const have = new Set(vs.map(vkey));
  const correct = rng.pick(sortVoxels(vs));
  // Distractors: empty cells next to the structure first (easy to confuse in the drawing).
  const touching = ALL_CELLS.filter(
    (c) => !have.has(vkey(c)) && faceNeighbours(c).some((n) => have.has(vkey(n))),
  );
  const far = ALL_CELLS.filter((c) => !have.has(vkey(c)) && !touching.includes(c));
  const wrong = [...rng.shuffle(touching), ...rng.shuffle(far)].slice(0, 5);
  const options = rng.shuffle([correct, ...wrong]).map(fmtVoxel);
  const answer = options.indexOf(fmtVoxel(correct)) + 1;
  const lines = options.map(
    (o, i) =>
      `- Option ${i + 1} ${o}: ${have.has(vkey(parseVoxels(o)[0] as Voxel)) ? "holds a voxel" : "empty"}.`,
  );
  return {
    question: `${GRID}\n${IMAGE_NOTE}Question:\nWhich of these positions holds a voxel?\n\n${optionLines(options)}`,
    answer: String(answer),
    analysis: `Checking each option against the structure:\n${lines.join("\n")}\nOnly option ${answer} holds a voxel, so the answer is ${answer}.`,
    options,
  };
}

/** All (x, y, z) triples written in a text. */
export function parseVoxels(text: string): Voxel[] {
  return [...text.matchAll(/\((\d),\s*(\d),\s*(\d)\)/g)].map(
    (m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const,
  );
}

/* ------------------------------ q2: projection match ------------------------------ */

export const MATCH_OPTIONS = [
  "Neither the Y-Z nor the X-Z projection matches the target",
  "Only the Y-Z projection matches the target",
  "Only the X-Z projection matches the target",
  "Both the Y-Z and the X-Z projections match the target",
];

export function projectionMatch(s: ReconstructionState): { answer: string; analysis: string } {
  const p = projections(voxelsOf(s));
  const t = targetOf(s);
  const yz = sameProjection(p.yz, t.yz);
  const xz = sameProjection(p.xz, t.xz);
  const index = yz ? (xz ? 4 : 2) : xz ? 3 : 1;
  const part = (name: string, mine: Projection, want: Projection, ok: boolean): string =>
    `${name}: the structure fills ${cells2(mine)}; the target fills ${cells2(want)} -> ${ok ? "match" : "no match"}.`;
  return {
    answer: String(index),
    analysis:
      `${part("Front view (y, z)", p.yz, t.yz, yz)}\n${part("Side view (x, z)", p.xz, t.xz, xz)}\n` +
      `So the answer is option ${index}: ${MATCH_OPTIONS[index - 1]}.`,
  };
}

/* ------------------------------ q3: projection after adding ------------------------------ */

export function projectionAfter(
  s: ReconstructionState,
  added: readonly Voxel[],
  view: "Y-Z" | "X-Z",
): { answer: string; analysis: string } {
  const all = [...voxelsOf(s), ...added];
  const p = projections(all);
  const proj = view === "Y-Z" ? p.yz : p.xz;
  const coord = view === "Y-Z" ? "(y, z)" : "(x, z)";
  return {
    answer: matrixText(topDown(proj)),
    analysis:
      `After the addition the structure has voxels at ${fmtVoxels(all)}. In the ${view} view each voxel lights the cell ${coord}; ` +
      `the lit cells are ${cells2(proj)}.\nWritten from the top row (z = 3) to the bottom row (z = 1):\n${rowsText(proj)}\n` +
      `So the answer is ${matrixText(topDown(proj))}.`,
  };
}

/* ------------------------------ q4: which addition ------------------------------ */

const CRITERIA: Record<Criterion, string> = {
  both: "both target projections",
  yz: "the Y-Z target projection",
  xz: "the X-Z target projection",
};
const additionText = (vs: readonly Voxel[]): string => `Add voxels at ${fmtVoxels(vs)}`;

/** Plausible wrong additions: too many voxels, detached voxels, and sets that miss the target views. */
function wrongAdditions(rng: Rng, current: Voxel[], correct: Voxel[], limit: number): Voxel[][] {
  const have = new Set(current.map(vkey));
  const empty = ALL_CELLS.filter((c) => !have.has(vkey(c)));
  const out: Voxel[][] = [];
  for (let i = 0; i < 60; i++) {
    const kind = i % 4;
    if (kind === 0)
      out.push([
        ...correct,
        ...growRandom(rng, [...current, ...correct], limit - correct.length + rng.int(1, 2)),
      ]);
    else if (kind === 1)
      out.push(rng.sample(empty, Math.min(empty.length, rng.int(1, Math.max(1, correct.length)))));
    else if (kind === 2) out.push(growRandom(rng, current, rng.int(1, Math.max(1, limit))));
    else if (correct.length > 0) {
      // The right answer with one voxel moved to a nearby empty cell, or dropped.
      const drop = rng.int(0, correct.length - 1);
      const rest = correct.filter((_, j) => j !== drop);
      const moved = faceNeighbours(correct[drop] as Voxel).filter(
        (n) => !have.has(vkey(n)) && !rest.some((r) => vkey(r) === vkey(n)),
      );
      out.push(moved.length > 0 && rng.chance(0.7) ? [...rest, rng.pick(moved)] : rest);
    }
  }
  return out.filter((a) => a.length > 0).map(sortVoxels);
}

function additionQuestion(s: ReconstructionState, rng: Rng): GeneratedQuestion | null {
  if (!isStart(s)) return null;
  const current = voxelsOf(s);
  const target = targetOf(s);
  const limit = s.remaining_voxels;
  const best = minimalAddition(current, target, limit);
  if (!best || best.added.length === 0) return null;
  const criterion = rng.pick<Criterion>(["both", "both", "yz", "xz"]);
  const correct = additionText(best.added);
  const wrong: string[] = [];
  for (const a of wrongAdditions(rng, current, best.added, limit)) {
    const t = additionText(a);
    if (t !== correct && !wrong.includes(t) && !isValidAddition(current, a, target, limit, criterion))
      wrong.push(t);
    if (wrong.length === 7) break;
  }
  if (wrong.length < 7) return null;
  const options = rng.shuffle([correct, ...wrong]);
  const answer = options.indexOf(correct) + 1;
  return {
    question:
      `${GRID}${VIEWS}${PUZZLE}\nThe image shows the puzzle's current structure, its target projections and the remaining available voxels (${limit}).\n\n` +
      `Question:\nWhich set of added voxels makes the structure match ${CRITERIA[criterion]} while obeying the rules?\n\n${optionLines(options)}`,
    answer: String(answer),
    analysis: `${additionAnalysis(current, options, target, limit, criterion)}\nOnly option ${answer} passes every check, so the answer is ${answer}.`,
    options,
  };
}

export function additionAnalysis(
  current: Voxel[],
  options: string[],
  target: Projections,
  limit: number,
  criterion: Criterion,
): string {
  const have = new Set(current.map(vkey));
  const lines = options.map((o, i) => {
    const add = parseVoxels(o);
    const all = [...current, ...add];
    const p = projections(all);
    const notes = [
      add.length > limit
        ? `${add.length} voxels exceed the limit of ${limit}`
        : `${add.length} voxel(s), within the limit of ${limit}`,
      add.some((v) => have.has(vkey(v)))
        ? "reuses an occupied cell"
        : isConnected(all)
          ? "stays connected"
          : "leaves voxels detached",
      criterion !== "xz" ? `Y-Z ${sameProjection(p.yz, target.yz) ? "matches" : "differs"}` : "",
      criterion !== "yz" ? `X-Z ${sameProjection(p.xz, target.xz) ? "matches" : "differs"}` : "",
    ].filter(Boolean);
    return `- Option ${i + 1}: ${notes.join("; ")}.`;
  });
  return `The current structure is ${fmtVoxels(current)}. Checking each option:\n${lines.join("\n")}`;
}

/* ------------------------------ q5: fewest voxels ------------------------------ */

export function fewestVoxels(s: ReconstructionState): { answer: string; analysis: string } | null {
  const current = voxelsOf(s);
  const target = targetOf(s);
  // No limit on the count: the published remaining_voxels is the original solver's own answer, not the limit.
  const best = minimalAddition(current, target, 27);
  if (!best) return null;
  const now = projections(current);
  const m = best.added.length;
  const allowed = allowedCells(target).filter((v) => !current.some((c) => vkey(c) === vkey(v)));
  return {
    answer: String(m),
    analysis:
      `Current structure: ${fmtVoxels(current)}.\n` +
      `Front view now fills ${cells2(now.yz)}; the target fills ${cells2(target.yz)}.\n` +
      `Side view now fills ${cells2(now.xz)}; the target fills ${cells2(target.xz)}.\n` +
      `A new voxel (x, y, z) may only go where the target lights both (y, z) and (x, z), otherwise it adds a wrong projection cell. ` +
      `The empty cells allowed are ${fmtVoxels(allowed)}.\n` +
      (m === 0
        ? "The structure already matches both targets, so no voxel is needed."
        : `Trying every set of 0, 1, ... allowed cells in turn, no set of fewer than ${m} voxels both matches the targets and stays connected; ` +
          `the first set of ${m} that works is ${fmtVoxels(best.added)}.`) +
      `\nSo the minimum number of voxels to add is ${m}.`,
  };
}

/* ------------------------------ task list ------------------------------ */

const viewIn = (q: string): "Y-Z" | "X-Z" | undefined =>
  lastMatch(q, /(Y-Z|X-Z) projection/g)?.[1] as "Y-Z" | "X-Z" | undefined;

export const reconstructionTasks: QuestionTemplate<ReconstructionState>[] = [
  {
    id: 0,
    name: "voxel-count",
    description: "Count the total number of voxels in the given 3D structure.",
    qaType: "Target Perception",
    qaLevel: "Easy",
    answerFormat: "number",
    generate: ({ state }) => ({
      question: `${GRID}\n${IMAGE_NOTE}Question:\nHow many voxels does the structure contain? Answer with a number.`,
      ...countVoxels(state),
    }),
    conform: ({ state }) => ({ answer: countVoxels(state).answer }),
  },
  {
    id: 1,
    name: "voxel-position",
    description: "Choose the position that contains a voxel from the given options.",
    qaType: "Target Perception",
    qaLevel: "Easy",
    answerFormat: "option-index",
    generate: ({ state, rng }) => positionQuestion(state, rng),
    conform({ sample, state }): ConformResult {
      const have = new Set(voxelsOf(state).map(vkey));
      const hits = (sample.options ?? [])
        .map((o, i) => (have.has(vkey(parseVoxels(String(o))[0] ?? [0, 0, 0])) ? i + 1 : 0))
        .filter((i) => i > 0);
      return hits.length === 1
        ? { answer: String(hits[0]) }
        : { skip: `${hits.length} options hold a voxel` };
    },
  },
  {
    id: 2,
    name: "projection-match",
    description: "Choose how the given 3D structure's projections match with the target projections.",
    qaType: "Target Perception",
    qaLevel: "Medium",
    answerFormat: "option-index",
    generate({ state, rng }) {
      const r = projectionMatch(state);
      // Most drawn structures are puzzle starts that match neither view; keep only some of those.
      if (r.answer === "1" && rng.chance(0.6)) return null;
      return {
        question: `${GRID}${VIEWS}\n${IMAGE_NOTE}Question:\nHow do the projections of the structure compare with the target projections?\n\n${optionLines(MATCH_OPTIONS)}`,
        ...r,
        options: MATCH_OPTIONS,
      };
    },
    conform: ({ state }) => ({ answer: projectionMatch(state).answer }),
  },
  {
    id: 3,
    name: "projection-after-adding",
    description: "Predict the projection matrix after adding specified voxels to the current structure.",
    qaType: "State Prediction",
    qaLevel: "Medium",
    // The 3x3 matrix is scored as the sequence of its nine 0/1 values (spacing-insensitive).
    answerFormat: "sequence",
    generate({ state, rng }) {
      if (!isStart(state) || state.remaining_voxels < 1) return null;
      const added = sortVoxels(
        growRandom(rng, voxelsOf(state), rng.int(1, Math.min(3, state.remaining_voxels))),
      );
      const view = rng.chance(0.5) ? "Y-Z" : "X-Z";
      return {
        question:
          `${GRID}${VIEWS}${PUZZLE}\nAction: place ${added.length} new voxel(s) at ${fmtVoxels(added)}.\n\n` +
          `Question:\nAfter this action, what is the ${view} projection of the structure?\n` +
          "Answer as a list of three rows [[...], [...], [...]] from the top row (z = 3) to the bottom row (z = 1); each row has three 0/1 " +
          `values from left to right (increasing ${view === "Y-Z" ? "y" : "x"}). Example: [[0, 1, 0], [1, 1, 0], [0, 1, 1]]`,
        ...projectionAfter(state, added, view),
      };
    },
    conform({ sample, state }): ConformResult {
      const m = lastMatch(sample.question, /voxels?(?:\(s\))? at (?:positions: )?(\[[^\]]*\])/gi);
      const view = viewIn(sample.question.split(/Question:/).at(-1) ?? "");
      if (!m || !view) return { skip: "no added voxels or no view in the question" };
      return { answer: projectionAfter(state, parseVoxels(m[1] as string), view).answer };
    },
  },
  {
    id: 4,
    name: "addition-sequence",
    description:
      "Choose the correct sequence of voxel additions that will make the structure match the target projection(s) while following game rules.",
    qaType: "State Prediction",
    qaLevel: "Hard",
    answerFormat: "option-index",
    generate: ({ state, rng }) => additionQuestion(state, rng),
    conform({ sample, state }): ConformResult {
      const q = sample.question.split(/Question:/).at(-1) ?? "";
      const c = lastMatch(q, /(both target projections|Y-Z target projection|X-Z target projection)/g)?.[1];
      if (!c) return { skip: "no target criterion in the question" };
      const criterion: Criterion = c.startsWith("both") ? "both" : c.startsWith("Y-Z") ? "yz" : "xz";
      const valid = (sample.options ?? [])
        .map((o, i) =>
          isValidAddition(
            voxelsOf(state),
            parseVoxels(String(o)),
            targetOf(state),
            state.remaining_voxels,
            criterion,
          )
            ? i + 1
            : 0,
        )
        .filter((i) => i > 0);
      return valid.length === 1
        ? { answer: String(valid[0]) }
        : { skip: `${valid.length} options are valid` };
    },
  },
  {
    id: 5,
    name: "fewest-voxels",
    description: "Find the minimum number of additional voxels needed to match both target projections.",
    qaType: "Strategy Optimization",
    qaLevel: "Hard",
    answerFormat: "number",
    generate({ state }) {
      if (!isStart(state)) return null;
      const r = fewestVoxels(state);
      if (!r) return null;
      return {
        question:
          `${GRID}${VIEWS}${PUZZLE}\nThe image shows the puzzle's current structure and its target projections.\n\n` +
          "Question:\nWhat is the smallest number of voxels that must be added to the current structure so that it matches both target projections? Answer with a number.",
        ...r,
      };
    },
    conform({ state }): ConformResult {
      const r = fewestVoxels(state);
      return r ? { answer: r.answer } : { skip: "no completion exists" };
    },
  },
];
