/**
 * `contamination scan` and `merge`: the benchmark's n-grams searched in corpus shards with the SMI
 * shard reader and matcher; one part file per finished shard (resume skips it), `--shard i/N` for
 * splitting across machines, and a merge of parts into per-item overlaps.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { ShardId } from "../corpus/parts.js";
import type { CountRules } from "../corpus/shard.js";
import { partialFiles, ShardMeter, selectShards } from "../corpus/shards.js";
import { UserError } from "../util/errors.js";
import { type ItemField, loadItems } from "./items.js";
import { buildGramTable, type GramTable } from "./ngrams.js";
import {
  finishedScanPart,
  type MergedScan,
  mergeScanParts,
  readScanPart,
  SCAN_PART_FORMAT,
  type ScanPart,
  writeScanPart,
} from "./partial.js";
import { type ItemOverlap, itemOverlaps, toJsonl } from "./results.js";
import { scanShards } from "./scan-pool.js";
import { type ScanMatcher, sinkTable } from "./sink.js";

export interface BenchmarkOptions {
  task: string;
  taskArgs: Record<string, string | number | boolean>;
  n: number;
  minTokens: number;
  fields: ItemField[];
}

export interface ScanOptions extends BenchmarkOptions {
  corpus: string[];
  out?: string;
  parts?: string;
  shard?: string;
  maxLocations: number;
  minCoverage: number;
  rules: CountRules;
  /** Default: the SMI matcher that ASSAY_SMI_MATCHER (or the platform) picks. */
  matcher?: ScanMatcher;
  /** Worker threads (default 1: this thread). */
  workers?: number;
  progress?: "auto" | "silent";
}

export interface ScanSummary {
  items: number;
  patterns: number;
  shardsSelected: number;
  shardsScanned: number;
  shardsResumed: number;
  documents: number;
  textBytes: number;
  rawBytes: number;
  seconds: number;
  partsDir: string;
  out?: string;
  rows: ItemOverlap[];
}

export async function benchmarkTable(o: BenchmarkOptions): Promise<GramTable> {
  const items = await loadItems(o.task, o.taskArgs, o.fields);
  return buildGramTable(items, { n: o.n, minTokens: o.minTokens, fields: o.fields, normalisation: 1 });
}

export async function runScan(opts: ScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  if (!opts.out && !opts.shard) {
    throw new UserError("contamination scan: give --out (or --shard i/N to write only part files)");
  }
  const table = await benchmarkTable(opts);
  const partsDir = opts.parts ?? (opts.out ? `${opts.out}.parts` : "contamination-scan.parts");
  const selected = selectShards("contamination scan", opts.corpus, partsDir, opts.shard);
  mkdirSync(partsDir, { recursive: true });
  const want = {
    digest: table.digest,
    settings: table.settings,
    rules: opts.rules,
    maxLocations: opts.maxLocations,
  };
  const finished = new Map<string, string>();
  const todo: ShardId[] = [];
  for (const s of selected) {
    const p = finishedScanPart(partsDir, s, want);
    if (p) finished.set(s.name, p);
    else todo.push(s);
  }
  const resumed = finished.size;
  const meter = new ShardMeter("contamination scan", todo, resumed, started, opts.progress);
  const workers = Math.max(1, Math.min(opts.workers ?? 1, todo.length));
  try {
    await scanShards(
      todo,
      workers,
      {
        table: sinkTable(table),
        maxLocations: opts.maxLocations,
        rules: opts.rules,
        ...(opts.matcher ? { matcher: opts.matcher } : {}),
      },
      (shard, raw, text) => meter.update(shard.name, raw, text),
      (shard, stats, hits) => {
        const part: ScanPart = {
          format: SCAN_PART_FORMAT,
          version: 1,
          ...want,
          itemCount: table.items.length,
          patternCount: table.patterns.length,
          shards: [shard],
          stats,
          ...hits,
        };
        finished.set(shard.name, writeScanPart(partsDir, part));
        meter.update(shard.name, stats.rawBytes, stats.textBytes, true);
      },
    );
  } finally {
    meter.finish();
  }
  const { rawBytes, textBytes } = meter.totals();
  const merged = selected.length
    ? mergeScanParts(
        selected.map((s) => ({ path: finished.get(s.name)!, part: readScanPart(finished.get(s.name)!) })),
      )
    : undefined;
  const rows = merged ? itemOverlaps(table, merged, opts.minCoverage) : [];
  if (opts.out) writeFileSync(opts.out, toJsonl(rows));
  return {
    items: table.items.length,
    patterns: table.patterns.length,
    shardsSelected: selected.length,
    shardsScanned: todo.length,
    shardsResumed: resumed,
    documents: merged?.stats.documents ?? 0,
    textBytes,
    rawBytes,
    seconds: (Date.now() - started) / 1000,
    partsDir,
    ...(opts.out ? { out: opts.out } : {}),
    rows,
  };
}

export interface ScanMergeOptions extends BenchmarkOptions {
  inputs: string[];
  out: string;
  minCoverage: number;
}

/** `contamination merge`: part files (or folders of them) → the scan's JSONL. */
export async function runScanMerge(
  opts: ScanMergeOptions,
): Promise<{ rows: ItemOverlap[]; shards: number; documents: number }> {
  const table = await benchmarkTable(opts);
  const files = partialFiles(opts.inputs);
  const merged: MergedScan = mergeScanParts(files.map((path) => ({ path, part: readScanPart(path) })));
  if (merged.digest !== table.digest) {
    throw new UserError(
      `the parts were scanned for other items or settings than --task ${opts.task} with these options`,
    );
  }
  const rows = itemOverlaps(table, merged, opts.minCoverage);
  writeFileSync(opts.out, toJsonl(rows));
  return { rows, shards: merged.shards.length, documents: merged.stats.documents };
}
