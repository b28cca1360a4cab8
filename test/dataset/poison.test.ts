/** Poison inputs at load: every one a clear error naming the file and record, never a crash later. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Sample } from "../../src/core/types.js";
import { fieldMapper, fileDataset } from "../../src/dataset/index.js";
import { MAX_RECORD_DEPTH } from "../../src/dataset/limits.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";

const qaSpec = { input: "input", target: "target", id: "id", metadata: "*" as const };

async function all(path: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const s of fileDataset(path, fieldMapper(qaSpec)).samples()) out.push(s);
  return out;
}

/** JSON text of a value nested `depth` levels deep: {"a":{"a":...}}. */
export function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

describe("poison records", () => {
  test("a record nested 5,000 levels deep is refused at load with file:line", async () => {
    const dir = tempDir();
    const p = join(dir, "deep.jsonl");
    writeFileSync(p, `{"input":"ok","target":"x"}\n{"input":"q","target":"t","meta":${deepJson(5000)}}\n`);
    await assert.rejects(all(p), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /deep\.jsonl:2: record is nested more than \d+ levels deep/);
      return true;
    });
    const j = join(dir, "deep.json");
    writeFileSync(j, `[{"input":"q","target":"t","meta":${deepJson(5000)}}]`);
    await assert.rejects(all(j), /deep\.json\[0\]: record is nested/);
  });

  test("a record at the depth limit still loads", async () => {
    const dir = tempDir();
    const p = join(dir, "ok.jsonl");
    writeFileSync(p, `{"input":"q","target":"t","meta":${deepJson(MAX_RECORD_DEPTH - 2)}}\n`);
    assert.equal((await all(p)).length, 1);
  });

  test("a UTF-8 byte-order mark is accepted in JSON and JSONL", async () => {
    const dir = tempDir();
    const jl = join(dir, "bom.jsonl");
    writeFileSync(jl, '\ufeff{"input":"a","target":"b"}\n{"input":"c","target":"d"}\n');
    assert.deepEqual(
      (await all(jl)).map((s) => s.input),
      ["a", "c"],
    );
    const j = join(dir, "bom.json");
    writeFileSync(j, '\ufeff[{"input":"a","target":"b"}]');
    assert.equal((await all(j))[0]!.input, "a");
  });

  test("a Parquet file corrupted inside its pages is a clear error naming the file", async () => {
    const dir = tempDir();
    const buf = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: "input", data: Array.from({ length: 50 }, (_, i) => `question ${i}`), type: "STRING" },
          { name: "target", data: Array.from({ length: 50 }, (_, i) => `answer ${i}`), type: "STRING" },
        ],
      }),
    );
    // Keep the magic bytes and the footer (so the metadata reads), scramble the data pages between.
    const footer = buf.readUInt32LE(buf.length - 8);
    for (let i = 4; i < buf.length - 8 - footer; i++) buf[i] = (buf[i]! * 31 + 7) & 0xff;
    const p = join(dir, "corrupt.parquet");
    writeFileSync(p, buf);
    await assert.rejects(all(p), (err: unknown) => {
      assert.ok(err instanceof UserError, `not a UserError: ${String(err)}`);
      assert.match(err.message, /corrupt\.parquet rows 1-50: not a readable Parquet file/);
      return true;
    });
  });
});
