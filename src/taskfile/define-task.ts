/**
 * `defineTask`: how a task file (`assay eval ./my-task.ts`) declares a task, in the spirit of inspect_ai's
 * `@task` functions. A definition is either the task's parts directly, or a `create(args)` function that
 * builds them from `-T key=value` options declared in `options`. The result is a marked object the task
 * file loader finds among the file's exports; it carries no behaviour until the loader builds it.
 */
import type { Dataset, GenerateConfig, Sample, Scorer, Solver, Task, TaskArgs } from "../core/types.js";
import type { TaskOption } from "../tasks/registry.js";

/** The parts of a task. Everything but `dataset` has a default. */
export interface TaskParts {
  /**
   * A Dataset, a list of samples, or a JSON/JSONL/Parquet path or URL (a relative path is read from
   * the task file's folder) whose records have `input`, `target` and optional `id` (see `fields`).
   */
  dataset: Dataset | Sample[] | string;
  /** For a dataset path: record fields → sample fields, e.g. "input=question,target=answer". */
  fields?: string;
  /** The solver chain (default: one `generate()`). */
  solver?: Solver | Solver[];
  /** One scorer or several; `scorers` is the same. */
  scorer?: Scorer | Scorer[];
  scorers?: Scorer[];
  /** Default generation options for the model under test. */
  config?: GenerateConfig;
  /** Metadata key(s) to break metrics down by. */
  groupBy?: string | string[];
  /** How repeated epochs of a sample fold into one value (registry name; default "mean"). */
  epochReducer?: string;
}

interface DefinitionMeta {
  /** The task's name (default: the export's name, or the file's name for a default export). */
  name?: string;
  description?: string;
  /** Bump when prompts or scoring change, so stored runs are not resumed across versions (default "1"). */
  version?: string;
  /** Options the task takes with `-T key=value` (passed to `create`). */
  options?: TaskOption[];
}

export type TaskFileDefinition =
  | (DefinitionMeta & TaskParts)
  | (DefinitionMeta & { create(args: TaskArgs): TaskParts | Task | Promise<TaskParts | Task> });

/** Global so that a task file importing another copy of Assay still defines tasks this one finds. */
const DEFINED = Symbol.for("assay.defined-task");

export interface DefinedTask {
  readonly [DEFINED]: true;
  readonly definition: TaskFileDefinition;
}

/** Declare a task for a task file: `export const capitals = defineTask({ dataset, solver, scorer })`. */
export function defineTask(definition: TaskFileDefinition): DefinedTask {
  return { [DEFINED]: true, definition };
}

export function isDefinedTask(value: unknown): value is DefinedTask {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[DEFINED] === true;
}
