/**
 * Per-shard part files of a contamination scan, named and resumed like `smi count`'s (same file
 * names, same shard identity: name, size, mtime): a part records the benchmark digest, settings and
 * reading rules, so parts of different benchmarks or settings never merge.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { partialFileName, readPartFile, type ShardId } from "../corpus/parts.js";

export { writePartial as writeScanPart } from "../corpus/parts.js";

import type { CountRules, ShardStats } from "../corpus/shard.js";
import { UserError } from "../util/errors.js";
import type { GramSettings } from "./ngrams.js";
import type { ShardHits } from "./sink.js";

export const SCAN_PART_FORMAT = "assay-contamination-part";

export interface ScanPart extends ShardHits {
  format: typeof SCAN_PART_FORMAT;
  version: 1;
  digest: string;
  settings: GramSettings;
  rules: CountRules;
  maxLocations: number;
  itemCount: number;
  patternCount: number;
  shards: ShardId[];
  stats: ShardStats;
}

/** The fields that must agree for parts to merge (and for a finished part to be reused). */
function identity(p: Pick<ScanPart, "digest" | "settings" | "rules" | "maxLocations">): string {
  return JSON.stringify([p.digest, p.settings, p.rules, p.maxLocations]);
}

export function readScanPart(path: string): ScanPart {
  const p = readPartFile<ScanPart>(path, SCAN_PART_FORMAT, "part file");
  for (const f of ["shards", "patternDocs", "items"] as const) {
    if (!Array.isArray(p[f])) throw new UserError(`${path}: field "${f}" must be an array`);
  }
  if (typeof p.digest !== "string" || !p.stats || !p.settings || !p.rules) {
    throw new UserError(`${path}: fields "digest", "settings", "rules" and "stats" are required`);
  }
  return p as ScanPart;
}

/** A finished part for this shard with the same benchmark, settings and rules, or undefined. */
export function finishedScanPart(
  dir: string,
  shard: ShardId,
  want: Pick<ScanPart, "digest" | "settings" | "rules" | "maxLocations">,
): string | undefined {
  const path = join(dir, partialFileName(shard.name));
  if (!existsSync(path)) return undefined;
  try {
    const p = readScanPart(path);
    const s = p.shards[0];
    const same =
      identity(p) === identity(want) &&
      s !== undefined &&
      s.name === shard.name &&
      s.size === shard.size &&
      s.mtimeMs === shard.mtimeMs;
    return same ? path : undefined;
  } catch {
    return undefined; // unreadable: scan the shard again
  }
}

export interface MergedScan {
  digest: string;
  shards: ShardId[];
  stats: ShardStats;
  /** Documents per pattern over all shards. */
  patternDocs: Float64Array;
  /** Per item: documents with any of its n-grams, and its first locations ("shard:line", shards in name order). */
  itemDocs: Float64Array;
  locations: string[][];
}

/** Sums parts; refuses mixed benchmarks, settings or rules and shards counted twice. */
export function mergeScanParts(parts: Array<{ path: string; part: ScanPart }>): MergedScan {
  const first = parts[0];
  if (!first) throw new UserError("nothing to merge");
  const base = first.part;
  const seen = new Map<string, string>();
  for (const { path, part } of parts) {
    if (identity(part) !== identity(base) || part.patternCount !== base.patternCount) {
      throw new UserError(
        `${path}: scanned for another benchmark, other settings or other rules than ${first.path}`,
      );
    }
    for (const s of part.shards) {
      const prev = seen.get(s.name);
      if (prev) throw new UserError(`${path}: shard ${s.name} is also counted in ${prev}`);
      seen.set(s.name, path);
    }
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...parts].sort((a, b) => byName(a.part.shards[0]!.name, b.part.shards[0]!.name));
  const out: MergedScan = {
    digest: base.digest,
    shards: [],
    stats: { documents: 0, skippedLines: 0, excludedDocuments: 0, textBytes: 0, rawBytes: 0 },
    patternDocs: new Float64Array(base.patternCount),
    itemDocs: new Float64Array(base.itemCount),
    locations: Array.from({ length: base.itemCount }, () => []),
  };
  for (const { part } of sorted) {
    out.shards.push(...part.shards);
    for (const k of Object.keys(out.stats) as Array<keyof ShardStats>) out.stats[k] += part.stats[k];
    for (const [p, d] of part.patternDocs) out.patternDocs[p]! += d;
    const shard = part.shards[0]!.name;
    for (const [i, d, lines] of part.items) {
      out.itemDocs[i]! += d;
      const locs = out.locations[i]!;
      for (const line of lines) if (locs.length < base.maxLocations) locs.push(`${shard}:${line}`);
    }
  }
  return out;
}
