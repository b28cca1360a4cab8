/**
 * Snake question templates, question ids 0-4 as in the original: head position, food position,
 * length, the outcome of a list of moves (options numbered from 0, as published) and the length of
 * the shortest path to the food (-1 when none).
 */
import type { ConformInput, ConformResult, QuestionTemplate } from "../../types.js";
import {
  cellsOf,
  DIRECTIONS,
  fmt,
  fmtList,
  type Move,
  moveBetween,
  OPPOSITE,
  OUTCOME_TEXT,
  type Pos,
  shortestPath,
  simulate,
  snakesOfMap,
  step,
} from "./logic.js";
import type { SnakeState } from "./state.js";

type Task = QuestionTemplate<SnakeState>;

function intro(s: SnakeState): string {
  const n = s.map.length;
  return (
    `This is a game of Snake on a ${n}x${n} grid. The yellow cell is the snake's head, the blue cells are its body ` +
    "(a black line joins the segments in order from the head to the tail) and the red cell is the food. " +
    "A cell is written (x, y), where x is the row and y the column, both counted from 0 at the top-left corner. " +
    "At each step the snake moves one cell up, down, left or right: the head enters the neighbouring cell and every body " +
    "segment takes the place of the segment in front of it, so the tail's cell becomes free. " +
    "The game ends when the head leaves the grid or runs into the snake's own body.\n\n"
  );
}

const headOf = (s: SnakeState): Pos => cellsOf(s.map, 3)[0] as Pos;
const foodOf = (s: SnakeState): Pos | null => cellsOf(s.map, 1)[0] ?? null;

/** The snake of one of our states (which store it); published states need snakeCandidates. */
function snakeOf(s: SnakeState): Pos[] {
  if (!s.snake) throw new Error("snake: generated state without its segment list");
  return s.snake;
}

