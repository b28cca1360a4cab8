/**
 * The run controls of `assay eval`, `resume` and `retry-errors` (loaded with eval-actions.ts): the
 * pre-flight check, the circuit breaker and --fail-on-error, and what is printed when one of them
 * stops a run.
 */
import { printJson } from "../../cli-kit/output.js";
import type { Model } from "../../providers/model.js";
import { preflight } from "../../providers/preflight.js";
import {
  combineControls,
  ErrorGuard,
  parseFailOnError,
  type RunControl,
  type RunStop,
} from "../../scheduler/run-control.js";
import type { RunStore } from "../../store/run-store.js";
import { UserError } from "../../util/errors.js";
import type { ExecFlags } from "./eval.js";
import { printSummary } from "./show-actions.js";

/** The pre-flight check of the run's model and judge (src/providers/preflight.ts). */
export function preflightRun(
  run: { model: Model; judge?: Model | undefined },
  signal: AbortSignal,
): Promise<void> {
  return preflight(
    [
      { role: "model", model: run.model },
      { role: "judge", model: run.judge },
    ],
    { signal },
  );
}

/** The controls the flags ask for. */
export function runControl(flags: ExecFlags, _model: Model, _judge: Model | undefined): RunControl {
  const failOnError = flags.failOnError === undefined ? undefined : parseFailOnError(flags.failOnError);
  if (flags.failOnError !== undefined && !failOnError)
    throw new UserError(
      `--fail-on-error ${String(flags.failOnError)}: give a count of samples (an integer ≥ 1), a fraction between 0 and 1, or nothing (the first error)`,
    );
  return combineControls([
    new ErrorGuard({
      consecutive: flags.maxConsecutiveErrors ?? 10,
      ...(failOnError ? { failOnError } : {}),
    }),
  ]);
}

/** A run stopped on purpose: what finished, why it stopped, what to run next; the stop's exit code. */
export function reportStop(
  store: RunStore,
  runId: string,
  stop: RunStop,
  flags: ExecFlags,
  model: Model,
  judge: Model | undefined,
): void {
  const run = store.requireRun(runId);
  if (flags.json) {
    printJson({
      runId,
      status: run.status,
      stopped: stop.message,
      exitCode: stop.exitCode,
      failed: store.countSamples(runId).errors,
      calls: { model: { ...model.stats }, ...(judge ? { judge: { ...judge.stats } } : {}) },
      summary: run.summary,
    });
  } else {
    printSummary(run, run.summary as Parameters<typeof printSummary>[1]);
    for (const e of store.topErrors(runId, 3)) process.stderr.write(`  ${e.count} × ${e.error}\n`);
    process.stderr.write(`${stop.message}\n`);
    const what =
      stop.next === "resume"
        ? "continue with"
        : "fix the cause, then redo the failed samples and the rest with";
    process.stderr.write(`run ${runId} is interrupted; ${what}  assay ${stop.next} ${runId}\n`);
  }
  process.exitCode = stop.exitCode;
}
