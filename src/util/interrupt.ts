/**
 * Ctrl-C (SIGINT) and SIGTERM handling for long commands, the same for both. The first signal prints
 * `stopping: <what>` and aborts the signal given to `fn`, which winds down cleanly (finished work kept,
 * the run marked interrupted); a second one quits at once. Exit codes follow the shell's convention:
 * 130 for SIGINT, 143 for SIGTERM (README: exit codes).
 */

export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/** The abort reason `withInterrupts` gives: which signal stopped the work. */
export class Interrupted extends Error {
  constructor(readonly signalName: StopSignal) {
    super(`interrupted by ${signalName}`);
    this.name = "Interrupted";
  }

  get exitCode(): number {
    return SIGNAL_EXIT_CODES[this.signalName];
  }
}

/** The signal that last stopped work in this process (for commands that set their exit code later). */
let lastStop: StopSignal = "SIGINT";

/** Exit code for work stopped through `signal` (or, without one, by the last signal): 143 after SIGTERM, else 130. */
export function interruptExitCode(signal?: AbortSignal): number {
  if (signal?.reason instanceof Interrupted) return signal.reason.exitCode;
  return SIGNAL_EXIT_CODES[lastStop];
}

export async function withInterrupts<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: StopSignal): void => {
    if (!controller.signal.aborted) {
      lastStop = name;
      process.stderr.write(`\nstopping: ${what} (${name}; send it again to quit at once)\n`);
      controller.abort(new Interrupted(name));
    } else {
      process.exit(SIGNAL_EXIT_CODES[name]);
    }
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}
