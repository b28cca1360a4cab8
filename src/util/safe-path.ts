import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { UserError } from "./errors.js";

/**
 * `join(dir, name)` for a `name` that came from a user, a file or a server: refused with a UserError
 * when the result would not lie strictly inside `dir` (`..`, an absolute path, or nothing at all).
 */
export function pathInside(dir: string, name: string, what = "name"): string {
  const base = resolve(dir);
  const rel = relative(base, resolve(base, name));
  if (name.includes("\0") || rel === "" || isAbsolute(rel) || rel.split(sep)[0] === "..") {
    throw new UserError(`${what} ${JSON.stringify(name)} would write outside ${dir}`);
  }
  return join(dir, name);
}
