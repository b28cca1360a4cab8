/**
 * Space Invaders question templates, question ids 1-9 as in the original. Like the original, each
 * sample is drawn as fill-in (answer = the number) or multiple choice (answer = 1-based option).
 */
import { lastMatch } from "../../parse.js";
import {
  type ConformResult,
  type GameQASample,
  type GeneratedQuestion,
  type Level,
  type QaType,
  type QuestionTemplate,
  type Rng,
  skipTask,
  type TaskSkip,
} from "../../types.js";
import {
  bestTwoShots,
  borderGaps,
  type Drift,
  driftColumns,
  enemiesOnColumn,
  enemiesOnRow,
  occupiedColumns,
  occupiedRows,
  POINTS,
  shotPoints,
  target,
} from "./logic.js";
import { ENEMY_COLORS, type EnemyColor, type SpaceInvadersState } from "./state.js";

const SCENE =
  "The image shows a simplified Space Invaders screen. The enemy area is a grid whose row numbers are written on the left " +
  "and column numbers along the top, both starting at 1; use them exactly as labelled. Each cell is empty or holds one enemy, " +
  "coloured purple, blue or green. The player's ship sits on the bottom row, under the enemy area, lined up with one column, " +
  "and fires its laser straight up.\n";
const SHOT =
  "When the ship fires, the laser destroys the lowest enemy on the ship's column (the one closest to the ship), if there is " +
  "one; that enemy disappears and the enemy above it, if any, becomes the lowest. A purple enemy is worth 30 points, a blue one " +
  "20 points and a green one 10 points.\n";
const TIME =
  "The enemies drift sideways together, always in the same direction (left or right). Time is split into intervals t, t+1, " +
  "t+2, ...: during an interval the enemies stand still, and the ship may move to any column and then fire at most once; at " +
  "the very end of each interval every enemy moves one column in the drift direction.\n";

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);
const sumText = (parts: number[]): string =>
  parts.length <= 1 ? String(parts[0] ?? 0) : `${parts.join(" + ")} = ${parts.reduce((a, b) => a + b, 0)}`;
