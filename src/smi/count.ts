/**
 * `smi count`: counts a corpus shard by shard (in worker threads), writes one partial result per
 * finished shard, skips shards whose partial already exists (resume), and merges this job's
 * partials into merge.json-style counts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { defaultEngine } from "../corpus/engine.js";
import { type ShardId, writePartial } from "../corpus/parts.js";
import { type CountRules, countShard, type ShardStats } from "../corpus/shard.js";
import { partialFiles, ShardMeter, selectShards } from "../corpus/shards.js";
import { SimdMatcher } from "../corpus/simd-matcher.js";
import { UserError } from "../util/errors.js";
import type { FromWorker, ToWorker, WorkerInit } from "./count-worker.js";
import { buildPatternSet, TripleCounter, type TripleCounts, triplesDigest } from "./counter.js";
import {
  countRows,
  finishedPartial,
  makePartial,
  mergePartials,
  type PartialResult,
  readPartial,
} from "./partial.js";
import { type CountRow, loadTriples, type Triple } from "./rows.js";

export interface CountOptions {
  triples: string;
  corpus: string[];
  out?: string;
  parts?: string;
  shard?: string;
  workers?: number;
  rules: CountRules;
  progress?: "auto" | "silent";
}

export interface CountSummary {
  shardsSelected: number;
  shardsCounted: number;
  shardsResumed: number;
  documents: number;
  /** Malformed lines skipped under --on-bad-line skip, over every selected shard. */
  skippedLines: number;
  /** Documents left out by --exclude, over every selected shard. */
  excludedDocuments: number;
  textBytes: number;
  rawBytes: number;
  seconds: number;
  partsDir: string;
  out?: string;
  rows: CountRow[];
}

interface ShardDone {
  shard: ShardId;
  stats: ShardStats;
  counts: TripleCounts;
}

async function countInProcess(
  shards: ShardId[],
  triples: Triple[],
  rules: CountRules,
  onProgress: (name: string, raw: number, text: number) => void,
  onDone: (d: ShardDone) => void,
): Promise<void> {
  const counter = new TripleCounter(buildPatternSet(triples));
  for (const shard of shards) {
    counter.reset();
    const stats = await countShard(shard.name, counter, rules, (raw, text) =>
      onProgress(shard.name, raw, text),
    );
    onDone({ shard, stats, counts: counter.counts() });
  }
}

function countInWorkers(
  shards: ShardId[],
  workers: number,
  triples: Triple[],
  rules: CountRules,
  onProgress: (name: string, raw: number, text: number) => void,
  onDone: (d: ShardDone) => void,
): Promise<void> {
  const queue = [...shards];
  const byName = new Map(shards.map((s) => [s.name, s]));
  const pool: Worker[] = [];
  return new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const stopAll = (): void => {
      for (const w of pool) void w.terminate();
    };
    const next = (w: Worker): void => {
      const shard = queue.shift();
      if (!shard) {
        w.postMessage({ type: "stop" } satisfies ToWorker);
        return;
      }
      running++;
      w.postMessage({ type: "shard", path: shard.name } satisfies ToWorker);
    };
    for (let k = 0; k < workers; k++) {
      const w = new Worker(new URL("./count-worker.js", import.meta.url));
      pool.push(w);
      w.on("message", (msg: FromWorker) => {
        if (failed) return;
        if (msg.type === "ready") next(w);
        else if (msg.type === "progress") onProgress(msg.path, msg.rawBytes, msg.textBytes);
        else if (msg.type === "done") {
          running--;
          try {
            onDone({ shard: byName.get(msg.path)!, stats: msg.stats, counts: msg.counts });
          } catch (err) {
            failed = true;
            stopAll();
            reject(err);
            return;
          }
          next(w);
        } else if (msg.type === "error") {
          failed = true;
          stopAll();
          reject(msg.user ? new UserError(msg.message) : new Error(`${msg.path}: ${msg.message}`));
        }
      });
      w.on("error", (err) => {
        if (failed) return;
        failed = true;
        stopAll();
        reject(err);
      });
      w.on("exit", () => {
        pool.splice(pool.indexOf(w), 1);
        if (pool.length === 0 && !failed) {
          if (queue.length > 0 || running > 0) reject(new Error("count workers exited before finishing"));
          else resolve();
        }
      });
    }
    // Built once here rather than in every worker, while the workers start. With the SIMD scanner,
    // workers get the compiled module and table image and no patterns; otherwise each pattern goes
    // in its own small array (a pooled Buffer would clone its whole 8 KiB slab).
    try {
      const set = buildPatternSet(triples);
      const engine = defaultEngine();
      const simd = engine === "simd" ? SimdMatcher.plan(set.patterns, set) : undefined;
      const init: WorkerInit = {
        set: { ...set, patterns: simd ? [] : set.patterns.map((p) => Uint8Array.from(p)) },
        engine,
        rules,
        ...(simd ? { simd } : {}),
      };
      for (const w of pool) w.postMessage({ type: "init", init } satisfies ToWorker);
    } catch (err) {
      failed = true;
      stopAll();
      reject(err);
    }
  });
}

