/**
 * `contamination scan` and `merge`: the benchmark's n-grams searched in corpus shards with the SMI
 * shard reader and matcher; one part file per finished shard (resume skips it), `--shard i/N` for
 * splitting across machines, and a merge of parts into per-item overlaps.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { partialFiles, selectShards } from "../smi/count.js";
import type { ShardId } from "../smi/partial.js";
import { type CountRules, countShard } from "../smi/shard.js";
import { UserError } from "../util/errors.js";
import { formatBytes, Progress } from "../util/progress.js";
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
import { type ScanMatcher, ScanSink } from "./sink.js";

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
  const progress = new Progress({
    label: "contamination scan",
    total: Math.max(1, Math.round(todo.reduce((a, s) => a + s.size, 0) / 1e6)),
    unit: "MB",
    mode: opts.progress === "silent" ? "silent" : "auto",
  });
  let rawDone = 0;
  let rawBytes = 0;
  let textBytes = 0;
  try {
    const sink = todo.length > 0 ? new ScanSink(table, opts.maxLocations, opts.matcher) : undefined;
    for (const [k, shard] of todo.entries()) {
      const stats = await countShard(shard.name, sink!, opts.rules, (raw, text) => {
        const secs = Math.max(1e-3, (Date.now() - started) / 1000);
        progress.set(Math.round((rawDone + raw) / 1e6));
        progress.setDetail(
          `${formatBytes((textBytes + text) / secs)}/s text · shards ${k}/${todo.length}` +
            (resumed > 0 ? ` (+${resumed} resumed)` : ""),
        );
      });
      const part: ScanPart = {
        format: SCAN_PART_FORMAT,
        version: 1,
        ...want,
        itemCount: table.items.length,
        patternCount: table.patterns.length,
        shards: [shard],
        stats,
        ...sink!.take(),
      };
      finished.set(shard.name, writeScanPart(partsDir, part));
      rawDone += shard.size;
      rawBytes += stats.rawBytes;
      textBytes += stats.textBytes;
    }
  } finally {
    progress.finish();
  }
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
