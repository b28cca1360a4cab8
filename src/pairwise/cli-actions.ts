/** What `assay pairwise` does: run the `pairwise` task with the judge as its model, then report the ranking. */
import { printJson } from "../cli-kit/output.js";
import { openStore } from "../cli-kit/store.js";
import { evaluate } from "../evaluate.js";
import { UserError } from "../util/errors.js";
import { withInterrupts } from "../util/interrupt.js";
import type { PairwiseFlags } from "./cli.js";
import { formatPairwiseReport, pairwiseReport } from "./report.js";
import "./task.js";

export async function pairwiseAction(runs: string[], flags: PairwiseFlags): Promise<void> {
  if (runs.length < 2) throw new UserError("assay pairwise: give at least two run ids");
  const store = openStore(flags.db);
  try {
    // Full ids, so that prefixes typed on the command line name the same runs in the task's arguments.
    const ids = runs.map((r) => store.requireRun(r).id);
    const baseline = flags.baseline ? store.requireRun(flags.baseline).id : undefined;
    const outcome = await withInterrupts("saving finished judgments", (signal) =>
      evaluate({
        task: "pairwise",
        taskArgs: {
          runs: ids.join(","),
          db: store.path,
          ...(baseline ? { baseline } : {}),
          ...(flags.rubric ? { rubric: flags.rubric } : {}),
          ...(flags.prompt ? { prompt: flags.prompt } : {}),
        },
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
    if (outcome.interrupted) {
      process.stderr.write(`pairwise run interrupted: continue with  assay resume ${outcome.runId}\n`);
      process.exitCode = 130;
      return;
    }
    const report = pairwiseReport(store, outcome.runId, {
      rounds: flags.rounds,
      seed: flags.seed,
      ...(baseline ? { baseline } : {}),
    });
    if (flags.json) printJson(report);
    else process.stdout.write(formatPairwiseReport(report));
    if (outcome.failed) {
      process.stderr.write(`${outcome.failed} judgment(s) failed: assay retry-errors ${outcome.runId}\n`);
      process.exitCode = 1;
    }
  } finally {
    store.close();
  }
}
