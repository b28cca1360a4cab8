/**
 * Pac-Man question templates, question ids 0-9 as in the original: Pac-Man's cell and direction,
 * beans around him, the closer ghost (answer = full option text), beans straight ahead, the outcome
 * of a move plan, whether Pinky's / Blinky's next step changes after Pac-Man moves, Pinky's /
 * Blinky's next step, and the best straight run.
 */
import { letter } from "../../options.js";
import { lastMatch } from "../../parse.js";
import type { ConformResult, GeneratedQuestion, Level, QaType, QuestionTemplate, Rng } from "../../types.js";
import {
  boardOf,
  type Dir,
  directionBetween,
  fmt,
  type Ghost,
  type GhostName,
  ghostPlan,
  manhattan,
  movePacman,
  type Pos,
  playMoves,
  runUntilWall,
  type Sim,
  startSim,
  straightLine,
  type Turn,
} from "./logic.js";
import type { PacmanState } from "./state.js";

const INTRO =
  "This is a Pac-Man board. Dark blue cells are walls (the whole border is wall), yellow dots are beans, " +
  "the yellow disc is Pac-Man and his open mouth points in the direction he is facing (UP, DOWN, LEFT or RIGHT). " +
  "The pink ghost is Pinky and the red ghost is Blinky. The score at the top counts the beans eaten so far. " +
  "Cells are written (row, column), numbered from 0 at the top-left corner as labelled on the image.\n\n" +
  "Rules: a move takes Pac-Man one cell in a direction and turns him that way; a move into a wall leaves him " +
  "where he is, facing as before. Entering a cell with a bean eats it (+1 score). Ghosts cannot cross walls " +
  "either. Blinky heads for Pac-Man's cell; Pinky heads for the cell up to 4 steps ahead of Pac-Man in his " +
  "direction (fewer when a wall comes first). A ghost steps along a shortest path to its target (a ghost on " +
  "its target stays); when several first steps are equally short it prefers UP, then DOWN, then LEFT, then " +
  "RIGHT. When they move in turns, Pac-Man moves first, then Pinky, then Blinky, and Pac-Man is caught as soon " +
  "as a ghost ends a step on his cell.\n\n";

const DIRS: readonly Dir[] = ["UP", "DOWN", "RIGHT", "LEFT"];
const letterList = (opts: readonly string[]): string => `\n\nOptions:\n${opts.join("\n")}`;
const letterAnswer = (opts: readonly string[]): string =>
  `${letterList(opts)}\n\nAnswer with the letter of the correct option.`;
const ghostOf = (s: PacmanState, name: GhostName): Ghost => {
  const g = s.ghosts.find((x) => x.name === name);
  return { name, pos: g ? g.position : s.pacman_position };
};
const LAST_DIR = /\b(UP|DOWN|LEFT|RIGHT)\s*$/;

function task(
  id: number,
  name: string,
  description: string,
  qaType: QaType,
  qaLevel: Level,
  answerFormat: QuestionTemplate<PacmanState>["answerFormat"],
  generate: (s: PacmanState, rng: Rng) => GeneratedQuestion | null,
  conform: (s: PacmanState, question: string, options: readonly unknown[]) => ConformResult,
): QuestionTemplate<PacmanState> {
  return {
    id,
    name,
    description,
    qaType,
    qaLevel,
    answerFormat,
    generate: ({ state, rng }) => generate(state, rng),
    conform: ({ state, sample }) => conform(state, sample.question, sample.options ?? []),
  };
}

/** Letter of the first option matching `test`, or a skip. */
function optionWhere(
  options: readonly unknown[],
  test: (text: string) => boolean,
  what: string,
): ConformResult {
  const i = options.findIndex((o) => test(String(o)));
  return i < 0 ? { skip: `no option ${what}` } : { answer: letter(i) };
}

