/** A manifest and sample results for store tests. */
import type { RunManifest, SampleResult } from "../../src/store/run-store.js";

export const manifest: RunManifest = {
  runId: "r",
  createdAt: "2026-01-01T00:00:00Z",
  toolVersion: "0",
  task: { name: "qa", version: "1", args: {} },
  model: { id: "scripted/echo" },
  generate: {},
  epochs: 2,
  epochReducer: "mean",
  scorers: [{ name: "exact", metrics: ["accuracy"] }],
  execution: { concurrency: 1, maxRetries: 0, cache: true },
  configHash: "h",
};

export function result(id: string, extra: Partial<SampleResult> = {}): SampleResult {
  return {
    sampleId: id,
    epoch: 1,
    seq: 0,
    input: `q ${id}`,
    output: `a ${id}`,
    inputTokens: 1,
    outputTokens: 2,
    judgeInputTokens: 0,
    judgeOutputTokens: 0,
    cached: false,
    scores: { exact: { value: 1, answer: "a" } },
    ...extra,
  };
}
