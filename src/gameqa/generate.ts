import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { UserError } from "../util/errors.js";
import { interruptExitCode } from "../util/interrupt.js";
import { Progress } from "../util/progress.js";
import { DataWriter, formatBoard } from "./data-writer.js";
import { FileThread } from "./file-thread.js";
import { getGame, isFolderGame, loadGames } from "./registry.js";
import { type BuiltBoard, buildBoard, type Job } from "./sample.js";
import { type SkipCount, SkipTally } from "./skips.js";
import type { Level } from "./types.js";
import { type OnBoard, type PoolSettings, runWorkerPool } from "./worker-pool.js";

export interface GenerateOptions {
  games: string[];
  perTask: number;
  plotLevels: Level[];
  seed: number | string;
  outDir: string;
  /** Parallel builders (this thread included); at most the number of CPUs. Default 1. */
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
  /**
   * Worker threads start only when the main thread, after timing its first boards, estimates the
   * rest at more than this many milliseconds (default 500: a thread costs about 0.1 s to start and
   * runs cold code for a while). 0 starts them at once.
   */
  threadsAfterMs?: number;
  /**
   * Aborting stops the run: the staging folder is removed, an earlier dataset in outDir is left as
   * it was, and the promise rejects with a UserError whose exitCode is 130.
   */
  signal?: AbortSignal;
  /**
   * Boards a worker thread builds before a fresh one replaces it (for tests and tuning). By default a
   * worker is replaced by what it holds (the process's memory budget, its resvg renders, its heap:
   * see worker-pool.ts); a worker that ends frees its whole heap and resvg's native images with it.
   */
  recycleAfterBoards?: number;
}

export interface GenerateResult {
  outDir: string;
  dataFile: string;
  samples: number;
  images: number;
  seconds: number;
  /** States a task turned down (it then drew another), per game, task and reason. */
  skipped: SkipCount[];
  /** Samples not made (the task turned down every state it drew for that board), with the reason. */
  dropped: SkipCount[];
  /** Worker threads started, replacements included (0: all built in this thread). */
  workerThreads: number;
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

/** Where the main thread's board files go: a file thread once it builds many, plain writes before. */
interface BoardWriter {
  readonly dir: string;
  write(built: BuiltBoard): void;
  /** Wait until at most `max` batches are in flight (0: all written); throws the first write error. */
  drain(max?: number): Promise<void>;
  /** Wait for what is in flight, ignoring errors, and release the writer. */
  close(): Promise<void>;
}

/** Below this many boards a file thread's start-up (about 30 ms) costs more than it saves. */
const FILE_THREAD_MIN_BOARDS = 64;
/** Boards written here before the file thread starts (a run may still hand over to workers). */
const PLAIN_WRITES_FIRST = 16;
/** Batches in flight before the main thread waits (bounds the memory held by pending files). */
const MAX_PENDING_BATCHES = 8;

/**
 * Plain writes for the first boards the main thread builds (PLAIN_WRITES_FIRST); a file thread for
 * the rest of what it builds.
 */
function boardWriter(dir: string, boards: number): BoardWriter {
  let thread: FileThread | undefined;
  let count = 0;
  return {
    dir,
    write: (built) => {
      if (!thread && ++count > PLAIN_WRITES_FIRST && boards >= FILE_THREAD_MIN_BOARDS)
        thread = new FileThread(dir);
      if (thread) thread.write(built.files);
      else writeBoard(dir, built);
    },
    drain: async (max) => thread?.drain(max),
    close: async () => thread?.close(),
  };
}

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

/** Staging folders of runs that died (killed, crashed): their process no longer exists. */
function removeAbandonedStaging(outDir: string): void {
  for (const name of readdirSync(outDir)) {
    const pid = /^\.gameqa-partial-(\d+)$/.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH")
        rmSync(join(outDir, name), { recursive: true, force: true });
    }
  }
}

const interrupted = (outDir: string): UserError =>
  new UserError(`interrupted: nothing was written to ${outDir} (an earlier dataset there is unchanged)`, {
    exitCode: interruptExitCode(),
  });

function publish(staging: string, outDir: string, dataName: string): void {
  const old = join(staging, "previous");
  mkdirSync(old);
  // Move the previous dataset (if any) aside first, data file included, so no data file ever
  // refers to files of another run.
  for (const name of ["data.json", "data.jsonl", "images", "states"]) {
    if (existsSync(join(outDir, name))) renameSync(join(outDir, name), join(old, name));
  }
  for (const sub of ["images", "states"]) renameSync(join(staging, sub), join(outDir, sub));
  // The data file last: it names the images and states now in place.
  renameSync(join(staging, dataName), join(outDir, dataName));
  rmSync(staging, { recursive: true, force: true });
}

