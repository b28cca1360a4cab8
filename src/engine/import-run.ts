/**
 * Runs made from answers produced elsewhere (another harness, a paper's release files). The run gets a
 * manifest like any other, with the model named by the user and the answers file as its endpoint, one
 * stored sample per answered item and no scores yet: `assay rescore <run> [--judge …]` scores it with
 * the task's own scorers, so imported and live runs are scored by the same code.
 */
import { resolve } from "node:path";
import type { ChatMessage, Sample, Task, TaskArgs } from "../core/types.js";
import type { RunManifest, RunStore } from "../store/run-store.js";
import { hashValue } from "../util/hash.js";
import { newRunId } from "../util/run-id.js";
import { VERSION } from "../version.js";

export interface ImportedAnswer {
  sample: Sample;
  /** The final answer text (what scorers read as the output). */
  output: string;
  /** The whole conversation, when the answer is more than one turn; default: the input plus the answer. */
  messages?: ChatMessage[];
  /** Solver data the task's scorers expect (e.g. per-turn answers). */
  store?: Record<string, unknown>;
}

export interface ImportRunOptions {
  task: Task;
  taskArgs: TaskArgs;
  /** The name of the model that wrote the answers (the row label in reports). */
  model: string;
  /** The answers file. */
  source: string;
  runId?: string;
}

/** Store the answers as a completed, unscored run; returns its id. */
export function importRun(
  store: RunStore,
  opts: ImportRunOptions,
  answers: Iterable<ImportedAnswer>,
): string {
  const { task } = opts;
  const runId = opts.runId ?? newRunId(`${task.name}-import`);
  const hashed = {
    task: { name: task.name, version: task.version, args: opts.taskArgs },
    model: { id: opts.model, endpoint: `imported:${resolve(opts.source)}` },
    generate: {},
    epochs: 1,
    epochReducer: task.epochReducer ?? "mean",
    scorers: task.scorers.map((s) => ({ name: s.name, metrics: s.metrics })),
  };
  const manifest: RunManifest = {
    runId,
    createdAt: new Date().toISOString(),
    toolVersion: VERSION,
    ...hashed,
    execution: { concurrency: 1, maxRetries: 0, cache: true },
    configHash: hashValue(hashed),
  };
  store.createRun(manifest);
  let seq = 0;
  for (const a of answers) {
    const input = a.sample.input;
    const messages =
      a.messages ??
      (typeof input === "string" ? [{ role: "user" as const, content: input }] : [...input]).concat({
        role: "assistant",
        content: a.output,
      });
    store.addResult(runId, {
      sampleId: a.sample.id,
      epoch: 1,
      seq: seq++,
      input,
      ...(a.sample.target !== undefined ? { target: a.sample.target } : {}),
      ...(a.sample.choices !== undefined ? { choices: a.sample.choices } : {}),
      ...(a.sample.metadata ? { metadata: a.sample.metadata } : {}),
      messages,
      output: a.output,
      store: a.store ?? {},
      inputTokens: 0,
      outputTokens: 0,
      judgeInputTokens: 0,
      judgeOutputTokens: 0,
      cached: false,
      scores: {},
    });
  }
  store.flush();
  store.setStatus(runId, "completed");
  return runId;
}
