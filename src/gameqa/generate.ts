import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { UserError } from "../util/errors.js";
import { interruptExitCode } from "../util/interrupt.js";
import { Progress } from "../util/progress.js";
import { DataWriter } from "./data-writer.js";
import { FileThread } from "./file-thread.js";
import { getGame, isFolderGame, loadGames } from "./registry.js";
import { type BuiltBoard, buildBoard, type Job, type SkipNote } from "./sample.js";
import { type SkipCount, SkipTally } from "./skips.js";
import type { GameQASample, Level } from "./types.js";

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

/** Where the main thread's board files go: a file thread for large runs, plain writes for small ones. */
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
/** Batches in flight before the main thread waits (bounds the memory held by pending files). */
const MAX_PENDING_BATCHES = 8;

function boardWriter(dir: string, boards: number): BoardWriter {
  if (boards >= FILE_THREAD_MIN_BOARDS) {
    const thread = new FileThread(dir);
    return {
      dir,
      write: (built) => thread.write(built.files),
      drain: (max) => thread.drain(max),
      close: () => thread.close(),
    };
  }
  return {
    dir,
    write: (built) => writeBoard(dir, built),
    drain: async () => undefined,
    close: async () => undefined,
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
  try {
    if (workers === 1) {
      for (const [i, job] of jobs.entries()) {
        // Let the event loop run between boards, so that an abort (Ctrl-C) is noticed and native
        // memory is given back: resvg's images are freed by N-API finalizers, which Node runs from
        // the event loop (yielding every 50 ms let zuma's whole-image renders pile up, +150 MB).
        // A turn costs microseconds; the cheapest boards take a few hundred.
        await nextTurn();
        if (opts.signal?.aborted) throw interrupted(opts.outDir);
        const built = buildBoard(getGame(job.game), job, opts.seed);
        writer.write(built);
        data.add(i, built.samples);
        tally.add(getGame(job.game), built.skips);
        progress.tick(job.taskIds.length);
        await writer.drain(MAX_PENDING_BATCHES);
      }
    } else {
      const threadsAfterMs = opts.threadsAfterMs ?? THREADS_WORTH_MS;
      await runWorkers(jobs, workers, opts.seed, threadsAfterMs, writer, opts.signal, (i, s, skips) => {
        data.add(i, s);
        tally.add(getGame((jobs[i] as Job).game), skips);
        progress.tick((jobs[i] as Job).taskIds.length);
      });
      if (opts.signal?.aborted) throw interrupted(opts.outDir);
    }
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
  };
}

interface WorkerResult {
  type: "done";
  index: number;
  samples: GameQASample[];
  skips: SkipNote[];
}
interface WorkerError {
  type: "error";
  message: string;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A new thread costs about 0.1 s of CPU to start and then runs cold code for a while (measured:
 * 0.3 CPU-s before it pays on tictactoe boards), so threads start only once the main thread has
 * timed a few boards and the rest would still take longer than this alone.
 */
const THREADS_WORTH_MS = 500;
/** Boards the main thread builds before it estimates the rest. */
const BOARDS_BEFORE_ESTIMATE = 16;

/**
 * Build the jobs with up to K parallel builders: this thread plus K - 1 worker threads, started
 * when the remaining work is worth their start-up (see THREADS_WORTH_MS). Jobs are handed out in
 * small chunks; each worker keeps two chunks queued so it never waits for this thread, which
 * yields to the event loop after every board it builds itself. Output bytes do not depend on who
 * built what.
 */
async function runWorkers(
  jobs: Job[],
  count: number,
  seed: number | string,
  threadsAfterMs: number,
  writer: BoardWriter,
  signal: AbortSignal | undefined,
  onBoard: (index: number, s: GameQASample[], skips: SkipNote[]) => void,
): Promise<void> {
  const staging = writer.dir;
  const games = [...new Set(jobs.map((j) => j.game))];
  const script = new URL("./worker.js", import.meta.url);
  if (!existsSync(script)) throw new Error(`gameqa worker script missing: ${script.pathname}`);
  const chunk = Math.max(1, Math.min(16, Math.ceil(jobs.length / (count * 8))));
  let next = 0;
  let failed = false;
  const all: Worker[] = [];
  const threads: Array<Promise<void>> = [];
  const stopAll = (): void => {
    failed = true;
    next = jobs.length; // hand out nothing more
    for (const w of all) void w.terminate();
  };
  const startThread = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(script, { workerData: { seed, outDir: staging, games } });
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
        onBoard(msg.index, msg.samples, msg.skips);
        queued--;
        feed();
      });
      worker.on("error", (err) => {
        stopAll();
        reject(err);
      });
      feed();
    });
  const startThreads = (): void => {
    for (let k = 1; k < count; k++) {
      const thread = startThread();
      // Awaited only after this thread's own loop: mark it handled now, or a worker failing
      // meanwhile would count as an unhandled rejection (and end the process).
      thread.catch(() => undefined);
      threads.push(thread);
    }
  };
  // Games registered in code exist only in this thread.
  const threadable = games.every(isFolderGame);
  if (threadable && threadsAfterMs <= 0) startThreads();
  const local = async (): Promise<void> => {
    const t0 = performance.now();
    let built = 0;
    while (next < jobs.length && !failed && !signal?.aborted) {
      const index = next++;
      const job = jobs[index] as Job;
      try {
        const board = buildBoard(getGame(job.game), job, seed);
        writer.write(board);
        onBoard(index, board.samples, board.skips);
        await writer.drain(MAX_PENDING_BATCHES);
      } catch (err) {
        stopAll();
        throw err;
      }
      if (++built === BOARDS_BEFORE_ESTIMATE && threadable && threads.length === 0) {
        const rest = ((performance.now() - t0) / built) * (jobs.length - next);
        if (rest > threadsAfterMs) startThreads();
      }
      await nextTurn();
    }
  };
  // An abort stops handing out jobs; the caller sees `signal.aborted` and reports it.
  const onAbort = (): void => stopAll();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await local();
    if (!signal?.aborted) await Promise.all(threads);
  } catch (err) {
    stopAll();
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // No thread may still be writing when the caller removes the staging folder.
    await Promise.all(all.map((w) => w.terminate()));
  }
}
