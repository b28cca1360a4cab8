/**
 * GameQA engine contracts (issue 7, Code2Logic port).
 *
 * A game = seeded state generator + SVG renderer + a list of tasks (question templates).
 * A task turns one game state into one question whose answer and analysis come from running
 * the game logic (simulation, search, solver). The engine (generate.ts) handles seeds, files,
 * PNG rasterisation, workers and output; games never touch the file system.
 *
 * Stability: other games are written against these interfaces. Breaking changes must be noted at
 * the top of src/gameqa/README.md.
 */

/** The three question types of the paper (the exact strings of the published data). */
export type QaType = "Target Perception" | "State Prediction" | "Strategy Optimization";

/** plot_level (visual/board complexity) and qa_level (reasoning difficulty) share these values. */
export type Level = "Easy" | "Medium" | "Hard";
export const LEVELS: readonly Level[] = ["Easy", "Medium", "Hard"];

/** The paper's four cognitive categories. */
export type Category =
  | "3D Spatial Perception and Understanding"
  | "Pattern Recognition and Matching"
  | "Multi-step Reasoning"
  | "Strategic Planning";

/** One option as the published data stores it: usually a string, sometimes a number or [r, c]. */
export type OptionValue = string | number | number[];

/**
 * One sample, with the field set of the published GameQA data.json (key order as written by us).
 * `image` and `state` are paths relative to the folder holding data.json.
 * `options` is present only for multiple-choice samples (absent, not empty, for fill-in).
 */
export interface GameQASample {
  data_id: string;
  qa_type: QaType;
  question_id: number;
  question_description: string;
  image: string;
  state: string;
  plot_level: Level;
  qa_level: Level;
  question: string;
  answer: string | number;
  analysis: string;
  options?: OptionValue[];
}

/**
 * How the gold answer is written, so the scorer knows what to extract from a free-form response.
 * - "option-letter": answer is a letter "A".."Z" naming an option.
 * - "option-index": answer is a 1-based option number (int or digit string).
 * - "number": a single integer (or decimal) fill-in.
 * - "coordinate": a tuple such as "(3, 4)"; compared element-wise.
 * - "sequence": an ordered list of tokens (moves, coordinates), e.g. "up, up, left".
 * - "text": anything else; compared after whitespace/case normalisation.
 */
export type AnswerFormat = "option-letter" | "option-index" | "number" | "coordinate" | "sequence" | "text";

/**
 * Seeded pseudo-random source. Every random choice a game makes must go through this object, so
 * that a seed reproduces the same bytes on any machine and any number of workers.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher-Yates); the input is not modified. */
  shuffle<T>(items: readonly T[]): T[];
  /** true with probability p. */
  chance(p: number): boolean;
  /** `count` distinct elements, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
}

/** What a task produces for one state. The engine adds ids, paths, levels and qa_type. */
export interface GeneratedQuestion {
  question: string;
  answer: string | number;
  analysis: string;
  /** Present for multiple choice; the answer must name exactly one of them. */
  options?: OptionValue[];
  /** Overrides the task's declared qaLevel when the level depends on the instance (e.g. tictactoe). */
  qaLevel?: Level;
}

/**
 * What a task's generate() returns when the state does not suit it and it can say why (issue 15):
 * `return skipTask("no empty cell")`, i.e. `{ skip: "no empty cell" }` at run time. The engine
 * counts skips per game, task and reason and reports them. The question fields are typed `never`
 * so that existing code reading `q.question` / `q?.answer` on a generate() result still
 * type-checks (build the value with skipTask, not as a literal).
 */
export interface TaskSkip {
  skip: string;
  question: never;
  answer: never;
  analysis: never;
  options?: never;
  qaLevel?: never;
}

export function skipTask(reason: string): TaskSkip {
  return { skip: reason } as TaskSkip;
}

/** True for a generate() result that is a skip with a reason. */
export function isSkip(q: GeneratedQuestion | TaskSkip | null): q is TaskSkip {
  return q !== null && typeof (q as { skip?: unknown }).skip === "string";
}

/** Input of a task's generate(): the state and a generator of its own for distractors and parameters. */
export interface TaskContext<S> {
  state: S;
  rng: Rng;
  plotLevel: Level;
}

