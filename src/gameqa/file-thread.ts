/**
 * A thread that creates the main thread's board files, so that the file system's work (from 25 µs to
 * over 0.3 ms per new file, see docs/gameqa.md) runs on another core while the main thread builds the
 * next boards. Files go over in batches: through libuv's pool every file cost three hand-offs (open,
 * write, close) and their callbacks, which took as long on the main thread as the writing itself.
 * This module is also the thread's entry point; it imports only Node built-ins, so it starts quickly.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { OutFile } from "./sample.js";

const MARK = "assay-gameqa-files";

/**
 * Write board files under `dir` (plain writes: the staging folder is published atomically at the
 * end). Worker threads call this too: importing it from here, not from generate.ts, spares each
 * worker the main thread's modules.
 */
export function writeFiles(dir: string, files: readonly OutFile[]): void {
  for (const f of files) writeFileSync(join(dir, f.path), f.data);
}
type Reply = { done: number } | { done: number; error: string; code?: string };

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === MARK) {
  const { dir } = workerData as { dir: string };
  let failed = false;
  parentPort?.on("message", (files: OutFile[]) => {
    // After a failure the rest is skipped: the staging folder is removed anyway.
    if (!failed) {
      try {
        writeFiles(dir, files);
      } catch (err) {
        failed = true;
        const e = err as NodeJS.ErrnoException;
        parentPort?.postMessage({ done: 1, error: e.message, code: e.code } satisfies Reply);
        return;
      }
    }
    parentPort?.postMessage({ done: 1 } satisfies Reply);
  });
}

/**
 * The files' byte arrays that can move to the thread instead of being copied: those that own their
 * whole ArrayBuffer (a PNG); small Buffers share Node's pool slab and must be copied. The caller
 * hands the files over and does not read them again.
 */
function ownBuffers(files: readonly OutFile[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const { data } of files) {
    if (typeof data === "string" || !(data.buffer instanceof ArrayBuffer)) continue;
    if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && !out.includes(data.buffer))
      out.push(data.buffer);
  }
  return out;
}

/** Files per message: large enough to make the hand-off cheap, small enough to keep both threads busy. */
const BATCH_FILES = 16;

/** Writes files under `dir` on a thread of its own, in batches. */
export class FileThread {
  private readonly worker: Worker;
  private batch: OutFile[] = [];
  /** `write` calls in `batch`, and in each batch in flight (oldest first). */
  private calls = 0;
  private inFlight: number[] = [];
  private doneCalls = 0;
  private error: Error | undefined;
  private waiters: Array<() => void> = [];

  constructor(readonly dir: string) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: { kind: MARK, dir } });
    this.worker.on("message", (r: Reply) => {
      const calls = this.inFlight.shift() ?? 0;
      if ("error" in r) this.error ??= Object.assign(new Error(r.error), { code: r.code });
      // Batches are answered in order: after a failure nothing counts as written.
      else if (!this.error) this.doneCalls += calls;
      this.wake();
    });
    this.worker.on("error", (err) => {
      this.error ??= err;
      this.inFlight = [];
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** `write` calls whose files are all on disk (batches are written in the order they were queued). */
  get written(): number {
    return this.doneCalls;
  }

  /** Queue `files` for writing; their byte arrays may be moved to the thread (do not read them after). */
  write(files: readonly OutFile[]): void {
    for (const f of files) this.batch.push(f);
    this.calls++;
    if (this.batch.length >= BATCH_FILES) this.flush();
  }

  /** Send the queued files now (a batch goes when it holds BATCH_FILES files, or at `drain`). */
  flush(): void {
    if (this.calls === 0 || this.error) return;
    this.inFlight.push(this.calls);
    this.worker.postMessage(this.batch, ownBuffers(this.batch));
    this.batch = [];
    this.calls = 0;
  }

  /** Wait until at most `maxBatches` batches are in flight (0: everything written); throws the first error. */
  async drain(maxBatches = 0): Promise<void> {
    if (maxBatches === 0) this.flush();
    while (this.inFlight.length > maxBatches && !this.error)
      await new Promise<void>((r) => this.waiters.push(r));
    if (this.error) throw this.error;
  }

  /** Wait for the batches in flight, ignoring errors, and stop the thread (before removing the folder). */
  async close(): Promise<void> {
    this.batch = [];
    this.calls = 0;
    while (this.inFlight.length > 0) await new Promise<void>((r) => this.waiters.push(r));
    await this.worker.terminate();
  }
}
