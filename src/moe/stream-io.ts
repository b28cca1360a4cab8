/**
 * Positioned, chunked output for the MoE builder. A build is a list of steps; each reads one bounded range
 * of a source file, turns it into writes at known positions of the output file, and holds no other state,
 * so memory depends on the chunk size, not on the tensor size. `runSteps` runs them: on one thread with one
 * buffer (read → run → write), or with the writes on a write thread (write-worker.ts) overlapping the next
 * steps' reads and gathers.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import type { SequentialTensorWriter } from "../formats/tensor-writer.js";
import { UserError } from "../util/errors.js";
import { WriteThread } from "./write-worker.js";

export interface Write {
  bytes: Uint8Array;
  /** Absolute position in the output file. */
  position: number;
}

export interface Step {
  /** Source bytes the step needs, read before `run` (absent for computed tensors). */
  read?: { fd: number; position: number; length: number; file: string };
  /**
   * Turn the input into writes. `scratch(n)` is an n-byte buffer owned by this step until its writes finish
   * (one call per step). `input` and the returned bytes must not be kept after the step.
   */
  run(input: Uint8Array, scratch: (n: number) => Uint8Array): Write[];
  /** Output tensors completed by this step (for the progress bar). */
  ticks?: number;
  detail?: string;
}

/** The output file of a writer whose header is already on disk, written at positions instead of in order. */
export interface PositionedFile {
  descriptor(): number;
  /** Absolute position of tensor `index` (spec order). */
  position(index: number): number;
  /** Every byte is written: pad (GGUF), give the file its final name, close. */
  commit(): void;
  /** Give up: close and remove the partial file. */
  abort(): void;
}

/** A safetensors or GGUF writer (header and tensor offsets already on disk) used for positioned writes. */
export function positioned(writer: SequentialTensorWriter): PositionedFile {
  return {
    descriptor: () => writer.descriptor,
    position: (index) => writer.tensorPosition(index),
    commit: () => writer.commitPositioned(),
    abort: () => writer.abort(),
  };
}

/** Read-only descriptors for the source files, opened once per build. */
export class SourceFiles {
  private readonly fds = new Map<string, number>();
  fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = openSync(file, "r");
      this.fds.set(file, fd);
    }
    return fd;
  }
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/**
 * A reusable buffer that grows to the largest size asked of it. Shared ones reach the write thread without a
 * copy; they grow by powers of two, so that the few buffers the thread has been handed stay within twice the
 * largest.
 */
class Grow {
  private buf: Uint8Array = new Uint8Array(0);
  constructor(private readonly shared = false) {}
  get(n: number): Uint8Array {
    if (this.buf.byteLength < n) {
      this.buf = this.shared
        ? new Uint8Array(new SharedArrayBuffer(2 ** Math.ceil(Math.log2(n))))
        : new Uint8Array(n);
    }
    return this.buf.subarray(0, n);
  }
}

function shortRead(r: NonNullable<Step["read"]>, done: number): UserError {
  return new UserError(
    `${r.file}: unexpected end of file at byte ${r.position + done} (wanted ${r.length} bytes from ${r.position})`,
  );
}

export type OnStep = (step: Step) => void;

function readFully(r: NonNullable<Step["read"]>, into: Uint8Array): Uint8Array {
  for (let done = 0; done < r.length; ) {
    const got = readSync(r.fd, into, done, r.length - done, r.position + done);
    if (got === 0) throw shortRead(r, done);
    done += got;
  }
  return into;
}

const EMPTY = new Uint8Array(0);

/**
 * Run the steps on this thread. With `thread`, the writes drain on a write thread while the next steps are
 * read and gathered here: SLOTS steps in flight, and slot k's buffers are reused only once its previous batch
 * is written (memory: SLOTS × (input + scratch)). Without, one input and one scratch buffer.
 */
export function runSteps(steps: Iterable<Step>, out: number, onStep?: OnStep, thread = false): void {
  if (!thread) {
    const input = new Grow();
    const scratch = new Grow();
    for (const step of steps) {
      const data = step.read ? readFully(step.read, input.get(step.read.length)) : EMPTY;
      for (const w of step.run(data, (n) => scratch.get(n))) {
        for (let done = 0; done < w.bytes.byteLength; )
          done += writeSync(out, w.bytes, done, w.bytes.byteLength - done, w.position + done);
      }
      onStep?.(step);
    }
    return;
  }
  const inputs = Array.from({ length: SLOTS }, () => new Grow(true));
  const scratches = Array.from({ length: SLOTS }, () => new Grow(true));
  const written: number[] = new Array<number>(SLOTS).fill(-1);
  const writer = new WriteThread();
  try {
    let i = 0;
    for (const step of steps) {
      const k = i++ % SLOTS;
      writer.wait(written[k]!);
      const data = step.read ? readFully(step.read, inputs[k]!.get(step.read.length)) : EMPTY;
      const writes = step.run(data, (n) => scratches[k]!.get(n));
      written[k] = writer.write(writes.map((w) => ({ fd: out, bytes: w.bytes, position: w.position })));
      onStep?.(step);
    }
    writer.wait(writer.last);
  } finally {
    writer.close();
  }
}

/** Steps in flight with a write thread: one being gathered, the others' writes draining. */
const SLOTS = 3;
