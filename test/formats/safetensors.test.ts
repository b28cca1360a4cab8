import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { decodeToF32, encodeFromF32 } from "../../src/formats/dtype.js";
import { readSafetensorsHeader, SafetensorsWriter, writeSafetensors } from "../../src/formats/safetensors.js";
import { assertUserError, tempDir } from "./helpers.js";

const dir = tempDir("safetensors");

/** Build a file by hand: u64 header length, JSON header, data. */
function handMade(name: string, header: unknown, data: Uint8Array, lengthOverride?: bigint): string {
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(json.byteLength));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([len, json, data]));
  return file;
}

describe("safetensors writing and reading", () => {
  test("round-trips F32, F16 and BF16 tensors byte for byte", () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => i * 0.25 - 1);
    const tensors = [
      { name: "a.f32", dtype: "F32", shape: [3, 4], data: encodeFromF32(a, "F32") },
      { name: "a.f16", dtype: "F16", shape: [12], data: encodeFromF32(a, "F16") },
      { name: "a.bf16", dtype: "BF16", shape: [2, 2, 3], data: encodeFromF32(a, "BF16") },
      { name: "empty", dtype: "F32", shape: [0, 5], data: new Uint8Array(0) },
    ];
    const file = join(dir, "round.safetensors");
    writeSafetensors(file, tensors, { format: "pt" });
    // Check the layout independently of our reader: length prefix, JSON, 8-byte aligned data start.
    const bytes = readFileSync(file);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + n) % 8, 0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8"));
    assert.deepEqual(header.__metadata__, { format: "pt" });
    assert.deepEqual(header["a.f16"].data_offsets, [48, 72]);
    const ck = openCheckpoint(file);
    try {
      for (const t of tensors) {
        assert.deepEqual(new Uint8Array(ck.readRaw(t.name)), t.data, t.name);
        assert.deepEqual(ck.tensor(t.name).shape, t.shape);
      }
      assert.deepEqual(ck.readF32("a.f32"), a);
      assert.deepEqual(ck.readF32("a.f16"), a); // multiples of 0.25 are exact in half and bfloat16
      assert.deepEqual(ck.readF32("a.bf16"), a);
      assert.deepEqual(decodeToF32(ck.readRawRange("a.f32", 16, 16), "F32"), a.subarray(4, 8));
    } finally {
      ck.close();
    }
  });

  test("the streaming writer accepts data in arbitrary chunks and refuses incomplete files", () => {
    const file = join(dir, "stream.safetensors");
    const specs = [
      { name: "x", dtype: "F32", shape: [5] },
      { name: "y", dtype: "BF16", shape: [3] },
    ];
    const x = encodeFromF32(Float32Array.from([1, 2, 3, 4, 5]), "F32");
    const y = encodeFromF32(Float32Array.from([6, 7, 8]), "BF16");
    const all = new Uint8Array([...x, ...y]);
    const w = new SafetensorsWriter(file, specs);
    for (let i = 0; i < all.length; i += 3) w.write(all.subarray(i, i + 3));
    w.close();
    assert.deepEqual(
      readSafetensorsHeader(file).tensors.map((t) => t.name),
      ["x", "y"],
    );
    const partial = new SafetensorsWriter(join(dir, "partial.safetensors"), specs);
    partial.write(x);
    assert.throws(() => partial.close(), /before tensor "y"/);
  });
});

describe("safetensors corrupted files give clear errors", () => {
  const ok = { w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  test("truncated header length", () => {
    const file = join(dir, "tiny.safetensors");
    writeFileSync(file, Buffer.from([1, 2, 3]));
    assertUserError(() => readSafetensorsHeader(file), file, "truncated");
  });
  test("header length beyond the file", () => {
    const file = handMade("beyond.safetensors", ok, new Uint8Array(8), 5000n);
    assertUserError(() => readSafetensorsHeader(file), file, "past the end");
  });
  test("absurd header length is refused before allocating", () => {
    const file = handMade("absurd.safetensors", ok, new Uint8Array(8), 1n << 60n);
    assertUserError(() => readSafetensorsHeader(file), file, "exceeds");
  });
  test("unknown dtype names the tensor", () => {
    const file = handMade(
      "dtype.safetensors",
      { w: { dtype: "F12", shape: [2], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    assertUserError(() => readSafetensorsHeader(file), file, '"w"', "unknown dtype");
  });
  test("overlapping tensors", () => {
    const header = {
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      b: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
    };
    const file = handMade("overlap.safetensors", header, new Uint8Array(12));
    assertUserError(() => readSafetensorsHeader(file), file, "overlap", '"a"', '"b"');
  });
  test("offsets past the data", () => {
    const file = handMade("short.safetensors", ok, new Uint8Array(4));
    assertUserError(() => readSafetensorsHeader(file), file, '"w"', "past the end");
  });
  test("size disagreeing with the shape", () => {
    const header = { w: { dtype: "F16", shape: [3], data_offsets: [0, 8] } };
    const file = handMade("mismatch.safetensors", header, new Uint8Array(8));
    assertUserError(() => readSafetensorsHeader(file), file, '"w"', "needs 6");
  });
  test("header that is not JSON", () => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(4n);
    const file = join(dir, "json.safetensors");
    writeFileSync(file, Buffer.concat([len, Buffer.from("{oops")]));
    assertUserError(() => readSafetensorsHeader(file), file, "JSON");
  });
  test("negative or fractional offsets", () => {
    const file = handMade(
      "neg.safetensors",
      { w: { dtype: "F32", shape: [2], data_offsets: [-8, 0] } },
      new Uint8Array(8),
    );
    assertUserError(() => readSafetensorsHeader(file), '"w"', "data_offsets");
  });
});