/** Beans hidden under a ghost (the image cannot show them). */
function hiddenBeans(s: PacmanState): Set<string> {
  const beans = new Set(s.beans.map(fmt));
  return new Set(s.ghosts.map((g) => fmt(g.position)).filter((k) => beans.has(k)));
}
const eatsHidden = (s: PacmanState, sim: Sim): boolean => {
  const hidden = hiddenBeans(s);
  return sim.eaten.some((p) => hidden.has(fmt(p)));
};

/* ------------------------- 0: position and direction ------------------------- */

const positionTask = task(
  0,
  "position-direction",
  "Identify Pacman location",
  "Target Perception",
  "Easy",
  "option-letter",
  (s, rng) => {
    const [r, c] = s.pacman_position;
    const right = `(${r}, ${c}), ${s.direction}`;
    const board = boardOf(s);
    const plausible = [
      ...DIRS.filter((d) => d !== s.direction).map((d) => `(${r}, ${c}), ${d}`),
      `(${c}, ${r}), ${s.direction}`,
      ...[
        [r - 1, c],
        [r + 1, c],
        [r, c - 1],
        [r, c + 1],
      ]
        .filter((p) => !board.blocked(p as unknown as Pos))
        .map(([a, b]) => `(${a}, ${b}), ${rng.pick(DIRS)}`),
      ...s.ghosts.map((g) => `${fmt(g.position)}, ${rng.pick(DIRS)}`),
    ];
    const picked = rng.shuffle([...new Set(plausible.filter((x) => x !== right))]).slice(0, 7);
    while (picked.length < 7) {
      const v = `(${rng.int(1, s.grid_size - 2)}, ${rng.int(1, s.grid_size - 2)}), ${rng.pick(DIRS)}`;
      if (v !== right && !picked.includes(v)) picked.push(v);
    }
    const values = rng.shuffle([right, ...picked]);
    const opts = values.map((v, i) => `${letter(i)}. ${v}`);
    const answer = letter(values.indexOf(right));
    return {
      question: `${INTRO}Question: Where is Pac-Man (row, column), and which way is he facing?${letterAnswer(opts)}`,
      answer,
      analysis:
        `Pac-Man is the yellow disc in row ${r}, column ${c} (read from the numbers around the board), and his ` +
        `mouth opens towards ${s.direction}. So the answer is ${right}: option ${answer}.`,
      options: opts,
    };
  },
  (s, _q, options) => {
    const [r, c] = s.pacman_position;
    const want = `(${r}, ${c}), ${s.direction}`.replace(/\s+/g, "");
    return optionWhere(options, (o) => o.replace(/^[A-Z]\.\s*/, "").replace(/\s+/g, "") === want, want);
  },
);

/* ------------------------- 1: beans in the 5x5 square ------------------------- */

export function beansAround(s: PacmanState): { count: number; cells: Pos[] } {
  const [pr, pc] = s.pacman_position;
  const ghosts = new Set(s.ghosts.map((g) => fmt(g.position)));
  const cells = s.beans
    .filter(([r, c]) => Math.abs(r - pr) <= 2 && Math.abs(c - pc) <= 2 && !ghosts.has(fmt([r, c])))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { count: cells.length, cells };
}

const beansAroundTask = task(
  1,
  "beans-around",
  "Count Pacman's surrounding beans",
  "Target Perception",
  "Easy",
  "number",
  (s) => {
    const [pr, pc] = s.pacman_position;
    const { count, cells } = beansAround(s);
    return {
      question:
        `${INTRO}Question: How many beans can be seen in the 5 by 5 square of cells centred on Pac-Man (rows ` +
        `${pr - 2} to ${pr + 2}, columns ${pc - 2} to ${pc + 2})? Answer with a number.`,
      answer: count,
      analysis:
        `Pac-Man is at ${fmt(s.pacman_position)}, so the square spans rows ${pr - 2}-${pr + 2} and columns ${pc - 2}-${pc + 2}. ` +
        `Beans in it: ${cells.length ? cells.map(fmt).join(", ") : "none"}. That makes ${count}.`,
    };
  },
  (s) => ({ answer: beansAround(s).count }),
);

/* ------------------------- 2: closer ghost (answer = option text) ------------------------- */