/** Generate a dataset into opts.outDir (published atomically per folder; data file written last). */
export async function generateDataset(opts: GenerateOptions): Promise<GenerateResult> {
  const start = Date.now();
  await loadGames(opts.games);
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
  const tally = new SkipTally();
  const format =
    opts.format === "auto" || opts.format === undefined ? (total > 20_000 ? "jsonl" : "json") : opts.format;
  const dataName = format === "jsonl" ? "data.jsonl" : "data.json";
  const data = new DataWriter(join(staging, dataName), format);
  // More builders than CPUs only adds start-up and switching.
  const workers = Math.max(1, Math.min(opts.workers ?? 1, jobs.length, availableParallelism()));
  const writer = boardWriter(staging, jobs.length);
  let written: { samples: number; images: number };
  let workerThreads: number;
  try {
    workerThreads = await buildAll(
      jobs,
      {
        workers,
        seed: opts.seed,
        format,
        threadsAfterMs: opts.threadsAfterMs ?? THREADS_WORTH_MS,
        recycleAfterBoards: opts.recycleAfterBoards,
        signal: opts.signal,
      },
      writer,
      (i, board, skips) => {
        data.addText(i, board);
        tally.add(getGame((jobs[i] as Job).game), skips);
        progress.tick((jobs[i] as Job).taskIds.length);
      },
    );
    if (opts.signal?.aborted) throw interrupted(opts.outDir);
    await writer.drain();
    written = data.close();
  } catch (err) {
    data.abandon();
    await writer.close();
    rmSync(staging, { recursive: true, force: true });
    throw err;
  } finally {
    progress.finish();
  }
  await writer.close();
  publish(staging, opts.outDir, dataName);
  removeAbandonedStaging(opts.outDir);
  return {
    outDir: opts.outDir,
    dataFile: join(opts.outDir, dataName),
    samples: written.samples,
    images: written.images,
    seconds: (Date.now() - start) / 1000,
    skipped: tally.skippedStates(),
    dropped: tally.droppedSamples(),
    workerThreads,
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A new thread costs about 0.1 s of CPU to start and then runs cold code for a while (measured:
 * 0.3 CPU-s before it pays on tictactoe boards), so the main thread builds boards for this long
 * first, and threads take over only when the rest would still take longer than this alone.
 */
const THREADS_WORTH_MS = 500;
/**
 * With `--workers 1` a thread adds no parallelism, only flat memory over a long run: it takes over
 * only when the rest would take longer than this many times THREADS_WORTH_MS on the main thread
 * (a 2,000-sample tictactoe run costs 20 % less CPU built here than in a worker).
 */
const SOLO_WORKER_FACTOR = 4;
/**
 * Timing the first boards overstates the rest up to about 3× (cold code), so a run whose rest looks
 * this many times too long after COLD_BOARDS boards hands over at once instead of after the timing.
 */
const COLD_OVERSTATEMENT = 4;
const COLD_BOARDS = 16;

interface BuildSettings extends PoolSettings {
  threadsAfterMs: number;
}

/**
 * Build every job. The main thread builds boards itself for `threadsAfterMs` and estimates the rest
 * from the rate of the second half of that time (the first boards run cold code; a run that looks
 * far too long after its first boards hands over at once). When the rest is
 * worth their start-up and every game comes from a game folder, `workers` worker threads build the
 * rest and this thread only writes the data file. Otherwise (a small run, or a game registered in
 * code, which exists only in this thread) it builds everything, yielding to the event loop before
 * every board so that an abort is noticed and resvg's images are freed.
 */
async function buildAll(
  jobs: Job[],
  o: BuildSettings,
  writer: BoardWriter,
  onBoard: OnBoard,
): Promise<number> {
  const threadable = jobs.every((j) => isFolderGame(j.game));
  const worth = o.threadsAfterMs * (o.workers > 1 ? 1 : SOLO_WORKER_FACTOR);
  let next = 0;
  if (!threadable || o.threadsAfterMs > 0) {
    const t0 = performance.now();
    let probing = threadable;
    let warm: { t: number; boards: number } | undefined;
    while (next < jobs.length) {
      // A turn costs microseconds; the cheapest boards take a few hundred.
      await nextTurn();
      if (o.signal?.aborted) return 0;
      const index = next++;
      const job = jobs[index] as Job;
      const built = buildBoard(getGame(job.game), job, o.seed);
      writer.write(built);
      onBoard(index, formatBoard(built.samples, o.format), built.skips);
      await writer.drain(MAX_PENDING_BATCHES);
      if (!probing) continue;
      const now = performance.now();
      if (next === COLD_BOARDS && ((now - t0) / next) * (jobs.length - next) > worth * COLD_OVERSTATEMENT)
        break;
      if (!warm) {
        if (now - t0 >= o.threadsAfterMs / 2) warm = { t: now, boards: next };
      } else if (now - t0 >= o.threadsAfterMs) {
        probing = false;
        const rest = ((now - warm.t) / (next - warm.boards)) * (jobs.length - next);
        if (rest > worth) break;
      }
    }
  }
  return next < jobs.length ? runWorkerPool(jobs, next, o, writer.dir, onBoard) : 0;
}
