/**
 * Worker thread for `contamination scan`: builds its matcher once from the "init" message, then
 * scans the shards the main thread sends one at a time, posting throttled progress and each shard's
 * hits (the main thread writes the part files).
 */
import { parentPort } from "node:worker_threads";
import type { CountRules, ShardStats } from "../corpus/shard.js";
import { errorMessage, UserError } from "../util/errors.js";
import type { KernelPlan } from "./scan-kernel.js";
import { scanShard } from "./scan-kernel-shard.js";
import { type ScanMatcher, ScanSink, type ShardHits, type SinkTable } from "./sink.js";

export interface ScanWorkerInit {
  table: SinkTable;
  maxLocations: number;
  matcher?: ScanMatcher;
  /** Matcher "window": the kernel compiled once by the main thread. */
  kernelPlan?: KernelPlan;
  rules: CountRules;
}

export type ToScanWorker = { type: "init"; init: ScanWorkerInit } | { type: "shard"; path: string };
export type FromScanWorker =
  | { type: "ready" }
  | { type: "progress"; rawBytes: number; textBytes: number }
  | { type: "done"; stats: ShardStats; hits: ShardHits }
  | { type: "error"; message: string; user: boolean };

const port = parentPort;
if (port) {
  let sink: ScanSink | undefined;
  let rules: CountRules | undefined;
  const post = (m: FromScanWorker): void => port.postMessage(m);
  port.on("message", async (msg: ToScanWorker) => {
    try {
      if (msg.type === "init") {
        rules = msg.init.rules;
        sink = new ScanSink(msg.init.table, msg.init.maxLocations, msg.init.matcher, msg.init.kernelPlan);
        post({ type: "ready" });
        return;
      }
      if (!sink || !rules) throw new Error("scan worker: shard before init");
      let last = 0;
      const stats = await scanShard(msg.path, sink, rules, (rawBytes, textBytes) => {
        const now = Date.now();
        if (now - last < 200) return;
        last = now;
        post({ type: "progress", rawBytes, textBytes });
      });
      post({ type: "done", stats, hits: sink.take() });
    } catch (err) {
      post({ type: "error", message: errorMessage(err), user: err instanceof UserError });
    }
  });
}
