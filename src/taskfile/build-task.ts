/**
 * From a task file's definition and its `-T` arguments to an engine Task, checking every part: a
 * definition the engine could not run is a UserError naming the file, the export's line and the key.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import type { Dataset, Sample, Scorer, Solver, Task, TaskArgs } from "../core/types.js";
import { fieldMapper, fileDataset, isUrl, memoryDataset, parseFieldSpec } from "../dataset/index.js";
import { getReducer } from "../metrics/reducers.js";
import { generate } from "../solvers/index.js";
import { resolveTaskArgs } from "../tasks/registry.js";
import { errorMessage, UserError } from "../util/errors.js";
import type { TaskParts } from "./define-task.js";
import type { FileTask } from "./load-task-file.js";

/** As the `qa` task reads records: a conversation in `messages` and images in `images`/`image` where the dataset loader supports them. */
export const DEFAULT_FIELDS = {
  input: "input",
  messages: "messages",
  images: "images|image",
  target: "target",
  id: "id",
  metadata: "*" as const,
};

/** Validate and fill the task's `-T` arguments from its declared options. */
export function fileTaskArgs(t: FileTask, args: TaskArgs): TaskArgs {
  return resolveTaskArgs({ name: t.name, options: t.definition.options ?? [] }, args);
}

/** Build the engine Task a file task defines, for the given (already resolved) arguments. */
export async function buildFileTask(file: string, t: FileTask, args: TaskArgs): Promise<Task> {
  const where = `${file}${t.line ? `:${t.line}` : ""}: task "${t.name}"`;
  const def = t.definition;
  let parts: TaskParts | Task;
  if ("create" in def) {
    if (typeof def.create !== "function") throw new UserError(`${where}: create must be a function`);
    try {
      parts = await def.create(args);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`${where}: ${err.message}`);
      throw new UserError(`${where}: create() failed: ${errorMessage(err)}`, { cause: err });
    }
    if (!parts || typeof parts !== "object")
      throw new UserError(`${where}: create() must return the task's parts ({ dataset, solver, scorer })`);
  } else parts = def;
  return {
    name: t.name,
    version: def.version ?? "1",
    dataset: datasetOf(where, parts, file, t.name),
    solver: solversOf(where, parts),
    scorers: scorersOf(where, parts),
    ...(parts.config ? { config: { ...parts.config } } : {}),
    ...groupByOf(where, parts.groupBy),
    ...reducerOf(where, parts.epochReducer),
  };
}

/** A dataset path relative to a folder; URLs, `hf:` names and absolute paths stay as they are. */
export function datasetSource(d: string, dir: string): string {
  return isUrl(d) || /^[a-z][\w+.-]+:/i.test(d) || isAbsolute(d) ? d : resolve(dir, d);
}

function datasetOf(where: string, parts: TaskParts | Task, file: string, name: string): Dataset {
  const d = parts.dataset as unknown;
  if (typeof d === "string") {
    if (!d.trim()) throw new UserError(`${where}: dataset: empty path`);
    const fields = "fields" in parts && parts.fields !== undefined ? String(parts.fields) : "";
    // A relative path is read from the task file's folder, wherever the command runs.
    return fileDataset(datasetSource(d, dirname(file)), fieldMapper(parseFieldSpec(fields, DEFAULT_FIELDS)));
  }
  if (Array.isArray(d)) {
    const samples = d.map((s, i) => sampleOf(where, s, i));
    return memoryDataset(`${file}#${name}`, samples);
  }
  if (d && typeof d === "object" && typeof (d as Dataset).samples === "function") {
    const ds = d as Dataset;
    if (typeof ds.count !== "function" || typeof ds.name !== "string")
      throw new UserError(`${where}: dataset: a Dataset needs name, count() and samples()`);
    return ds;
  }
  throw new UserError(
    `${where}: dataset: expected a path or URL, a list of samples or a Dataset, got ${kind(d)}`,
  );
}

function sampleOf(where: string, s: unknown, i: number): Sample {
  if (!s || typeof s !== "object") throw new UserError(`${where}: dataset[${i}]: expected a sample object`);
  const r = s as Record<string, unknown>;
  if (typeof r.input !== "string" && !Array.isArray(r.input))
    throw new UserError(
      `${where}: dataset[${i}].input: expected a string or chat messages, got ${kind(r.input)}`,
    );
  return { ...(r as unknown as Sample), id: r.id === undefined ? String(i + 1) : String(r.id) };
}

function solversOf(where: string, parts: TaskParts | Task): Solver[] {
  const s = parts.solver as unknown;
  if (s === undefined) return [generate()];
  const list = Array.isArray(s) ? s : [s];
  list.forEach((x, i) => {
    if (typeof x !== "function")
      throw new UserError(
        `${where}: solver${Array.isArray(s) ? `[${i}]` : ""}: expected a solver function, got ${kind(x)}`,
      );
  });
  if (!list.length) throw new UserError(`${where}: solver: an empty chain never calls the model`);
  return list as Solver[];
}

function scorersOf(where: string, parts: TaskParts | Task): Scorer[] {
  const p = parts as { scorer?: unknown; scorers?: unknown };
  if (p.scorer !== undefined && p.scorers !== undefined)
    throw new UserError(`${where}: give scorer or scorers, not both`);
  const key = p.scorer !== undefined ? "scorer" : "scorers";
  const raw = p.scorer ?? p.scorers;
  if (raw === undefined) throw new UserError(`${where}: scorer: missing (every task scores its samples)`);
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.length) throw new UserError(`${where}: ${key}: empty`);
  const names = new Set<string>();
  list.forEach((x, i) => {
    const at = `${where}: ${key}${Array.isArray(raw) ? `[${i}]` : ""}`;
    const sc = x as Partial<Scorer> | null;
    if (!sc || typeof sc !== "object" || typeof sc.score !== "function" || typeof sc.name !== "string")
      throw new UserError(`${at}: expected a Scorer ({ name, metrics, score() }), got ${kind(x)}`);
    if (!Array.isArray(sc.metrics) || !sc.metrics.length)
      throw new UserError(`${at}: scorer "${sc.name}" names no metrics`);
    if (names.has(sc.name)) throw new UserError(`${at}: two scorers are named "${sc.name}"`);
    names.add(sc.name);
  });
  return list as Scorer[];
}

function groupByOf(where: string, g: unknown): { groupBy?: string[] } {
  if (g === undefined) return {};
  const list = typeof g === "string" ? [g] : g;
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string" && x))
    throw new UserError(`${where}: groupBy: expected a metadata key or a list of them, got ${kind(g)}`);
  return { groupBy: list };
}

function reducerOf(where: string, r: unknown): { epochReducer?: string } {
  if (r === undefined) return {};
  if (typeof r !== "string") throw new UserError(`${where}: epochReducer: expected a name, got ${kind(r)}`);
  try {
    getReducer(r);
  } catch (err) {
    throw new UserError(`${where}: epochReducer: ${errorMessage(err)}`);
  }
  return { epochReducer: r };
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object"
    ? "an object"
    : `${typeof v}${v === undefined ? "" : ` ${String(v).slice(0, 30)}`}`;
}
