/**
 * GameQA public API (library use). The eval task lives in ./eval.js and is not re-exported here,
 * so importing the generator and the reward never pulls in model-related code.
 */
export { type ConformMismatch, type ConformReport, conformGame } from "./conform.js";
export { type ExportFormat, exportDataset, toRecord } from "./export.js";
export { type GenerateOptions, type GenerateResult, generateDataset, planJobs } from "./generate.js";
export { readDataset } from "./io.js";
export { findOptionKey, letter, makeChoices, stripOptionKey } from "./options.js";
export { gameLoadErrors, getGame, listGames, loadGames, registerGame, resolveGames } from "./registry.js";
export { encodePalettePng, readPngInfo, svgToPng } from "./render/png.js";
export { createRng, hashSeed } from "./rng.js";
export { buildBoard, buildSample } from "./sample.js";
export { finalAnswerRegion, gameqaReward, inferFormat, type ScoreResult, scoreResponse } from "./scorer.js";
export type * from "./types.js";
export { LEVELS } from "./types.js";
