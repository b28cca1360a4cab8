/**
 * Run summaries: per scorer, epochs are folded per sample by the task's reducer, then the scorer's
 * metrics run over the per-sample values, overall and per group (metadata keys in task.groupBy).
 * Samples that failed have no scores and are left out of the metrics; their count is reported.
 */
import { getMetric, type MetricContext, type MetricResult } from "../metrics/index.js";
import { getReducer } from "../metrics/reducers.js";
import type { RunManifest, RunStore } from "../store/run-store.js";

export interface MetricSet {
  n: number;
  metrics: Record<string, MetricResult>;
}

export interface ScorerSummary extends MetricSet {
  scorer: string;
  /** groupKey → groupValue → metrics */
  groups: Record<string, Record<string, MetricSet>>;
}

export interface RunSummary {
  samples: number;
  errors: number;
  cached: number;
  tokens: { input: number; output: number; judgeInput: number; judgeOutput: number };
  meanLatencyMs: number | null;
  scorers: ScorerSummary[];
  computedAt: string;
}

export function computeSummary(store: RunStore, manifest: RunManifest, groupBy: string[] = []): RunSummary {
  const runId = manifest.runId;
  const totals = store.db
    .prepare(
      `SELECT COUNT(*) AS n, COUNT(error) AS errors, SUM(cached) AS cached, SUM(input_tokens) AS ti, SUM(output_tokens) AS tout,
              SUM(judge_input_tokens) AS ji, SUM(judge_output_tokens) AS jo, AVG(CASE WHEN cached = 0 THEN latency_ms END) AS lat
       FROM samples WHERE run_id = ?`,
    )
    .get(runId) as Record<string, number | null>;

  // Group values per sample (from the first epoch's row; metadata does not change across epochs).
  const groupOf = new Map<string, Record<string, string>>();
  if (groupBy.length) {
    const cols = groupBy.map((_, i) => `json_extract(metadata, ?) AS g${i}`).join(", ");
    const stmt = store.db.prepare(`SELECT sample_id, ${cols} FROM samples WHERE run_id = ? AND epoch = 1`);
    const rows = stmt.all(...groupBy.map((g) => `$.${g}`), runId) as Array<Record<string, unknown>>;
    for (const r of rows) {
      const g: Record<string, string> = {};
      groupBy.forEach((key, i) => {
        const v = r[`g${i}`];
        g[key] = v === null || v === undefined ? "(none)" : String(v);
      });
      groupOf.set(r.sample_id as string, g);
    }
  }

  const reducer = getReducer(manifest.epochReducer);
  const ctx: MetricContext = { seed: manifest.seed ?? 0, bootstrapRounds: 1000, confidence: 0.95 };
  const byScorer = new Map<string, Map<string, number[]>>();
  const rows = store.db
    .prepare(
      "SELECT scorer, sample_id, value FROM scores WHERE run_id = ? AND value IS NOT NULL ORDER BY sample_id, epoch",
    )
    .raw()
    .iterate(runId) as Iterable<[string, string, number]>;
  for (const [scorer, sampleId, value] of rows) {
    let perSample = byScorer.get(scorer);
    if (!perSample) {
      perSample = new Map();
      byScorer.set(scorer, perSample);
    }
    const list = perSample.get(sampleId);
    if (list) list.push(value);
    else perSample.set(sampleId, [value]);
  }

  const scorerMetrics = new Map(manifest.scorers.map((s) => [s.name, s.metrics]));
  const scorers: ScorerSummary[] = [];
  for (const [scorer, perSample] of byScorer) {
    const metricNames = scorerMetrics.get(scorer) ?? ["mean", "stderr", "bootstrap_ci"];
    const reduced: Array<[string, number]> = [];
    for (const [sampleId, values] of perSample) {
      const v = reducer(values);
      if (Number.isFinite(v)) reduced.push([sampleId, v]);
    }
    const summary: ScorerSummary = {
      scorer,
      ...metricSet(
        reduced.map(([, v]) => v),
        metricNames,
        ctx,
      ),
      groups: {},
    };
    for (const key of groupBy) {
      const buckets = new Map<string, number[]>();
      for (const [sampleId, v] of reduced) {
        const g = groupOf.get(sampleId)?.[key] ?? "(none)";
        const b = buckets.get(g);
        if (b) b.push(v);
        else buckets.set(g, [v]);
      }
      const out: Record<string, MetricSet> = {};
      for (const [g, values] of [...buckets].sort(([a], [b]) => a.localeCompare(b)))
        out[g] = metricSet(values, metricNames, ctx);
      summary.groups[key] = out;
    }
    scorers.push(summary);
  }
  scorers.sort((a, b) => a.scorer.localeCompare(b.scorer));
  return {
    samples: totals.n ?? 0,
    errors: totals.errors ?? 0,
    cached: totals.cached ?? 0,
    tokens: {
      input: totals.ti ?? 0,
      output: totals.tout ?? 0,
      judgeInput: totals.ji ?? 0,
      judgeOutput: totals.jo ?? 0,
    },
    meanLatencyMs: totals.lat ?? null,
    scorers,
    computedAt: new Date().toISOString(),
  };
}

function metricSet(values: number[], names: string[], ctx: MetricContext): MetricSet {
  const metrics: Record<string, MetricResult> = {};
  for (const name of names) metrics[name] = getMetric(name)(values, ctx);
  return { n: values.length, metrics };
}
