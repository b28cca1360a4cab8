/**
 * `qa` runs written straight into a run database (no model calls), for the comparison and viewer
 * tests: each sample's exact-match value is given, the output and metadata may be too, and the run
 * gets a real summary (computeSummary, as a finished eval writes it).
 */
import { computeSummary } from "../../src/engine/summary.js";
import type { RunManifest, RunStore } from "../../src/store/run-store.js";

export interface QaSample {
  id: string;
  /** exact-match value; undefined with `error` for a failed sample. */
  value?: number;
  output?: string;
  error?: string;
  metadata?: Record<string, unknown>;
  /** Image data URL sent with the question (stored once in the blobs table). */
  image?: string;
}

export interface QaRunSpec {
  runId: string;
  model: string;
  samples: QaSample[];
  dataset?: { name: string; sha256: string } | null;
  groupBy?: string[];
  createdAt?: string;
  /** false: leave the run `running` without a summary, as a killed eval does. */
  finished?: boolean;
}

export const QA_DATASET = { name: "qa.jsonl", sha256: "a".repeat(64) };

export function writeQaRun(store: RunStore, spec: QaRunSpec): void {
  const dataset = spec.dataset === undefined ? QA_DATASET : spec.dataset;
  const manifest: RunManifest = {
    runId: spec.runId,
    createdAt: spec.createdAt ?? new Date().toISOString(),
    toolVersion: "test",
    task: { name: "qa", version: "1", args: spec.groupBy ? { group_by: spec.groupBy.join("|") } : {} },
    model: { id: spec.model, endpoint: "http://127.0.0.1:9/v1" },
    generate: {},
    epochs: 1,
    epochReducer: "mean",
    scorers: [{ name: "exact", metrics: ["accuracy", "stderr", "bootstrap_ci"] }],
    ...(dataset ? { dataset } : {}),
    execution: { concurrency: 1, maxRetries: 0, cache: true },
    configHash: "fixture",
  };
  store.createRun(manifest);
  spec.samples.forEach((s, seq) => {
    const question = `Question ${s.id}?`;
    const input = s.image
      ? [
          {
            role: "user",
            content: [
              { type: "text", text: question },
              { type: "image", image: s.image },
            ],
          },
        ]
      : question;
    store.addResult(spec.runId, {
      sampleId: s.id,
      epoch: 1,
      seq,
      input,
      target: `answer ${s.id}`,
      ...(s.metadata ? { metadata: s.metadata } : {}),
      ...(s.error ? { error: s.error } : { output: s.output ?? `ANSWER: answer ${s.id}` }),
      inputTokens: 10,
      outputTokens: 5,
      judgeInputTokens: 0,
      judgeOutputTokens: 0,
      latencyMs: 12,
      cached: false,
      scores:
        s.value === undefined
          ? {}
          : {
              exact: {
                value: s.value,
                answer: s.value ? `answer ${s.id}` : "wrong",
                explanation: s.value ? "matches the target" : "does not match the target",
                metadata: { normalized: "ANSWER: prefix removed" },
              },
            },
    });
  });
  store.flush();
  if (spec.finished === false) return;
  store.setSummary(spec.runId, computeSummary(store, manifest, spec.groupBy ?? []));
  store.setStatus(spec.runId, "completed");
}
