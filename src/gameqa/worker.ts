import { parentPort, workerData } from "node:worker_threads";
import { writeBoard } from "./generate.js";
import { getGame, loadGames } from "./registry.js";
import { buildBoard, type Job } from "./sample.js";

/** Worker thread for `gameqa generate --workers K`: builds the jobs it is sent and writes their files. */
const { seed, outDir, games } = workerData as { seed: number | string; outDir: string; games: string[] };
const port = parentPort;
if (!port) throw new Error("gameqa worker must run in a worker thread");
const ready = loadGames(games); // only the games asked for: the thread starts sooner

// Batches run one after another, with a turn of the event loop after every board: resvg's images
// live in native memory that is freed only by finalizers, which run on such turns (see render/resvg.ts).
let work: Promise<void> = Promise.resolve();
port.on("message", (batch: Array<{ index: number; job: Job }>) => {
  work = work.then(async () => {
    await ready;
    for (const { index, job } of batch) {
      try {
        const built = buildBoard(getGame(job.game), job, seed);
        writeBoard(outDir, built);
        port.postMessage({ type: "done", index, samples: built.samples, skips: built.skips });
      } catch (err) {
        port.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
        return;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  });
});