const CLOSER = [
  "A. Pinky is closer to Pac-Man",
  "B. Blinky is closer to Pac-Man",
  "C. Both ghosts are equidistant from Pac-Man",
];

export function closerGhost(s: PacmanState): { answer: string; pinky: number; blinky: number } {
  const pinky = manhattan(ghostOf(s, "Pinky").pos, s.pacman_position);
  const blinky = manhattan(ghostOf(s, "Blinky").pos, s.pacman_position);
  const answer = (pinky < blinky ? CLOSER[0] : blinky < pinky ? CLOSER[1] : CLOSER[2]) as string;
  return { answer, pinky, blinky };
}

const closerTask = task(
  2,
  "closer-ghost",
  "Identify the closest ghost",
  "Target Perception",
  "Easy",
  "text",
  (s) => {
    const { answer, pinky, blinky } = closerGhost(s);
    const [pr, pc] = s.pacman_position;
    const dist = (name: GhostName, d: number): string => {
      const [r, c] = ghostOf(s, name).pos;
      return `${name} at ${fmt([r, c])}: |${r} - ${pr}| + |${c} - ${pc}| = ${d}`;
    };
    return {
      question:
        `${INTRO}Question: Which ghost is closer to Pac-Man by Manhattan distance (rows apart plus columns apart, ` +
        `walls ignored)?${letterList(CLOSER)}\n\nAnswer with the full text of the correct option, letter included.`,
      answer,
      analysis: `Pac-Man is at ${fmt(s.pacman_position)}.\n${dist("Pinky", pinky)}\n${dist("Blinky", blinky)}\nSo the answer is "${answer}".`,
      // As published: the answer is the full text of one of these options.
      options: [...CLOSER],
    };
  },
  (s) => ({ answer: closerGhost(s).answer }),
);

/* ------------------------- 3: beans straight ahead ------------------------- */

export function beansAhead(s: PacmanState): { count: number; line: Pos[] } {
  const line = straightLine(boardOf(s), s.pacman_position, s.direction);
  const beans = new Set(s.beans.map(fmt));
  return { count: line.filter((p) => beans.has(fmt(p))).length, line };
}

const aheadTask = task(
  3,
  "beans-ahead",
  "Count beans in Pacman's path",
  "State Prediction",
  "Easy",
  "number",
  (s) => {
    const { count, line } = beansAhead(s);
    // A ghost on the way may hide a bean the image cannot show; such boards are not asked about.
    const hidden = hiddenBeans(s);
    if (line.some((p) => hidden.has(fmt(p)))) return null;
    return {
      question:
        `${INTRO}Question: If the ghosts do not move, how many beans does Pac-Man eat by moving straight in the ` +
        "direction he is facing until the next cell is a wall? Answer with a number.",
      answer: count,
      analysis:
        `Pac-Man is at ${fmt(s.pacman_position)} facing ${s.direction}. The cells before the wall are ` +
        `${line.length ? line.map(fmt).join(", ") : "none"}; ${count} of them hold a bean. So he eats ${count}.`,
    };
  },
  (s) => ({ answer: beansAhead(s).count }),
);

/* ------------------------- 4: outcome of a move plan ------------------------- */

const PLAN = /moves (UP|DOWN|LEFT|RIGHT) (\d+) times?, then (UP|DOWN|LEFT|RIGHT) (\d+) times?/g;
const CAUGHT = { Pinky: "G", Blinky: "H" } as const;

function playPlan(s: PacmanState, plan: Array<[Dir, number]>) {
  const sim = startSim(s);
  const moves = plan.flatMap(([d, n]) => new Array<Dir>(n).fill(d));
  const { caughtBy, turns } = playMoves(sim, moves);
  return { sim, caughtBy, turns, eaten: sim.score - s.score };
}

const turnLines = (turns: Turn[], names: string[]): string =>
  turns
    .map(
      (t, i) =>
        `Turn ${i + 1}: Pac-Man ${fmt(t.pacman)}, ${t.ghosts.map((g, k) => `${names[k]} ${fmt(g)}`).join(", ")}`,
    )
    .join("\n");

