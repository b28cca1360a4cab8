/** What `assay sweep` does; loaded when it runs (see cli.ts). */
import { printJson, table } from "../cli-kit/output.js";
import { openStore } from "../cli-kit/store.js";
import { UserError } from "../util/errors.js";
import { interruptExitCode, withInterrupts } from "../util/interrupt.js";
import type { SweepFlags } from "./cli.js";
import { runSweep, type SweepResult } from "./run.js";

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : "–");

export function formatSweep(result: SweepResult): string {
  const out: string[] = [];
  for (const m of result.models) {
    out.push(
      `${m.model}: accuracy over ${m.results.length} formats  min ${pct(m.min)} · median ${pct(m.median)} · max ${pct(m.max)} · spread ${pct(m.spread)}`,
      `  best  #${m.best.index} ${m.best.description}`,
      `  worst #${m.worst.index} ${m.worst.description}`,
      table(
        ["#", "accuracy", "n", "errors", "run", "format"],
        m.results.map((r) => [
          String(r.index),
          pct(r.accuracy),
          String(r.n),
          String(r.errors),
          r.runId,
          r.description,
        ]),
      ),
      "",
    );
  }
  return out.join("\n");
}

export async function sweepAction(task: string, flags: SweepFlags): Promise<void> {
  if (task !== "mcq" && task !== "qa")
    throw new UserError(`sweep works on the generic tasks: give mcq or qa, not "${task}"`);
  const store = openStore(flags.db);
  try {
    const result = await withInterrupts(
      "the sweep (finished runs are kept; run it again to continue)",
      (signal) =>
        runSweep({
          kind: task,
          dataset: flags.dataset,
          models: flags.model.map((id) => ({
            id,
            ...(flags.modelBaseUrl ? { baseUrl: flags.modelBaseUrl } : {}),
            ...(flags.apiKeyEnv ? { apiKeyEnv: flags.apiKeyEnv } : {}),
          })),
          formats: flags.formats,
          seed: flags.seed,
          store,
          ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
          concurrency: flags.concurrency,
          ...(flags.groupBy ? { groupBy: flags.groupBy } : {}),
          progress: flags.json ? "silent" : flags.progress,
          signal,
          onRun: (model, index, runId, reused) => {
            if (!flags.json)
              process.stderr.write(
                `${model} · format ${index}: ${reused ? "reusing" : "running"} ${runId}\n`,
              );
          },
        }),
    );
    if (flags.json) printJson(result);
    else process.stdout.write(formatSweep(result));
    if (result.stop) {
      for (const e of store.topErrors(result.stop.runId, 3))
        process.stderr.write(`  ${e.count} × ${e.error}\n`);
      process.stderr.write(
        `${result.stop.message}\nsweep stopped at run ${result.stop.runId}: fix the cause, then run the same command again (finished runs are kept)\n`,
      );
      process.exitCode = result.stop.exitCode;
    } else if (result.interrupted) {
      process.stderr.write(
        "sweep stopped: finished runs are stored; run the same command again to continue\n",
      );
      process.exitCode = interruptExitCode();
    }
  } finally {
    store.close();
  }
}
