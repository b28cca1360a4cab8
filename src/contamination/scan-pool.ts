/**
 * Scanning a list of shards, in this thread or in worker threads: each worker takes the next shard
 * from a shared queue until none is left; the first error stops every worker.
 */
import { Worker } from "node:worker_threads";
import type { ShardId } from "../corpus/parts.js";
import type { ShardStats } from "../corpus/shard.js";
import { UserError } from "../util/errors.js";
import { kernelAvailable, ScanKernel } from "./scan-kernel.js";
import { scanShard } from "./scan-kernel-shard.js";
import type { FromScanWorker, ScanWorkerInit, ToScanWorker } from "./scan-worker.js";
import { ScanSink, type ShardHits } from "./sink.js";

export type ShardProgress = (shard: ShardId, rawBytes: number, textBytes: number) => void;
export type ShardDone = (shard: ShardId, stats: ShardStats, hits: ShardHits) => void;

export async function scanShards(
  shards: readonly ShardId[],
  workers: number,
  init: ScanWorkerInit,
  onProgress: ShardProgress,
  onDone: ShardDone,
): Promise<void> {
  if (shards.length === 0) return;
  if (workers <= 1) {
    const sink = new ScanSink(init.table, init.maxLocations, init.matcher);
    for (const shard of shards) {
      const stats = await scanShard(shard.name, sink, init.rules, (raw, text) =>
        onProgress(shard, raw, text),
      );
      onDone(shard, stats, sink.take());
    }
    return;
  }
  // The kernel is assembled, compiled and filled once here; the workers instantiate it.
  if (init.matcher === "window" && kernelAvailable()) {
    init = { ...init, kernelPlan: new ScanKernel(init.table.patterns, 1 << 16).plan() };
  }
  const queue = [...shards];
  const pool: Worker[] = [];
  let failed = false;
  /** Sends one message and waits for the worker's answer to it ("ready" or "done"), passing progress on. */
  const ask = (w: Worker, msg: ToScanWorker, shard?: ShardId): Promise<FromScanWorker> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: FromScanWorker): void => {
        if (m.type === "progress") {
          if (shard) onProgress(shard, m.rawBytes, m.textBytes);
          return;
        }
        w.off("message", onMessage);
        w.off("error", reject);
        if (m.type === "error") {
          const where = shard ? `${shard.name}: ` : "";
          reject(m.user ? new UserError(m.message) : new Error(`${where}${m.message}`));
        } else resolve(m);
      };
      w.on("message", onMessage);
      w.once("error", reject);
      w.postMessage(msg);
    });
  const runWorker = async (): Promise<void> => {
    const w = new Worker(new URL("./scan-worker.js", import.meta.url));
    pool.push(w);
    try {
      await ask(w, { type: "init", init });
      for (let shard = queue.shift(); shard && !failed; shard = queue.shift()) {
        const m = await ask(w, { type: "shard", path: shard.name }, shard);
        if (m.type === "done") onDone(shard, m.stats, m.hits);
      }
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      await w.terminate();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, shards.length) }, runWorker));
  } finally {
    failed = true;
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
