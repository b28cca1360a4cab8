/**
 * Tasks by name. A task definition turns its arguments (from `--dataset` and `-T key=value`) into a
 * Task; the arguments are stored in the run manifest, so `resume` and `rescore` rebuild the same task.
 */
import type { Task, TaskArgs } from "../core/types.js";
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import type { TaskAnnotation } from "./annotation.js";

export interface TaskOption {
  name: string;
  description: string;
  required?: boolean;
  default?: string | number | boolean;
}

export type ReportFormat = "table" | "json" | "html";

export interface TaskDefinition {
  name: string;
  description: string;
  options: TaskOption[];
  create(args: TaskArgs): Task | Promise<Task>;
  /**
   * The task's own report for one or several stored runs (rows = runs), e.g. a paper's table layout.
   * Used by `assay report` and printed after `assay eval`; without it the generic summary table is used.
   */
  report?(store: RunStore, runIds: string[], format: ReportFormat): string;
  /**
   * How human experts validate the task's judge: rating items, forms, re-judging (see annotation.ts).
   * Used by `assay annotate`, `assay agreement` and `assay rejudge`; without it their generic behaviour applies.
   */
  annotation?: TaskAnnotation;
}

const tasks = new Map<string, TaskDefinition>();

export function registerTask(def: TaskDefinition): void {
  tasks.set(def.name, def);
}

export function listTasks(): TaskDefinition[] {
  return [...tasks.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function getTaskDefinition(name: string): TaskDefinition {
  const def = tasks.get(name);
  if (!def) throw new UserError(`unknown task "${name}" (known: ${[...tasks.keys()].sort().join(", ")})`);
  return def;
}

/** Validate arguments against the definition (unknown or missing ones are user errors) and fill defaults. */
export function resolveTaskArgs(def: Pick<TaskDefinition, "name" | "options">, args: TaskArgs): TaskArgs {
  const known = new Set(def.options.map((o) => o.name));
  for (const key of Object.keys(args)) {
    if (!known.has(key)) {
      throw new UserError(
        `task "${def.name}" has no option "${key}"` +
          (known.size ? ` (options: ${[...known].join(", ")})` : " (it takes no options)"),
      );
    }
  }
  const out: TaskArgs = {};
  for (const o of def.options) {
    const v = args[o.name] ?? o.default;
    if (v === undefined) {
      if (o.required) {
        const flag = o.name === "dataset" ? "--dataset PATH" : `-T ${o.name}=...`;
        throw new UserError(`task "${def.name}" needs ${flag}: ${o.description}`);
      }
      continue;
    }
    out[o.name] = v;
  }
  return out;
}

/**
 * Builds tasks that are not registered by name (task files, config evals: src/taskfile): returns
 * undefined for a name and arguments it does not handle.
 */
export type TaskResolver = (
  name: string,
  args: TaskArgs,
) => Promise<{ task: Task; args: TaskArgs }> | undefined;

const resolvers: TaskResolver[] = [];

export function registerTaskResolver(resolver: TaskResolver): void {
  resolvers.push(resolver);
}

/** A registered task's definition, or undefined (e.g. a task from a task file). */
export function findTaskDefinition(name: string): TaskDefinition | undefined {
  return tasks.get(name);
}

export async function createTask(name: string, args: TaskArgs): Promise<{ task: Task; args: TaskArgs }> {
  for (const resolve of resolvers) {
    const built = resolve(name, args);
    if (built) return built;
  }
  const def = getTaskDefinition(name);
  const resolved = resolveTaskArgs(def, args);
  return { task: await def.create(resolved), args: resolved };
}
