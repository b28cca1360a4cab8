/**
 * The viewer's JSON API: plain functions from a parsed request to a JSON-able value, reading runs only
 * through the run store's public methods. The server (server.ts) maps URLs onto them.
 */

import { Worker } from "node:worker_threads";
import { intervalChart } from "../charts/interval.js";
import { compareRuns, type RunComparison } from "../compare/runs.js";
import type { RunSummary } from "../engine/summary.js";
import { tableCost } from "../providers/budget.js";
import { PRICES_AS_OF } from "../providers/prices.js";
import { isPostgresUrl } from "../store/pg-client.js";
import type { RunRow, RunStore, SamplePageQuery } from "../store/run-store.js";
import { getTaskDefinition } from "../tasks/index.js";
import { UserError } from "../util/errors.js";
import { groupRows, headline, scorerRows } from "./summary-rows.js";

/** A request the client got wrong: answered with this status and the message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const RUN_LIST_LIMIT = 1000;
const MAX_PAGE = 500;
/** Flipped samples sent to the compare page per scorer (the counts are always complete). */
const MAX_FLIPS = 2000;

function requireRun(store: RunStore, id: string): RunRow {
  try {
    return store.requireRun(id);
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(404, err.message);
    throw err;
  }
}

export function listRuns(store: RunStore, q: URLSearchParams) {
  const task = q.get("task") || undefined;
  const model = q.get("model") || undefined;
  const all = store.listRuns(RUN_LIST_LIMIT);
  const runs = all
    .filter((r) => (!task || r.task === task) && (!model || r.model === model))
    .map((r) => {
      const counts = store.countSamples(r.id);
      const first = (r.summary as RunSummary | undefined)?.scorers[0];
      const h = first ? headline(first) : undefined;
      return {
        id: r.id,
        task: r.task,
        model: r.model,
        judge: r.judge,
        createdAt: r.createdAt,
        status: r.status,
        samples: counts.total,
        errors: counts.errors,
        headline: first && h ? { scorer: first.scorer, ...h } : null,
        costUsd: tableCost(r)?.usd ?? null,
      };
    });
  return {
    runs,
    tasks: [...new Set(all.map((r) => r.task))].sort(),
    models: [...new Set(all.map((r) => r.model))].sort(),
  };
}

export function runDetail(store: RunStore, id: string) {
  const run = requireRun(store, id);
  const summary = run.summary as RunSummary | undefined;
  let taskReport: string | null = null;
  try {
    const def = getTaskDefinition(run.task);
    if (def.report) taskReport = def.report(store, [run.id], "table");
  } catch {
    taskReport = null; // a task without a registered definition or report: the page shows the generic view
  }
  const { summary: _stored, ...fields } = run;
  return {
    ...fields,
    totals: store.sampleTotals(run.id),
    summary: summary ?? null,
    groupCharts: summary ? groupRows(summary).map(({ scorer, key }) => ({ scorer, key })) : [],
    errors: store.topErrors(run.id, 10),
    taskReport,
    cost: tableCost(run) ?? null,
    pricesAsOf: PRICES_AS_OF,
  };
}

function numberParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ApiError(400, `${name} must be a number in [${min}, ${max}]`);
  return n;
}

export function samplePage(store: RunStore, id: string, q: URLSearchParams) {
  const run = requireRun(store, id);
  const query: SamplePageQuery = {
    offset: Math.floor(numberParam(q, "offset", 0, 0, Number.MAX_SAFE_INTEGER)),
    limit: Math.floor(numberParam(q, "limit", 50, 1, MAX_PAGE)),
  };
  const errors = q.get("errors");
  if (errors === "only" || errors === "none") query.errors = errors;
  const cached = q.get("cached");
  if (cached === "yes" || cached === "no") query.cached = cached === "yes";
  const text = q.get("text");
  if (text) query.text = text;
  const scorer = q.get("scorer");
  if (scorer && (q.get("min") || q.get("max")))
    query.score = {
      scorer,
      min: numberParam(q, "min", Number.NEGATIVE_INFINITY, -1e300, 1e300),
      max: numberParam(q, "max", Number.POSITIVE_INFINITY, -1e300, 1e300),
    };
  const group = q.get("group");
  if (group?.includes("=")) {
    const eq = group.indexOf("=");
    query.group = { key: group.slice(0, eq), value: group.slice(eq + 1) };
  }
  const sort = q.get("sort");
  if (sort === "score" || sort === "latency") query.sort = sort;
  if (sort === "score") query.sortScorer = scorer || run.manifest.scorers[0]?.name || "";
  if (q.get("desc") === "1") query.desc = true;
  const page = store.samplePage(run.id, query);
  return {
    run: { id: run.id, task: run.task, model: run.model, status: run.status },
    scorers: run.manifest.scorers.map((s) => s.name),
    offset: query.offset,
    limit: query.limit,
    ...page,
  };
}

