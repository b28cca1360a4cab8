/**
 * Stopping a run early, on purpose: a circuit breaker for a cause that will not go away (the same error
 * on many samples in a row: a refused key, a model that does not exist, a server that died), the
 * `--fail-on-error` threshold, and the `--cost-limit` / `--token-limit` budgets. The engine asks
 * `afterUnit` after each stored sample; a `RunStop` it returns stops the run, which is then marked
 * `interrupted` with the reason (finished samples are kept, so the run can be continued).
 */

/** Exit code of a run stopped by the circuit breaker, --fail-on-error, or because no sample succeeded. */
export const ERROR_STOP_EXIT = 5;
/** Exit code of a run stopped at --cost-limit or --token-limit (resumable, like any clean stop). */
export const BUDGET_STOP_EXIT = 6;

export class RunStop extends Error {
  constructor(
    message: string,
    /** What the user runs next: `resume` after a budget stop, `retry-errors` after an error stop. */
    readonly next: "resume" | "retry-errors",
    readonly exitCode: number,
  ) {
    super(message);
    this.name = "RunStop";
  }
}

export interface RunControl {
  /** The number of (sample, epoch) units this invocation will run. */
  begin?(total: number): void;
  /** After each stored unit; a RunStop stops the run. */
  afterUnit(error: string | undefined): RunStop | undefined;
  /** Extra text for the progress line (cost so far). */
  detail?(): string | undefined;
}

/** `--fail-on-error`: a count of failed samples (≥ 1) or a fraction (0 < f < 1) of the samples to run. */
export type FailOnError = { count: number } | { fraction: number };

/** Parse `--fail-on-error` (bare flag: the first error). */
export function parseFailOnError(value: string | boolean): FailOnError | undefined {
  if (value === true || value === "") return { count: 1 };
  if (value === false) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  if (n < 1) return { fraction: n };
  return Number.isInteger(n) ? { count: n } : undefined;
}

/** The same cause however many attempts it took. */
function normaliseError(error: string): string {
  return error.replace(/ \(after \d+ attempts\)/g, "");
}

export class ErrorGuard implements RunControl {
  private total = 0;
  private failed = 0;
  private streak = 0;
  private lastError: string | undefined;

  constructor(
    private readonly opts: {
      /** Stop after this many units in a row failed with the same error (0: never). */
      consecutive: number;
      failOnError?: FailOnError | undefined;
    },
  ) {}

  begin(total: number): void {
    this.total = total;
  }

  afterUnit(error: string | undefined): RunStop | undefined {
    if (error === undefined) {
      this.streak = 0;
      this.lastError = undefined;
      return undefined;
    }
    this.failed++;
    const cause = normaliseError(error);
    this.streak = cause === this.lastError ? this.streak + 1 : 1;
    this.lastError = cause;
    const { consecutive, failOnError } = this.opts;
    if (consecutive > 0 && this.streak >= consecutive)
      return new RunStop(
        `stopped: ${this.streak} samples in a row failed with the same error (${cause}); ` +
          "it looks permanent, so the rest of the dataset was not sent (--max-consecutive-errors sets how many)",
        "retry-errors",
        ERROR_STOP_EXIT,
      );
    if (!failOnError) return undefined;
    const over =
      "count" in failOnError
        ? this.failed >= failOnError.count
        : this.failed > failOnError.fraction * this.total;
    if (!over) return undefined;
    const limit =
      "count" in failOnError ? `${failOnError.count}` : `${failOnError.fraction} of ${this.total} samples`;
    return new RunStop(
      `stopped: ${this.failed} sample(s) failed, over --fail-on-error ${limit} (last error: ${cause})`,
      "retry-errors",
      ERROR_STOP_EXIT,
    );
  }
}

/** Several controls as one: the first stop wins. */
export function combineControls(controls: RunControl[]): RunControl {
  return {
    begin: (total) => {
      for (const c of controls) c.begin?.(total);
    },
    afterUnit: (error) => {
      for (const c of controls) {
        const stop = c.afterUnit(error);
        if (stop) return stop;
      }
      return undefined;
    },
    detail: () =>
      controls
        .map((c) => c.detail?.())
        .filter((d): d is string => !!d)
        .join(" · ") || undefined,
  };
}
