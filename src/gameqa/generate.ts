import { existsSync, mkdirSync, renameSync, rmSync, writeFile, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { UserError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { writeFileAtomic } from "./io.js";
import { getGame, loadGames } from "./registry.js";
import { type BuiltBoard, buildBoard, type Job } from "./sample.js";
import type { GameQASample, Level } from "./types.js";

export interface GenerateOptions {
  games: string[];
  perTask: number;
  plotLevels: Level[];
  seed: number | string;
  outDir: string;
  workers?: number;
  /** "json" = data.json array, "jsonl" = data.jsonl; "auto" picks jsonl above 20,000 samples. */
  format?: "json" | "jsonl" | "auto";
  /** Only these task names or ids (per game); all when absent. */
  tasks?: string[];
  progress?: "auto" | "plain" | "silent";
  /**
   * true (default): the tasks of a game at (plot level, index) question one shared board and image,
   * as the original does for most games; false: every sample gets a state and image of its own.
   */
  shareBoards?: boolean;
}

export interface GenerateResult {
  outDir: string;
  dataFile: string;
  samples: number;
  images: number;
  seconds: number;
}

/** All jobs (boards) in a fixed order: game (as given), plot level, index; each lists its tasks. */
export function planJobs(
  opts: Pick<GenerateOptions, "games" | "perTask" | "plotLevels" | "tasks" | "shareBoards">,
): Job[] {
  const jobs: Job[] = [];
  const share = opts.shareBoards ?? true;
  for (const name of opts.games) {
    const game = getGame(name);
    const tasks = opts.tasks
      ? game.tasks.filter((t) => opts.tasks?.includes(t.name) || opts.tasks?.includes(String(t.id)))
      : game.tasks;
    if (tasks.length === 0) continue;
    const taskIds = tasks.map((t) => t.id);
    for (const plotLevel of opts.plotLevels) {
      for (let index = 0; index < opts.perTask; index++) {
        if (share) jobs.push({ game: game.name, plotLevel, index, taskIds, share });
        else for (const id of taskIds) jobs.push({ game: game.name, plotLevel, index, taskIds: [id], share });
      }
    }
  }
  return jobs;
}

/** Write a board's files into the staging folder (plain writes: the folder is published atomically at the end). */
export function writeBoard(stagingDir: string, built: BuiltBoard): void {
  for (const f of built.files) writeFileSync(join(stagingDir, f.path), f.data);
}

/**
 * Board files written through libuv's thread pool, so that creating files (0.03 to over 0.5 ms
 * each, depending on the disk) runs on another core while this thread builds the next boards.
 * Used by the main thread only: a worker thread terminated with writes in flight could create a
 * file after the staging folder is removed.
 */
class BackgroundWriter {
  private pending = 0;
  private error: Error | undefined;
  private waiters: Array<() => void> = [];

  constructor(readonly dir: string) {}

  write(built: BuiltBoard): void {
    for (const f of built.files) {
      this.pending++;
      writeFile(join(this.dir, f.path), f.data, (err) => {
        this.pending--;
        if (err && !this.error) this.error = err;
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      });
    }
  }

  /** Wait until at most `max` writes are in flight, then report the first write error. */
  async drain(max = 0): Promise<void> {
    while (this.pending > max) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.error) throw this.error;
  }

  /** Wait for every write in flight, ignoring errors (before removing the staging folder). */
  async settle(): Promise<void> {
    await this.drain().catch(() => undefined);
  }
}

/** Writes in flight before the main thread waits (bounds the memory held by pending files). */
const MAX_PENDING_WRITES = 64;

/**
 * Samples are written into OUT/.gameqa-partial-<pid>/{images,states}; when all are done the two
 * folders replace OUT/images and OUT/states by rename, and data.json is written last (atomically).
 * An interrupted run therefore never leaves a data file pointing at missing or half-written files.
 */
function stagingFolder(outDir: string): string {
  const dir = join(outDir, `.gameqa-partial-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "images"), { recursive: true });
  mkdirSync(join(dir, "states"), { recursive: true });
  return dir;
}

function publish(staging: string, outDir: string): void {
  const old = join(staging, "previous");
  mkdirSync(old);
  // Move the previous dataset (if any) aside first, data file included, so no data file ever
  // refers to files of another run.
  for (const name of ["data.json", "data.jsonl", "images", "states"]) {
    if (existsSync(join(outDir, name))) renameSync(join(outDir, name), join(old, name));
  }
  for (const sub of ["images", "states"]) renameSync(join(staging, sub), join(outDir, sub));
  rmSync(staging, { recursive: true, force: true });
}

/** Generate a dataset into opts.outDir (published atomically per folder; data file written last). */
export async function generateDataset(opts: GenerateOptions): Promise<GenerateResult> {
  const start = Date.now();
  await loadGames();
  if (!Number.isInteger(opts.perTask) || opts.perTask < 1)
    throw new UserError("--per-task must be a positive integer");
  const jobs = planJobs(opts);
  if (jobs.length === 0) throw new UserError("nothing to generate (no task matched)");
  mkdirSync(opts.outDir, { recursive: true });
  const staging = stagingFolder(opts.outDir);
  const total = jobs.reduce((n, j) => n + j.taskIds.length, 0);
  const progress = new Progress({
    label: "gameqa generate",
    total,
    unit: "samples",
    mode: opts.progress ?? "auto",
  });
  const boards: Array<GameQASample[] | undefined> = new Array(jobs.length);
  const workers = Math.max(1, Math.min(opts.workers ?? 1, jobs.length));
  const writer = new BackgroundWriter(staging);
  try {
    if (workers === 1) {
      for (const [i, job] of jobs.entries()) {
        const built = buildBoard(getGame(job.game), job, opts.seed);
        writer.write(built);
        boards[i] = built.samples;
        progress.tick(built.samples.length);
        await writer.drain(MAX_PENDING_WRITES);
      }
    } else {
      await runWorkers(jobs, workers, opts.seed, writer, (i, s) => {
        boards[i] = s;
        progress.tick(s.length);
      });
    }
    await writer.drain();
  } catch (err) {
    await writer.settle();
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    progress.finish();
  }
  publish(staging, opts.outDir);
  const list = boards.flatMap((b) => b ?? []);
  const format =
    opts.format === "auto" || opts.format === undefined
      ? list.length > 20_000
        ? "jsonl"
        : "json"
      : opts.format;
  const dataFile = join(opts.outDir, format === "jsonl" ? "data.jsonl" : "data.json");
  const text =
    format === "jsonl"
      ? list.map((s) => JSON.stringify(s)).join("\n") + "\n"
      : `${JSON.stringify(list, null, 2)}\n`;
  writeFileAtomic(dataFile, text);
  const images = new Set(list.map((s) => s.image)).size;
  return {
    outDir: opts.outDir,
    dataFile,
    samples: list.length,
    images,
    seconds: (Date.now() - start) / 1000,
  };
}

interface WorkerResult {
  type: "done";
  index: number;
  samples: GameQASample[];
}
interface WorkerError {
  type: "error";
  message: string;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Build the jobs with K parallel builders: this thread plus K - 1 worker threads (starting a
 * thread costs about 0.1 s of CPU, so the main thread does not sit idle). Jobs are handed out in
 * small chunks; each worker keeps two chunks queued so it never waits for this thread, which
 * yields to the event loop after every board it builds itself. Output bytes do not depend on who
 * built what.
 */
async function runWorkers(
  jobs: Job[],
  count: number,
  seed: number | string,
  writer: BackgroundWriter,
  onBoard: (index: number, s: GameQASample[]) => void,
): Promise<void> {
  const staging = writer.dir;
  const script = new URL("./worker.js", import.meta.url);
  if (!existsSync(script)) throw new Error(`gameqa worker script missing: ${script.pathname}`);
  const chunk = Math.max(1, Math.min(16, Math.ceil(jobs.length / (count * 8))));
  let next = 0;
  let failed = false;
  const all: Worker[] = [];
  const stopAll = (): void => {
    failed = true;
    next = jobs.length; // hand out nothing more
    for (const w of all) void w.terminate();
  };
  const threads = Array.from(
    { length: count - 1 },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(script, { workerData: { seed, outDir: staging } });
        all.push(worker);
        let queued = 0;
        const feed = (): void => {
          while (queued < 2 * chunk && next < jobs.length) {
            const batch = [];
            for (let k = 0; k < chunk && next < jobs.length; k++, next++)
              batch.push({ index: next, job: jobs[next] });
            queued += batch.length;
            worker.postMessage(batch);
          }
          if (queued === 0) void worker.terminate().then(() => resolve());
        };
        worker.on("message", (msg: WorkerResult | WorkerError) => {
          if (msg.type === "error") {
            stopAll();
            reject(new Error(msg.message));
            return;
          }
          onBoard(msg.index, msg.samples);
          queued--;
          feed();
        });
        worker.on("error", (err) => {
          stopAll();
          reject(err);
        });
        feed();
      }),
  );
  const local = async (): Promise<void> => {
    while (next < jobs.length && !failed) {
      const index = next++;
      const job = jobs[index] as Job;
      try {
        const built = buildBoard(getGame(job.game), job, seed);
        writer.write(built);
        onBoard(index, built.samples);
        await writer.drain(MAX_PENDING_WRITES);
      } catch (err) {
        stopAll();
        throw err;
      }
      await nextTurn();
    }
  };
  await Promise.all([...threads, local()]);
}
