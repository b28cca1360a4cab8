/**
 * The streaming builder's plan: the output tensors of build.ts turned into bounded steps (stream-io.ts).
 * Untouched tensors are copied in chunks; q/k projections are permuted a few heads at a time; each source
 * FFN matrix is read once, in blocks of rows, and every block is scattered to all experts at once:
 *  - gate/up ([width, hidden], one row per neuron): for an ascending neuron list, the rows of a block that
 *    belong to an expert are one run of that expert's output rows, so a block costs one write per expert;
 *  - down ([hidden, width]): a block of rows r0..r1 is, for every expert, the contiguous [r1 − r0, n] block
 *    at row r0 of its output; its columns are gathered (and scaled) into it.
 * Neuron lists that are not ascending (sharing splits keep score order) are gathered in output order with
 * one positioned read per run of consecutive rows instead. Bytes are the same as the reference path's.
 */
import type { Checkpoint } from "../formats/checkpoint.js";
import { bytesPerElement, isFloatDType } from "../formats/dtype.js";
import { readExactly } from "../formats/file.js";
import { permuteRopeInto, type RopeLayout } from "../formats/names.js";
import { UserError } from "../util/errors.js";
import { type FfnPart, ffnName } from "./dense.js";
import { gatherCols, gatherRows, isAscending, lowerBound } from "./source.js";
import type { PositionedFile, SourceFiles, Step, Write } from "./stream-io.js";

export interface OutTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Reference path: emits the tensor's bytes in order (any number of chunks). */
  produce(emit: (bytes: Uint8Array) => void): void;
  /** Streaming path; absent: the bytes `produce` emits (small computed tensors: gates, zeros, F32 norms). */
  stream?: TensorStream;
}

export type TensorStream =
  | { kind: "copy"; src: string }
  /** q/k rows permuted between RoPE layouts (from `from` to the other one). */
  | { kind: "rope"; src: string; headDim: number; from: RopeLayout }
  | { kind: "slices"; group: SliceGroup };

/** Expert slices of one source FFN matrix, written by one pass over it. */
export interface SliceGroup {
  layer: number;
  part: FfnPart;
  sets: readonly (readonly number[])[];
  /** Multiplies the down projection (1 leaves the bytes as stored). */
  factor: number;
  /** One output tensor per set, or (stacked) one tensor holding every set's slice one after another. */
  tensors: OutTensor[];
  stacked: boolean;
}

/**
 * Source bytes per step. Small enough that a step's input and output stay in the CPU caches between the
 * read, the gather and the write (measured on the 7B-shaped bench: 4 MB steps were up to 2 × slower than
 * 512 KB ones, 128 KB ones pay more per-step overhead); large enough for few system calls.
 */
export const DEFAULT_CHUNK_BYTES = 512 << 10;

