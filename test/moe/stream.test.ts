/**
 * The streaming builder (chunked, positioned writes; with and without the write thread) must write exactly the bytes of the
 * reference builder (whole source matrices, tensors in order) for every format and kind of split. Tiny
 * chunks make every tensor cross many chunk boundaries.
 */
import assert from "node:assert/strict";
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { type BuildOptions, buildMoe } from "../../src/moe/build.js";
import { type DenseModel, openDense } from "../../src/moe/dense.js";
import { computeSplit } from "../../src/moe/methods.js";
import type { MoeSplit } from "../../src/moe/split.js";
import { WriteThread } from "../../src/moe/write-worker.js";
import { tempDir } from "../formats/helpers.js";
import { sharedPath } from "../helpers/shared.js";
import { tinyLlamaConfig } from "./tiny-config.js";

const dir = tempDir("moe-stream");

const tiny = tinyLlamaConfig();

/** Every file of an export (a GGUF file, or the files of a Hugging Face folder) by relative name. */
function contents(path: string): Map<string, Buffer> {
  if (!statSync(path).isDirectory()) return new Map([["", readFileSync(path)]]);
  return new Map(readdirSync(path).map((f) => [f, readFileSync(join(path, f))]));
}

function assertSameExport(got: string, want: string, what: string): void {
  const a = contents(got);
  const b = contents(want);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `${what}: file names`);
  for (const [f, bytes] of b) {
    const other = a.get(f)!;
    assert.equal(other.byteLength, bytes.byteLength, `${what}: ${f} size`);
    const at = other.findIndex((x, i) => x !== bytes[i]);
    assert.equal(at, -1, `${what}: ${f} differs first at byte ${at}`);
  }
}

let n = 0;
/** Build with the reference writer, then streamed (several chunk sizes, with and without the write thread). */
async function compareBuilds(dense: DenseModel, split: MoeSplit, opts: BuildOptions): Promise<void> {
  const ext = opts.format === "gguf" ? ".gguf" : "";
  const id = n++;
  const ref = join(dir, `ref-${id}${ext}`);
  const refResult = buildMoe(dense, split, ref, { ...opts, reference: true });
  for (const chunkBytes of [24, 100, 1000, undefined]) {
    const what = `${opts.format} chunk ${chunkBytes ?? "default"}`;
    const chunk = chunkBytes ? { chunkBytes } : {};
    // The write thread costs a thread start per build: two chunk sizes are enough for it.
    const threads = chunkBytes === 100 || chunkBytes === undefined ? [false, true] : [false];
    for (const writeThread of threads) {
      const sync = join(dir, `sync-${id}-${chunkBytes}-${writeThread}${ext}`);
      const r1 = buildMoe(dense, split, sync, { ...opts, writeThread, ...chunk });
      assertSameExport(sync, ref, `${what} (write thread ${writeThread})`);
      assert.equal(r1.bytes, refResult.bytes);
      assert.equal(r1.tensors, refResult.tensors);
    }
  }
}

const base = (format: BuildOptions["format"], extra: Partial<BuildOptions> = {}): BuildOptions => ({
  format,
  topK: 2,
  gate: "random",
  gateNetwork: "linear",
  seed: 5,
  ...extra,
});

function hand(dense: DenseModel, layers: MoeSplit["layers"], extra: Partial<MoeSplit> = {}): MoeSplit {
  const c = dense.config;
  return {
    format: "assay-moe-split",
    version: 1,
    method: "importance",
    numExperts: layers[0]!.experts.length,
    numResidual: layers[0]!.residual?.length ?? 0,
    sharing: false,
    remainder: "spread",
    seed: 0,
    hiddenSize: c.hiddenSize,
    intermediateSize: c.intermediateSize,
    numLayers: c.numLayers,
    model: dense.ck.path,
    options: {},
    layers,
    ...extra,
  };
}

