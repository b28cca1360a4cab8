/**
 * A stored run's task arguments, for commands that rebuild its task (resume, retry-errors, rescore,
 * merge) from another folder than the one it was started in.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { TaskArgs } from "../../core/types.js";

/**
 * Task arguments for a continuation run from another folder: a relative path (the dataset, a prompt
 * folder) that is missing here but present in the folder the run started in is read from there. The
 * stored arguments, and so the configuration hash, stay as given.
 */
export function argsFromStartFolder(args: TaskArgs, cwd: string | undefined): TaskArgs {
  if (!cwd || cwd === process.cwd()) return args;
  const out: TaskArgs = { ...args };
  for (const [k, v] of Object.entries(args)) {
    if (typeof v !== "string" || !v || isAbsolute(v) || /^[a-z][a-z0-9+.-]*:/i.test(v)) continue;
    if (!existsSync(v) && existsSync(resolve(cwd, v))) out[k] = resolve(cwd, v);
  }
  return out;
}
