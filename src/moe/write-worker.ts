/**
 * A thread that performs the builder's output writes back to back, so that they overlap the reads and
 * gathers of the main thread. Buffered writes to one file serialise on its inode lock anyway: from libuv's
 * pool they would spin on that lock, and chained one by one from the main thread they would wait for its
 * event loop between writes. Buffers on a SharedArrayBuffer are handed to the thread once and then named by
 * number (posting a typed array over one costs tens of microseconds); the caller leaves a buffer untouched
 * until the batch using it is done. Completion is a shared counter the caller waits on with Atomics.wait,
 * so `buildMoe` stays a plain synchronous function.
 * This module is also the worker's entry point (it imports nothing else, so the thread starts quickly).
 */
import { writeSync } from "node:fs";
import {
  isMainThread,
  MessageChannel,
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  Worker,
  workerData,
} from "node:worker_threads";

/** Bytes of a registered shared buffer, or bytes of their own (copied on the way: small computed tensors). */
type WireBytes = { buffer: number; offset: number; length: number } | { bytes: Uint8Array };
type WireWrite = WireBytes & { fd: number; position: number };
type Message = { id: number; writes: WireWrite[] } | { register: number; buffer: SharedArrayBuffer };

interface Setup {
  kind: typeof MARK;
  /** [batches finished (written or failed), 1 once a write failed, thread state (RUNNING/EXITED)]. */
  control: Int32Array;
  /** Where the error of a failed write is sent. */
  errors: MessagePort;
}

const MARK = "assay-moe-writer";
const DONE = 0;
const FAILED = 1;
const STATE = 2;
const RUNNING = 1;
const EXITED = 2;
/** A thread that has not started after this long is reported instead of waited for. */
const START_TIMEOUT_MS = 30_000;

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === MARK) {
  const { control, errors } = workerData as Setup;
  // A waiting caller must learn that the thread is gone, however it ended.
  process.on("exit", () => {
    Atomics.store(control, STATE, EXITED);
    Atomics.notify(control, DONE);
  });
  Atomics.store(control, STATE, RUNNING);
  const buffers = new Map<number, Uint8Array>();
  const perform = (w: WireWrite): void => {
    const bytes = "bytes" in w ? w.bytes : buffers.get(w.buffer)!.subarray(w.offset, w.offset + w.length);
    for (let done = 0; done < bytes.byteLength; )
      done += writeSync(w.fd, bytes, done, bytes.byteLength - done, w.position + done);
  };
  parentPort!.on("message", (m: Message) => {
    if ("register" in m) {
      buffers.set(m.register, new Uint8Array(m.buffer));
      return;
    }
    // After a failure later batches are skipped: the file is incomplete and will be removed.
    if (Atomics.load(control, FAILED) === 0) {
      try {
        for (const w of m.writes) perform(w);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        errors.postMessage({ message: e.message, code: e.code });
        Atomics.store(control, FAILED, 1);
      }
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  });
}

export interface ThreadWrite {
  fd: number;
  bytes: Uint8Array;
  position: number;
}

/** Writes on a thread of their own, in the order the batches are given. */
export class WriteThread {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly errors = new MessageChannel();
  private readonly started = Date.now();
  private next = 0;
  private failure: Error | undefined;
  /** Shared buffers the thread holds, by id (a grown buffer is a new one). */
  private readonly registered = new Map<SharedArrayBuffer, number>();

  constructor() {
    const setup: Setup = { kind: MARK, control: this.control, errors: this.errors.port2 };
    this.worker = new Worker(new URL(import.meta.url), {
      workerData: setup,
      transferList: [this.errors.port2],
    });
  }

  /** Queue a batch of writes (each written fully); returns its id for `wait`. */
  write(writes: readonly ThreadWrite[]): number {
    const id = this.next++;
    const wire = writes.map(({ fd, bytes, position }): WireWrite => {
      if (!(bytes.buffer instanceof SharedArrayBuffer)) return { fd, bytes, position };
      let buffer = this.registered.get(bytes.buffer);
      if (buffer === undefined) {
        buffer = this.registered.size;
        this.registered.set(bytes.buffer, buffer);
        this.worker.postMessage({ register: buffer, buffer: bytes.buffer } satisfies Message);
      }
      return { fd, buffer, offset: bytes.byteOffset, length: bytes.byteLength, position };
    });
    this.worker.postMessage({ id, writes: wire } satisfies Message);
    return id;
  }

  /** Block until batch `id` (and every earlier one) is done; throws if a write failed. */
  wait(id: number): void {
    for (let n = Atomics.load(this.control, DONE); n <= id; n = Atomics.load(this.control, DONE)) {
      this.alive();
      Atomics.wait(this.control, DONE, n, 100);
    }
    this.check();
  }

  /** The id of the last batch queued (−1 before the first). */
  get last(): number {
    return this.next - 1;
  }

  /**
   * Let every queued batch finish (so nothing writes once the caller closes the file), then stop the
   * thread. Never throws: on success the caller has already waited for `last`; after a failure the first
   * error is what the caller reports.
   */
  close(): void {
    try {
      this.wait(this.last);
    } catch {
      // See above.
    } finally {
      void this.worker.terminate();
      this.errors.port1.close();
    }
  }

  /** Waiting on a thread that is gone (or never started) would never end. */
  private alive(): void {
    const state = Atomics.load(this.control, STATE);
    if (state === EXITED || (state !== RUNNING && Date.now() - this.started > START_TIMEOUT_MS))
      this.failure ??= new Error(`the output write thread ${state === EXITED ? "exited" : "did not start"}`);
    if (this.failure) throw this.failure;
  }

  private check(): void {
    if (Atomics.load(this.control, FAILED) === 0) return;
    if (!this.failure) {
      const m = receiveMessageOnPort(this.errors.port1)?.message as
        | { message: string; code?: string }
        | undefined;
      this.failure = Object.assign(
        new Error(m?.message ?? "writing the output failed"),
        m?.code ? { code: m.code } : {},
      );
    }
    throw this.failure;
  }
}
