/**
 * Zuma question templates, question ids 1-6 as in the original: the frog's next colour, marbles of
 * a colour, same-colour groups in a direction sector, the colour a shot hits, what a shot does, and
 * the best single shot. Answers are text or integers, as the original writes them.
 */
import { lastMatch } from "../../parse.js";
import type { ConformInput, ConformResult, Level, QaType, QuestionTemplate } from "../../types.js";
import {
  angleTo,
  COLORS,
  clearableGroups,
  DIRECTIONS,
  directionOf,
  type Group,
  groups,
  groupsInDirection,
  hitMarble,
  MARBLE_RADIUS,
  type Marble,
  marblesOnRay,
  type ShotOutcome,
  shoot,
} from "./logic.js";
import type { ZumaState } from "./state.js";

const INTRO =
  "This is a Zuma game. A frog, drawn as a long white triangle, shoots coloured marbles at a line of marbles that rolls " +
  "along a grey spiral track towards the black hole at the track's end. The circle on the frog shows the colour of the " +
  "marble it will shoot next. A shot flies in a straight line and stops at the first marble in its way (it cannot pass " +
  "marbles; with no marble in its way it leaves the field). When a shot joins two or more touching marbles of its own " +
  "colour, they all disappear. Angles and directions are measured at the centre of the frog's circle, counter-clockwise " +
  "from the positive x-axis (0 degrees points right, 90 degrees up); the grey dashed lines from the frog split the view " +
  "into eight direction sectors.\n\n";

const SHOT_FORMS =
  "Answer with exactly one of: 'The marble left the field.', 'The marble stayed on the track.', or " +
  "'[X] marbles on the track were removed.', where [X] is a positive integer.";

/** Marbles are named by their place along the track, 1 at the far (outer) end. */
const nth = (i: number): string => `marble ${i + 1}`;
const describe = (ms: readonly Marble[], i: number): string => `${nth(i)} (${ms[i]?.color})`;
const groupText = (g: Group): string =>
  `${g.last - g.first + 1} ${g.color} (marbles ${g.first + 1}-${g.last + 1})`;
const fmt = (v: number): string => String(Math.round(v * 10) / 10);

function task(
  id: number,
  name: string,
  qaType: QaType,
  qaLevel: Level,
  answerFormat: QuestionTemplate<ZumaState>["answerFormat"],
  generate: QuestionTemplate<ZumaState>["generate"],
  conform: (input: ConformInput<ZumaState>) => ConformResult,
): QuestionTemplate<ZumaState> {
  return { id, name, description: name, qaType, qaLevel, answerFormat, generate, conform };
}

const angleIn = (q: string): number | undefined => {
  const m = lastMatch(q, /at (-?\d+(?:\.\d+)?) degrees/g);
  return m ? Number(m[1]) : undefined;
};
const withAngle =
  (answer: (state: ZumaState, angle: number) => string) =>
  ({ sample, state }: ConformInput<ZumaState>): ConformResult => {
    const angle = angleIn(sample.question);
    return angle === undefined ? { skip: "no angle in the question" } : { answer: answer(state, angle) };
  };

/* ------------------------------ 1: next colour ------------------------------ */

const nextColour = task(
  1,
  "next_marble_color",
  "Target Perception",
  "Easy",
  "text",
  ({ state }) => ({
    question: `${INTRO}What colour is the marble that the frog will shoot next? Answer with one of: red, yellow, blue, green.`,
    answer: state.frog.next_ball_color,
    analysis: `The circle on the frog's triangle is ${state.frog.next_ball_color}, so the next marble is ${state.frog.next_ball_color}.`,
    // As published: the answer is the option's text.
    options: [...COLORS],
  }),
  ({ state }) => ({ answer: state.frog.next_ball_color }),
);

/* ------------------------------ 2: marbles of a colour ------------------------------ */

export function countColour(
  marbles: readonly Marble[],
  colour: string,
): { answer: number; analysis: string } {
  const runs = groups(marbles);
  const count = marbles.filter((m) => m.color === colour).length;
  return {
    answer: count,
    analysis:
      `Along the track from its outer end to the hole, the marbles run: ${runs.map((g) => `${g.last - g.first + 1} ${g.color}`).join(", ")}.\n` +
      `Adding up the ${colour} ones: ${
        runs
          .filter((g) => g.color === colour)
          .map((g) => g.last - g.first + 1)
          .join(" + ") || "none"
      } = ${count}.`,
  };
}