export function sampleDetail(store: RunStore, id: string, sampleId: string, epoch: number) {
  const run = requireRun(store, id);
  const sample = store.getSample(run.id, sampleId, epoch);
  if (!sample) throw new ApiError(404, `run ${run.id} has no sample ${sampleId} (epoch ${epoch})`);
  return {
    run: { id: run.id, task: run.task, model: run.model, judge: run.judge },
    sample,
    scores: store.scoresOf(run.id, sampleId, epoch),
  };
}

const COMPARE_CACHE_SIZE = 8;
const compareCache = new Map<string, unknown>();
/** Comparisons being computed in a worker, by cache key. */
const comparePending = new Map<string, unknown>();
/** Up to this many shared samples the comparison is computed at once (well under 200 ms). */
export const SYNC_COMPARE_SAMPLES = 20_000;

function shapeComparison(result: RunComparison) {
  return {
    ...result,
    pending: false,
    scorers: result.scorers.map((s) => ({
      ...s,
      flippedTotal: s.flipped.length,
      flipped: s.flipped.slice(0, MAX_FLIPS),
    })),
  };
}

function remember(key: string, answer: unknown): void {
  compareCache.set(key, answer);
  if (compareCache.size > COMPARE_CACHE_SIZE) compareCache.delete(compareCache.keys().next().value!);
}

/**
 * Two runs compared. Small runs are compared at once. For large ones (reading 200,000 scores and the
 * paired bootstrap take seconds) the first answer only names the runs (`pending: true`) while a worker
 * thread computes the comparison; the page asks again until `pending` is false. Results stay cached
 * until a run changes.
 */
export function compare(store: RunStore, q: URLSearchParams, syncLimit = SYNC_COMPARE_SAMPLES): unknown {
  const a = q.get("a");
  const b = q.get("b");
  if (!a || !b) throw new ApiError(400, "compare needs ?a=<run>&b=<run>");
  const runA = requireRun(store, a);
  const runB = requireRun(store, b);
  const key = JSON.stringify([store.path, runA.id, runA.updatedAt, runB.id, runB.updatedAt]);
  const hit = compareCache.get(key) ?? comparePending.get(key);
  if (hit) return hit;
  try {
    // The smaller run's sample count (an upper bound of the shared ones, counted in SQL) decides where
    // the work happens.
    const size = Math.min(store.countSamples(runA.id).total, store.countSamples(runB.id).total);
    // A worker reopens the store by its path: a SQLite file can be, a PostgreSQL URL (printed without its
    // password) cannot, so PostgreSQL comparisons are computed here.
    if (size <= syncLimit || store.path === ":memory:" || isPostgresUrl(store.path)) {
      const answer = shapeComparison(compareRuns(store, runA, runB, { seed: 0 }));
      remember(key, answer);
      return answer;
    }
    const side = (r: RunRow) => ({
      id: r.id,
      task: r.task,
      model: r.model,
      judge: r.judge,
      status: r.status,
    });
    const answer = {
      pending: true,
      a: side(runA),
      b: side(runB),
      dataset: runA.manifest.dataset ?? null,
      samples: size,
    };
    comparePending.set(key, answer);
    const worker = new Worker(new URL("./compare-worker.js", import.meta.url), {
      workerData: { db: store.path, a: runA.id, b: runB.id },
    });
    worker.once("message", (m: { ok: boolean; result?: RunComparison; message?: string }) => {
      comparePending.delete(key);
      if (m.ok && m.result) remember(key, shapeComparison(m.result));
      else remember(key, { ...answer, pending: false, error: m.message ?? "comparison failed" });
    });
    worker.once("error", (err) => {
      comparePending.delete(key);
      remember(key, { ...answer, pending: false, error: err.message });
    });
    worker.unref();
    return answer;
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(422, err.message);
    throw err;
  }
}

/** The run's metrics chart (one row per scorer), or the per-group chart of one scorer and key. */
export function runChart(store: RunStore, id: string, scorer?: string, key?: string): string {
  const run = requireRun(store, id);
  const summary = run.summary as RunSummary | undefined;
  if (!summary) throw new ApiError(404, `run ${run.id} has no summary yet`);
  if (scorer === undefined)
    return intervalChart(scorerRows(summary), { title: "metrics (95% bootstrap CI)", mark: "dot" });
  const g = groupRows(summary).find((x) => x.scorer === scorer && x.key === key);
  if (!g) throw new ApiError(404, `run ${run.id} has no breakdown of ${scorer} by ${key}`);
  return intervalChart(g.rows, { title: `${scorer} by ${key}` });
}