const planTask = task(
  4,
  "move-outcome",
  "Predict Pacman's movement result",
  "State Prediction",
  "Hard",
  "option-letter",
  (s, rng) => {
    const plan: Array<[Dir, number]> = [
      [rng.pick(DIRS), rng.int(1, 3)],
      [rng.pick(DIRS), rng.int(1, 3)],
    ];
    const r = playPlan(s, plan);
    if (eatsHidden(s, r.sim)) return null;
    const others = rng.shuffle(
      Array.from({ length: Math.max(r.eaten + 6, 7) }, (_, i) => i).filter(
        (n) => r.caughtBy || n !== r.eaten,
      ),
    );
    const counts = r.caughtBy ? others.slice(0, 6) : rng.shuffle([r.eaten, ...others.slice(0, 5)]);
    const opts = [
      ...counts.map((n, i) => `${letter(i)}. He eats ${n} beans and the score becomes ${s.score + n}`),
      "G. He is caught by Pinky (the pink ghost)",
      "H. He is caught by Blinky (the red ghost)",
    ];
    const answer = r.caughtBy ? CAUGHT[r.caughtBy] : letter(counts.indexOf(r.eaten));
    const names = s.ghosts.map((g) => g.name);
    const ending = r.caughtBy
      ? `${r.caughtBy} ends turn ${r.turns.length} on Pac-Man's cell ${fmt(r.sim.pacman)}, so he is caught`
      : `He is never caught and eats ${r.eaten} bean(s): the score goes from ${s.score} to ${r.sim.score}`;
    return {
      question:
        `${INTRO}Question: Pac-Man and the ghosts move in turns (a move into a wall still uses a turn). What happens ` +
        `if Pac-Man moves ${plan[0]?.[0]} ${plan[0]?.[1]} times, then ${plan[1]?.[0]} ${plan[1]?.[1]} times?${letterAnswer(opts)}`,
      answer,
      analysis:
        `Start: Pac-Man ${fmt(s.pacman_position)} facing ${s.direction}, ${s.ghosts.map((g) => `${g.name} ${fmt(g.position)}`).join(", ")}, score ${s.score}.\n` +
        `${turnLines(r.turns, names)}\n${ending}. The answer is ${answer}.`,
      options: opts,
    };
  },
  (s, question, options) => {
    const m = lastMatch(question, PLAN);
    if (!m) return { skip: "no move plan in the question" };
    const r = playPlan(s, [
      [m[1] as Dir, Number(m[2])],
      [m[3] as Dir, Number(m[4])],
    ]);
    if (r.caughtBy) return { answer: CAUGHT[r.caughtBy] };
    return optionWhere(
      options,
      (o) => new RegExp(`\\beats? ${r.eaten} beans?\\b`).test(o),
      `eating ${r.eaten}`,
    );
  },
);

/* ------------------------- 5, 6: does a ghost's next step change? ------------------------- */

const MOVE = /moves (UP|DOWN|LEFT|RIGHT) (\d+) times?/g;

interface Change {
  before: { target: Pos; path: Pos[]; dir: Dir };
  after: { target: Pos; path: Pos[]; dir: Dir };
  pacman: Pos;
}

/**
 * The ghost's next step before and after Pac-Man moves (stopping at the first blocked move) while
 * the ghost stands still. With no step to take (already on target), the original falls back to
 * Pac-Man's direction; we keep that for conformance and never ask such boards.
 */
export function stepChange(s: PacmanState, name: GhostName, dir: Dir, times: number): Change {
  const sim = startSim(s);
  const g = ghostOf(s, name);
  const plan = () => {
    const { target, path } = ghostPlan(sim, g);
    return {
      target,
      path,
      dir: path.length >= 2 ? directionBetween(path[0] as Pos, path[1] as Pos) : sim.dir,
    };
  };
  const before = plan();
  for (let i = 0; i < times && movePacman(sim, dir); i++);
  return { before, after: plan(), pacman: sim.pacman };
}