/** The body list printed in a published analysis ("body(blue blocks) is at [(r, c), ...]"). */
function analysisBody(analysis: string): Pos[] | undefined {
  const m = /body\s*\(blue[^[]*\[([^\]]*)\]/.exec(analysis);
  if (!m) return undefined;
  return [...(m[1] as string).matchAll(/\((-?\d+),\s*(-?\d+)\)/g)].map((x) => [Number(x[1]), Number(x[2])]);
}

/** A chain of adjacent cells starting at the head, each a body cell of the map. */
function fitsMap(s: SnakeState, snake: Pos[]): boolean {
  return snake.every(
    ([r, c], i) =>
      s.map[r]?.[c] === (i === 0 ? 3 : 2) &&
      (i === 0 || Math.abs(r - (snake[i - 1] as Pos)[0]) + Math.abs(c - (snake[i - 1] as Pos)[1]) === 1),
  );
}

/**
 * The snakes a published sample may show. Its state has the body cells but not their order: we take
 * the order printed in the sample's analysis when it fits the map, otherwise `snakesOfMap`.
 */
export function snakeCandidates(
  sample: ConformInput<SnakeState>["sample"] | undefined,
  s: SnakeState,
): Pos[][] | null {
  if (s.snake) return [s.snake];
  const head = headOf(s);
  const body = sample ? analysisBody(sample.analysis) : undefined;
  if (body && body.length > 0 && fitsMap(s, [head, ...body])) return [[head, ...body]];
  return snakesOfMap(s.map);
}

/** Conform by computing the answer for every candidate snake; they must agree. */
function conformOver(
  { sample, state }: ConformInput<SnakeState>,
  answer: (snake: Pos[]) => string | number | undefined,
): ConformResult {
  const snakes = snakeCandidates(sample, state);
  if (!snakes) return { skip: "too many possible body orders" };
  const answers = new Set(snakes.map(answer));
  if (answers.has(undefined)) return { skip: "shortest-path search exceeded its budget" };
  if (answers.size !== 1) return { skip: `body order ambiguous: answers ${[...answers].join(" / ")}` };
  return { answer: [...answers][0] as string | number };
}

/* ------------------------------ 0-2: perception ------------------------------ */

function positionTask(id: 0 | 1): Task {
  const what = id === 0 ? "head" : "food";
  const colour = id === 0 ? "yellow" : "red";
  const locate = (s: SnakeState): Pos | null => (id === 0 ? headOf(s) : foodOf(s));
  return {
    id,
    name: id === 0 ? "head-pos" : "food-pos",
    description: id === 0 ? "Where is the head of the snake?" : "Where is the food?",
    qaType: "Target Perception",
    qaLevel: "Easy",
    answerFormat: "coordinate",
    generate({ state }) {
      const p = locate(state);
      if (!p) return null;
      return {
        question: `${intro(state)}Question: Where is the ${what}? Answer with its coordinates (x, y).`,
        answer: fmt(p),
        analysis: `The ${what} is the ${colour} cell. It lies in row ${p[0]} and column ${p[1]}, so the ${what} is at ${fmt(p)}.`,
      };
    },
    conform({ state }) {
      const p = locate(state);
      return p ? { answer: fmt(p) } : { skip: "no food on the map" };
    },
  };
}

export function lengthAnalysis(snake: Pos[]): string {
  const body = snake.slice(1);
  return (
    `The head (yellow) is at ${fmt(snake[0] as Pos)}. Following the black line from the head, the body (blue) ` +
    `segments are at ${fmtList(body)}: ${body.length} of them. So the snake is 1 + ${body.length} = ${snake.length} cells long.`
  );
}

const lengthTask: Task = {
  id: 2,
  name: "snake-len",
  description: "How long is the snake?",
  qaType: "Target Perception",
  qaLevel: "Medium",
  answerFormat: "number",
  generate({ state }) {
    const snake = snakeOf(state);
    return {
      question: `${intro(state)}Question: How long is the snake, counted in cells (head included)?`,
      answer: snake.length,
      analysis: lengthAnalysis(snake),
    };
  },
  conform: (input) => conformOver(input, (snake) => snake.length),
};

/* ------------------------------ 3: outcome of moves ------------------------------ */

export function outcomeAnalysis(
  s: SnakeState,
  snake: Pos[],
  moves: Move[],
): { answer: number; analysis: string } {
  const n = s.map.length;
  const sim = simulate(snake, moves, n, foodOf(s));
  const lines = [
    `At the start the head is at ${fmt(snake[0] as Pos)} and the body at ${fmtList(snake.slice(1))}.`,
  ];
  for (let i = 0; i < sim.steps; i++) {
    const after = sim.snakes[i + 1] as Pos[];
    lines.push(
      `Step ${i + 1} (${moves[i]}): the head goes from ${fmt((sim.snakes[i] as Pos[])[0] as Pos)} to ${fmt(after[0] as Pos)}; ` +
        `the body follows to ${fmtList(after.slice(1))}.`,
    );
  }
  const head = (sim.snakes[sim.steps] as Pos[])[0] as Pos;
  const end = [
    `${fmt(head)} is outside the ${n}x${n} grid: the snake hits the bound of the grid.`,
    `${fmt(head)} is occupied by the snake's body: the snake hits its body.`,
    `${fmt(head)} is the food: the snake reaches the food.`,
    "All moves are done without hitting anything or reaching the food: nothing happens.",
  ][sim.outcome] as string;
  lines.push(`${end} So the answer is option ${sim.outcome}.`);
  return { answer: sim.outcome, analysis: lines.join("\n") };
}

const outcomeTask: Task = {
  id: 3,
  name: "which-happen",
  description: "Which will happen until this process ends if the snake moves like this each step?",
  qaType: "State Prediction",
  qaLevel: "Hard",
  // The published answer is the 0-based number printed before each option: the scorer and the
  // engine's check read the base from the question ("0: …").
  answerFormat: "option-index",
  generate({ state, rng }) {
    const snake = snakeOf(state);
    // Like the original: 1-10 random moves, never straight back against the previous one.
    let last = moveBetween(snake[1] ?? (snake[0] as Pos), snake[0] as Pos);
    const moves: Move[] = [];
    const count = rng.int(1, 10);
    while (moves.length < count) {
      last = rng.pick(DIRECTIONS.map((d) => d.name).filter((m) => m !== OPPOSITE[last]));
      moves.push(last);
    }
    const { answer, analysis } = outcomeAnalysis(state, snake, moves);
    const steps = moves.map((m, i) => `step ${i + 1}: ${m}`).join("\n");
    const options = OUTCOME_TEXT.map((t, i) => `${i}: ${t}`).join("\n");
    return {
      question:
        `${intro(state)}Question: The snake makes the following moves, one per step, until the moves run out or the game ends ` +
        `or the food is reached. Which of these happens?\n${steps}\n\nOptions:\n${options}\n\n` +
        "Answer with the number printed before the option (0, 1, 2 or 3).",
      options: [...OUTCOME_TEXT],
      answer,
      analysis,
    };
  },
  conform(input) {
    const moves = [...input.sample.question.matchAll(/step\s+\d+:\s*(up|down|left|right)/gi)].map(
      (m) => (m[1] as string).toLowerCase() as Move,
    );
    if (moves.length === 0) return { skip: "no moves in the question" };
    return conformOver(
      input,
      (snake) => simulate(snake, moves, input.state.map.length, foodOf(input.state)).outcome,
    );
  },
};

/* ------------------------------ 4: shortest path ------------------------------ */

export function pathAnalysis(s: SnakeState, snake: Pos[], path: Move[] | null): string {
  const food = foodOf(s);
  if (!path || !food) {
    const trapped = DIRECTIONS.every(({ name }) => {
      const next = step(snake, name);
      const [r, c] = next[0] as Pos;
      const n = s.map.length;
      return r < 0 || r >= n || c < 0 || c >= n || next.slice(1).some((p) => p[0] === r && p[1] === c);
    });
    return trapped
      ? `The head at ${fmt(snake[0] as Pos)} is boxed in: each neighbouring cell is outside the grid or held by a body segment that will not move away, so the snake cannot make any move. There is no path, so the answer is -1.`
      : "Searching every position the snake can reach (the body moving along with the head) never brings the head onto the food. There is no path, so the answer is -1.";
  }
  const sim = simulate(snake, path, s.map.length, food);
  const cells = sim.snakes.slice(1).map((x) => fmt(x[0] as Pos));
  const dist = Math.abs((snake[0] as Pos)[0] - food[0]) + Math.abs((snake[0] as Pos)[1] - food[1]);
  const detour =
    path.length === dist
      ? `This equals the Manhattan distance ${dist} from the head to the food, so no path can be shorter.`
      : `The Manhattan distance is ${dist}, but every shorter route runs into the wall or the body, as a search over all shorter move lists shows.`;
  return (
    `The head starts at ${fmt(snake[0] as Pos)} and the food is at ${fmt(food)}. A shortest safe route is: ${path.join(", ")}. ` +
    `The head passes ${cells.join(" -> ")}, never entering a cell the body still holds. ${detour} ` +
    `So the shortest path has ${path.length} moves.`
  );
}

const pathTask: Task = {
  id: 4,
  name: "path",
  description:
    "How long is the shortest path if the snake wants to reach the food? If there is no path, print -1.",
  qaType: "Strategy Optimization",
  qaLevel: "Hard",
  answerFormat: "number",
  generate({ state }) {
    const snake = snakeOf(state);
    const path = shortestPath(snake, foodOf(state), state.map.length);
    if (path === undefined) return null;
    return {
      question:
        `${intro(state)}Question: How many moves does the shortest path take that brings the snake's head onto the food? ` +
        "If the food cannot be reached, answer -1.",
      answer: path ? path.length : -1,
      analysis: pathAnalysis(state, snake, path),
    };
  },
  conform: (input) =>
    conformOver(input, (snake) => {
      const path = shortestPath(snake, foodOf(input.state), input.state.map.length);
      return path === undefined ? undefined : path ? path.length : -1;
    }),
};

export const snakeTasks: Task[] = [positionTask(0), positionTask(1), lengthTask, outcomeTask, pathTask];
