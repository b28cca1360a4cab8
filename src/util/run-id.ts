import { randomBytes } from "node:crypto";
import { UserError } from "./errors.js";

/**
 * Run ids name runs on the command line, in file names (exports) and in shells, so they are limited to
 * letters, digits, `.`, `_`, `~` and `-`, start with a letter or digit and are at most 128 characters:
 * no path separators, no `..` escape, no shell metacharacters, no SQL wildcards.
 */
export const RUN_ID_MAX_LENGTH = 128;
const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;
const RUN_ID_DISALLOWED = /[^A-Za-z0-9._~-]+/g;

/** Why `id` is not a valid run id, or undefined when it is. */
export function runIdProblem(id: string): string | undefined {
  if (id.length === 0) return "is empty";
  if (id.length > RUN_ID_MAX_LENGTH) return `is longer than ${RUN_ID_MAX_LENGTH} characters`;
  if (!RUN_ID_PATTERN.test(id))
    return "may hold only letters, digits, '.', '_', '~' and '-', and must start with a letter or digit";
  return undefined;
}

/** `id` itself, or a UserError naming where it came from (e.g. "--run-id"). */
export function checkRunId(id: string, where = "run id"): string {
  const problem = runIdProblem(id);
  if (problem) throw new UserError(`${where} ${JSON.stringify(id)} ${problem}`);
  return id;
}

/** `text` made into a run id fragment: each run of other characters becomes one '-'. */
export function runIdFragment(text: string): string {
  const cleaned = text.replace(RUN_ID_DISALLOWED, "-").replace(/^[^A-Za-z0-9]+/, "");
  return cleaned.slice(0, RUN_ID_MAX_LENGTH - 32) || "run";
}

/** A new run id: the task name, the UTC time to the second and 4 random hex digits. */
export function newRunId(task: string): string {
  const t = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${runIdFragment(task)}-${t}-${randomBytes(2).toString("hex")}`;
}
