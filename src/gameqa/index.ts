/**
 * GameQA public API (library use). The eval task lives in ./eval.js and is not re-exported here,
 * so importing the generator and the reward never pulls in model-related code.
 */
export { type ConformMismatch, type ConformReport, conformGame } from "./conform.js";
export { EXPORT_FORMATS, type ExportFormat, exportDataset, toGrpoRecord, toRecord } from "./export.js";
export { type GenerateOptions, type GenerateResult, generateDataset, planJobs } from "./generate.js";
export { readDataset } from "./io.js";
export { findOptionKey, letter, makeChoices, stripOptionKey } from "./options.js";
export {
  gameLoadErrors,
  getGame,
  listGames,
  loadGames,
  registerGame,
  resolveGames,
  taskOfSample,
} from "./registry.js";
export { encodePalettePng, readPngInfo, svgToPng } from "./render/png.js";
export { rewardLine } from "./reward-stdio.js";
export { createRng, hashSeed } from "./rng.js";
export { buildBoard, buildSample } from "./sample.js";
/**
 * The RL reward: `reward(sample, response)` is 1 when the response's final answer is the sample's
 * answer in any form its prompt allows, else 0. `sample` is a GameQA sample (data.json) or a
 * `gameqa export --format grpo` record (reads `solution`, `answer_format`, `options`, `question`).
 * Pure and synchronous; the rules are in docs/gameqa.md ("Scorer and RL reward").
 */
export {
  ANSWER_INSTRUCTION,
  finalAnswerRegion,
  gameqaReward,
  inferFormat,
  resolveFormat,
  reward,
  type ScorableSample,
  type ScoreResult,
  scoreResponse,
} from "./scorer.js";
export type * from "./types.js";
export { LEVELS } from "./types.js";