function changeTask(id: number, name: GhostName): QuestionTemplate<PacmanState> {
  const aim = name === "Pinky" ? "the cell up to 4 steps ahead of Pac-Man" : "Pac-Man's cell";
  return task(
    id,
    `${name.toLowerCase()}-change`,
    `Predict change in ${name}'s movement`,
    "State Prediction",
    "Medium",
    "option-letter",
    (s, rng) => {
      // A few Pac-Man moves rarely turn a ghost, so up to 8 random moves are tried and the first that
      // does is asked (otherwise the last one): without this almost every answer would be A.
      let pickMove: { dir: Dir; times: number; ch: Change } | undefined;
      for (let i = 0; i < 8; i++) {
        const dir = rng.pick(DIRS);
        const times = rng.int(1, 3);
        const ch = stepChange(s, name, dir, times);
        if (ch.before.path.length < 2 || ch.after.path.length < 2) continue;
        pickMove = { dir, times, ch };
        if (ch.after.dir !== ch.before.dir) break;
      }
      if (!pickMove) return null;
      const { dir, times, ch } = pickMove;
      const others = rng.shuffle(DIRS.filter((d) => d !== ch.before.dir));
      const opts = [
        `A. No: ${name}'s next step is still ${ch.before.dir}`,
        ...others.map((d, i) => `${letter(i + 1)}. Yes: ${name}'s next step changes to ${d}`),
      ];
      const answer = ch.after.dir === ch.before.dir ? "A" : letter(others.indexOf(ch.after.dir) + 1);
      return {
        question:
          `${INTRO}Question: ${name} stays where it is while Pac-Man moves ${dir} ${times} times (he stops early if a ` +
          `move would hit a wall). Does the direction of ${name}'s next step change?${letterAnswer(opts)}`,
        answer,
        analysis:
          `${name} is at ${fmt(ghostOf(s, name).pos)} and aims at ${aim}.\n` +
          `Before: Pac-Man ${fmt(s.pacman_position)} facing ${s.direction}, target ${fmt(ch.before.target)}, shortest path ` +
          `${ch.before.path.map(fmt).join(" ")}, first step ${ch.before.dir}.\n` +
          `After moving ${dir} ${times} times Pac-Man is at ${fmt(ch.pacman)}; target ${fmt(ch.after.target)}, shortest path ` +
          `${ch.after.path.map(fmt).join(" ")}, first step ${ch.after.dir}.\n` +
          `So the direction ${ch.after.dir === ch.before.dir ? "does not change" : `changes to ${ch.after.dir}`}: option ${answer}.`,
        options: opts,
      };
    },
    (s, question, options) => {
      const m = lastMatch(question, MOVE);
      if (!m) return { skip: "no Pac-Man move in the question" };
      const ch = stepChange(s, name, m[1] as Dir, Number(m[2]));
      if (ch.after.dir === ch.before.dir) return { answer: "A" };
      const i = options.findIndex((o, k) => k > 0 && LAST_DIR.exec(String(o))?.[1] === ch.after.dir);
      return i < 0 ? { skip: `no option naming ${ch.after.dir}` } : { answer: letter(i) };
    },
  );
}

/* ------------------------- 7, 8: a ghost's next step ------------------------- */

const STEP_LETTER: Record<Dir, string> = { UP: "A", DOWN: "B", RIGHT: "C", LEFT: "D" };

export function nextStep(s: PacmanState, name: GhostName): { target: Pos; path: Pos[]; dir: Dir } {
  const sim = startSim(s);
  const { target, path } = ghostPlan(sim, ghostOf(s, name));
  // The original's fallback when the ghost is already on its target: Pac-Man's direction.
  return {
    target,
    path,
    dir: path.length >= 2 ? directionBetween(path[0] as Pos, path[1] as Pos) : s.direction,
  };
}

