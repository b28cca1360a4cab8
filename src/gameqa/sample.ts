import { letterIndex, stripOptionKey } from "./options.js";
import { svgToPng } from "./render/png.js";
import { createRng, hashSeed } from "./rng.js";
import { optionBase, optionString } from "./scorer.js";
import {
  type AnyGame,
  type GameQASample,
  type GeneratedQuestion,
  isSkip,
  type Level,
  type QuestionTemplate,
  type TaskSkip,
} from "./types.js";

/**
 * One unit of generation work: board `index` of (game, plot level), asked by the listed tasks.
 * With sharing on, all tasks question one state and one image (as the original does for maze,
 * tictactoe, langton_ant...); a task that cannot use the shared state gets a state of its own.
 */
export interface Job {
  game: string;
  plotLevel: Level;
  index: number;
  taskIds: number[];
  share: boolean;
}

/** A file to write, relative to the output folder. */
export interface OutFile {
  path: string;
  data: Uint8Array | string;
}

/**
 * A state a task turned down (`reason` from `{ skip }`, or a generic one for null), or, with
 * `dropped`, a task that made no sample on this board after MAX_ATTEMPTS states of its own.
 */
export interface SkipNote {
  taskId: number;
  reason: string;
  dropped?: true;
}

export interface BuiltBoard {
  samples: GameQASample[];
  files: OutFile[];
  /** Why states were turned down while building this board (empty when none was). */
  skips: SkipNote[];
}

/** States a task may turn down on one board before it is left out of that board (bounded: never hangs). */
export const MAX_ATTEMPTS = 200;
export const NO_REASON = "state does not suit the task (no reason given)";

const reasonOf = (q: GeneratedQuestion | TaskSkip | null): string => (isSkip(q) ? q.skip : NO_REASON);

const pad = (i: number): string => String(i).padStart(5, "0");
export const sampleId = (
  game: AnyGame,
  task: QuestionTemplate<unknown>,
  level: Level,
  index: number,
): string => `${game.name}-${task.name}-${level.toLowerCase()}-${pad(index)}`;
const boardId = (game: AnyGame, level: Level, index: number): string =>
  `${game.name}-${level.toLowerCase()}-${pad(index)}`;

function toSample(
  game: AnyGame,
  task: QuestionTemplate<unknown>,
  level: Level,
  index: number,
  q: GeneratedQuestion,
  fileId: string,
): GameQASample {
  checkQuestion(game, task.id, q.answer, q.options, q.question);
  const sample: GameQASample = {
    data_id: sampleId(game, task, level, index),
    qa_type: task.qaType,
    question_id: task.id,
    question_description: task.description,
    image: `images/${fileId}.png`,
    state: `states/${fileId}.json`,
    plot_level: level,
    qa_level: q.qaLevel ?? task.qaLevel,
    question: q.question,
    answer: q.answer,
    analysis: q.analysis,
  };
  if (q.options) sample.options = q.options;
  return sample;
}

function stateFiles(game: AnyGame, fileId: string, state: unknown, withImage: boolean): OutFile[] {
  const files: OutFile[] = [{ path: `states/${fileId}.json`, data: `${JSON.stringify(state)}\n` }];
  if (withImage) files.push({ path: `images/${fileId}.png`, data: svgToPng(game.renderSvg(state)) });
  return files;
}

/**
 * Build one board's samples. Every RNG depends only on (seed, game, level, index, task, attempt),
 * so the bytes are the same whichever worker builds the board and in whatever order.
 */
