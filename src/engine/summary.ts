/**
 * Run summaries: per scorer, epochs are folded per sample by the task's reducer, then the scorer's
 * metrics run over the per-sample values, overall and per group (metadata keys in task.groupBy).
 * Samples that failed have no scores and are left out of the metrics; their count is reported. A
 * scorer of the manifest with no numeric value at all (every grade invalid or undecided) is still listed,
 * with n = 0, so that a judge that never gave a readable grade does not vanish from the summary.
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
  const totals = store.sampleTotals(runId);

  // Scores arrive ordered by scorer and sample; each sample's epochs are folded as they go by, so memory
  // holds one number per sample (not one object per row) however large the run.
  const reducer = getReducer(manifest.epochReducer);
  const ctx: MetricContext = { seed: manifest.seed ?? 0, bootstrapRounds: 1000, confidence: 0.95 };
  const scorerMetrics = new Map(manifest.scorers.map((sc) => [sc.name, sc.metrics]));
  const scorers: ScorerSummary[] = [];
  let current: { scorer: string; values: number[]; groups: Array<Map<string, number[]>> } | undefined;
  let sampleId: string | undefined;
  let epochValues: number[] = [];
  let sampleGroups: string[] = [];

  const closeSample = () => {
    if (!current || sampleId === undefined) return;
    const v = reducer(epochValues);
    if (Number.isFinite(v)) {
      current.values.push(v);
      sampleGroups.forEach((g, i) => {
        const bucket = current!.groups[i]!;
        const list = bucket.get(g);
        if (list) list.push(v);
        else bucket.set(g, [v]);
      });
    }
    epochValues = [];
  };
  const closeScorer = () => {
    closeSample();
    if (!current) return;
    const names = scorerMetrics.get(current.scorer) ?? ["mean", "stderr", "bootstrap_ci"];
    const summary: ScorerSummary = {
      scorer: current.scorer,
      ...metricSet(current.values, names, ctx),
      groups: {},
    };
    groupBy.forEach((key, i) => {
      const out: Record<string, MetricSet> = {};
      const entries = [...current!.groups[i]!].sort(([a], [b]) => a.localeCompare(b));
      for (const [g, values] of entries) out[g] = metricSet(values, names, ctx);
      summary.groups[key] = out;
    });
    scorers.push(summary);
  };

  for (const row of store.scoreRows(runId, groupBy)) {
    if (!current || current.scorer !== row.scorer) {
      closeScorer();
      current = { scorer: row.scorer, values: [], groups: groupBy.map(() => new Map()) };
      sampleId = undefined;
    }
    if (row.sampleId !== sampleId) {
      closeSample();
      sampleId = row.sampleId;
      sampleGroups = row.groups.map((g) => (g === null || g === undefined ? "(none)" : String(g)));
    }
    epochValues.push(row.value);
  }
  closeScorer();
  for (const sc of manifest.scorers)
    if (!scorers.some((s) => s.scorer === sc.name))
      scorers.push({ scorer: sc.name, ...metricSet([], sc.metrics, ctx), groups: {} });

  return { ...totals, scorers, computedAt: new Date().toISOString() };
}

function metricSet(values: number[], names: string[], ctx: MetricContext): MetricSet {
  const metrics: Record<string, MetricResult> = {};
  for (const name of names) metrics[name] = getMetric(name)(values, ctx);
  return { n: values.length, metrics };
}
