import { findOptionKey, letter, makeChoices } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import { type Ant, DIRECTIONS, describeAnt, describeStep, type LangtonState, simulate } from "./logic.js";

const RULES =
  "Langton's ant walks on a square grid of white and black cells; the red triangle is the ant and points the way it faces. Each step: " +
  "on a white cell the ant turns 90 degrees right, on a black cell 90 degrees left; it then flips the colour of the cell it stands on and moves one cell forward. " +
  "Leaving the grid on one side brings it back on the opposite side. Coordinates are (x, y): x is the row counted downwards from 0 at the top, y the column counted rightwards from 0 at the left.";

/** Distractors: other ant placements, biased to nearby cells and the same cell with other headings. */
function antChoices(rng: Rng, ant: Ant, size: number): { options: string[]; answer: string } {
  const correct = describeAnt(ant);
  const pool: string[] = [];
  for (const d of DIRECTIONS) pool.push(describeAnt({ ...ant, direction: d }));
  for (const [dx, dy] of [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [ant.y - ant.x, ant.x - ant.y],
  ] as const) {
    const x = (((ant.x + dx) % size) + size) % size;
    const y = (((ant.y + dy) % size) + size) % size;
    pool.push(describeAnt({ x, y, direction: rng.pick(DIRECTIONS) }));
  }
  while (pool.length < 20)
    pool.push(
      describeAnt({ x: rng.int(0, size - 1), y: rng.int(0, size - 1), direction: rng.pick(DIRECTIONS) }),
    );
  const ch = makeChoices(rng, correct, pool, 8);
  return { options: ch.values.map((v, i) => `${letter(i)}: ${v}`), answer: letter(ch.correct) };
}

const optionBlock = (options: string[]): string =>
  `\n\nChoose one option and answer with its letter:\n${options.join("\n")}`;

export const antPosition: QuestionTemplate<LangtonState> = {
  id: 1,
  name: "ant-position",
  description: "Read the ant's current position and heading.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const { options, answer } = antChoices(rng, state.ant, state.grid.length);
    return {
      question: `${RULES}\n\nWhere is the ant now and which way does it face?${optionBlock(options)}`,
      answer,
      analysis:
        `The red triangle sits in row ${state.ant.x}, column ${state.ant.y}, and its tip points ${state.ant.direction}. ` +
        `So the ant is at ${describeAnt(state.ant).replace("Position ", "")}. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }): ConformResult {
    const key = findOptionKey(sample.options ?? [], describeAnt(state.ant), "letter");
    return key ? { answer: key } : { skip: "no option matches the ant" };
  },
};

export const antAfterSteps: QuestionTemplate<LangtonState> = {
  id: 2,
  name: "ant-after-steps",
  description: "Predict the ant's position and heading after several steps.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const steps = rng.int(5, 10);
    const { final, log } = simulate(state, steps);
    const { options, answer } = antChoices(rng, final.ant, state.grid.length);
    return {
      question: `${RULES}\n\nAfter ${steps} steps, where will the ant be and which way will it face?${optionBlock(options)}`,
      answer,
      analysis:
        `Start: ${describeAnt(state.ant)}.\n${log.map(describeStep).join("\n")}\n` +
        `After ${steps} steps the ant is at ${describeAnt(final.ant).replace("Position ", "")}. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(sample.question, /After (\d+) steps/g);
    if (!m) return { skip: "step count not found" };
    const { final } = simulate(state, Number(m[1]));
    const key = findOptionKey(sample.options ?? [], describeAnt(final.ant), "letter");
    return key ? { answer: key } : { skip: `no option reads ${describeAnt(final.ant)}` };
  },
};

function countFlips(
  state: LangtonState,
  steps: number,
  x: number,
  y: number,
): { count: number; lines: string[] } {
  const { log } = simulate(state, steps);
  let count = 0;
  const lines = log.map((r) => {
    const hit = r.from[0] === x && r.from[1] === y;
    if (hit) count++;
    return `${describeStep(r)}${hit ? ` Cell (${x}, ${y}) flips (change ${count}).` : ""}`;
  });
  return { count, lines };
}

export const cellFlips: QuestionTemplate<LangtonState> = {
  id: 3,
  name: "cell-flips",
  description: "Count how many times one cell changes colour during several steps.",
  qaType: "State Prediction",
  qaLevel: "Hard",
  answerFormat: "number",
  generate({ state, rng }): GeneratedQuestion {
    const steps = rng.int(5, 12);
    // Prefer cells on the ant's path so the count is not trivially zero.
    const { log } = simulate(state, steps);
    const visited = log.map((r) => r.from);
    const n = state.grid.length;
    const [x, y] = rng.chance(0.8) ? rng.pick(visited) : [rng.int(0, n - 1), rng.int(0, n - 1)];
    const { count, lines } = countFlips(state, steps, x, y);
    const start = state.grid[x]?.[y] === 1 ? "black" : "white";
    return {
      question: `${RULES}\n\nDuring the next ${steps} steps, how many times does the cell at (${x}, ${y}) change colour? Answer with a number.`,
      answer: count,
      analysis:
        `Start: ${describeAnt(state.ant)}; cell (${x}, ${y}) is ${start}. A cell changes colour only when the ant leaves it.\n` +
        `${lines.join("\n")}\nCell (${x}, ${y}) changed colour ${count} time(s). The answer is ${count}.`,
    };
  },
  conform({ sample, state }): ConformResult {
    const m = lastMatch(
      sample.question,
      /After (\d+) steps, how many times did the cell at position \((\d+), (\d+)\)/g,
      /During the next (\d+) steps, how many times does the cell at \((\d+), (\d+)\)/g,
    );
    if (!m) return { skip: "steps or cell not found" };
    return { answer: countFlips(state, Number(m[1]), Number(m[2]), Number(m[3])).count };
  },
};
