import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { type BoardText, formatBoard } from "./data-writer.js";
import { writeFiles } from "./file-thread.js";
import { getGame, loadGames } from "./registry.js";
import { resvgRenderedBytes } from "./render/resvg.js";
import { buildBoard, type Job, type SkipNote } from "./sample.js";

/** What a worker is started with. */
export interface WorkerSetup {
  seed: number | string;
  outDir: string;
  format: "json" | "jsonl";
}
/** A message to a worker: boards to build, by job index. */
export type WorkerBatch = Array<{ index: number; job: Job }>;
/** A worker's answer for one board, with what it holds now (the main thread decides when to replace it). */
export interface BoardDone {
  type: "done";
  index: number;
  board: BoardText;
  skips: SkipNote[];
  /** V8 heap in use plus the external memory V8 knows of, in this worker. */
  heapBytes: number;
  /** resvg pixels rendered by this worker since it started. */
  renderedBytes: number;
}
export interface BoardFailed {
  type: "error";
  message: string;
}

/**
 * Worker thread of `gameqa generate`: builds the boards it is sent, writes their files and sends
 * back their data-file text, so the main thread holds no samples. It loads a game's code when the
 * first board of that game arrives (jobs come game by game, so a replacement worker loads one or two).
 */
const { seed, outDir, format } = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error("gameqa worker must run in a worker thread");

// Batches run one after another, with a turn of the event loop after every board: resvg's images
// live in native memory that is freed only by finalizers, which run on such turns (see render/resvg.ts).
let work: Promise<void> = Promise.resolve();
port.on("message", (batch: WorkerBatch) => {
  work = work.then(async () => {
    for (const { index, job } of batch) {
      try {
        await loadGames([job.game]);
        const built = buildBoard(getGame(job.game), job, seed);
        writeFiles(outDir, built.files);
        const heap = getHeapStatistics();
        port.postMessage({
          type: "done",
          index,
          board: formatBoard(built.samples, format),
          skips: built.skips,
          heapBytes: heap.used_heap_size + heap.external_memory,
          renderedBytes: resvgRenderedBytes(),
        } satisfies BoardDone);
      } catch (err) {
        port.postMessage({
          type: "error",
          message: err instanceof Error ? err.message : String(err),
        } satisfies BoardFailed);
        return;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  });
});
