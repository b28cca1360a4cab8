/**
 * The paired comparison of two large runs, off the viewer's main thread: the bootstrap over 100,000
 * shared samples takes about a second, and the viewer must keep answering meanwhile (api.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { compareRuns } from "../compare/runs.js";
import { RunStore } from "../store/run-store.js";

const { db, a, b } = workerData as { db: string; a: string; b: string };
const store = new RunStore(db, { readonly: true });
try {
  parentPort!.postMessage({
    ok: true,
    result: compareRuns(store, store.requireRun(a), store.requireRun(b), { seed: 0 }),
  });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: (err as Error).message });
} finally {
  store.close();
}
