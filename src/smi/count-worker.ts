/**
 * Worker thread for `smi count`: makes its matcher once from the "init" message (the main thread's
 * pattern set and, for the SIMD scanner, its prebuilt module and tables, so workers do not rebuild
 * them; the main thread builds them while the workers start), then counts the shards the main
 * thread sends, one at a time, posting throttled progress and one result per shard.
 */
import { parentPort } from "node:worker_threads";
import type { MatcherEngine } from "../corpus/engine.js";
import { type CountRules, countShard } from "../corpus/shard.js";
import { SimdMatcher, type SimdPlan } from "../corpus/simd-matcher.js";
import { errorMessage, UserError } from "../util/errors.js";
import { type PatternSet, TripleCounter } from "./counter.js";

export interface WorkerInit {
  set: PatternSet;
  engine: MatcherEngine;
  /** Present when engine is "simd": the module and tables built once in the main thread. */
  simd?: SimdPlan;
  rules: CountRules;
}

export type ToWorker =
  | { type: "init"; init: WorkerInit }
  | { type: "shard"; path: string }
  | { type: "stop" };
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
  let counter: TripleCounter | undefined;
  let rules: CountRules | undefined;
  const post = (m: FromWorker): void => port.postMessage(m);
  port.on("message", async (msg: ToWorker) => {
    if (msg.type === "stop") {
      port.close();
      return;
    }
    if (msg.type === "init") {
      const init = msg.init;
      rules = init.rules;
      counter = new TripleCounter(init.set, init.engine, init.simd ? new SimdMatcher(init.simd) : undefined);
      post({ type: "ready" });
      return;
    }
    if (!counter || !rules) throw new Error("count worker: shard before init");
    counter.reset();
    let last = 0;
    try {
      const stats = await countShard(msg.path, counter, rules, (rawBytes, textBytes) => {
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
}
