/**
 * What went wrong when results could not be committed: the disk is full, the database is unwritable, or
 * one result cannot be serialised. The run stops cleanly (exit code 4) and stays resumable.
 */
import { errorMessage, UserError } from "../util/errors.js";

/** Exit code of a run stopped because its results could not be stored (README: exit codes). */
export const STORE_FAILURE_EXIT = 4;

export class StoreWriteError extends UserError {
  constructor(
    message: string,
    /** True when nothing more can be written (disk full, I/O error), not just one bad result. */
    readonly fatal: boolean,
    cause?: unknown,
  ) {
    super(message, { cause, exitCode: STORE_FAILURE_EXIT });
    this.name = "StoreWriteError";
  }
}

/** 53100: PostgreSQL's disk_full. */
const DISK_FULL_CODES = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT", "53100"]);

/** True for "no space left": SQLite's SQLITE_FULL, PostgreSQL's disk_full or the file system's ENOSPC/EDQUOT. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (typeof code === "string" && DISK_FULL_CODES.has(code)) || /disk is full/i.test(errorMessage(err));
}

/** True when the database itself refuses writes (as opposed to one result that cannot be stored). */
function isDatabaseFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    typeof code === "string" &&
    // PostgreSQL: SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention), 58 (system).
    /^(SQLITE_(IOERR|READONLY|CORRUPT|NOTADB|CANTOPEN|BUSY|LOCKED|NOMEM)|E[A-Z]+$|(08|53|57|58)[0-9A-Z]{3}$)/.test(
      code,
    )
  );
}

/** The StoreWriteError for an error thrown while committing results to the database at `path`. */
export function storeWriteError(err: unknown, path: string): StoreWriteError {
  if (err instanceof StoreWriteError) return err;
  if (isDiskFull(err)) return new StoreWriteError(`disk full: ${path}`, true, err);
  const detail =
    err instanceof RangeError ? "a result is too deeply nested or too large to store" : errorMessage(err);
  return new StoreWriteError(`cannot store results in ${path}: ${detail}`, isDatabaseFailure(err), err);
}
