/**
 * Two stored runs compared on their shared samples, scorer by scorer. Runs are read through the store's
 * public methods only (`scoreRows`, `finishedKeys`); each run's epochs are folded by its own reducer
 * first, as its summary does, so a sample has one value per run.
 */
import { getReducer } from "../metrics/reducers.js";
import type { RunRow, RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { comparePaired, type PairedComparison } from "./paired.js";

export interface CompareOptions {
  /** Bootstrap rounds for the paired CI; default 1000. */
  rounds?: number;
  /** Seed of the bootstrap stream; default 0. */
  seed?: number;
  confidence?: number;
}

export interface RunSide {
  id: string;
  task: string;
  model: string;
  judge: string | null;
  status: RunRow["status"];
  samples: number;
}

export interface RunComparison {
  a: RunSide;
  b: RunSide;
  dataset: { name: string; sha256: string } | null;
  /** Sample ids finished in both runs, only in A, only in B. `partial`: the runs do not cover the same samples. */
  overlap: { shared: number; onlyA: number; onlyB: number; partial: boolean };
  scorers: Array<PairedComparison & { scorer: string }>;
  /** Scorers only one of the runs has (not compared). */
  unmatchedScorers: string[];
}

/** Refuses runs that were not made on the same data: a paired comparison would pair unrelated samples. */
export function checkSameDataset(a: RunRow, b: RunRow): void {
  const da = a.manifest.dataset;
  const db = b.manifest.dataset;
  if (da && db) {
    if (da.sha256 !== db.sha256)
      throw new UserError(
        `runs ${a.id} and ${b.id} were made on different datasets (${da.name} sha256 ${da.sha256.slice(0, 12)}… ` +
          `vs ${db.name} sha256 ${db.sha256.slice(0, 12)}…); compare runs of the same dataset`,
      );
    return;
  }
  if (da || db)
    throw new UserError(
      `run ${da ? b.id : a.id} records no dataset hash, so it cannot be paired with ${da ? a.id : b.id}` +
        ` (${(da ?? db)!.name}); compare runs of the same dataset`,
    );
  if (a.task !== b.task)
    throw new UserError(
      `runs ${a.id} (${a.task}) and ${b.id} (${b.task}) are different tasks with no dataset hash to match; ` +
        "compare runs of the same dataset",
    );
}

/** Per scorer, each sample's value with its epochs folded by the run's reducer. */
export function sampleValues(store: RunStore, run: RunRow): Map<string, Map<string, number>> {
  const reduce = getReducer(run.manifest.epochReducer);
  const out = new Map<string, Map<string, number>>();
  let scorer = "";
  let sample: string | undefined;
  let values: number[] = [];
  const close = () => {
    if (sample === undefined) return;
    const v = reduce(values);
    if (Number.isFinite(v)) out.get(scorer)!.set(sample, v);
    values = [];
    sample = undefined;
  };
  for (const row of store.scoreRows(run.id)) {
    if (row.scorer !== scorer || row.sampleId !== sample) {
      close();
      if (!out.has(row.scorer)) out.set(row.scorer, new Map());
      scorer = row.scorer;
      sample = row.sampleId;
    }
    values.push(row.value);
  }
  close();
  return out;
}

function sampleIds(store: RunStore, runId: string): Set<string> {
  const ids = new Set<string>();
  for (const key of store.finishedKeys(runId)) ids.add(key.slice(0, key.indexOf("\u0000")));
  return ids;
}

function side(run: RunRow, samples: number): RunSide {
  return {
    id: run.id,
    task: run.task,
    model: run.model,
    judge: run.judge,
    status: run.status,
    samples,
  };
}

export function compareRuns(store: RunStore, a: RunRow, b: RunRow, opts: CompareOptions = {}): RunComparison {
  if (a.id === b.id) throw new UserError(`compare needs two different runs, got ${a.id} twice`);
  checkSameDataset(a, b);
  const idsA = sampleIds(store, a.id);
  const idsB = sampleIds(store, b.id);
  let shared = 0;
  for (const id of idsA) if (idsB.has(id)) shared++;
  if (shared === 0)
    throw new UserError(`runs ${a.id} and ${b.id} have no finished sample in common; nothing to compare`);
  const valuesA = sampleValues(store, a);
  const valuesB = sampleValues(store, b);
  const scorers: RunComparison["scorers"] = [];
  for (const [scorer, va] of valuesA) {
    const vb = valuesB.get(scorer);
    if (vb) scorers.push({ scorer, ...comparePaired(va, vb, opts) });
  }
  const unmatchedScorers = [
    ...[...valuesA.keys()].filter((s) => !valuesB.has(s)),
    ...[...valuesB.keys()].filter((s) => !valuesA.has(s)),
  ];
  const onlyA = idsA.size - shared;
  const onlyB = idsB.size - shared;
  return {
    a: side(a, idsA.size),
    b: side(b, idsB.size),
    dataset: a.manifest.dataset ?? null,
    overlap: { shared, onlyA, onlyB, partial: onlyA + onlyB > 0 },
    scorers,
    unmatchedScorers,
  };
}
