/**
 * Loading a task file: `my-task.ts` (through tsx, no build step), `.mts`/`.cts`, or plain `.js`/`.mjs`.
 * Its exports made with `defineTask` are its tasks; a task is built only when it is run. Every problem —
 * the file throws while loading, exports no task, defines an invalid one — is a UserError naming the
 * file, the line where it can tell, and the export.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { register as nodeRegister } from "node:module";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { errorMessage, UserError } from "../util/errors.js";
import { type DefinedTask, isDefinedTask, type TaskFileDefinition } from "./define-task.js";

const TASK_FILE = /^(.+\.(?:ts|mts|js|mjs))(?:@([A-Za-z_$][\w$-]*))?$/;
/** Marks a task file's URL, so the loader hook below reads it as an ES module. */
const MARK = "assay-task-file";

/** `./my-task.ts@name` → the file and the export name; undefined when the text names no task file. */
export function parseTaskFileRef(ref: string): { path: string; pick?: string } | undefined {
  const m = TASK_FILE.exec(ref);
  if (!m) return undefined;
  return { path: m[1]!, ...(m[2] ? { pick: m[2] } : {}) };
}

/** One task a file defines. */
export interface FileTask {
  /** The task's name (its definition's `name`, else the export's). */
  name: string;
  /** The export it came from ("default" for a default export). */
  exportName: string;
  /** 1-based line of the export in the file, when it can be found. */
  line?: number;
  definition: TaskFileDefinition;
}

export interface LoadedTaskFile {
  /** Absolute path. */
  path: string;
  sha256: string;
  tasks: FileTask[];
}

let hooksRegistered = false;

/**
 * tsx's loader hooks for the whole process (not a namespace: a task file importing "assay" must get
 * this very instance of it, so its objects and errors are ours), then a hook that reads the task file
 * itself as an ES module even in a folder whose package.json says CommonJS (or has none).
 */
async function registerHooks(): Promise<void> {
  if (hooksRegistered) return;
  const { register } = await import("tsx/esm/api");
  register();
  // A task file outside this package (and outside any project that installed it) imports "assay"
  // too: when that name resolves nowhere else, it resolves as if imported from this package's own code.
  const self = new URL("../index.js", import.meta.url).href;
  const hook = `export async function load(url, context, next) {
  return next(url, url.includes("${MARK}=") ? { ...context, format: "module" } : context);
}
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !/^assay(\\/|$)/.test(specifier)) throw err;
    return next(specifier, { ...context, parentURL: ${JSON.stringify(self)} });
  }
}`;
  nodeRegister(`data:text/javascript,${encodeURIComponent(hook)}`);
  hooksRegistered = true;
}

/** Import a task file; a changed file is imported afresh (the URL carries its hash). */
export async function loadTaskFile(file: string): Promise<LoadedTaskFile> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`task file ${file}: no such file`);
  const source = readFileSync(path);
  const sha256 = createHash("sha256").update(source).digest("hex");
  await registerHooks();
  let exports: Record<string, unknown>;
  try {
    exports = (await import(`${pathToFileURL(path).href}?${MARK}=${sha256}`)) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const line = lineInStack(err, path);
    throw new UserError(
      `${file}${line ? `:${line}` : ""}: the task file failed to load: ${errorMessage(err)}`,
      {
        cause: err,
      },
    );
  }
  const text = source.toString("utf8");
  const tasks: FileTask[] = [];
  for (const [exportName, value] of Object.entries(exports)) {
    if (!isDefinedTask(value)) continue;
    const definition = (value as DefinedTask).definition;
    const name = definition.name ?? (exportName === "default" ? baseName(path) : exportName);
    const line = exportLine(text, exportName);
    tasks.push({ name, exportName, ...(line ? { line } : {}), definition });
  }
  if (!tasks.length)
    throw new UserError(
      `${file}: exports no task (export one made with defineTask: export const my_task = defineTask({ dataset, solver, scorer }))`,
    );
  const seen = new Map<string, FileTask>();
  for (const t of tasks) {
    const other = seen.get(t.name);
    if (other)
      throw new UserError(
        `${file}${t.line ? `:${t.line}` : ""}: exports "${other.exportName}" and "${t.exportName}" both define task "${t.name}"`,
      );
    seen.set(t.name, t);
  }
  return { path, sha256, tasks };
}

/** The task a reference picks: by name (or export name), or the only one. */
export function pickTask(loaded: LoadedTaskFile, file: string, pick: string | undefined): FileTask {
  const names = loaded.tasks.map((t) => t.name).join(", ");
  if (pick === undefined) {
    if (loaded.tasks.length === 1) return loaded.tasks[0]!;
    throw new UserError(`${file} defines several tasks (${names}): pick one with ${file}@<name>`);
  }
  const found = loaded.tasks.find((t) => t.name === pick) ?? loaded.tasks.find((t) => t.exportName === pick);
  if (!found) throw new UserError(`${file} defines no task "${pick}" (it defines: ${names})`);
  return found;
}

/** "capitals.task.ts" → "capitals". */
function baseName(path: string): string {
  return basename(path).split(".")[0] || "task";
}

function exportLine(text: string, exportName: string): number | undefined {
  const pattern =
    exportName === "default"
      ? /^\s*export\s+default\b/m
      : new RegExp(
          `^\\s*export\\s+(?:const|let|var|function)\\s+${exportName.replace(/\$/g, "\\$")}\\b`,
          "m",
        );
  const m = pattern.exec(text);
  return m ? text.slice(0, m.index + m[0].length).split("\n").length : undefined;
}

/** The line of `path` in an error's stack (the top-most frame in the task file). */
function lineInStack(err: unknown, path: string): number | undefined {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  const url = pathToFileURL(path).href;
  for (const line of stack.split("\n")) {
    const at = line.indexOf(url);
    const plain = at < 0 ? line.indexOf(path) : at;
    if (plain < 0) continue;
    const m = /:(\d+):\d+\)?\s*$/.exec(line);
    if (m) return Number(m[1]);
  }
  // A syntax error names its place as "file:line" or "(line:column)" in the message.
  const msg = errorMessage(err);
  const m = new RegExp(`${basename(path).replace(/\./g, "\\.")}:(\\d+)`).exec(msg);
  return m ? Number(m[1]) : undefined;
}
