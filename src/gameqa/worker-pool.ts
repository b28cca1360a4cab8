/**
 * The worker threads of `gameqa generate`: boards handed out in chunks, results passed on as they
 * come, and each worker replaced by a fresh one after a bounded amount of work. A worker that ends
 * takes its whole V8 heap and every native image resvg made in it along, which no collection in a
 * long-lived thread reliably does (docs/gameqa.md, "Memory"); so a run's memory is bounded by what
 * one worker's lifetime can hold, whatever the sample count.
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import type { BoardText } from "./data-writer.js";
import type { Job, SkipNote } from "./sample.js";
import type { BoardDone, BoardFailed, WorkerBatch, WorkerSetup } from "./worker.js";

export interface PoolSettings {
  workers: number;
  seed: number | string;
  format: "json" | "jsonl";
  /** Replace a worker after this many boards instead of by what it holds (tests). */
  recycleAfterBoards: number | undefined;
  signal: AbortSignal | undefined;
}
export type OnBoard = (index: number, board: BoardText, skips: SkipNote[]) => void;

/**
 * A worker is replaced (a fresh one takes over its share, the old one ends after the boards it has
 * queued) once it has rendered this many bytes of images with resvg, or its V8 heap holds this
 * much: both measured on the 30-game run (docs/gameqa.md, "Memory").
 */
const RECYCLE_RENDERED_BYTES = 1024 * 2 ** 20;
const RECYCLE_HEAP_BYTES = 96 * 2 ** 20;
/** V8 limits per worker: a board that needs more is a bug, reported instead of eating the machine. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 256 };

/** A worker's crash, naming the board it was building (running out of its heap above all). */
function workerFailure(err: Error, job: Job | undefined): Error {
  const board = job ? ` building ${job.game} board ${job.index} at ${job.plotLevel}` : "";
  if ((err as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY")
    return new Error(
      `a gameqa worker thread ran out of memory${board} (its V8 heap is limited to ${WORKER_LIMITS.maxOldGenerationSizeMb} MB)`,
    );
  return board ? new Error(`${err.message} (gameqa worker thread${board})`, { cause: err }) : err;
}

/**
 * Build jobs[first..] with `o.workers` worker threads. Jobs are handed out in small chunks; each
 * worker keeps two chunks queued so it never waits for this thread. Output bytes do not depend on
 * which worker built what, nor on when workers were replaced.
 */
export function runWorkerPool(
  jobs: Job[],
  first: number,
  o: PoolSettings,
  outDir: string,
  onBoard: OnBoard,
): Promise<number> {
  const script = new URL("./worker.js", import.meta.url);
  if (!existsSync(script)) throw new Error(`gameqa worker script missing: ${script.pathname}`);
  const setup: WorkerSetup = { seed: o.seed, outDir, format: o.format };
  const chunk = Math.max(1, Math.min(16, Math.ceil((jobs.length - first) / (o.workers * 8))));
  const retire = (boards: number, msg: BoardDone): boolean =>
    o.recycleAfterBoards !== undefined
      ? boards >= o.recycleAfterBoards
      : msg.renderedBytes >= RECYCLE_RENDERED_BYTES || msg.heapBytes >= RECYCLE_HEAP_BYTES;
  /** Workers not yet exited: all are awaited before the caller may remove the staging folder. */
  const live = new Set<Worker>();
  let next = first;
  let pending = jobs.length - first;
  let stopped = false;
  let started = 0;
  let stop: (err?: unknown) => void = () => undefined;
  const run = new Promise<void>((resolve, reject) => {
    stop = (err?: unknown): void => {
      if (stopped) return;
      stopped = true;
      next = jobs.length; // hand out nothing more
      for (const w of live) void w.terminate();
      if (err === undefined) resolve();
      else reject(err);
    };
    const spawn = (): void => {
      const worker = new Worker(script, { workerData: setup, resourceLimits: WORKER_LIMITS });
      live.add(worker);
      started++;
      /** Job indexes sent and not yet answered, oldest first (the first is being built). */
      const queue: number[] = [];
      let built = 0;
      let retiring = false;
      const feed = (): void => {
        while (!retiring && queue.length < 2 * chunk && next < jobs.length) {
          const batch: WorkerBatch = [];
          for (let k = 0; k < chunk && next < jobs.length; k++, next++) {
            batch.push({ index: next, job: jobs[next] as Job });
            queue.push(next);
          }
          worker.postMessage(batch);
        }
        if (queue.length === 0) void worker.terminate();
      };
      worker.on("message", (msg: BoardDone | BoardFailed) => {
        if (stopped) return;
        if (msg.type === "error") return stop(new Error(msg.message));
        queue.shift();
        onBoard(msg.index, msg.board, msg.skips);
        if (--pending === 0) return stop();
        // A retiring worker gets nothing more; its replacement starts when it has ended, so that
        // no more than `o.workers` workers ever hold memory at once.
        if (!retiring && next < jobs.length && retire(++built, msg)) retiring = true;
        feed();
      });
      worker.on("error", (err) => stop(workerFailure(err, jobs[queue[0] ?? -1])));
      worker.on("exit", () => {
        live.delete(worker);
        if (queue.length > 0)
          stop(new Error(`a gameqa worker thread ended with ${queue.length} boards unbuilt`));
        else if (retiring && !stopped && next < jobs.length) spawn();
      });
      feed();
    };
    for (let k = 0; k < o.workers; k++) spawn();
    if (o.signal?.aborted) stop();
  });
  // An abort stops handing out jobs; the caller sees `signal.aborted` and reports it.
  const onAbort = (): void => stop();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  return run
    .finally(async () => {
      o.signal?.removeEventListener("abort", onAbort);
      // No thread may still be writing when the caller removes the staging folder.
      await Promise.all([...live].map((w) => w.terminate()));
    })
    .then(() => started);
}
