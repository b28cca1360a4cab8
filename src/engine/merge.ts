/**
 * `assay merge`: the N shard runs of one eval (`--shard i/N`, each in its own database or all in one)
 * become one run. Before anything is written the shards are checked: every one completed, the same N,
 * each index once and all N present, manifests identical but for the shard (same task, dataset, model,
 * judge, options, config hash), every stored unit in the shard its hash assigns it to (so no unit can be
 * in two shards), and, when the dataset can be read here, as many units as the unsharded eval has.
 * The merged run's manifest is the shards' without the shard, so it carries the unsharded run's config
 * hash, and its samples keep their positions (`seq`): its summary, report and export are the unsharded
 * run's. Results are copied through the store's public API (read: iterateSamples/scoresOf; write:
 * addResult), so images travel as data and land in the target's blob table.
 */
import type { RunManifest, RunRow, RunStore } from "../store/run-store.js";
import { storedAsResult } from "../store/stored-result.js";
import { UserError } from "../util/errors.js";
import { canonicalJson } from "../util/hash.js";
import { type SelectedManifest, type ShardSpec, shardOf } from "./shard.js";
import { computeSummary, type RunSummary } from "./summary.js";

/** One shard run and where it was found. */
export interface ShardRun {
  store: RunStore;
  run: RunRow;
  /** The database file, for messages. */
  source: string;
}

/** Manifest keys that may differ between shards (where and when each ran, not what it computed). */
const PER_SHARD_KEYS = ["runId", "createdAt", "execution", "shard", "batch"] as const;

/** The manifest shared by all shards, without what differs per shard; `laterEndpoints` are per machine too. */
function comparable(m: RunManifest): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...m };
  for (const k of PER_SHARD_KEYS) delete copy[k];
  for (const role of ["model", "judge"] as const) {
    const r = copy[role] as { laterEndpoints?: unknown } | undefined;
    if (r) {
      const { laterEndpoints: _l, ...rest } = r;
      copy[role] = rest;
    }
  }
  return copy;
}

const describe = (s: ShardRun) => `run ${s.run.id} in ${s.source}`;

/** Check the shards form one complete eval; returns them ordered by index, with N and the merged manifest. */
export function checkShards(shards: ShardRun[]): {
  ordered: ShardRun[];
  total: number;
  manifest: RunManifest;
} {
  if (shards.length === 0) throw new UserError("merge: no shard runs given");
  const specOf = (s: ShardRun): ShardSpec => {
    const spec = (s.run.manifest as SelectedManifest).shard;
    if (!spec) throw new UserError(`merge: ${describe(s)} is not a shard (it was not run with --shard i/N)`);
    return spec;
  };
  const total = specOf(shards[0]!).total;
  const byIndex = new Map<number, ShardRun>();
  for (const s of shards) {
    const spec = specOf(s);
    if (spec.total !== total)
      throw new UserError(
        `merge: ${describe(s)} is shard ${spec.index}/${spec.total}, but ${describe(shards[0]!)} is one of ${total}`,
      );
    const twin = byIndex.get(spec.index);
    if (twin)
      throw new UserError(
        `merge: shard ${spec.index}/${total} is given twice: ${describe(twin)} and ${describe(s)}`,
      );
    byIndex.set(spec.index, s);
    if (s.run.status !== "completed")
      throw new UserError(
        `merge: shard ${spec.index}/${total} (${describe(s)}) is ${s.run.status}: finish it first with  ` +
          `assay resume ${s.run.id} --db ${s.source}`,
      );
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    throw new UserError(`merge: shard(s) ${missing.map((i) => `${i}/${total}`).join(", ")} missing`);
  const ordered = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
  const reference = comparable(ordered[0]!.run.manifest);
  const refText = canonicalJson(reference);
  for (const s of ordered.slice(1)) {
    const other = comparable(s.run.manifest);
    if (canonicalJson(other) === refText) continue;
    const keys = [...new Set([...Object.keys(reference), ...Object.keys(other)])].filter(
      (k) => canonicalJson(reference[k] ?? null) !== canonicalJson(other[k] ?? null),
    );
    throw new UserError(
      `merge: ${describe(s)} was not made by the same eval as ${describe(ordered[0]!)} ` +
        `(its manifest differs in: ${keys.join(", ")})`,
    );
  }
  const first = ordered[0]!.run.manifest;
  const manifest = { ...first } as Record<string, unknown>;
  delete manifest.shard;
  delete manifest.batch;
  const createdAt = ordered.map((s) => s.run.manifest.createdAt).sort()[0]!;
  return { ordered, total, manifest: { ...(manifest as unknown as RunManifest), createdAt } };
}

export interface MergeOptions {
  /** The merged run's id. */
  runId: string;
  /** The task's group-by keys, for the summary. */
  groupBy?: string[];
  /** Units the unsharded eval has, when the dataset could be read; checked against the shards' total. */
  expectedUnits?: number;
  /**
   * A shard run already in the target store under `runId`: the other shards are added to it and it becomes
   * the merged run (`assay merge --into db RUN --from …`).
   */
  inPlace?: ShardRun;
}

export interface MergeOutcome {
  runId: string;
  shards: number;
  units: number;
  summary: RunSummary;
}

/** Check every shard's units, then write the merged run into `target`. */
export function mergeShards(target: RunStore, shards: ShardRun[], opts: MergeOptions): MergeOutcome {
  const { ordered, total, manifest } = checkShards(shards);
  let units = 0;
  for (const s of ordered) units += checkUnits(s, total);
  if (opts.expectedUnits !== undefined && units !== opts.expectedUnits)
    throw new UserError(
      `merge: the ${total} shards hold ${units} (sample, epoch) units, but the eval has ${opts.expectedUnits}: ` +
        "the shards were not all made from this dataset, or one was cut short",
    );
  const merged: RunManifest = { ...manifest, runId: opts.runId };
  if (opts.inPlace) {
    if (!ordered.includes(opts.inPlace)) throw new Error("merge: the in-place run is not one of the shards");
  } else target.createRun(merged);
  for (const s of ordered) {
    if (s === opts.inPlace) continue;
    for (const sample of s.store.iterateSamples(s.run.id))
      target.addResult(opts.runId, storedAsResult(s.store, s.run.id, sample, { inlineImages: true }));
  }
  target.flush();
  target.setManifest(opts.runId, merged);
  const summary = computeSummary(target, merged, opts.groupBy);
  target.setSummary(opts.runId, summary);
  target.setStatus(opts.runId, "completed");
  return { runId: opts.runId, shards: total, units, summary };
}

/** Every unit of a shard must hash to it: then no unit can sit in two shards. Returns the unit count. */
function checkUnits(s: ShardRun, total: number): number {
  const index = (s.run.manifest as SelectedManifest).shard!.index;
  let n = 0;
  for (const key of s.store.finishedKeys(s.run.id)) {
    const [sampleId, epoch] = key.split("\u0000") as [string, string];
    const owner = shardOf(sampleId, Number(epoch), total);
    if (owner !== index)
      throw new UserError(
        `merge: ${describe(s)} (shard ${index}/${total}) holds sample ${sampleId} epoch ${epoch}, ` +
          `which belongs to shard ${owner}/${total}: it conflicts with that shard`,
      );
    n++;
  }
  return n;
}
