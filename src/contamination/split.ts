/**
 * A run split by contamination: each scorer's per-sample values (epochs folded by the run's reducer,
 * as in the run summary) on clean and contaminated items side by side, the difference
 * (contaminated − clean) with a percentile bootstrap CI that resamples each side on its own, and
 * the contaminated share of each metadata group the run was summarised by.
 */
import { formatMetric, table } from "../cli-kit/output.js";
import type { RunSummary } from "../engine/summary.js";
import { bootstrapMeanCi, mean } from "../metrics/index.js";
import { getReducer } from "../metrics/reducers.js";
import { bootstrapStatistic } from "../stats/bootstrap.js";
import type { RunRow, RunStore } from "../store/run-store.js";

export interface SideStats {
  n: number;
  mean: number;
  ci: { lo: number; hi: number };
}

export interface ScorerSplit {
  scorer: string;
  clean: SideStats;
  contaminated: SideStats;
  /** contaminated − clean, with its CI. */
  difference: { value: number; lo: number; hi: number };
}

export interface GroupShare {
  key: string;
  value: string;
  /** Scanned samples in the group, and how many of them are contaminated. */
  samples: number;
  contaminated: number;
  share: number;
}

export interface ContaminationSplit {
  run: string;
  model: string;
  /** Samples with a score, those the scan covers, and those it flags. */
  samples: number;
  scanned: number;
  contaminated: number;
  /** Scored samples the scan does not know (another dataset version?): left out of both sides. */
  unscanned: number;
  scorers: ScorerSplit[];
  groups: GroupShare[];
}

export interface SplitOptions {
  rounds?: number;
  confidence?: number;
  seed?: number;
}

function side(values: number[], o: SplitOptions): SideStats {
  return { n: values.length, mean: mean(values), ci: bootstrapMeanCi(values, o) };
}

/** Percentile bootstrap of mean(b) − mean(a), each side resampled with replacement on its own (two strata). */
export function differenceCi(a: readonly number[], b: readonly number[], o: SplitOptions = {}) {
  const value = mean(b) - mean(a);
  if (a.length === 0 || b.length === 0) return { value, lo: Number.NaN, hi: Number.NaN };
  const values = [...a, ...b];
  const est = bootstrapStatistic(
    [a.length, b.length],
    (idx) => {
      let sa = 0;
      let na = 0;
      let sb = 0;
      let nb = 0;
      for (const i of idx) {
        if (i < a.length) {
          sa += values[i]!;
          na++;
        } else {
          sb += values[i]!;
          nb++;
        }
      }
      return sb / nb - sa / na;
    },
    { rounds: o.rounds ?? 1000, confidence: o.confidence ?? 0.95, seed: o.seed ?? 0 },
  );
  return { value, lo: est.lower, hi: est.upper };
}

/** The metadata keys the run was summarised by (its stored summary's groups). */
function groupKeys(run: RunRow): string[] {
  const s = run.summary as RunSummary | undefined;
  return Object.keys(s?.scorers[0]?.groups ?? {});
}

export function splitRun(
  store: RunStore,
  run: RunRow,
  flags: ReadonlyMap<string, boolean>,
  o: SplitOptions = {},
): ContaminationSplit {
  const reducer = getReducer(run.manifest.epochReducer);
  const keys = groupKeys(run);
  const opts = { seed: run.manifest.seed ?? 0, ...o };
  const perScorer = new Map<string, Map<string, number[]>>();
  const sampleGroups = new Map<string, string[]>();
  for (const row of store.scoreRows(run.id, keys)) {
    const samples = perScorer.get(row.scorer) ?? new Map<string, number[]>();
    perScorer.set(row.scorer, samples);
    const epochs = samples.get(row.sampleId);
    if (epochs) epochs.push(row.value);
    else samples.set(row.sampleId, [row.value]);
    if (!sampleGroups.has(row.sampleId)) {
      sampleGroups.set(
        row.sampleId,
        row.groups.map((g) => (g === null || g === undefined ? "(none)" : String(g))),
      );
    }
  }
  const scorers: ScorerSplit[] = [];
  for (const [scorer, samples] of [...perScorer].sort(([a], [b]) => a.localeCompare(b))) {
    const clean: number[] = [];
    const dirty: number[] = [];
    for (const [id, epochs] of samples) {
      const flag = flags.get(id);
      const v = reducer(epochs);
      if (flag === undefined || !Number.isFinite(v)) continue;
      (flag ? dirty : clean).push(v);
    }
    scorers.push({
      scorer,
      clean: side(clean, opts),
      contaminated: side(dirty, opts),
      difference: differenceCi(clean, dirty, opts),
    });
  }
  let scanned = 0;
  let contaminated = 0;
  const shares = new Map<string, GroupShare>();
  for (const [id, groups] of sampleGroups) {
    const flag = flags.get(id);
    if (flag === undefined) continue;
    scanned++;
    if (flag) contaminated++;
    keys.forEach((key, i) => {
      const value = groups[i]!;
      const name = `${key}\u0000${value}`;
      const g = shares.get(name) ?? { key, value, samples: 0, contaminated: 0, share: 0 };
      shares.set(name, g);
      g.samples++;
      if (flag) g.contaminated++;
    });
  }
  const groups = [...shares.values()]
    .map((g) => ({ ...g, share: g.contaminated / g.samples }))
    .sort((a, b) => a.key.localeCompare(b.key) || a.value.localeCompare(b.value));
  return {
    run: run.id,
    model: run.model,
    samples: sampleGroups.size,
    scanned,
    contaminated,
    unscanned: sampleGroups.size - scanned,
    scorers,
    groups,
  };
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");

/** The split as text tables (one for the metrics, one for the groups). */
export function renderSplit(s: ContaminationSplit): string {
  const cell = (x: SideStats): string =>
    x.n === 0 ? "–" : `${formatMetric(x.mean)} ${formatMetric(x.ci)} (n=${x.n})`;
  const lines = [
    `contamination split of run ${s.run} (${s.model}): ${s.contaminated} of ${s.scanned} scanned samples contaminated (${pct(s.contaminated / s.scanned)})` +
      (s.unscanned > 0 ? `; ${s.unscanned} scored samples not in the scan, left out` : ""),
    table(
      ["scorer", "clean", "contaminated", "contaminated − clean"],
      s.scorers.map((x) => [
        x.scorer,
        cell(x.clean),
        cell(x.contaminated),
        Number.isFinite(x.difference.value)
          ? `${formatMetric(x.difference.value)} ${formatMetric({ lo: x.difference.lo, hi: x.difference.hi })}`
          : "–",
      ]),
    ),
  ];
  if (s.groups.length > 0) {
    lines.push(
      table(
        ["group", "value", "samples", "contaminated", "share"],
        s.groups.map((g) => [g.key, g.value, String(g.samples), String(g.contaminated), pct(g.share)]),
      ),
    );
  }
  return lines.join("\n");
}
