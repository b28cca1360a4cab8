/**
 * A stored sample read back as a result that can be added to a run again (merging shards, re-judging
 * into a new run): the one place that knows how `StoredSample` + its score rows map onto `SampleResult`.
 */
import type { Score, ScoreValue } from "../core/types.js";
import type { RunStore, SampleResult, StoredSample } from "./run-store.js";

/** A sample's stored scores, keyed by scorer, with their raw values (what the scorer returned). */
export function storedScores(store: RunStore, runId: string, s: StoredSample): Record<string, Score> {
  const scores: Record<string, Score> = {};
  for (const sc of store.scoresOf(runId, s.sampleId, s.epoch)) {
    scores[sc.scorer] = {
      value: sc.raw as ScoreValue,
      ...(sc.answer !== null ? { answer: sc.answer } : {}),
      ...(sc.explanation !== null ? { explanation: sc.explanation } : {}),
      ...(sc.metadata !== undefined ? { metadata: sc.metadata as Record<string, unknown> } : {}),
    };
  }
  return scores;
}

const BLOB_REF = /assay-blob:([0-9a-f]{64})/g;

/** Image references (`assay-blob:<sha256>`) back to data URLs, so the value can travel to another store. */
export function withInlineImages(store: RunStore, value: unknown): unknown {
  if (value === undefined) return value;
  const text = JSON.stringify(value);
  if (!text.includes("assay-blob:")) return value;
  return JSON.parse(
    text.replace(BLOB_REF, (ref, hash: string) => {
      const blob = store.getBlob(hash);
      return blob ? `data:${blob.mime};base64,${blob.data.toString("base64")}` : ref;
    }),
  );
}

export interface StoredResultOptions {
  /** Scores to store instead of the sample's stored ones. */
  scores?: Record<string, Score>;
  /** Metadata to store instead of the sample's. */
  metadata?: unknown;
  /** Inline images as data URLs (needed when the result goes to another store). */
  inlineImages?: boolean;
}

/** A stored sample as a `SampleResult`: the same positions, tokens, latency, output and error. */
export function storedAsResult(
  store: RunStore,
  runId: string,
  s: StoredSample,
  opts: StoredResultOptions = {},
): SampleResult {
  const images = (v: unknown) => (opts.inlineImages ? withInlineImages(store, v) : v);
  const metadata = "metadata" in opts ? opts.metadata : s.metadata;
  return {
    sampleId: s.sampleId,
    epoch: s.epoch,
    seq: s.seq,
    input: images(s.input),
    ...(s.target !== undefined ? { target: s.target } : {}),
    ...(s.choices !== undefined ? { choices: s.choices } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(s.messages !== undefined ? { messages: images(s.messages) } : {}),
    ...(s.output !== null ? { output: s.output } : {}),
    ...(s.store !== undefined ? { store: s.store } : {}),
    ...(s.error !== null ? { error: s.error } : {}),
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    judgeInputTokens: s.judgeInputTokens,
    judgeOutputTokens: s.judgeOutputTokens,
    ...(s.latencyMs !== null ? { latencyMs: s.latencyMs } : {}),
    cached: s.cached,
    scores: opts.scores ?? storedScores(store, runId, s),
  };
}
