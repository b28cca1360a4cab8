import { mkdirSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { UserError } from "../util/errors.js";
import { interruptExitCode } from "../util/interrupt.js";
import { Progress } from "../util/progress.js";
import { DataWriter, formatBoard } from "./data-writer.js";
import { FileThread, writeFiles } from "./file-thread.js";
import { getGame, isFolderGame, loadGames } from "./registry.js";
import { dataFileName, JournalWriter, runManifest, skipNotes } from "./run-journal.js";
import { type BuiltBoard, buildBoard, type Job } from "./sample.js";
import { type SkipCount, SkipTally } from "./skips.js";
import { claimStopped, newStaging, publish, releaseStaging, removeAbandonedStaging } from "./staging.js";
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
   * Aborting stops the run: an earlier dataset in outDir is left as it was, the boards already
   * finished stay in the staging folder for `resume` (the folder is removed when none is), and the
   * promise rejects with a UserError whose exitCode is 130 (143 after SIGTERM).
   */
  signal?: AbortSignal;
  /**
   * Continue the stopped run (interrupted, killed or crashed) staged in outDir whose settings equal
   * these: only the boards its journal does not list are built, and the dataset is byte-identical to
   * an uninterrupted run. A UserError names the first differing setting when the stopped run's
   * settings differ; with no stopped run in outDir the run starts from the beginning.
   */
  resume?: boolean;
  /** How often the journal records finished boards, in ms (default: 1 % of the time taken, 0.2–5 s; 0: after every board). */
  journalEveryMs?: number;
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
  /** Samples a stopped run had finished and this one kept (0 unless resumed). */
  resumedSamples: number;
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

/** Where the main thread's board files go: a file thread once it builds many, plain writes before. */
interface BoardWriter {
  readonly dir: string;
  write(built: BuiltBoard): void;
  /** Boards given to `write`, and those whose files are all on disk (always the first ones). */
  readonly queued: number;
  readonly written: number;
  /** Send the files queued so far without waiting (the rest of the run goes to worker threads). */
  flush(): void;
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
  let plain = 0;
  return {
    dir,
    write: (built) => {
      if (!thread && count >= PLAIN_WRITES_FIRST && boards >= FILE_THREAD_MIN_BOARDS)
        thread = new FileThread(dir);
      count++;
      if (thread) thread.write(built.files);
      else {
        writeFiles(dir, built.files);
        plain++;
      }
    },
    get queued() {
      return count;
    },
    get written() {
      return plain + (thread?.written ?? 0);
    },
    flush: () => thread?.flush(),
    drain: async (max) => thread?.drain(max),
    close: async () => thread?.close(),
  };
}

/** Interrupted: how many samples were kept (and how to continue), or that nothing was written. */
function interrupted(outDir: string, kept: number, total: number, signal?: AbortSignal): UserError {
  const exitCode = interruptExitCode(signal);
  const message =
    kept === 0
      ? `interrupted: nothing was written to ${outDir} (an earlier dataset there is unchanged)`
      : `interrupted: ${kept} of ${total} samples are finished and kept (an earlier dataset in ${outDir} is unchanged); run the same command with --resume to continue`;
  return new UserError(message, { exitCode });
}

/** Samples planned for jobs 0..boards-1 (progress counts planned samples; a few may be dropped). */
const plannedBefore = (jobs: readonly Job[], boards: number): number =>
  jobs.slice(0, boards).reduce((n, j) => n + j.taskIds.length, 0);

/**
 * How often the journal records the finished boards: every 1 % of the time the run has taken, at least
 * every 5 s and at most every 200 ms. A kill -9 loses at most that much work, and a run of many
 * hours appends a few thousand lines, not hundreds of thousands.
 */
const journalEvery = (elapsedMs: number): number => Math.min(5000, Math.max(200, elapsedMs / 100));

/**
 * Generate a dataset into opts.outDir. Files are staged in OUT/.gameqa-partial-<pid>/ (staging.ts);
 * when all are done the images and states replace OUT's by rename and the data file is moved in
 * last, so an interrupted run never leaves a data file pointing at missing or half-written files.
 * The staging folder's journal (run-journal.ts) records the finished boards as the run goes, so a
 * stopped run can be resumed.
 */
export async function generateDataset(opts: GenerateOptions): Promise<GenerateResult> {
  const start = Date.now();
  await loadGames(opts.games);
  if (!Number.isInteger(opts.perTask) || opts.perTask < 1)
    throw new UserError("--per-task must be a positive integer");
  const jobs = planJobs(opts);
  if (jobs.length === 0) throw new UserError("nothing to generate (no task matched)");
  mkdirSync(opts.outDir, { recursive: true });
  const total = jobs.reduce((n, j) => n + j.taskIds.length, 0);
  const format =
    opts.format === "auto" || opts.format === undefined ? (total > 20_000 ? "jsonl" : "json") : opts.format;
  const dataName = dataFileName(format);
  const manifest = runManifest({
    games: [...new Set(jobs.map((j) => j.game))],
    tasks: opts.tasks ?? null,
    perTask: opts.perTask,
    plotLevels: opts.plotLevels,
    seed: String(opts.seed),
    shareBoards: opts.shareBoards ?? true,
    format,
    boards: jobs.length,
    samples: total,
  });
  const claimed = opts.resume ? claimStopped(opts.outDir, manifest) : undefined;
  const staging = claimed?.dir ?? newStaging(opts.outDir, manifest);
  const from = claimed?.journal?.mark;
  const tally = new SkipTally();
  for (const delta of claimed?.journal?.skips ?? []) tally.add(getGame(delta[0]), skipNotes(delta));
  const first = from?.boards ?? 0;
  const done = plannedBefore(jobs, first);
  const progress = new Progress({
    label: from ? `gameqa generate (resumed: ${done} of ${total} samples were done)` : "gameqa generate",
    total: total - done,
    unit: "samples",
    mode: opts.progress ?? "auto",
  });
  const data = new DataWriter(join(staging, dataName), format, from);
  const journal = new JournalWriter(staging, from, (i) => (jobs[i] as Job).game);
  // More builders than CPUs only adds start-up and switching.
  const workers = Math.max(1, Math.min(opts.workers ?? 1, jobs.length - first, availableParallelism()));
  const writer = boardWriter(staging, jobs.length - first);
  /** Record the boards whose data text and files are all written (this thread's go to the file thread). */
  const commit = (): void => {
    const filesDone = writer.written < writer.queued ? first + writer.written : jobs.length;
    const mark = data.markAt(filesDone);
    if (mark) journal.commit(mark);
  };
  const t0 = performance.now();
  let lastCommit = t0;
  let written: { samples: number; images: number };
  let workerThreads: number;
  try {
    workerThreads = await buildAll(
      jobs,
      first,
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
        journal.noteSkips(i, skips);
        progress.tick((jobs[i] as Job).taskIds.length);
        const now = performance.now();
        if (now - lastCommit >= (opts.journalEveryMs ?? journalEvery(now - t0))) {
          lastCommit = now;
          commit();
        }
      },
    );
    if (opts.signal?.aborted) throw interrupted(opts.outDir, 0, total, opts.signal);
    await writer.drain();
    written = data.close();
  } catch (err) {
    // Keep what is finished: the files in flight are written, then the journal records them.
    if (opts.signal?.aborted) await writer.drain().catch(() => undefined);
    await writer.close();
    try {
      commit();
    } catch {
      // A full disk: the journal keeps its last whole line.
    }
    data.abandon();
    journal.close();
    const kept = journal.mark;
    if (!kept?.boards) rmSync(staging, { recursive: true, force: true });
    releaseStaging(staging);
    const keptSamples = plannedBefore(jobs, kept?.boards ?? 0);
    throw opts.signal?.aborted ? interrupted(opts.outDir, keptSamples, total, opts.signal) : err;
  } finally {
    progress.finish();
  }
  await writer.close();
  journal.close();
  publish(staging, opts.outDir, dataName);
  releaseStaging(staging);
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
    resumedSamples: from?.samples ?? 0,
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
  first: number,
  o: BuildSettings,
  writer: BoardWriter,
  onBoard: OnBoard,
): Promise<number> {
  const threadable = jobs.every((j) => isFolderGame(j.game));
  const worth = o.threadsAfterMs * (o.workers > 1 ? 1 : SOLO_WORKER_FACTOR);
  let next = first;
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
  if (next === jobs.length) return 0;
  // The journal counts this thread's boards only once their files are on disk.
  writer.flush();
  return runWorkerPool(jobs, next, o, writer.dir, onBoard);
}
