/**
 * Re-score a stored run without calling the model under test: rebuild each sample's final TaskState
 * from the store (transcript, output, solver data) and run the task's scorers (or named ones) again.
 */
import { setMaxListeners } from "node:events";
import type { ModelHandle, Sample, Score, Scorer, Task, TaskState } from "../core/types.js";
import type { Model } from "../providers/model.js";
import type { RunStore } from "../store/run-store.js";
import { errorMessage } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { redact } from "../util/secrets.js";
import { transcript } from "./run.js";
import { computeSummary, type RunSummary } from "./summary.js";

export interface RescoreOptions {
  store: RunStore;
  runId: string;
  task: Task;
  scorers: Scorer[];
  judge?: Model;
  concurrency: number;
  signal: AbortSignal;
  progress?: "auto" | "tty" | "plain" | "silent";
}

export async function rescoreRun(
  opts: RescoreOptions,
): Promise<{ rescored: number; failed: number; summary: RunSummary }> {
  const { store, runId, signal } = opts;
  setMaxListeners(0, signal); // many judge calls may wait on the limiter at once
  const run = store.requireRun(runId);
  const rows = [...store.iterateSamples(runId)].filter((r) => r.output !== null);
  const progress = new Progress({
    label: `rescore ${runId}`,
    total: rows.length,
    unit: "samples",
    mode: opts.progress ?? "auto",
  });
  let failed = 0;
  let next = 0;
  const batch: Array<{
    sampleId: string;
    epoch: number;
    scores: Record<string, Score>;
    judgeTokens?: { input: number; output: number };
  }> = [];
  // The judge sees the same epoch as when the run was judged, so unchanged judge requests hit the cache;
  // the tokens of the calls it really makes are counted for the sample.
  const judgeFor = (epoch: number, usage: { input: number; output: number }): ModelHandle | undefined => {
    const judge = opts.judge;
    if (!judge) return undefined;
    return {
      id: judge.id,
      async generate(m, c, o) {
        const out = await judge.generate(m, c, { epoch, signal, ...o });
        if (out.usage && !out.cached) {
          usage.input += out.usage.inputTokens;
          usage.output += out.usage.outputTokens;
        }
        return out;
      },
    };
  };
  const worker = async () => {
    while (!signal.aborted && next < rows.length) {
      const row = rows[next++]!;
      const sample: Sample = {
        id: row.sampleId,
        input: row.input as Sample["input"],
        ...(row.target !== undefined ? { target: row.target as Sample["target"] } : {}),
        ...(row.choices !== undefined ? { choices: row.choices as string[] } : {}),
        ...(row.metadata !== undefined ? { metadata: row.metadata } : {}),
      };
      const state: TaskState = {
        sample,
        epoch: row.epoch,
        messages: transcript(sample.input, row.messages, row.output),
        output: { text: row.output ?? "", latencyMs: row.latencyMs ?? 0 },
        store: row.store ?? {},
        usage: { inputTokens: row.inputTokens, outputTokens: row.outputTokens },
        completed: true,
      };
      const scores: Record<string, Score> = {};
      const judgeTokens = { input: 0, output: 0 };
      const judge = judgeFor(row.epoch, judgeTokens);
      let ok = true;
      for (const scorer of opts.scorers) {
        try {
          scores[scorer.name] = await scorer.score(state, {
            ...(judge ? { judge } : {}),
            signal,
            epoch: row.epoch,
          });
        } catch (err) {
          if (signal.aborted) return;
          ok = false;
          process.stderr.write(
            `sample ${row.sampleId} epoch ${row.epoch}: scorer ${scorer.name}: ${redact(errorMessage(err))}\n`,
          );
        }
      }
      if (!ok) failed++;
      else
        batch.push({ sampleId: row.sampleId, epoch: row.epoch, scores, ...(judge ? { judgeTokens } : {}) });
      if (batch.length >= 256) store.replaceScores(runId, batch.splice(0));
      progress.tick();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  } finally {
    if (batch.length) store.replaceScores(runId, batch.splice(0));
    progress.finish();
  }
  const replaced = new Set(opts.scorers.map((s) => s.name));
  const scorers = [
    ...run.manifest.scorers.filter((s) => !replaced.has(s.name)),
    ...opts.scorers.map((s) => ({ name: s.name, metrics: s.metrics })),
  ];
  const judge = opts.judge;
  const manifest = {
    ...run.manifest,
    scorers,
    ...(judge
      ? { judge: { id: judge.id, ...(judge.provider.endpoint ? { endpoint: judge.provider.endpoint } : {}) } }
      : {}),
  };
  store.setManifest(runId, manifest);
  const summary = computeSummary(store, manifest, opts.task.groupBy);
  store.setSummary(runId, summary);
  return { rescored: rows.length - failed, failed, summary };
}
