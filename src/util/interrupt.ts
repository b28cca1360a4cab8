/**
 * Ctrl-C (or SIGTERM) handling for long commands. The first signal prints `stopping: <what>` and
 * aborts the signal given to `fn`, which winds down cleanly; a second one quits at once (exit 130).
 */
export async function withInterrupts<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let presses = 0;
  const onSignal = (): void => {
    presses++;
    if (presses === 1) {
      process.stderr.write(`\nstopping: ${what} (Ctrl-C again to quit at once)\n`);
      controller.abort(new Error("interrupted"));
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
