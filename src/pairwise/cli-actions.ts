/** What `assay pairwise` does: run the `pairwise` task with the judge as its model, then report the ranking. */
import { writeFileSync } from "node:fs";
import { printJson } from "../cli-kit/output.js";
import { openStore } from "../cli-kit/store.js";
import type { TaskArgs } from "../core/types.js";
import type { RunOutcome } from "../engine/run.js";
import { evaluate } from "../evaluate.js";
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { interruptExitCode, withInterrupts } from "../util/interrupt.js";
import { auditReport, formatAuditReport } from "./audit-report.js";
import type { JudgeAuditFlags, PairwiseFlags } from "./cli.js";
import { formatPairwiseReport, pairwiseReport } from "./report.js";
import { pairwiseHtml } from "./report-html.js";
import "./task.js";
import "./audit-task.js";

interface JudgeRunFlags {
  judge: string;
  judgeBaseUrl?: string;
  judgeApiKeyEnv?: string;
  runId?: string;
  concurrency: number;
  progress: "auto" | "tty" | "plain" | "silent";
  json?: boolean;
}

/**
 * Runs a task whose model is the judge (pairwise, judge-audit) and reports an interruption; returns the
 * outcome, or undefined when interrupted (the exit code is then set).
 */
async function runJudgeTask(
  task: string,
  taskArgs: TaskArgs,
  store: RunStore,
  flags: JudgeRunFlags,
): Promise<RunOutcome | undefined> {
  const outcome = await withInterrupts("saving finished judgments", (signal) =>
    evaluate({
      task,
      taskArgs,
      model: {
        id: flags.judge,
        ...(flags.judgeBaseUrl ? { baseUrl: flags.judgeBaseUrl } : {}),
        ...(flags.judgeApiKeyEnv ? { apiKeyEnv: flags.judgeApiKeyEnv } : {}),
      },
      store,
      ...(flags.runId ? { runId: flags.runId } : {}),
      concurrency: flags.concurrency,
      signal,
      progress: flags.json ? "silent" : flags.progress,
    }),
  );
  if (!outcome.interrupted) return outcome;
  const stop = outcome.stopped;
  if (stop) {
    // Stopped by the engine (every judgment failed, a run control), not by a signal: say why.
    for (const e of store.topErrors(outcome.runId, 3)) process.stderr.write(`  ${e.count} × ${e.error}\n`);
    process.stderr.write(
      `${stop.message}\n${task} run ${outcome.runId} is interrupted; after fixing the cause:  assay ${stop.next} ${outcome.runId}\n`,
    );
    process.exitCode = stop.exitCode;
    return undefined;
  }
  process.stderr.write(`${task} run interrupted: continue with  assay resume ${outcome.runId}\n`);
  process.exitCode = interruptExitCode();
  return undefined;
}

function reportFailures(outcome: RunOutcome): void {
  if (!outcome.failed) return;
  process.stderr.write(`${outcome.failed} judgment(s) failed: assay retry-errors ${outcome.runId}\n`);
  process.exitCode = 1;
}

export async function pairwiseAction(runs: string[], flags: PairwiseFlags): Promise<void> {
  if (runs.length < 2) throw new UserError("assay pairwise: give at least two run ids");
  const store = openStore(flags.db);
  try {
    // Full ids, so that prefixes typed on the command line name the same runs in the task's arguments.
    const ids = runs.map((r) => store.requireRun(r).id);
    const baseline = flags.baseline ? store.requireRun(flags.baseline).id : undefined;
    const outcome = await runJudgeTask(
      "pairwise",
      {
        runs: ids.join(","),
        db: store.path,
        ...(baseline ? { baseline } : {}),
        ...(flags.rubric ? { rubric: flags.rubric } : {}),
        ...(flags.prompt ? { prompt: flags.prompt } : {}),
      },
      store,
      flags,
    );
    if (!outcome) return;
    const report = pairwiseReport(store, outcome.runId, {
      rounds: flags.rounds,
      seed: flags.seed,
      ...(baseline ? { baseline } : {}),
      ...(flags.styleControl ? { styleControl: true } : {}),
    });
    if (flags.html) {
      writeFileSync(flags.html, pairwiseHtml([report]));
      process.stderr.write(`wrote ${flags.html}\n`);
    }
    if (flags.json) printJson(report);
    else process.stdout.write(formatPairwiseReport(report));
    reportFailures(outcome);
  } finally {
    store.close();
  }
}

export async function judgeAuditAction(flags: JudgeAuditFlags): Promise<void> {
  const temperature = Number(flags.temperature);
  if (!(temperature > 0 && temperature <= 2))
    throw new UserError(`--temperature must be in (0, 2], got ${flags.temperature}`);
  const store = openStore(flags.db);
  try {
    const run = store.requireRun(flags.run).id;
    const selfRun = flags.selfRun ? store.requireRun(flags.selfRun).id : undefined;
    const outcome = await runJudgeTask(
      "judge-audit",
      {
        run,
        db: store.path,
        ...(selfRun ? { self_run: selfRun } : {}),
        ...(flags.probes ? { probes: flags.probes } : {}),
        repeats: flags.repeats,
        temperature,
        seed: flags.seed,
      },
      store,
      flags,
    );
    if (!outcome) return;
    const report = auditReport(store, outcome.runId, { rounds: flags.rounds, seed: flags.seed });
    if (flags.json) printJson(report);
    else process.stdout.write(formatAuditReport(report));
    reportFailures(outcome);
  } finally {
    store.close();
  }
}