const colourCount = task(
  2,
  "marble_count",
  "Target Perception",
  "Easy",
  "number",
  ({ state, rng }) => {
    const colour = rng.pick(COLORS);
    return {
      question: `${INTRO}How many ${colour} marbles are there on the track? Answer with a non-negative integer.`,
      ...countColour(state.balls, colour),
    };
  },
  ({ sample, state }) => {
    const m = lastMatch(sample.question, /How many (red|yellow|blue|green) marbles/g);
    return m
      ? { answer: countColour(state.balls, m[1] as string).answer }
      : { skip: "no colour in the question" };
  },
);

/* ------------------------------ 3: groups in a direction ------------------------------ */

export function groupsAt(s: ZumaState, direction: string): { answer: number; analysis: string } {
  const frog = s.frog.position;
  const found = groupsInDirection(frog, s.balls, direction);
  const range = DIRECTIONS.find((d) => d.name === direction)?.range;
  const ends = (g: Group): string =>
    [g.first, g.last]
      .filter((i) => directionOf(frog, (s.balls[i] as Marble).position) === direction)
      .map((i) => `${nth(i)} at ${fmt(angleTo(frog, (s.balls[i] as Marble).position))} degrees`)
      .join(" and ");
  return {
    answer: found.length,
    analysis:
      `The ${direction} sector is ${range}. Groups of two or more touching same-coloured marbles with an end marble in it:\n` +
      (found.length ? found.map((g) => `- ${groupText(g)}: ${ends(g)}`).join("\n") : "- none") +
      `\nSo there are ${found.length} such groups.`,
  };
}

const directionGroups = task(
  3,
  "groups_in_direction",
  "Target Perception",
  "Medium",
  "number",
  ({ state, rng }) => {
    const d = rng.pick(DIRECTIONS);
    return {
      question:
        `${INTRO}How many groups of two or more touching marbles of the same colour are there on the ${d.name} side of the frog? ` +
        `The '${d.name}' sector covers ${d.range}, between two dashed lines. A group counts for the sector when the marble ` +
        "at either end of the group lies in it. Answer with a non-negative integer.",
      ...groupsAt(state, d.name),
    };
  },
  ({ sample, state }) => {
    const m = lastMatch(sample.question, /(?:at|on) the ([a-z-]+) side of the frog/g);
    return m ? { answer: groupsAt(state, m[1] as string).answer } : { skip: "no direction in the question" };
  },
);

/* ------------------------------ 4: colour hit at an angle ------------------------------ */

export function hitColour(s: ZumaState, angle: number): { answer: string; analysis: string } {
  const frog = s.frog.position;
  const near = marblesOnRay(frog, s.balls, angle);
  const hit = hitMarble(frog, s.balls, angle);
  const dist = (i: number): string =>
    fmt(Math.hypot((s.balls[i] as Marble).position.x - frog.x, (s.balls[i] as Marble).position.y - frog.y));
  const answer = hit === undefined ? "none" : (s.balls[hit]?.color ?? "none");
  return {
    answer,
    analysis:
      `Draw the ray from the centre of the frog's circle at ${angle} degrees. A marble is in the way when its centre lies ahead of ` +
      `the frog and less than a marble diameter (${fmt(2 * MARBLE_RADIUS)}) from the ray.\n` +
      (hit === undefined
        ? "No marble is that close to the ray, so the shot hits nothing: none."
        : `Marbles in the way: ${near.map((i) => `${describe(s.balls, i)} at distance ${dist(i)}`).join(", ")}. ` +
          `The nearest is ${describe(s.balls, hit)}, so the shot hits a ${answer} marble.`),
  };
}

const angleColour = task(
  4,
  "hit_color",
  "Target Perception",
  "Medium",
  "text",
  ({ state }) => ({
    question:
      `${INTRO}If the frog shoots at ${state.frog.angle} degrees, the way its triangle points in the picture, what colour is the ` +
      "marble the shot hits? Answer with one of: red, yellow, blue, green, or none (if it hits no marble).",
    ...hitColour(state, state.frog.angle),
    options: [...COLORS, "none"],
  }),
  withAngle((state, angle) => hitColour(state, angle).answer),
);

/* ------------------------------ 5: outcome of a shot ------------------------------ */

