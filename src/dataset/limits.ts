/**
 * Bounds on one dataset record, checked when it is read: a record nested thousands of levels deep (or
 * hundreds of megabytes big) parses fine but later overflows the stack or memory when it is serialised
 * for the run store, far from the file that caused it. Refusing it at load names the file and line.
 */
import { UserError } from "../util/errors.js";

/** Deepest nesting of arrays/objects a record may have (chat messages with image parts need ~6). */
export const MAX_RECORD_DEPTH = 64;
/** Largest record, counted as the characters of its strings and keys (images inline as base64 fit). */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** Throws a UserError "<where>: record ..." when `value` is nested too deep or too big. */
export function checkRecordBounds(value: unknown, where: string): void {
  // Iterative walk: a recursive one would overflow on exactly the records it must refuse.
  const stack: Array<[unknown, number]> = [[value, 1]];
  let chars = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "string") chars += v.length;
    else if (v !== null && typeof v === "object" && !(v instanceof Uint8Array) && !(v instanceof Date)) {
      if (depth > MAX_RECORD_DEPTH)
        throw new UserError(`${where}: record is nested more than ${MAX_RECORD_DEPTH} levels deep`);
      if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
      else
        for (const k in v) {
          chars += k.length;
          stack.push([(v as Record<string, unknown>)[k], depth + 1]);
        }
    } else chars += 8;
    if (chars > MAX_RECORD_CHARS)
      throw new UserError(`${where}: record is larger than ${MAX_RECORD_CHARS / 1024 / 1024} MiB`);
  }
}