/**
 * Input of a conformance hook: a published sample and its parsed state (game.parseState).
 * The hook reads the template parameters out of `sample.question` (use the last match: rule
 * preambles contain example coordinates), recomputes the answer with our game logic and
 * returns it in the sample's own convention (letter, 1-based index, text...).
 */
export interface ConformInput<S> {
  sample: GameQASample;
  state: S;
}

/**
 * Result of a conformance hook. `answer` is compared with sample.answer after normalisation
 * (String(), trimmed, case-insensitive). Return `{ skip: reason }` when the sample cannot be
 * recomputed (e.g. a parameter missing from its question); skips count as mismatches in the
 * report with the reason shown, so they must be explained in the game's doc.
 */
export type ConformResult = { answer: string | number; detail?: string } | { skip: string };

/** One question template of a game. */
export interface QuestionTemplate<S> {
  /** question_id of the published data (0- or 1-based as in the original game). */
  id: number;
  /** Short slug used in data_id and on the CLI, e.g. "cell-color". */
  name: string;
  /** question_description written into each sample. */
  description: string;
  qaType: QaType;
  /** Declared reasoning difficulty (GeneratedQuestion.qaLevel can override per instance). */
  qaLevel: Level;
  /** Multiple choice or fill-in, and how the answer is written (for the scorer). */
  answerFormat: AnswerFormat;
  /**
   * Optional (issue 15): every form this task's samples can take, when there is more than one
   * (space_invaders draws each question as fill-in "number" or multiple choice "option-index").
   * Defaults to [answerFormat]; shown by `assay gameqa list`. The scorer needs no declaration for a
   * sample with options: it is scored as multiple choice.
   */
  answerForms?: AnswerFormat[];
  /**
   * Build one question on `state`, computing answer and analysis from the game logic.
   * Return null when this state does not suit the task (e.g. no legal move), or `{ skip: reason }`
   * to say why; the engine then draws a fresh state (bounded retries) and reports the skips.
   */
  generate(ctx: TaskContext<S>): GeneratedQuestion | TaskSkip | null;
  /** Recompute a published sample's answer (see ConformInput). Optional but expected for ported tasks. */
  conform?(input: ConformInput<S>): ConformResult;
}

/** A game plugged into the engine. S is the game's state; it must be plain JSON (written to states/*.json). */
export interface GameDefinition<S> {
  /** Folder name of the original game, e.g. "sudoku", "langton_ant", "3DReconstruction". */
  name: string;
  /** Human title, e.g. "Langton's Ant". */
  title: string;
  category: Category;
  /** In-domain (training) or out-of-domain game in the paper. */
  domain: "ID" | "OOD";
  /** Seeded state for a plot level. Must be deterministic given rng. */
  generateState(rng: Rng, plotLevel: Level): S;
  /** The board as an SVG document string (text drawn with render/font.ts so no system font is needed). */
  renderSvg(state: S): string;
  /**
   * Validate a state read from a JSON file (published or ours) and return it typed.
   * Throw UserError naming `where` (file) and the offending field when it is malformed.
   */
  parseState(json: unknown, where: string): S;
  /**
   * Recompute a published sample whose state file is missing (an original that never wrote states), from
   * its question, options and analysis text only. Optional; conform uses it only when the state file is absent.
   */
  conformWithoutState?(sample: GameQASample): ConformResult;
  tasks: QuestionTemplate<S>[];
  /**
   * Optional (issue 15): how many straight grid lines cross the rendered board, for the pixel test
   * test/gameqa/grid-lines.test.ts, which checks that every one of them is visible at every plot
   * level. Count a line once whatever its width; leave it out for boards without a grid.
   */
  gridLines?(state: S): GridLines;
}

/** Grid lines a board image shows: lines running top to bottom and lines running left to right. */
export interface GridLines {
  vertical: number;
  horizontal: number;
  /**
   * The lines' colour (`#rrggbb`), for boards whose pictures hold other thin straight features
   * (brick mortar, a snake's body line): only pixels of about this colour are counted as lines.
   */
  color?: string;
}

/**
 * A game whose state type is erased, as held by the registry. (Methods are declared with method
 * syntax, so a GameDefinition<MyState> is assignable to this.)
 */
export type AnyGame = GameDefinition<unknown>;