export function shotAnswer(o: ShotOutcome): string {
  if (o.kind === "missed") return "The marble left the field.";
  if (o.kind === "stayed") return "The marble stayed on the track.";
  return `${o.count} marbles on the track were removed.`;
}

function shotAnalysis(s: ZumaState, angle: number, o: ShotOutcome): string {
  const colour = s.frog.next_ball_color;
  if (o.kind === "missed")
    return `${hitColour(s, angle).analysis}\nThe ${colour} marble flies past the track and leaves the field.`;
  const ms = s.balls;
  const place =
    o.neighbour === undefined
      ? `It comes to rest at the ${o.hit === 0 ? "outer" : "inner"} end of the line, next to ${describe(ms, o.hit)} only.`
      : `It slides in between ${describe(ms, Math.min(o.hit, o.neighbour))} and ${describe(ms, Math.max(o.hit, o.neighbour))}, on the side of ${nth(o.hit)} that it strikes.`;
  const result =
    o.kind === "stayed"
      ? `Fewer than two ${colour} marbles touch it there, so nothing is removed and the marble stays on the track.`
      : `It touches ${o.count} ${colour} marbles in a row (marbles ${o.from + 1}-${o.to + 1}), so those ${o.count} marbles are removed.`;
  return `The shot is ${colour}. ${hitColour(s, angle).analysis}\n${place}\n${result}`;
}

const shotOutcome = task(
  5,
  "shot_result",
  "State Prediction",
  "Hard",
  "text",
  ({ state }) => {
    const { angle, next_ball_color: colour } = state.frog;
    const o = shoot(state.frog.position, state.balls, angle, colour);
    return {
      question: `${INTRO}If the frog shoots its ${colour} marble at ${angle} degrees, the way its triangle points in the picture, what happens? ${SHOT_FORMS}`,
      answer: shotAnswer(o),
      analysis: `${shotAnalysis(state, angle, o)}\nSo the answer is '${shotAnswer(o)}'`,
    };
  },
  withAngle((state, angle) =>
    shotAnswer(shoot(state.frog.position, state.balls, angle, state.frog.next_ball_color)),
  ),
);

/* ------------------------------ 6: best single shot ------------------------------ */

export function bestShot(s: ZumaState): { answer: string; analysis: string } {
  const colour = s.frog.next_ball_color;
  const options = clearableGroups(s.frog.position, s.balls, colour);
  const size = (g: Group): number => g.last - g.first + 1;
  const best = Math.max(0, ...options.map((c) => size(c.group)));
  const winners = options.filter((c) => size(c.group) === best);
  const answer = best > 0 ? `Yes, ${best}, ${winners.length}` : "No, 0, 0";
  const all = groups(s.balls).filter((g) => g.color === colour && g.last > g.first);
  const lines = all.map((g) => {
    const c = options.find((o) => o.group.first === g.first);
    return c
      ? `- ${groupText(g)}: the frog can reach ${nth(c.aim)} directly (${c.direction}).`
      : `- ${groupText(g)}: every marble of it is blocked by marbles nearer the frog.`;
  });
  return {
    answer,
    analysis:
      `The frog shoots ${colour}. Groups of two or more touching ${colour} marbles on the track:\n${lines.join("\n") || "- none"}\n` +
      (best > 0
        ? `The largest reachable group has ${best} marbles, and ${winners.length} group(s) have that size (${winners.map((w) => w.direction).join(", ")}).`
        : "None can be reached, so no marble can be cleared.") +
      `\nSo the answer is '${answer}'.`,
  };
}

const bestSingleShot = task(
  6,
  "best_shot",
  "Strategy Optimization",
  "Hard",
  "text",
  ({ state }) => ({
    question:
      `${INTRO}Can the frog clear marbles from the track with its next marble, shot straight at a group? If yes, how many marbles ` +
      "(not counting the shot one) does the best shot clear, and how many different groups give that best result (groups in " +
      "the same direction count separately)? Answer as '<Yes/No>, <marbles cleared>, <number of best groups>', for example " +
      "'Yes, 3, 2' or 'No, 0, 0'.",
    ...bestShot(state),
  }),
  ({ state }) => ({ answer: bestShot(state).answer }),
);

export const zumaTasks: QuestionTemplate<ZumaState>[] = [
  nextColour,
  colourCount,
  directionGroups,
  angleColour,
  shotOutcome,
  bestSingleShot,
];
