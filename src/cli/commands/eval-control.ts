/**
 * The run controls of `assay eval`, `resume` and `retry-errors` (loaded with eval-actions.ts): the
 * pre-flight check, the circuit breaker and --fail-on-error, and what is printed when one of them
 * stops a run.
 */
import { printJson } from "../../cli-kit/output.js";
import { BudgetControl, type PriceOverrides, pricedModels, runCost } from "../../providers/budget.js";
import type { Model } from "../../providers/model.js";
import { preflight } from "../../providers/preflight.js";
import { formatUsd, PRICES_AS_OF, parsePrice, priceOf, readPriceFile } from "../../providers/prices.js";
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

/** The price overrides the flags give. */
export function priceOverrides(flags: ExecFlags): PriceOverrides {
  return {
    ...(flags.price !== undefined ? { model: parsePrice("--price", flags.price) } : {}),
    ...(flags.judgePrice !== undefined ? { judge: parsePrice("--judge-price", flags.judgePrice) } : {}),
    ...(flags.prices !== undefined ? { table: readPriceFile(flags.prices) } : {}),
  };
}

/** The controls the flags ask for. */
export function runControl(flags: ExecFlags, model: Model, judge: Model | undefined): RunControl {
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
    new BudgetControl(pricedModels({ model, judge }, priceOverrides(flags)), {
      costUsd: flags.costLimit,
      tokens: flags.tokenLimit,
    }),
  ]);
}

/** The stored run's cost (all its invocations) at the current prices, if any role is priced. */
export function costOfRun(
  store: RunStore,
  runId: string,
  flags: ExecFlags,
): { usd: number; partial: boolean; pricesAsOf: string } | undefined {
  const run = store.requireRun(runId);
  const summary = run.summary as { tokens?: Parameters<typeof runCost>[0] } | null;
  if (!summary?.tokens) return undefined;
  const o = priceOverrides(flags);
  const cost = runCost(summary.tokens, {
    model: o.model ?? priceOf(run.manifest.model.id, o.table),
    judge: run.manifest.judge ? (o.judge ?? priceOf(run.manifest.judge.id, o.table)) : undefined,
  });
  return cost ? { ...cost, pricesAsOf: PRICES_AS_OF } : undefined;
}

/** "cost ≈ $0.0123 (prices of 2025-11)" under a run's summary, when it has a price. */
export function printCost(store: RunStore, runId: string, flags: ExecFlags): void {
  const cost = costOfRun(store, runId, flags);
  if (!cost) return;
  const partial = cost.partial ? ", unpriced models not counted" : "";
  process.stdout.write(
    `cost ≈ ${formatUsd(cost.usd)} (table prices of ${cost.pricesAsOf} unless overridden${partial})\n`,
  );
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
      cost: costOfRun(store, runId, flags) ?? null,
    });
  } else {
    printSummary(run, run.summary as Parameters<typeof printSummary>[1]);
    printCost(store, runId, flags);
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
