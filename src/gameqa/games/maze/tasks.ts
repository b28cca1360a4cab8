import { findOptionKey, letter, makeChoices } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, QuestionTemplate, Rng } from "../../types.js";
import {
  availableMoves,
  countTurns,
  DELTA,
  type MazeState,
  MOVES,
  type Move,
  pathMoves,
  pos,
  reachesGoal,
  shortestPath,
} from "./logic.js";

const RULES =
  "Rules: This is a maze. The red circle is the player, the green square is the goal, light-blue cells are walls and white cells are free. " +
  "The player moves one cell at a time up, down, left or right, only onto free cells (or the goal). " +
  "Positions are written (row, col): row counts from 0 at the top, col from 0 at the left, as labelled on the image.";

const optionBlock = (options: string[]): string => `\n\nOptions:\n${options.join("\n")}`;
const lettered = (values: string[]): string[] => values.map((v, i) => `${letter(i)}. ${v}`);

function around(p: readonly [number, number]): string[] {
  return [
    pos([p[0] - 1, p[1]]),
    pos([p[0] + 1, p[1]]),
    pos([p[0], p[1] - 1]),
    pos([p[0], p[1] + 1]),
    pos([p[0] + 1, p[1] + 1]),
    pos([p[1], p[0]]),
  ];
}

function positionQuestion(state: MazeState, rng: Rng, who: "player" | "goal"): GeneratedQuestion {
  const p = who === "player" ? state.playerPosition : state.endPosition;
  const ch = makeChoices(rng, pos(p), around(p), 5);
  const options = lettered(ch.values);
  const answer = letter(ch.correct);
  const look = who === "player" ? "red circle" : "green square";
  return {
    question: `${RULES}\n\nQuestion: What are the coordinates of the ${who}?${optionBlock(options)}`,
    answer,
    analysis: `The ${look} is in row ${p[0]} and column ${p[1]}, so the ${who} is at ${pos(p)}. The answer is ${answer}.`,
    options,
  };
}

function keyFor(options: unknown[] | undefined, value: string): ConformResult {
  const key = findOptionKey(options ?? [], value, "letter");
  return key ? { answer: key } : { skip: `no option reads ${value}` };
}

export const playerPosition: QuestionTemplate<MazeState> = {
  id: 1,
  name: "player-position",
  description: "Read the player's coordinates.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => positionQuestion(state, rng, "player"),
  conform: ({ sample, state }) => keyFor(sample.options, pos(state.playerPosition)),
};

export const goalPosition: QuestionTemplate<MazeState> = {
  id: 2,
  name: "goal-position",
  description: "Read the goal's coordinates.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate: ({ state, rng }) => positionQuestion(state, rng, "goal"),
  conform: ({ sample, state }) => keyFor(sample.options, pos(state.endPosition)),
};

function solve(state: MazeState): { path: Array<[number, number]>; moves: Move[] } | undefined {
  const path = shortestPath(state);
  return path ? { path, moves: pathMoves(path) } : undefined;
}

function walkText(path: Array<[number, number]>, moves: Move[]): string {
  return moves
    .map((m, i) => `Step ${i + 1}: move ${m} from ${pos(path[i] ?? [])} to ${pos(path[i + 1] ?? [])}.`)
    .join("\n");
}

/** Wrong move lists that look like the answer (one move changed, two swapped, one dropped or added) and do not reach the goal. */
function pathDistractors(rng: Rng, state: MazeState, moves: Move[]): string[] {
  const out: string[] = [];
  for (let tries = 0; tries < 400 && out.length < 12; tries++) {
    const m = moves.slice();
    const kind = rng.int(0, 3);
    const i = rng.int(0, m.length - 1);
    if (kind === 0) m[i] = rng.pick(MOVES.filter((d) => d !== m[i]));
    else if (kind === 1 && m.length > 1) {
      const j = Math.min(i + 1, m.length - 1);
      [m[i], m[j]] = [m[j] as Move, m[i] as Move];
    } else if (kind === 2 && m.length > 1) m.splice(i, 1);
    else m.splice(i, 0, rng.pick(MOVES));
    if (!reachesGoal(state, m)) out.push(m.join(", "));
  }
  return out;
}

