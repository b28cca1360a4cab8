/**
 * The task registry's hook for tasks that live in files. `createTask("./my-task.ts@name", args)` loads a
 * task file; `createTask(name, args)` with the reserved arguments recorded in a run's manifest rebuilds
 * a task-file or config-eval task, so `resume`, `retry-errors` and `rescore` work like for built-ins.
 *
 * The recorded arguments: `task_file` (absolute path), `task_file_sha256`, `task_export`; or
 * `config_file` (absolute path), `config_sha256` and `config` (the config's whole text). The rebuilt
 * task's version carries the first 12 hex digits of the file's current sha256, so the manifest hash
 * differs when the file changed and `resume` refuses it unless `--force`.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Task, TaskArgs } from "../core/types.js";
import { findTaskDefinition, registerTaskResolver } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { buildFileTask, fileTaskArgs } from "./build-task.js";
import { type LoadedConfig, parseConfigText, readConfigFile } from "./config-file.js";
import { buildConfigTask } from "./config-task.js";
import { loadTaskFile, parseTaskFileRef, pickTask } from "./load-task-file.js";

export const RESERVED_ARGS = [
  "task_file",
  "task_file_sha256",
  "task_export",
  "config_file",
  "config_sha256",
  "config",
] as const;

/** The task of a config-file eval with the arguments that rebuild it. */
export function configTask(loaded: LoadedConfig, path: string): { task: Task; args: TaskArgs } {
  const task = buildConfigTask(loaded, path);
  refuseBuiltInName(`${loaded.file}:${loaded.lineOf(["name"]) ?? 1}`, task.name);
  task.version = versioned(task.version, loaded.sha256);
  return {
    task,
    args: { config_file: resolve(path), config_sha256: loaded.sha256, config: loaded.text },
  };
}

async function fromTaskFile(file: string, pick: string | undefined, userArgs: TaskArgs) {
  const loaded = await loadTaskFile(file);
  const chosen = pickTask(loaded, file, pick);
  refuseBuiltInName(file, chosen.name);
  const args = fileTaskArgs(chosen, userArgs);
  const task = await buildFileTask(file, chosen, args);
  task.version = versioned(task.version, loaded.sha256);
  return {
    task,
    args: {
      ...args,
      task_file: loaded.path,
      task_file_sha256: loaded.sha256,
      task_export: chosen.exportName,
    },
  };
}

function rebuildConfig(args: TaskArgs): { task: Task; args: TaskArgs } {
  const path = String(args.config_file);
  // The file as it is now (a changed one shows as a new version); the recorded text when it is gone.
  const loaded = existsSync(path)
    ? parseConfigText(path, readFileSync(path, "utf8"))
    : parseConfigText(path, String(args.config ?? ""));
  return { task: configTask(loaded, path).task, args };
}

function refuseBuiltInName(file: string, name: string): void {
  if (findTaskDefinition(name))
    throw new UserError(`${file}: task "${name}" has the name of a built-in task: give it another name`);
}

function versioned(version: string, sha256: string): string {
  return `${version}+${sha256.slice(0, 12)}`;
}

function userArgsOf(args: TaskArgs): TaskArgs {
  const out: TaskArgs = { ...args };
  for (const k of RESERVED_ARGS) delete out[k];
  return out;
}

registerTaskResolver((name, args) => {
  if (typeof args.config_file === "string") return Promise.resolve().then(() => rebuildConfig(args));
  if (typeof args.task_file === "string") {
    const file = args.task_file;
    const pick = typeof args.task_export === "string" ? args.task_export : undefined;
    return fromTaskFile(file, pick, userArgsOf(args)).then((built) => ({ task: built.task, args }));
  }
  const ref = parseTaskFileRef(name);
  if (ref) return fromTaskFile(ref.path, ref.pick, args);
  if (/\.(?:ya?ml|json)$/i.test(name))
    return Promise.resolve().then(() => configTask(readConfigFile(name), name));
  return undefined;
});