describe("streaming build = reference build, byte for byte", () => {
  for (const dtype of ["F32", "BF16"] as const) {
    test(`${dtype} Hugging Face source: three formats, equal / unequal / residual / sharing splits`, async () => {
      const model = join(dir, `m-${dtype}`);
      saveHfModel(model, randomLlamaWeights(tiny, 3, 0.2), dtype);
      const dense = openDense(model);
      const equal = computeSplit(dense, { method: "random", experts: 4, seed: 1, remainder: "error" });
      for (const format of ["llama-moe", "mixtral", "gguf"] as const) {
        await compareBuilds(dense, equal, base(format));
        // Non-power-of-two and per-layer scale factors (folded into the down projections).
        await compareBuilds(dense, equal, base(format, { scale: format === "llama-moe" ? 3 : [3, 0.5] }));
      }
      await compareBuilds(dense, equal, base("gguf", { gate: "centroid" }));
      await compareBuilds(dense, equal, base("llama-moe", { gate: "centroid", gateNetwork: "mlp" }));
      const unequal = computeSplit(dense, { method: "random", experts: 3, seed: 2, remainder: "spread" });
      await compareBuilds(dense, unequal, base("llama-moe", { gate: "centroid" }));
      // Residual experts, and a split whose lists are not ascending (gathered in output order).
      const perm = (k: number): number[] => Array.from({ length: 40 }, (_, i) => (i * 7 + k) % 40);
      const residual = hand(
        dense,
        [0, 1].map((l) => {
          const p = perm(l);
          return { experts: [p.slice(0, 12), p.slice(12, 24), p.slice(24, 36)], residual: [p.slice(36)] };
        }),
      );
      await compareBuilds(dense, residual, base("llama-moe", { residualScale: 1 }));
      const sharing = hand(
        dense,
        [0, 1].map((l) => ({
          experts: [0, 1, 2, 3].map((j) => {
            const p = perm(l + 3 * j);
            // Mixed: some lists descending, one ascending, with runs of consecutive neurons.
            return j === 1 ? p.slice(0, 12).sort((a, b) => a - b) : [20, 21, 22, ...p.slice(0, 9)];
          }),
        })),
        { sharing: true },
      );
      for (const format of ["llama-moe", "mixtral", "gguf"] as const)
        await compareBuilds(dense, sharing, base(format, { scale: 2 }));
      dense.ck.close();
    });
  }

  test("GGUF source and tied embeddings (q/k permuted the other way; lm_head copied from the embedding)", async () => {
    const hfModel = join(dir, "tied");
    saveHfModel(hfModel, randomLlamaWeights({ ...tiny, tieWordEmbeddings: true }, 4, 0.2), "BF16");
    const ck = openCheckpoint(hfModel);
    const gguf = join(dir, "tied.gguf");
    convertCheckpoint(ck, gguf, { to: "gguf" });
    ck.close();
    for (const model of [hfModel, gguf]) {
      const dense = openDense(model);
      const split = computeSplit(dense, { method: "random", experts: 2, seed: 3, remainder: "error" });
      for (const format of ["llama-moe", "mixtral", "gguf"] as const)
        await compareBuilds(dense, split, base(format));
      dense.ck.close();
    }
  });

  test("stories260K, E = 8 unequal experts (LLaMA-MoE)", async (t) => {
    const model = sharedPath("models", "stories260K.bin");
    if (!model) {
      t.skip("../shared absent");
      return;
    }
    const dense = openDense(model);
    const split = computeSplit(dense, { method: "random", experts: 8, seed: 1, remainder: "spread" });
    await compareBuilds(dense, split, base("llama-moe", { gate: "centroid" }));
    const four = computeSplit(dense, { method: "random", experts: 4, seed: 1, remainder: "error" });
    await compareBuilds(dense, four, base("gguf"));
    dense.ck.close();
  });
});

describe("write thread", () => {
  test("writes batches in order; a failed write is reported to every later wait", () => {
    const file = join(dir, "wt.bin");
    writeFileSync(file, "");
    const shared = (text: string): Uint8Array => {
      const b = new Uint8Array(new SharedArrayBuffer(text.length + 4));
      b.set(Buffer.from(text), 2);
      return b.subarray(2, 2 + text.length);
    };
    let fd = openSync(file, "r+");
    let w = new WriteThread();
    w.write([{ fd, bytes: shared("world"), position: 6 }]);
    w.write([
      { fd, bytes: shared("hello "), position: 0 },
      { fd, bytes: Buffer.from("!"), position: 11 }, // not shared: copied on the way
    ]);
    w.wait(w.last);
    w.close();
    closeSync(fd);
    assert.equal(readFileSync(file, "utf8"), "hello world!");
    fd = openSync(file, "r"); // read-only: every write fails
    w = new WriteThread();
    const first = w.write([{ fd, bytes: shared("x"), position: 0 }]);
    assert.throws(() => w.wait(first), /EBADF|bad file descriptor/i);
    const second = w.write([{ fd, bytes: shared("y"), position: 1 }]);
    assert.throws(() => w.wait(second), /EBADF|bad file descriptor/i);
    w.close();
    closeSync(fd);
    assert.equal(readFileSync(file, "utf8"), "hello world!");
  });
});
