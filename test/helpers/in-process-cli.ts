import { main } from "../../src/cli/program.js";

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run one `assay` command line in this process through the CLI's own `main()` (faster than a child
 * process; the same parsing, error handling and exit codes as the binary).
 */
export async function runCli(...args: string[]): Promise<InProcessResult> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  // Our commands print strings; the test runner reports to its parent through stdout with binary
  // messages, which must pass through even while a long command is awaited.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk !== "string") return (out as (...a: unknown[]) => boolean)(chunk, ...rest);
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    const code = await main(["node", "assay", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = previous;
  }
}

/** A command line that failed: its exit code and what it printed on stderr. */
export class CliFailure extends Error {
  constructor(
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`exit ${code}: ${stderr.trim()}`);
  }
}

/** Run a command line that should succeed: its stdout, or a CliFailure. */
export async function runOk(...args: string[]): Promise<string> {
  const r = await runCli(...args);
  if (r.code !== 0) throw new CliFailure(r.code, r.stderr);
  return r.stdout;
}

/** For assert.rejects: the command failed as a usage or input error (exit 2), not a crash. */
export function usageError(err: unknown): boolean {
  return err instanceof CliFailure && err.code === 2;
}
