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
 * When a worker is replaced: once the process's resident memory passes MEMORY_BUDGET_MB (plus
 * PER_EXTRA_WORKER_MB for each worker beyond the first), or the worker has rendered
 * RECYCLE_RENDERED_BYTES of images with resvg, or its V8 heap holds RECYCLE_HEAP_BYTES. The main
 * thread with all 30 games loaded holds about 60 MB, with one fresh worker 110–140 MB; the figures
 * were chosen on the 30-game runs (docs/gameqa.md, "Flat memory").
 */
const MEMORY_BUDGET_MB = 224;
const PER_EXTRA_WORKER_MB = 80;
const RECYCLE_RENDERED_BYTES = 1024 * 2 ** 20;
const RECYCLE_HEAP_BYTES = 96 * 2 ** 20;
/**
 * Boards a worker builds before the memory budget may replace it: where a fresh process already
 * holds more than the budget (many workers, a large game), replacing workers would only cost time.
 */
const MIN_BOARDS_PER_WORKER = 32;
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
 * worker keeps two chunks queued so it never waits for this thread. A worker due for replacement
 * is ended at once: the boards it had not answered go back to the front of the line (a board it
 * was writing is written again, with the same bytes), and its replacement starts when it has
 * exited, so no more than `o.workers` workers ever hold memory. Output bytes do not depend on which
 * worker built what, nor on when workers were replaced.
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
  const budget = (MEMORY_BUDGET_MB + PER_EXTRA_WORKER_MB * (o.workers - 1)) * 2 ** 20;
  const due = (built: number, msg: BoardDone): boolean =>
    o.recycleAfterBoards !== undefined
      ? built >= o.recycleAfterBoards
      : msg.renderedBytes >= RECYCLE_RENDERED_BYTES ||
        msg.heapBytes >= RECYCLE_HEAP_BYTES ||
        (built >= MIN_BOARDS_PER_WORKER && process.memoryUsage.rss() > budget);
  /** Job indexes taken back from replaced workers, handed out before `next`. */
  const again: number[] = [];
  let next = first;
  const take = (): number | undefined =>
    again.length > 0 ? again.shift() : next < jobs.length ? next++ : undefined;
  const workLeft = (): boolean => again.length > 0 || next < jobs.length;
  /** Workers not yet exited: all are awaited before the caller may remove the staging folder. */
  const live = new Set<Worker>();
  let pending = jobs.length - first;
  let stopped = false;
  let started = 0;
  let stop: (err?: unknown) => void = () => undefined;
  const run = new Promise<void>((resolve, reject) => {
    stop = (err?: unknown): void => {
      if (stopped) return;
      stopped = true;
      for (const w of live) void w.terminate();
      if (err === undefined) resolve();
      else reject(err);
    };
    const spawn = (): void => {
      const worker = new Worker(script, { workerData: setup, resourceLimits: WORKER_LIMITS });
      live.add(worker);
      started++;
      /** Job indexes sent and not yet answered, oldest first (the first is being built). */
      let queue: number[] = [];
      let built = 0;
      let replaced = false;
      const feed = (): void => {
        while (queue.length < 2 * chunk && workLeft()) {
          const batch: WorkerBatch = [];
          for (let i = take(); i !== undefined; i = batch.length < chunk ? take() : undefined) {
            batch.push({ index: i, job: jobs[i] as Job });
            queue.push(i);
          }
          worker.postMessage(batch);
        }
        if (queue.length === 0) void worker.terminate();
      };
      /** Boards a replaced worker had not answered: back in line once it has exited (no two writers). */
      let back: number[] = [];
      const replace = (): void => {
        replaced = true;
        back = queue.sort((a, b) => a - b);
        queue = [];
        void worker.terminate();
      };
      worker.on("message", (msg: BoardDone | BoardFailed) => {
        // A replaced worker's last answers may still arrive: those boards are built again.
        if (stopped || replaced) return;
        if (msg.type === "error") return stop(new Error(msg.message));
        queue.shift();
        onBoard(msg.index, msg.board, msg.skips);
        if (--pending === 0) return stop();
        if (due(++built, msg) && (workLeft() || queue.length > 0)) replace();
        else feed();
      });
      worker.on("error", (err) => stop(workerFailure(err, jobs[queue[0] ?? -1])));
      worker.on("exit", () => {
        live.delete(worker);
        if (stopped) return;
        if (queue.length > 0)
          return stop(new Error(`a gameqa worker thread ended with ${queue.length} boards unbuilt`));
        again.unshift(...back);
        if (workLeft()) spawn();
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
