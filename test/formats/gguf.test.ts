import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gguf as hfGguf } from "@huggingface/gguf";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { encodeFromF32 } from "../../src/formats/dtype.js";
import { type GgufMetaValue, GgufWriter, gguf, readGguf } from "../../src/formats/gguf.js";
import { assertUserError, tempDir } from "./helpers.js";

const dir = tempDir("gguf");

function writeSample(
  file: string,
  alignment?: number,
): { meta: Map<string, GgufMetaValue>; data: Map<string, Uint8Array> } {
  const meta = new Map<string, GgufMetaValue>([
    ["general.architecture", gguf.str("test")],
    ["t.u8", { type: "u8", value: 200 }],
    ["t.i8", { type: "i8", value: -100 }],
    ["t.u16", { type: "u16", value: 60000 }],
    ["t.i16", { type: "i16", value: -30000 }],
    ["t.u32", gguf.u32(4_000_000_000)],
    ["t.i32", gguf.i32(-2_000_000_000)],
    ["t.f32", gguf.f32(0.5)],
    ["t.bool", gguf.bool(true)],
    ["t.str", gguf.str("héllo ✓")],
    ["t.u64", gguf.u64(2n ** 40n)],
    ["t.i64", { type: "i64", value: -(2n ** 40n) }],
    ["t.f64", { type: "f64", value: Math.PI }],
    ["t.strings", gguf.arr("string", ["a", "", "ccc"])],
    ["t.floats", gguf.arr("f32", [1.5, -2])],
    ["t.ints", gguf.arr("i32", [1, -2, 3])],
  ]);
  if (alignment !== undefined) meta.set("general.alignment", gguf.u32(alignment));
  const data = new Map<string, Uint8Array>([
    [
      "m.f32",
      encodeFromF32(
        Float32Array.from({ length: 6 }, (_, i) => i + 0.5),
        "F32",
      ),
    ],
    [
      "m.f16",
      encodeFromF32(
        Float32Array.from({ length: 5 }, (_, i) => -i),
        "F16",
      ),
    ],
    [
      "m.bf16",
      encodeFromF32(
        Float32Array.from({ length: 8 }, (_, i) => i * 2),
        "BF16",
      ),
    ],
  ]);
  const w = new GgufWriter(file, meta, [
    { name: "m.f32", dtype: "F32", shape: [2, 3] },
    { name: "m.f16", dtype: "F16", shape: [5] },
    { name: "m.bf16", dtype: "BF16", shape: [2, 2, 2] },
  ]);
  for (const [name, bytes] of data) w.writeTensor(name, bytes);
  w.close();
  return { meta, data };
}

describe("GGUF writing and reading", () => {
  for (const alignment of [undefined, 64]) {
    test(`round-trips metadata of every type and tensors (alignment ${alignment ?? "default"})`, async () => {
      const file = join(dir, `sample-${alignment ?? "default"}.gguf`);
      const { meta, data } = writeSample(file, alignment);
      const g = readGguf(file);
      assert.equal(g.version, 3);
      assert.equal(g.alignment, alignment ?? 32);
      assert.equal(g.dataStart % g.alignment, 0);
      assert.deepEqual(new Map(g.metadata), meta);
      const ck = openCheckpoint(file);
      for (const [name, bytes] of data) assert.deepEqual(new Uint8Array(ck.readRaw(name)), bytes);
      assert.deepEqual(ck.tensor("m.f32").shape, [2, 3]);
      assert.deepEqual(ck.readF32("m.f32"), Float32Array.from([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]));
      ck.close();
      assert.equal(readFileSync(file).byteLength % g.alignment, 0);

      // Independent parser: @huggingface/gguf.
      const parsed = await hfGguf(file, { allowLocalFile: true });
      const m = parsed.metadata as Record<string, unknown>;
      assert.equal(m["t.u32"], 4_000_000_000);
      assert.equal(m["t.i16"], -30000);
      assert.equal(m["t.str"], "héllo ✓");
      assert.equal(m["t.u64"], 2n ** 40n);
      assert.equal(m["t.f64"], Math.PI);
      assert.deepEqual(m["t.strings"], ["a", "", "ccc"]);
      assert.deepEqual(m["t.ints"], [1, -2, 3]);
      assert.equal(m["t.bool"], true);
      assert.equal(Number(parsed.tensorDataOffset), g.dataStart);
      const infos = parsed.tensorInfos.map((t) => ({
        name: t.name,
        dims: t.shape.map(Number),
        dtype: t.dtype,
        offset: Number(t.offset),
      }));
      assert.deepEqual(infos, [
        { name: "m.f32", dims: [3, 2], dtype: 0, offset: 0 },
        { name: "m.f16", dims: [5], dtype: 1, offset: g.alignment },
        { name: "m.bf16", dims: [2, 2, 2], dtype: 30, offset: 2 * g.alignment },
      ]);
    });
  }
});