/** Every step of a build, in output order. */
export function* buildSteps(
  ck: Checkpoint,
  tensors: readonly OutTensor[],
  file: PositionedFile,
  src: SourceFiles,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<Step> {
  const index = new Map(tensors.map((t, i) => [t, i]));
  for (const [i, t] of tensors.entries()) {
    const at = file.position(i);
    const s = t.stream;
    if (s === undefined) yield produceStep(t, at);
    else if (s.kind === "copy") yield* copySteps(ck, t.name, s.src, at, src, chunkBytes);
    else if (s.kind === "rope") yield* ropeSteps(ck, t.name, s, at, src, chunkBytes);
    else if (s.group.tensors[0] === t) {
      const positions = s.group.tensors.map((u) => file.position(index.get(u)!));
      yield* sliceSteps(ck, s.group, positions, src, chunkBytes);
    }
  }
}

function produceStep(t: OutTensor, at: number): Step {
  return {
    ticks: 1,
    detail: t.name,
    run: () => {
      const writes: Write[] = [];
      let within = 0;
      t.produce((b) => {
        // Emitted views may be reused by the producer; the write may happen later.
        writes.push({ bytes: b.slice(), position: at + within });
        within += b.byteLength;
      });
      return writes;
    },
  };
}

/** Steps of one output tensor; the last one counts the tensor(s) done. */
function finish(steps: Step[], ticks: number, detail: string): Step[] {
  if (steps.length === 0) steps.push({ run: () => [] });
  steps[steps.length - 1]!.ticks = ticks;
  for (const s of steps) s.detail = detail;
  return steps;
}

function copySteps(
  ck: Checkpoint,
  name: string,
  from: string,
  at: number,
  src: SourceFiles,
  chunk: number,
): Step[] {
  const t = ck.tensor(from);
  const fd = src.fd(t.file);
  const steps: Step[] = [];
  for (let off = 0; off < t.byteLength; off += chunk) {
    const length = Math.min(chunk, t.byteLength - off);
    steps.push({
      read: { fd, position: t.byteOffset + off, length, file: t.file },
      run: (input) => [{ bytes: input, position: at + off }],
    });
  }
  return finish(steps, 1, name);
}

function ropeSteps(
  ck: Checkpoint,
  name: string,
  s: Extract<TensorStream, { kind: "rope" }>,
  at: number,
  src: SourceFiles,
  chunk: number,
): Step[] {
  const t = ck.tensor(s.src);
  const fd = src.fd(t.file);
  const rowBytes = t.byteLength / t.shape[0]!;
  const headBytes = s.headDim * rowBytes;
  const heads = t.byteLength / headBytes;
  const per = Math.max(1, Math.floor(chunk / headBytes));
  const steps: Step[] = [];
  for (let h0 = 0; h0 < heads; h0 += per) {
    const h = Math.min(per, heads - h0);
    steps.push({
      read: { fd, position: t.byteOffset + h0 * headBytes, length: h * headBytes, file: t.file },
      run: (input, scratch) => {
        const out = scratch(input.byteLength);
        permuteRopeInto(input, out, s.headDim, rowBytes, s.from);
        return [{ bytes: out, position: at + h0 * headBytes }];
      },
    });
  }
  return finish(steps, 1, name);
}

function sliceSteps(
  ck: Checkpoint,
  g: SliceGroup,
  positions: readonly number[],
  src: SourceFiles,
  chunk: number,
): Step[] {
  const name = ffnName(ck, g.layer, g.part);
  const t = ck.tensor(name);
  if (!isFloatDType(t.dtype)) {
    throw new UserError(
      `${ck.path}: tensor "${name}" is ${t.dtype}; experts can only be sliced from F32, F16 or BF16 tensors`,
    );
  }
  const dtype = t.dtype;
  const elem = bytesPerElement(dtype);
  const [rows, cols] = t.shape as [number, number];
  const rowBytes = cols * elem;
  const fd = src.fd(t.file);
  const down = g.part === "down";
  // Byte offset of each set's slice: its own tensor, or its place in the stacked tensor.
  const dest: number[] = [];
  let stackedAt = positions[0]!;
  for (const [j, S] of g.sets.entries()) {
    dest.push(g.stacked ? stackedAt : positions[j]!);
    stackedAt += S.length * (down ? rows : cols) * elem;
  }
  const per = Math.max(1, Math.floor(chunk / rowBytes));
  const steps: Step[] = [];
  const block = (r0: number): Step["read"] => ({
    fd,
    position: t.byteOffset + r0 * rowBytes,
    length: (Math.min(rows, r0 + per) - r0) * rowBytes,
    file: t.file,
  });
  if (down) {
    const idx = g.sets.map((S) => Int32Array.from(S));
    for (let r0 = 0; r0 < rows; r0 += per) {
      const n = Math.min(rows, r0 + per) - r0;
      steps.push({
        read: block(r0),
        run: (input, scratch) => {
          const out = scratch(n * idx.reduce((a, s) => a + s.length, 0) * elem);
          const writes: Write[] = [];
          let o = 0;
          for (const [j, ix] of idx.entries()) {
            const bytes = out.subarray(o, o + n * ix.length * elem);
            o += bytes.byteLength;
            gatherCols(input, n, cols, dtype, ix, bytes, g.factor);
            if (bytes.byteLength > 0) writes.push({ bytes, position: dest[j]! + r0 * ix.length * elem });
          }
          return writes;
        },
      });
    }
    return finish(steps, g.tensors.length, g.tensors[0]!.name);
  }
  const ascending = g.sets.map((S) => isAscending(S));
  if (ascending.some((a) => a)) {
    for (let r0 = 0; r0 < rows; r0 += per) {
      const r1 = Math.min(rows, r0 + per);
      steps.push({
        read: block(r0),
        run: (input, scratch) => {
          const runs = g.sets.map((S, j) => (ascending[j] ? [lowerBound(S, r0), lowerBound(S, r1)] : [0, 0]));
          const out = scratch(runs.reduce((a, [p0, p1]) => a + (p1! - p0!), 0) * rowBytes);
          const writes: Write[] = [];
          let o = 0;
          for (const [j, [p0, p1]] of runs.entries()) {
            if (p1 === p0) continue;
            const bytes = out.subarray(o, o + (p1! - p0!) * rowBytes);
            o += bytes.byteLength;
            gatherRows(input, r0, rowBytes, g.sets[j]!, p0!, p1!, bytes);
            writes.push({ bytes, position: dest[j]! + p0! * rowBytes });
          }
          return writes;
        },
      });
    }
  }
  for (const [j, S] of g.sets.entries()) {
    if (ascending[j]) continue;
    for (let p0 = 0; p0 < S.length; p0 += per) {
      const p1 = Math.min(S.length, p0 + per);
      steps.push({
        run: (_, scratch) => {
          const out = scratch((p1 - p0) * rowBytes);
          for (let p = p0; p < p1; ) {
            let q = p + 1;
            while (q < p1 && S[q] === S[q - 1]! + 1) q++;
            const into = out.subarray((p - p0) * rowBytes, (q - p0) * rowBytes);
            readExactly(fd, t.byteOffset + S[p]! * rowBytes, into.byteLength, t.file, into);
            p = q;
          }
          return [{ bytes: out, position: dest[j]! + p0 * rowBytes }];
        },
      });
    }
  }
  return finish(steps, g.tensors.length, g.tensors[0]!.name);
}
