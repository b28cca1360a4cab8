/**
 * Per-shard part files: one JSON file per counted corpus shard, written atomically, named after the
 * shard. SMI counting and contamination scans keep their results this way, so finished shards are
 * skipped on resume and parts from several machines can be merged.
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../util/errors.js";

export interface ShardId {
  /** The shard path as listed by the corpus argument. */
  name: string;
  size: number;
  mtimeMs: number;
}

export function partialFileName(shardName: string): string {
  const hash = createHash("sha256").update(shardName).digest("hex").slice(0, 12);
  const base = shardName.replace(/[^A-Za-z0-9._-]+/g, "_").slice(-80);
  return `${base}.${hash}.json`;
}

/**
 * Writes through a temporary file and a rename, so an interrupted run never leaves a half partial
 * (any per-shard result: contamination scans write theirs here too).
 */
export function writePartial(dir: string, partial: { shards: readonly ShardId[] }): string {
  const shard = partial.shards[0]!;
  const path = join(dir, partialFileName(shard.name));
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(partial));
  renameSync(tmp, path);
  return path;
}

/** A per-shard JSON file of the given format, version 1; its fields are checked by the caller. */
export function readPartFile<T>(path: string, format: string, what: string): Partial<T> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UserError(`${path}: cannot read ${what} (${(err as Error).message})`);
  }
  const p = v as { format?: unknown; version?: unknown } | null;
  if (!p || p.format !== format || p.version !== 1) throw new UserError(`${path}: not an ${format} v1 file`);
  return p as Partial<T>;
}