function nextStepTask(id: number, name: GhostName): QuestionTemplate<PacmanState> {
  const opts = (["UP", "DOWN", "RIGHT", "LEFT"] as Dir[]).map(
    (d) => `${STEP_LETTER[d]}. ${name} will move one step ${d}`,
  );
  return task(
    id,
    `${name.toLowerCase()}-next-step`,
    `Infer ${name}'s next move`,
    "State Prediction",
    "Medium",
    "option-letter",
    (s) => {
      const st = nextStep(s, name);
      if (st.path.length < 2) return null;
      const aim =
        name === "Pinky"
          ? `Pac-Man is at ${fmt(s.pacman_position)} facing ${s.direction}, so Pinky's target (up to 4 cells ahead) is ${fmt(st.target)}`
          : `Blinky's target is Pac-Man's cell ${fmt(st.target)}`;
      return {
        question: `${INTRO}Question: If Pac-Man stays still, which way does ${name} take its next step?${letterAnswer(opts)}`,
        answer: STEP_LETTER[st.dir],
        analysis:
          `${name} is at ${fmt(ghostOf(s, name).pos)}. ${aim}.\nA breadth-first search gives the shortest path ` +
          `${st.path.map(fmt).join(" ")}; its first step goes to ${fmt(st.path[1] as Pos)}, i.e. ${st.dir}. ` +
          `The answer is ${STEP_LETTER[st.dir]}.`,
        options: opts,
      };
    },
    (s) => ({ answer: STEP_LETTER[nextStep(s, name).dir] }),
  );
}

/* ------------------------- 9: best straight run ------------------------- */

const RUN_OPTIONS = [
  "A. Pac-Man should move UP",
  "B. Pac-Man should move DOWN",
  "C. Pac-Man should move RIGHT",
  "D. Pac-Man should move LEFT",
  "E. Pac-Man will be caught by a ghost whichever way he goes",
];

/** Each direction's run; the best uncaught one in the order UP, DOWN, RIGHT, LEFT wins ties (the original's loop order). */
export function bestRun(s: PacmanState) {
  const runs = DIRS.map((dir) => {
    const sim = startSim(s);
    const r = runUntilWall(sim, dir);
    return { dir, sim, ...r, eaten: sim.score - s.score };
  });
  let best: (typeof runs)[number] | undefined;
  for (const r of runs) if (!r.caughtBy && (!best || r.eaten > best.eaten)) best = r;
  return { runs, best, answer: best ? (STEP_LETTER[best.dir] as string) : "E" };
}

const runTask = task(
  9,
  "best-direction",
  "Judge Pacman's optimal movement",
  "Strategy Optimization",
  "Hard",
  "option-letter",
  (s) => {
    const { runs, best, answer } = bestRun(s);
    if (runs.some((r) => eatsHidden(s, r.sim))) return null;
    const names = s.ghosts.map((g) => g.name);
    const lines = runs.map(
      (r) =>
        `${r.dir}: ${r.turns.length} move(s)` +
        (r.turns.length ? `\n${turnLines(r.turns, names)}` : " (a wall is right there)") +
        `\n-> ${r.caughtBy ? `caught by ${r.caughtBy}` : `not caught, ${r.eaten} bean(s) eaten`}`,
    );
    return {
      question:
        `${INTRO}Question: Pac-Man picks one direction and keeps moving that way, one turn at a time with the ghosts, ` +
        "until his next move would hit a wall. Which direction lets him eat the most beans without being caught? " +
        `If several directions tie, prefer UP, then DOWN, then RIGHT, then LEFT.${letterAnswer(RUN_OPTIONS)}`,
      answer,
      analysis: `${lines.join("\n\n")}\n\n${best ? `The best uncaught run is ${best.dir} with ${best.eaten} bean(s)` : "Every direction ends with Pac-Man caught"}: option ${answer}.`,
      options: [...RUN_OPTIONS],
    };
  },
  (s) => ({ answer: bestRun(s).answer }),
);

export const pacmanTasks: QuestionTemplate<PacmanState>[] = [
  positionTask,
  beansAroundTask,
  closerTask,
  aheadTask,
  planTask,
  changeTask(5, "Pinky"),
  changeTask(6, "Blinky"),
  nextStepTask(7, "Pinky"),
  nextStepTask(8, "Blinky"),
  runTask,
];
