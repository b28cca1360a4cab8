/**
 * Which (sample, epoch) units a run takes: `--shard i/N` (a deterministic 1/N of the units, decided by
 * hashing the sample id and epoch, so it does not depend on dataset order or on which machine runs it),
 * `--sample-id a,b` (only these samples) and `--limit A-B` (records A to B of the file, 1-based and
 * inclusive, as inspect_ai reads a range). They compose: a shard of a range of named samples.
 *
 * The shard is recorded in the manifest but not hashed (the N shards of one eval share the config hash,
 * which `assay merge` checks); the range start and the sample ids change the results and are hashed.
 * A unit's position (`seq`) is its position in the unsharded run, so a merged run is the unsharded one.
 */
import { createHash } from "node:crypto";
import type { Dataset } from "../core/types.js";
import type { RunManifest } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { parseShardSpec } from "../util/shard-spec.js";

/** Shard `index` (1-based) of `total`. */
export interface ShardSpec {
  index: number;
  total: number;
}

/** What narrows a run's units beyond `limit` and `--sample`. */
export interface UnitSelection {
  shard?: ShardSpec;
  /** First record (1-based) of a `--limit A-B` range; the manifest's `limit` is then B. */
  limitFrom?: number;
  /** `--sample-id`: only these samples, in file order. */
  sampleIds?: string[];
}

/** A manifest with the selection fields this module adds (stored with the manifest's JSON). */
export type SelectedManifest = RunManifest & UnitSelection;

/** "i/N" with 1 ≤ i ≤ N (the same syntax as `assay smi count --shard`). */
export function parseShard(spec: string): ShardSpec {
  return parseShardSpec(spec);
}

/** `--limit N` (the first N records) or `--limit A-B` (records A to B, 1-based, inclusive). */
export function parseLimit(value: string): { limit: number; limitFrom?: number } {
  const v = value.trim();
  const range = /^(\d+)-(\d+)$/.exec(v);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from < 1 || to < from)
      throw new UserError(`--limit ${value}: a range A-B needs 1 <= A <= B (records A to B, 1-based)`);
    return from === 1 ? { limit: to } : { limit: to, limitFrom: from };
  }
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UserError(`--limit must be a count N ≥ 1 or a range A-B (e.g. 100-200), got "${value}"`);
  return { limit: n };
}

/** `--sample-id a,b,c`: the ids, each once, in the order given. */
export function parseSampleIds(value: string): string[] {
  const ids = [...new Set(value.split(",").map((s) => s.trim()))].filter(Boolean);
  if (ids.length === 0) throw new UserError(`--sample-id "${value}": give one or more ids, comma-separated`);
  return ids;
}

/** The shard (1-based) a unit belongs to: the first 6 bytes of sha256("<sample id>\n<epoch>") mod N. */
export function shardOf(sampleId: string, epoch: number, total: number): number {
  if (total === 1) return 1;
  const digest = createHash("sha256").update(`${sampleId}\n${epoch}`).digest();
  return (digest.readUIntBE(0, 6) % total) + 1;
}

/** The selection recorded in a manifest (none of the fields when it has none). */
export function selectionOf(manifest: RunManifest): UnitSelection {
  const m = manifest as SelectedManifest;
  return {
    ...(m.shard ? { shard: { index: m.shard.index, total: m.shard.total } } : {}),
    ...(m.limitFrom !== undefined ? { limitFrom: m.limitFrom } : {}),
    ...(m.sampleIds ? { sampleIds: [...m.sampleIds] } : {}),
  };
}

/** The selection fields that change results (hashed into the config hash): not the shard. */
export function hashedSelection(sel: UnitSelection | undefined): Record<string, unknown> {
  return {
    ...(sel?.limitFrom !== undefined ? { limitFrom: sel.limitFrom } : {}),
    ...(sel?.sampleIds ? { sampleIds: sel.sampleIds } : {}),
  };
}

/** The selection fields a manifest records. */
export function manifestSelection(sel: UnitSelection | undefined): Record<string, unknown> {
  return { ...hashedSelection(sel), ...(sel?.shard ? { shard: sel.shard } : {}) };
}

/** Decides, while the engine walks the dataset, which samples and units a run takes. */
export interface UnitPicker {
  /** True when the sample at file position `seq` (0-based, among samples the run could take) is out. */
  skipSample(sampleId: string, seq: number): boolean;
  /** True when this (sample, epoch) belongs to another shard. */
  skipUnit(sampleId: string, epoch: number): boolean;
}

/** The picker for a manifest, or undefined when it selects every unit. */
export function unitPicker(manifest: RunManifest): UnitPicker | undefined {
  const { shard, limitFrom, sampleIds } = selectionOf(manifest);
  if (!shard && limitFrom === undefined && !sampleIds) return undefined;
  const ids = sampleIds ? new Set(sampleIds) : undefined;
  return {
    skipSample: (id, seq) => (limitFrom !== undefined && seq < limitFrom - 1) || (ids ? !ids.has(id) : false),
    skipUnit: (id, epoch) => (shard ? shardOf(id, epoch, shard.total) !== shard.index : false),
  };
}

/**
 * How many units a run with a picker takes, counted in one pass over the dataset (the engine's progress
 * total); undefined when the manifest selects every unit. Sample ids the dataset lacks are an error.
 */
export async function countPickedUnits(
  dataset: Dataset,
  manifest: RunManifest,
  subset: Set<string> | undefined,
): Promise<number | undefined> {
  const picker = unitPicker(manifest);
  if (!picker) return undefined;
  const wanted = selectionOf(manifest).sampleIds;
  const seen = new Set<string>();
  let seq = 0;
  let units = 0;
  for await (const sample of dataset.samples()) {
    if (subset && !subset.has(sample.id)) continue;
    if (manifest.limit !== undefined && seq >= manifest.limit) break;
    const position = seq++;
    if (picker.skipSample(sample.id, position)) continue;
    seen.add(sample.id);
    for (let epoch = 1; epoch <= manifest.epochs; epoch++) if (!picker.skipUnit(sample.id, epoch)) units++;
  }
  const { limitFrom } = selectionOf(manifest);
  if (limitFrom !== undefined && seq < limitFrom)
    throw new UserError(
      `--limit ${limitFrom}-${manifest.limit}: dataset ${dataset.name} has only ${seq} samples`,
    );
  const missing = wanted?.filter((id) => !seen.has(id)) ?? [];
  if (missing.length > 0)
    throw new UserError(
      `--sample-id: dataset ${dataset.name} has no sample ${missing.slice(0, 5).join(", ")}` +
        `${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ""} in the selected records`,
    );
  return units;
}

/** The run's `limit` and selection from the command line's `--limit`, `--shard` and `--sample-id`. */
export function selectionFromFlags(flags: { limit?: string; shard?: string; sampleId?: string }): {
  limit?: number;
  selection: UnitSelection;
} {
  const limit = flags.limit !== undefined ? parseLimit(flags.limit) : undefined;
  return {
    ...(limit ? { limit: limit.limit } : {}),
    selection: {
      ...(flags.shard !== undefined ? { shard: parseShard(flags.shard) } : {}),
      ...(limit?.limitFrom !== undefined ? { limitFrom: limit.limitFrom } : {}),
      ...(flags.sampleId !== undefined ? { sampleIds: parseSampleIds(flags.sampleId) } : {}),
    },
  };
}
