/**
 * Worker thread for `smi count`: builds the matcher once, then counts the shards the main thread
 * sends, one at a time, posting throttled progress and one result per shard.
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorMessage, UserError } from "../util/errors.js";
import { buildPatternSet, TripleCounter } from "./counter.js";
import type { Triple } from "./rows.js";
import { type CountRules, countShard } from "./shard.js";

export interface WorkerInit {
  triples: Triple[];
  rules: CountRules;
}

export type ToWorker = { type: "shard"; path: string } | { type: "stop" };
export type FromWorker =
  | { type: "ready" }
  | { type: "progress"; path: string; rawBytes: number; textBytes: number }
  | {
      type: "done";
      path: string;
      stats: Awaited<ReturnType<typeof countShard>>;
      counts: ReturnType<TripleCounter["counts"]>;
    }
  | { type: "error"; path: string; message: string; user: boolean };

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const counter = new TripleCounter(buildPatternSet(init.triples));
  const post = (m: FromWorker): void => port.postMessage(m);
  port.on("message", async (msg: ToWorker) => {
    if (msg.type === "stop") {
      port.close();
      return;
    }
    counter.reset();
    let last = 0;
    try {
      const stats = await countShard(msg.path, counter, init.rules, (rawBytes, textBytes) => {
        const now = Date.now();
        if (now - last < 200) return;
        last = now;
        post({ type: "progress", path: msg.path, rawBytes, textBytes });
      });
      post({ type: "done", path: msg.path, stats, counts: counter.counts() });
    } catch (err) {
      post({ type: "error", path: msg.path, message: errorMessage(err), user: err instanceof UserError });
    }
  });
  post({ type: "ready" });
}