describe("GGUF corrupted files give clear errors", () => {
  const good = join(dir, "good.gguf");
  writeSample(good);
  const bytes = readFileSync(good);
  const variant = (name: string, edit: (b: Buffer) => Buffer): string => {
    const file = join(dir, name);
    writeFileSync(file, edit(Buffer.from(bytes)));
    return file;
  };
  /** Offset of the first tensor-info record (its name length) in the good file. */
  const infoStart = bytes.indexOf(Buffer.from("m.f32")) - 8;

  test("bad magic", () => {
    const file = variant("magic.gguf", (b) => {
      b.write("GGUX", 0, "latin1");
      return b;
    });
    assertUserError(() => readGguf(file), file, "magic");
  });
  test("truncated header", () => {
    const file = variant("trunc.gguf", (b) => b.subarray(0, 100));
    assertUserError(() => readGguf(file), file, "truncated");
  });
  test("truncated tensor data", () => {
    const file = variant("trunc-data.gguf", (b) => b.subarray(0, b.byteLength - 40));
    assertUserError(() => readGguf(file), file, '"m.bf16"', "past the end");
  });
  test("absurd tensor count", () => {
    const file = variant("count.gguf", (b) => {
      b.writeBigUInt64LE(1n << 62n, 8);
      return b;
    });
    assertUserError(() => readGguf(file), file, "tensor count");
  });
  test("absurd string length", () => {
    const file = variant("strlen.gguf", (b) => {
      b.writeBigUInt64LE(1n << 50n, 24);
      return b;
    });
    assertUserError(() => readGguf(file), file, "length");
  });
  test("absurd metadata array length is refused before allocating", () => {
    // "t.ints": u64 key length, key, u32 type (array), u32 item type, u64 length
    const lengthAt = bytes.indexOf(Buffer.from("t.ints")) + 6 + 4 + 4;
    const file = variant("arraylen.gguf", (b) => {
      b.writeBigUInt64LE(1n << 40n, lengthAt);
      return b;
    });
    assertUserError(() => readGguf(file), file, '"t.ints"', "array length");
  });
  test("unknown tensor type names the tensor", () => {
    // record: u64 name length, name, u32 n_dims, n_dims × u64, u32 type, u64 offset
    const typeAt = infoStart + 8 + 5 + 4 + 2 * 8;
    const file = variant("type.gguf", (b) => {
      b.writeUInt32LE(77, typeAt);
      return b;
    });
    assertUserError(() => readGguf(file), file, '"m.f32"', "unknown ggml type 77");
  });
  test("misaligned and overlapping offsets", () => {
    const offsetAt = infoStart + 8 + 5 + 4 + 2 * 8 + 4;
    const misaligned = variant("misaligned.gguf", (b) => {
      b.writeBigUInt64LE(4n, offsetAt);
      return b;
    });
    assertUserError(() => readGguf(misaligned), '"m.f32"', "alignment");
    // Point m.f16 (second record) at m.f32's offset 0.
    const second = bytes.indexOf(Buffer.from("m.f16")) - 8;
    const overlapAt = second + 8 + 5 + 4 + 8 + 4;
    const overlap = variant("overlap.gguf", (b) => {
      b.writeBigUInt64LE(0n, overlapAt);
      return b;
    });
    assertUserError(() => readGguf(overlap), "overlap");
  });
  test("too many dimensions", () => {
    const file = variant("dims.gguf", (b) => {
      b.writeUInt32LE(9, infoStart + 8 + 5);
      return b;
    });
    assertUserError(() => readGguf(file), '"m.f32"', "dimensions");
  });
});
