/**
 * Assay as a library: `import { evaluate, … } from "assay"`. This entry loads the engine only; the
 * research systems have subpaths of their own (`assay/gameqa`, `assay/agreement`, `assay/smi`,
 * `assay/moe`, `assay/formats`, `assay/llama`, `assay/stats`, `assay/pairwise`), and the built-in tasks are loaded on first use by name.
 */

// The core interfaces every part is written against.
export * from "./core/types.js";
// Datasets: files (JSON, JSONL, Parquet; path or URL) and in-memory lists.
export {
  type FieldSpec,
  fieldError,
  fieldMapper,
  fileDataset,
  memoryDataset,
  parseFieldSpec,
} from "./dataset/index.js";
export { type RescoreOptions, rescoreRun } from "./engine/rescore.js";
// The engine: one evaluation loop, re-scoring, summaries, and the one-call entry.
export { buildManifest, type RunOptions, type RunOutcome, runEval } from "./engine/run.js";
export { computeSummary, type RunSummary } from "./engine/summary.js";
export { type EvaluateOptions, type EvaluateResult, evaluate, type ModelChoice } from "./evaluate.js";
// Metrics and epoch reducers, by registry name.
export {
  getMetric,
  type Metric,
  type MetricContext,
  type MetricResult,
  registerMetric,
} from "./metrics/index.js";
export { getReducer, type Reducer } from "./metrics/reducers.js";
// Models: providers by name, and the Model wrapper (cache, limiter, retries, timeout).
export { buildModel, type ModelSpec } from "./providers/build-model.js";
export { Model, ModelStats, type ResponseCache } from "./providers/model.js";
export {
  createProvider,
  listProviders,
  type ProviderFactory,
  type ProviderOptions,
  registerProvider,
} from "./providers/registry.js";
// Scorers and solvers.
export { choiceScorer, extractChoiceLetter } from "./scorers/choice.js";
// Generic scorers (also by name: includes, regex, f1, numeric, math, json, rubric).
export { type F1Options, f1Scorer, squadF1 } from "./scorers/f1.js";
export { type IncludesOptions, includes } from "./scorers/includes.js";
export { type JsonOptions, jsonScorer } from "./scorers/json.js";
export { exactMatch, extractFinalAnswer, normalizeAnswer } from "./scorers/match.js";
export { type MathOptions, mathScorer, UNDECIDED } from "./scorers/math.js";
export { type NumericOptions, numericScorer } from "./scorers/numeric.js";
export { type RegexOptions, regexScorer } from "./scorers/regex.js";
export { createScorer, listScorers, registerScorer, type ScorerFactory } from "./scorers/registry.js";
export { type RubricOptions, rubricScorer } from "./scorers/rubric.js";
export { generate, multipleChoice, promptTemplate, systemMessage } from "./solvers/index.js";
// The run store (SQLite).
export { defaultDbPath, type RunManifest, type RunRow, RunStore } from "./store/run-store.js";
// Task files (`assay eval ./my-task.ts`): tasks declared with defineTask.
export {
  type DefinedTask,
  defineTask,
  type TaskFileDefinition,
  type TaskParts,
} from "./taskfile/define-task.js";
// A task that supplies this hook can be rated by experts and checked for judge–human agreement.
export type { FormSpec, RatingItem, TaskAnnotation } from "./tasks/annotation.js";
// Task registration, so named tasks work with `evaluate`, `assay eval` and `rescore`.
export {
  createTask,
  getTaskDefinition,
  listTasks,
  type ReportFormat,
  registerTask,
  type TaskDefinition,
  type TaskOption,
} from "./tasks/registry.js";
export { type RubricAnnotationOptions, rubricAnnotation } from "./tasks/rubric-annotation.js";
export { UserError } from "./util/errors.js";
export { VERSION } from "./version.js";
