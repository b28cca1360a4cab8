/**
 * UserError: a mistake the user can fix (bad flag, missing file, malformed record).
 * The CLI prints its message on one line, without a stack trace, and exits with code 2.
 * Always name the file, line/row and field when there is one.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.exitCode = options?.exitCode ?? 2;
  }
}

/** Error text for any thrown value, without a stack trace. */
export function errorMessage(err: unknown): string {
  // Thrown values are not always Errors with a string message: a library may throw `{ message: {...} }`
  // or a plain object, which String() would turn into "[object Object]".
  const message = typeof err === "object" && err !== null && "message" in err ? err.message : err;
  if (typeof message === "string") return message;
  if (typeof message !== "object" || message === null) return String(message);
  try {
    return JSON.stringify(message) ?? String(message);
  } catch {
    // Cyclic or holding a BigInt: name its keys at least.
    return `{${Object.keys(message).join(", ")}}`;
  }
}

/** What users cause by naming a path: a missing folder, a file where a folder should be, no permission. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "is a folder",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EEXIST: "already exists",
};

/** A one-line message for a file-system error on a path the user gave, or undefined for anything else. */
export function fileSystemProblem(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== "string" || typeof e.path !== "string") return undefined;
  const what = PATH_ERRORS[e.code];
  return what ? `${e.path}: ${what} (${e.syscall ?? "file system"})` : undefined;
}