const listText = (items: Array<string | number>, conj: "and" | "or"): string =>
  items.length <= 1
    ? String(items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} ${conj} ${String(items.at(-1))}`;

/** Eight consecutive values (step 1 or 10) that contain `value`, starting at 0 or above. */
function windowOptions(rng: Rng, value: number, step: number): number[] {
  const k = value / step;
  const lo = k - rng.int(0, Math.min(k, 7));
  return Array.from({ length: 8 }, (_, i) => (lo + i) * step);
}

interface Computed {
  value: number;
  analysis: string;
}

/** Fill-in or multiple-choice version of a computed number (50/50, as the original emits both). */
function emit(
  rng: Rng,
  question: string,
  c: Computed,
  optionsFor: (rng: Rng) => number[],
): GeneratedQuestion {
  if (rng.chance(0.5)) return { question, answer: c.value, analysis: c.analysis };
  const options = optionsFor(rng);
  const index = options.indexOf(c.value) + 1;
  return {
    question: `${question}Answer with the number of the correct option.\nOptions:\n${options.map((o, i) => `${i + 1}: ${o}`).join("\n")}`,
    answer: index,
    analysis: `${c.analysis} This is option ${index}.`,
    options,
  };
}

/** A published sample's answer in its own convention: the value, or its 1-based option number. */
function inSampleConvention(sample: GameQASample, value: number): ConformResult {
  if (!sample.options) return { answer: value };
  const i = sample.options.findIndex((o) => Number(o) === value);
  return i < 0 ? { skip: `computed value ${value} is not among the options` } : { answer: i + 1 };
}

function task(
  id: number,
  name: string,
  description: string,
  qaType: QaType,
  qaLevel: Level,
  build: (
    s: SpaceInvadersState,
    rng: Rng,
  ) => { question: string; c: Computed; step: number | "fixed" } | TaskSkip,
  recompute: (s: SpaceInvadersState, question: string) => number | string,
): QuestionTemplate<SpaceInvadersState> {
  return {
    id,
    name,
    description,
    qaType,
    qaLevel,
    answerFormat: "number",
    answerForms: ["number", "option-index"],
    generate({ state, rng }) {
      const b = build(state, rng);
      if ("skip" in b) return b;
      const step = b.step;
      return emit(rng, b.question, b.c, (r) =>
        step === "fixed" ? [0, 10, 20, 30] : windowOptions(r, b.c.value, step),
      );
    },
    conform({ sample, state }) {
      const v = recompute(state, sample.question);
      return typeof v === "string" ? { skip: v } : inSampleConvention(sample, v);
    },
  };
}

/* ------------------------------ counting (1-4) ------------------------------ */

export function countColumn(s: SpaceInvadersState, col: number): Computed {
  const on = enemiesOnColumn(s, col);
  if (on.length === 0)
    return { value: 0, analysis: `Column ${col} holds no enemy in the image, so the count is 0.` };
  return {
    value: on.length,
    analysis: `In the image, column ${col} has ${plural(on.length, "an enemy on row", "enemies on rows")} ${listText(
      on.map((e) => e.x),
      "and",
    )}, so the count is ${on.length}.`,
  };
}

export function countRow(s: SpaceInvadersState, row: number): Computed {
  const on = enemiesOnRow(s, row);
  if (on.length === 0)
    return { value: 0, analysis: `Row ${row} holds no enemy in the image, so the count is 0.` };
  return {
    value: on.length,
    analysis: `In the image, row ${row} has ${plural(on.length, "an enemy on column", "enemies on columns")} ${listText(
      on.map((e) => e.y),
      "and",
    )}, so the count is ${on.length}.`,
  };
}

export function countAll(s: SpaceInvadersState, color?: EnemyColor): Computed {
  const what = color ? `${color} enemies` : "enemies";
  const lines: string[] = [];
  const parts: number[] = [];
  for (const row of occupiedRows(s)) {
    const n = enemiesOnRow(s, row).filter((e) => !color || e.color === color).length;
    if (n === 0) continue;
    lines.push(`- Row ${row}: ${n} ${color ? `${color} ` : ""}${plural(n, "enemy", "enemies")}.`);
    parts.push(n);
  }
  const total = parts.reduce((a, b) => a + b, 0);
  const body = lines.length > 0 ? `Counting row by row:\n${lines.join("\n")}\n` : `No row holds ${what}.\n`;
  return {
    value: total,
    analysis: `${body}In total there ${total === 1 ? "is" : "are"} ${sumText(parts)} ${what}.`,
  };
}

/* ------------------------------ single shots (5, 6, 8) ------------------------------ */

export function shootHere(s: SpaceInvadersState): Computed {
  const e = target(s, s.ship_col);
  const head = `The ship is on column ${s.ship_col}.`;
  if (!e) return { value: 0, analysis: `${head} That column has no enemy, so the shot scores 0 points.` };
  return {
    value: POINTS[e.color],
    analysis: `${head} The lowest enemy on that column is on row ${e.x} and is ${e.color}, so the shot scores ${POINTS[e.color]} points.`,
  };
}

export function moveAndShoot(s: SpaceInvadersState, col: number): Computed {
  const e = target(s, col);
  if (!e)
    return { value: 0, analysis: `Column ${col} has no enemy, so moving there and firing scores 0 points.` };
  return {
    value: POINTS[e.color],
    analysis: `The lowest enemy on column ${col} is on row ${e.x} and is ${e.color}, so moving there and firing scores ${POINTS[e.color]} points.`,
  };
}

export function bestSingleShot(s: SpaceInvadersState): Computed {
  const lines: string[] = [];
  let best = 0;
  for (let c = 1; c <= s.total_cols; c++) {
    const e = target(s, c);
    if (!e) lines.push(`- Column ${c}: no enemy.`);
    else {
      lines.push(`- Column ${c}: lowest enemy on row ${e.x}, ${e.color}, worth ${POINTS[e.color]} points.`);
      best = Math.max(best, POINTS[e.color]);
    }
  }
  const where = Array.from({ length: s.total_cols }, (_, i) => i + 1).filter(
    (c) => best > 0 && shotPoints(s, c) === best,
  );
  const tail =
    best === 0
      ? "No column has an enemy, so the best is 0 points."
      : `The best single shot is worth ${best} points, fired from column ${listText(where, "or")}.`;
  return {
    value: best,
    analysis: `The ship can reach any column, so only the lowest enemy of each column can be hit. Checking every column:\n${lines.join("\n")}\n${tail}`,
  };
}

/* ------------------------------ multi-interval plans (7, 9) ------------------------------ */

export function driftVolley(s: SpaceInvadersState, drift: Drift, k: number): Computed {
  const cols = driftColumns(s, drift, k);
  const lines: string[] = [];
  const parts: number[] = [];
  for (const c of cols) {
    const e = target(s, c);
    parts.push(e ? POINTS[e.color] : 0);
    lines.push(
      e
        ? `- Column ${c}: lowest enemy on row ${e.x}, ${e.color}, +${POINTS[e.color]} points.`
        : `- Column ${c}: no enemy, +0 points.`,
    );
  }
  const total = parts.reduce((a, b) => a + b, 0);
  return {
    value: total,
    analysis:
      `The ship stays on column ${s.ship_col} and fires in each of the ${k + 1} intervals t to t+${k} while the enemies move ${drift}. ` +
      `Because the whole formation shifts one column per interval, shot number i (i = 0..${k}) meets what is on column ` +
      `${s.ship_col} ${drift === "right" ? "-" : "+"} i in the current image, and each of those columns is hit only once. ` +
      `So the shots land on columns ${listText(cols, "and")}:\n${lines.join("\n")}\n` +
      `Total by the end of interval t+${k}: ${sumText(parts)} points.`,
  };
}

export function twoShots(s: SpaceInvadersState): Computed {
  const plan = bestTwoShots(s);
  const lines: string[] = [];
  for (let c = 1; c <= s.total_cols; c++) {
    const col = enemiesOnColumn(s, c);
    const low = col.at(-1);
    const second = col.at(-2);
    if (!low) lines.push(`- Column ${c}: no enemy.`);
    else if (!second)
      lines.push(`- Column ${c}: one enemy (row ${low.x}, ${low.color}, ${POINTS[low.color]} points).`);
    else {
      lines.push(
        `- Column ${c}: lowest row ${low.x} ${low.color} (${POINTS[low.color]}), next row ${second.x} ${second.color} (${POINTS[second.color]}); ` +
          `two shots here give ${POINTS[low.color] + POINTS[second.color]}.`,
      );
    }
  }
  const same =
    plan.sameColumn.col === null
      ? "no column holds two enemies"
      : `best is column ${plan.sameColumn.col} with ${plan.sameColumn.points} points`;
  const two =
    plan.twoColumns.cols === null
      ? "fewer than two columns hold enemies"
      : `best is columns ${plan.twoColumns.cols[0]} and ${plan.twoColumns.cols[1]} with ${plan.twoColumns.points} points`;
  return {
    value: plan.best,
    analysis:
      "By the end of interval t+1 the ship fires twice. It may move to any column before each shot, so the drift does not limit which " +
      "enemies it can reach: the two shots either take the two lowest enemies of one column, or the lowest enemies of two different columns.\n" +
      `${lines.join("\n")}\nSame column: ${same}. Two different columns: ${two}.\n` +
      `The maximum is max(${plan.sameColumn.points}, ${plan.twoColumns.points}) = ${plan.best} points.`,
  };
}

/* ------------------------------ tasks ------------------------------ */

const columnsWithout = (s: SpaceInvadersState): number[] =>
  Array.from({ length: s.total_cols }, (_, i) => i + 1).filter((c) => !occupiedColumns(s).includes(c));
const rowsWithout = (s: SpaceInvadersState): number[] =>
  Array.from({ length: s.enemy_area_rows }, (_, i) => i + 1).filter((r) => !occupiedRows(s).includes(r));
/** Mostly an occupied line, sometimes an empty one (answer 0), as in the original. */
const pickLine = (rng: Rng, busy: number[], empty: number[], pBusy: number): number =>
  empty.length === 0 || rng.chance(pBusy) ? rng.pick(busy) : rng.pick(empty);

const num = (m: RegExpExecArray | undefined): number | undefined => (m ? Number(m[1]) : undefined);
const driftIn = (q: string): Drift | undefined =>
  lastMatch(q, /moving (left|right)/gi)?.[1]?.toLowerCase() as Drift | undefined;

export const spaceInvadersTasks: QuestionTemplate<SpaceInvadersState>[] = [
  task(
    1,
    "column-count",
    "Ask the number of enemies in a column",
    "Target Perception",
    "Easy",
    (s, rng) => {
      const col = pickLine(rng, occupiedColumns(s), columnsWithout(s), 0.75);
      return { question: `${SCENE}How many enemies are on column ${col}? `, c: countColumn(s, col), step: 1 };
    },
    (s, q) => {
      const c = num(lastMatch(q, /on column (\d+)/gi));
      return c === undefined ? "no column in the question" : countColumn(s, c).value;
    },
  ),
  task(
    2,
    "row-count",
    "Ask the number of enemies in a row",
    "Target Perception",
    "Easy",
    (s, rng) => {
      const row = pickLine(rng, occupiedRows(s), rowsWithout(s), 0.75);
      return { question: `${SCENE}How many enemies are on row ${row}? `, c: countRow(s, row), step: 1 };
    },
    (s, q) => {
      const r = num(lastMatch(q, /on row (\d+)/gi));
      return r === undefined ? "no row in the question" : countRow(s, r).value;
    },
  ),
  task(
    3,
    "total-count",
    "Ask the total number of enemies",
    "Target Perception",
    "Medium",
    (s) => ({ question: `${SCENE}How many enemies are there in total? `, c: countAll(s), step: 1 }),
    (s) => countAll(s).value,
  ),
  task(
    4,
    "color-count",
    "Ask the number of enemies with a specific color",
    "Target Perception",
    "Medium",
    (s, rng) => {
      const color = rng.pick(ENEMY_COLORS);
      return {
        question: `${SCENE}How many ${color} enemies are there in total? `,
        c: countAll(s, color),
        step: 1,
      };
    },
    (s, q) => {
      const m = lastMatch(q, /how many (purple|blue|green) enemies/gi);
      return m
        ? countAll(s, (m[1] as string).toLowerCase() as EnemyColor).value
        : "no colour in the question";
    },
  ),
  task(
    5,
    "shoot-here",
    "Ask the points gained by shooting once where the ship is",
    "State Prediction",
    "Easy",
    (s) => ({
      question: `${SCENE}${SHOT}If the ship fires from its current column, how many points does the player score? `,
      c: shootHere(s),
      step: "fixed",
    }),
    (s) => shootHere(s).value,
  ),
  task(
    6,
    "move-and-shoot",
    "Ask the points gained by moving to a given column and shooting once",
    "State Prediction",
    "Easy",
    (s, rng) => {
      const others = occupiedColumns(s).filter((c) => c !== s.ship_col);
      const col = pickLine(rng, others.length > 0 ? others : [s.ship_col], columnsWithout(s), 0.8);
      return {
        question: `${SCENE}${SHOT}Assume the enemies do not move. If the ship moves to column ${col} and fires, how many points does the player score? `,
        c: moveAndShoot(s, col),
        step: "fixed",
      };
    },
    (s, q) => {
      const c = num(lastMatch(q, /moves to column (\d+)/gi));
      return c === undefined ? "no column in the question" : moveAndShoot(s, c).value;
    },
  ),
  task(
    7,
    "drift-volley",
    "Ask the points gained by continually shooting where the ship is with the enemies keeping on moving",
    "State Prediction",
    "Hard",
    (s, rng) => {
      const gap = borderGaps(s);
      if (gap.left === 0 && gap.right === 0)
        return skipTask("the formation touches both borders, so it cannot drift");
      // The enemies move away from a border they touch; the horizon never pushes them off the board.
      const drift: Drift =
        gap.left === 0 ? "right" : gap.right === 0 ? "left" : rng.chance(0.5) ? "left" : "right";
      const k = rng.int(1, Math.min(drift === "left" ? gap.left : gap.right, 4));
      return {
        question:
          `${SCENE}${SHOT}${TIME}The image shows the scene at the start of interval t, and the enemies are moving ${drift}.\n` +
          `The ship stays on its current column and fires once in every interval. How many points has the player scored in total at the end of time interval t+${k}? `,
        c: driftVolley(s, drift, k),
        step: 10,
      };
    },
    (s, q) => {
      const drift = driftIn(q);
      const k = num(lastMatch(q, /interval t\+(\d+)/gi));
      return drift && k !== undefined
        ? driftVolley(s, drift, k).value
        : "no drift direction or horizon in the question";
    },
  ),
  task(
    8,
    "best-single-shot",
    "Ask the maximum points gained by shooting once",
    "Strategy Optimization",
    "Medium",
    (s) => ({
      question:
        `${SCENE}${SHOT}${TIME}The image shows the scene at the start of interval t, during which the enemies stand still.\n` +
        "The ship may move to any column and fire once. What is the largest number of points the player can score? ",
      c: bestSingleShot(s),
      step: 10,
    }),
    (s) => bestSingleShot(s).value,
  ),
  task(
    9,
    "best-two-shots",
    "Ask the maximum points gained by shooting twice",
    "Strategy Optimization",
    "Hard",
    (s, rng) => {
      const gap = borderGaps(s);
      const drift: Drift =
        gap.left === 0 ? "right" : gap.right === 0 ? "left" : rng.chance(0.5) ? "left" : "right";
      return {
        question:
          `${SCENE}${SHOT}${TIME}The image shows the scene at the start of interval t, and the enemies are moving ${drift}.\n` +
          "What is the largest number of points the player can have scored at the end of time interval t+1? ",
        c: twoShots(s),
        step: 10,
      };
    },
    (s) => twoShots(s).value,
  ),
];