export async function runCount(opts: CountOptions): Promise<CountSummary> {
  const started = Date.now();
  const triples = loadTriples(opts.triples);
  const digest = triplesDigest(triples);
  if (!opts.out && !opts.shard) {
    throw new UserError("smi count: give --out (or --shard i/N to write only partial results)");
  }
  const partsDir = opts.parts ?? (opts.out ? `${opts.out}.parts` : "smi-count.parts");
  const selected = selectShards("smi count", opts.corpus, partsDir, opts.shard);
  if (selected.length === 0) {
    // More jobs than shards: this job has nothing to do, which is not an error.
    return {
      shardsSelected: 0,
      shardsCounted: 0,
      shardsResumed: 0,
      documents: 0,
      skippedLines: 0,
      excludedDocuments: 0,
      textBytes: 0,
      rawBytes: 0,
      seconds: (Date.now() - started) / 1000,
      partsDir,
      rows: [],
    };
  }
  mkdirSync(partsDir, { recursive: true });

  const finished = new Map<string, string>();
  const todo: ShardId[] = [];
  for (const s of selected) {
    const p = finishedPartial(partsDir, s, digest, opts.rules);
    if (p) finished.set(s.name, p);
    else todo.push(s);
  }
  const resumed = finished.size;

  const meter = new ShardMeter("smi count", todo, resumed, started, opts.progress);
  const onProgress = (name: string, raw: number, text: number): void => meter.update(name, raw, text);
  const onDone = (d: ShardDone): void => {
    const path = writePartial(partsDir, makePartial(triples, digest, opts.rules, d.shard, d.stats, d.counts));
    finished.set(d.shard.name, path);
    meter.update(d.shard.name, d.stats.rawBytes, d.stats.textBytes, true);
  };

  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), todo.length));
  try {
    if (todo.length > 0) {
      if (workers <= 1) await countInProcess(todo, triples, opts.rules, onProgress, onDone);
      else await countInWorkers(todo, workers, triples, opts.rules, onProgress, onDone);
    }
  } finally {
    meter.finish();
  }

  const partials: Array<{ path: string; partial: PartialResult }> = selected.map((s) => {
    const path = finished.get(s.name)!;
    return { path, partial: readPartial(path) };
  });
  const merged = mergePartials(partials);
  const rows = countRows(merged, triples, digest, opts.triples);
  if (opts.out) writeFileSync(opts.out, JSON.stringify(rows));
  const { rawBytes, textBytes } = meter.totals();
  const summary: CountSummary = {
    shardsSelected: selected.length,
    shardsCounted: todo.length,
    shardsResumed: resumed,
    documents: merged.stats.documents,
    skippedLines: merged.stats.skippedLines,
    excludedDocuments: merged.stats.excludedDocuments,
    textBytes,
    rawBytes,
    seconds: (Date.now() - started) / 1000,
    partsDir,
    rows,
  };
  if (opts.out) summary.out = opts.out;
  return summary;
}

export interface MergeOptions {
  triples: string;
  inputs: string[];
  out: string;
}

/** `smi merge`: partial files (or folders of them) → one counts file. */
export function runMerge(opts: MergeOptions): { rows: CountRow[]; shards: number; documents: number } {
  const triples = loadTriples(opts.triples);
  const digest = triplesDigest(triples);
  const files = partialFiles(opts.inputs);
  const partials = files.map((path) => ({ path, partial: readPartial(path) }));
  const merged = mergePartials(partials);
  const rows = countRows(merged, triples, digest, opts.triples);
  writeFileSync(opts.out, JSON.stringify(rows));
  return { rows, shards: merged.shards.length, documents: merged.stats.documents };
}