export const pathToGoal: QuestionTemplate<MazeState> = {
  id: 3,
  name: "path-to-goal",
  description: "Choose the move sequence that takes the player to the goal.",
  qaType: "Strategy Optimization",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion | null {
    const sol = solve(state);
    if (!sol || sol.moves.length === 0) return null;
    const correct = sol.moves.join(", ");
    const ch = makeChoices(rng, correct, pathDistractors(rng, state, sol.moves), 5);
    if (ch.values.length < 4) return null;
    const options = lettered(ch.values);
    const answer = letter(ch.correct);
    return {
      question: `${RULES}\n\nQuestion: Which sequence of moves takes the player to the goal? (A sequence that bumps into a wall is invalid.)${optionBlock(options)}`,
      answer,
      analysis:
        `The player starts at ${pos(state.playerPosition)} and the goal is at ${pos(state.endPosition)}. Searching the free cells breadth-first gives the route:\n` +
        `${walkText(sol.path, sol.moves)}\nThe goal is reached. The moves are: ${correct}. Every other option hits a wall or ends away from the goal. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const sol = solve(state);
    return sol ? keyFor(sample.options, sol.moves.join(", ")) : { skip: "goal unreachable" };
  },
};

export const turnCount: QuestionTemplate<MazeState> = {
  id: 4,
  name: "turn-count",
  description: "Count the turns on the path to the goal.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "number",
  generate({ state }): GeneratedQuestion | null {
    const sol = solve(state);
    if (!sol || sol.moves.length === 0) return null;
    const turns = countTurns(sol.moves);
    const changes = sol.moves
      .slice(1)
      .map(
        (m, i) =>
          `Move ${i + 2} (${m}): ${m === sol.moves[i] ? "same direction" : `turn from ${sol.moves[i]} to ${m}`}.`,
      );
    return {
      question: `${RULES}\n\nQuestion: Follow the path from the player to the goal (the maze has a single route without going back and forth). How many times does the direction of movement change along it? Answer with a number.`,
      answer: turns,
      analysis:
        `Route found by breadth-first search:\n${walkText(sol.path, sol.moves)}\nMoves: ${sol.moves.join(", ")}.\n` +
        `${changes.join("\n")}\nThe direction changes ${turns} time(s). The answer is ${turns}.`,
    };
  },
  conform({ state }) {
    const sol = solve(state);
    return sol ? { answer: countTurns(sol.moves) } : { skip: "goal unreachable" };
  },
};

const DIRECTION_SETS = (() => {
  const out: string[] = [];
  for (let mask = 1; mask < 16; mask++) out.push(MOVES.filter((_, i) => mask & (1 << i)).join(", "));
  return out;
})();

export const availableDirections: QuestionTemplate<MazeState> = {
  id: 5,
  name: "available-directions",
  description: "Which directions the player can move now.",
  qaType: "Target Perception",
  qaLevel: "Easy",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion {
    const dirs = availableMoves(state);
    const correct = dirs.join(", ");
    const ch = makeChoices(rng, correct, DIRECTION_SETS, 8);
    // Shorter option lists first, as a reader scans them most easily.
    const values = ch.values
      .slice()
      .sort(
        (a, b) =>
          a.split(",").length - b.split(",").length ||
          MOVES.indexOf(a.split(",")[0] as Move) - MOVES.indexOf(b.split(",")[0] as Move),
      );
    const options = lettered(values);
    const answer = letter(values.indexOf(correct));
    const [r, c] = state.playerPosition;
    const checks = MOVES.map((d) => {
      const t: [number, number] = [r + DELTA[d][0], c + DELTA[d][1]];
      return `${d}: ${pos(t)} is ${dirs.includes(d) ? "free" : "blocked"}`;
    });
    return {
      question: `${RULES}\n\nQuestion: In which directions can the player move from where it stands now?${optionBlock(options)}`,
      answer,
      analysis: `The player is at ${pos(state.playerPosition)}. ${checks.join("; ")}. So it can move ${correct}. The answer is ${answer}.`,
      options,
    };
  },
  conform: ({ sample, state }) => keyFor(sample.options, availableMoves(state).join(", ")),
};

export const positionAfterMove: QuestionTemplate<MazeState> = {
  id: 6,
  name: "position-after-move",
  description: "The player's coordinates after one move.",
  qaType: "State Prediction",
  qaLevel: "Medium",
  answerFormat: "option-letter",
  generate({ state, rng }): GeneratedQuestion | null {
    const dirs = availableMoves(state);
    if (dirs.length === 0) return null;
    const d = rng.pick(dirs);
    const p = state.playerPosition;
    const to: [number, number] = [p[0] + DELTA[d][0], p[1] + DELTA[d][1]];
    const ch = makeChoices(rng, pos(to), [...around(p), pos(p)], 5);
    const options = lettered(ch.values);
    const answer = letter(ch.correct);
    return {
      question: `${RULES}\n\nQuestion: What are the player's coordinates after it moves ${d} once?${optionBlock(options)}`,
      answer,
      analysis: `The player is at ${pos(p)}. Moving ${d} changes the ${d === "up" || d === "down" ? "row" : "column"} by ${DELTA[d][0] + DELTA[d][1]}, giving ${pos(to)}, which is free. The answer is ${answer}.`,
      options,
    };
  },
  conform({ sample, state }) {
    const m = lastMatch(sample.question, /(?:after moving|after it moves) (up|down|left|right)/g);
    if (!m) return { skip: "direction not found" };
    const d = m[1] as Move;
    const p = state.playerPosition;
    return keyFor(sample.options, pos([p[0] + DELTA[d][0], p[1] + DELTA[d][1]]));
  },
};