export function buildBoard(game: AnyGame, job: Job, seed: number | string, withImages = true): BuiltBoard {
  const samples: GameQASample[] = [];
  const files: OutFile[] = [];
  const tasks = job.taskIds.map((id) => {
    const t = game.tasks.find((x) => x.id === id);
    if (!t) throw new Error(`${game.name}: no task with id ${id}`);
    return t;
  });
  const shared = job.share
    ? game.generateState(
        createRng(hashSeed(seed, game.name, "board", job.plotLevel, job.index)),
        job.plotLevel,
      )
    : undefined;
  let sharedUsed = false;
  const skips: SkipNote[] = [];
  for (const task of tasks) {
    const rng = createRng(hashSeed(seed, game.name, task.id, job.plotLevel, job.index));
    if (shared !== undefined) {
      const q = task.generate({ state: shared, rng, plotLevel: job.plotLevel });
      if (q && !isSkip(q)) {
        samples.push(
          toSample(game, task, job.plotLevel, job.index, q, boardId(game, job.plotLevel, job.index)),
        );
        sharedUsed = true;
        continue;
      }
      skips.push({ taskId: task.id, reason: reasonOf(q) });
    }
    let done = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
      const own = createRng(hashSeed(seed, game.name, task.id, job.plotLevel, job.index, attempt));
      const state = game.generateState(own, job.plotLevel);
      const q = task.generate({ state, rng: own, plotLevel: job.plotLevel });
      if (!q || isSkip(q)) {
        skips.push({ taskId: task.id, reason: reasonOf(q) });
        continue;
      }
      const s = toSample(
        game,
        task,
        job.plotLevel,
        job.index,
        q,
        sampleId(game, task, job.plotLevel, job.index),
      );
      samples.push(s);
      files.push(...stateFiles(game, sampleId(game, task, job.plotLevel, job.index), state, withImages));
      done = true;
    }
    if (!done)
      skips.push({
        taskId: task.id,
        reason: `no suitable state at ${job.plotLevel} after ${MAX_ATTEMPTS} attempts`,
        dropped: true,
      });
  }
  if (sharedUsed)
    files.unshift(...stateFiles(game, boardId(game, job.plotLevel, job.index), shared, withImages));
  return { samples, files, skips };
}

/**
 * The option a multiple-choice answer names: a letter, an option number (from 0 when the question
 * prints the options from 0, as snake does, else from 1), or the option's own text as printed or
 * without its key (pacman's "A. Pinky is closer to Pac-Man", zuma's "yellow"); -1 when none.
 */
function answeredOption(answer: string | number, options: unknown[], question: string): number {
  const a = String(answer).trim();
  const li = letterIndex(a);
  if (li >= 0) return li;
  if (/^\d+$/.test(a)) {
    // The base decides the range check only at its ends (0 and n); the question is read only then.
    const n = Number(a);
    return n === 0 || n === options.length ? n - optionBase(question, options) : n - 1;
  }
  const exact = options.findIndex((o) => optionString(o).trim() === a);
  return exact >= 0 ? exact : options.findIndex((o) => stripOptionKey(optionString(o)) === a);
}

/** Guard the invariants every multiple-choice sample must hold (a broken task must fail loudly). */
function checkQuestion(
  game: AnyGame,
  taskId: number,
  answer: string | number,
  options: unknown[] | undefined,
  question: string,
): void {
  if (!options) return;
  const where = `${game.name} task ${taskId}`;
  const texts = options.map((o) => JSON.stringify(o));
  if (new Set(texts).size !== texts.length)
    throw new Error(`${where}: duplicate options ${texts.join(", ")}`);
  const idx = answeredOption(answer, options, question);
  if (idx < 0 || idx >= options.length)
    throw new Error(`${where}: answer ${answer} names no option of ${options.length}`);
}

/** One sample built on a state of its own (no board sharing): tests and library use. */
export function buildSample(
  game: AnyGame,
  job: { game: string; taskId: number; plotLevel: Level; index: number },
  seed: number | string,
  withImage = true,
): { sample: GameQASample; png: Uint8Array; stateJson: string } {
  const built = buildBoard(
    game,
    { game: job.game, plotLevel: job.plotLevel, index: job.index, taskIds: [job.taskId], share: false },
    seed,
    withImage,
  );
  const sample = built.samples[0];
  if (!sample)
    throw new Error(
      `${game.name} task ${job.taskId}: no suitable state at ${job.plotLevel} after ${MAX_ATTEMPTS} attempts (${built.skips[0]?.reason ?? ""})`,
    );
  const stateJson = String(built.files.find((f) => f.path === sample.state)?.data ?? "");
  const png = built.files.find((f) => f.path === sample.image)?.data;
  return { sample, png: png instanceof Uint8Array ? png : new Uint8Array(0), stateJson };
}
