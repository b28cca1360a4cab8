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
  if (err instanceof Error) return err.message;
  return String(err);
}
