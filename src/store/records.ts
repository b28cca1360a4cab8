/**
 * The run store's records as the rest of Assay sees them (manifests, stored samples and scores, the rows
 * that feed summaries), and how SQLite rows map onto them.
 */
import type { GenerateConfig, Score, TaskArgs } from "../core/types.js";

export interface RunManifest {
  runId: string;
  createdAt: string;
  toolVersion: string;
  task: { name: string; version: string; args: TaskArgs };
  /** `laterEndpoints`: URLs a continuation served the same model from (resume/retry-errors --model-base-url). */
  model: { id: string; endpoint?: string; laterEndpoints?: string[] };
  /** `generate`: the judge's own sampling options (--judge-temperature, --judge-seed, --judge-max-tokens). */
  judge?: { id: string; endpoint?: string; laterEndpoints?: string[]; generate?: GenerateConfig };
  generate: GenerateConfig;
  epochs: number;
  epochReducer: string;
  /** Seed sent to the model (epoch k uses seed+k-1) and used for resampling; absent when not given. */
  seed?: number;
  limit?: number;
  /** A stratified random subset (`--sample N --seed S`): N samples, stratified by metadata key `by`. */
  sample?: { n: number; seed: number; by?: string };
  scorers: Array<{ name: string; metrics: string[] }>;
  /** The dataset and its content hash, so resume can tell when the file was edited. */
  dataset?: { name: string; sha256: string };
  /** Execution knobs: recorded, but not part of the config hash (they don't change answers). */
  execution: RunExecution;
  configHash: string;
}

/**
 * How a run is executed: not part of the config hash (they don't change answers), but the defaults of
 * every continuation (`resume`, `retry-errors`); a flag given to a continuation replaces the value here.
 */
export interface RunExecution {
  concurrency: number;
  timeoutS?: number;
  maxRetries: number;
  cache: boolean;
  /** Recorded since these were honoured by continuations; absent in older runs (the defaults apply). */
  backoffMs?: number;
  judgeConcurrency?: number;
  /** The folder the run was started in: a relative dataset path is found from it on `resume` elsewhere. */
  cwd?: string;
}

export interface RunRow {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: "running" | "completed" | "interrupted";
  task: string;
  model: string;
  judge: string | null;
  manifest: RunManifest;
  summary: unknown;
}

export interface SampleResult {
  sampleId: string;
  epoch: number;
  seq: number;
  input: unknown;
  target?: unknown;
  choices?: unknown;
  metadata?: unknown;
  messages?: unknown;
  output?: string;
  store?: Record<string, unknown>;
  error?: string;
  inputTokens: number;
  outputTokens: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  latencyMs?: number;
  cached: boolean;
  scores: Record<string, Score>;
}

export interface StoredSample {
  sampleId: string;
  epoch: number;
  seq: number;
  input: unknown;
  target: unknown;
  choices: unknown;
  metadata: Record<string, unknown> | undefined;
  messages: unknown;
  output: string | null;
  store: Record<string, unknown> | undefined;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  judgeInputTokens: number;
  judgeOutputTokens: number;
  latencyMs: number | null;
  cached: boolean;
  finishedAt: string;
}

export interface StoredScore {
  sampleId: string;
  epoch: number;
  scorer: string;
  value: number | null;
  raw: unknown;
  answer: string | null;
  explanation: string | null;
  metadata: unknown;
}

/** Numeric view of a score value: numbers as is, booleans 1/0, "C"/"I"/"P" (inspect_ai style) 1/0/0.5. */
export function scoreToNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string") {
    const letters: Record<string, number> = { C: 1, I: 0, P: 0.5 };
    if (value in letters) return letters[value]!;
    const n = Number(value);
    return value.trim() !== "" && Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Counts and sums over a run's samples (errors, cache hits, tokens, latency), for its summary. */
export interface SampleTotals {
  samples: number;
  errors: number;
  cached: number;
  tokens: { input: number; output: number; judgeInput: number; judgeOutput: number };
  /** Mean latency of samples not served from the cache; null when there are none. */
  meanLatencyMs: number | null;
}

/** One numeric score, with the sample's values of the requested metadata keys (null when absent). */
export interface ScoreRow {
  scorer: string;
  sampleId: string;
  epoch: number;
  value: number;
  groups: Array<string | number | null>;
}

/** What a re-scoring writes for one sample: new scores of the re-run scorers, the sample's error. */
export interface Rescored {
  sampleId: string;
  epoch: number;
  /** Scorers that were re-run: their old rows are dropped (one that failed now has no score). */
  scorers: string[];
  scores: Record<string, Score>;
  error: string | null;
  judgeTokens?: { input: number; output: number };
}

export type Row = Record<string, unknown>;

export const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
export const parse = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

export const SCORE_COLUMNS = "sample_id, epoch, scorer, value, raw, answer, explanation, metadata";

export function toStoredScore(r: Row): StoredScore {
  return {
    sampleId: r.sample_id as string,
    epoch: r.epoch as number,
    scorer: r.scorer as string,
    value: r.value as number | null,
    raw: parse(r.raw as string),
    answer: r.answer as string | null,
    explanation: r.explanation as string | null,
    metadata: parse(r.metadata as string | null),
  };
}

export function toRunRow(row: Row): RunRow {
  return {
    id: row.id as string,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    status: row.status as RunRow["status"],
    task: row.task as string,
    model: row.model as string,
    judge: row.judge as string | null,
    manifest: JSON.parse(row.manifest as string) as RunManifest,
    summary: parse(row.summary as string | null),
  };
}

export function toStoredSample(row: Row): StoredSample {
  return {
    sampleId: row.sample_id as string,
    epoch: row.epoch as number,
    seq: row.seq as number,
    input: parse(row.input as string),
    target: parse(row.target as string | null),
    choices: parse(row.choices as string | null),
    metadata: parse(row.metadata as string | null) as Record<string, unknown> | undefined,
    messages: parse(row.messages as string | null),
    output: row.output as string | null,
    store: parse(row.store as string | null) as Record<string, unknown> | undefined,
    error: row.error as string | null,
    inputTokens: row.input_tokens as number,
    outputTokens: row.output_tokens as number,
    judgeInputTokens: row.judge_input_tokens as number,
    judgeOutputTokens: row.judge_output_tokens as number,
    latencyMs: row.latency_ms as number | null,
    cached: row.cached === 1,
    finishedAt: row.finished_at as string,
  };
}

/** How a sample's JSON refers to an image kept once in the blobs table. */
export const BLOB_PREFIX = "assay-blob:";

/** The blob hashes that rows of JSON text (a sample's input and messages) refer to. */
export function blobRefs(rows: Iterable<ReadonlyArray<string | null | undefined>>): Set<string> {
  const hashes = new Set<string>();
  for (const row of rows)
    for (const text of row)
      if (text) for (const m of text.matchAll(/assay-blob:([0-9a-f]{64})/g)) hashes.add(m[1]!);
  return hashes;
}
