import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, test } from "node:test";
import type { CountRules } from "../../src/corpus/shard.js";
import { Xxh64, xxh64Hex } from "../../src/corpus/xxhash64.js";
import { ZstdFramer } from "../../src/corpus/zstd-frames.js";
import { runCount } from "../../src/smi/count.js";
import { UserError } from "../../src/util/errors.js";
import { poisonFiles } from "../fuzz/fuzz-helpers.js";
import { repoRoot } from "../helpers/shared.js";
import { TRIPLES } from "./corpus-fixtures.js";

/** 3,000 JSONL documents compressed by the zstd CLI (level 19, with content checksum). */
const FIXTURE = readFileSync(join(repoRoot, "test", "smi", "fixtures", "docs3000.jsonl.zst"));
const dir = mkdtempSync(join(tmpdir(), "smi-zstd-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const triples = join(dir, "triples.json");
writeFileSync(triples, JSON.stringify(TRIPLES));

async function count(name: string, bytes: Buffer, onBadLine: CountRules["onBadLine"] = "error") {
  const corpus = join(dir, `corpus-${name}`);
  mkdirSync(corpus, { recursive: true });
  writeFileSync(join(corpus, `${name}.jsonl.zst`), bytes);
  return runCount({
    triples,
    corpus: [corpus],
    parts: join(dir, `parts-${name}`),
    out: join(dir, `counts-${name}.json`),
    workers: 1,
    rules: { textField: "text", onBadLine },
    progress: "silent",
  });
}

describe("XXH64", () => {
  test("matches the reference vectors and zstd's own frame checksum, in one piece or streamed", () => {
    assert.equal(xxh64Hex(new Uint8Array(0)), "ef46db3751d8e999");
    assert.equal(xxh64Hex(Buffer.from("a")), "d24ec4f1a98c6e5b");
    assert.equal(xxh64Hex(Buffer.from("abc")), "44bc2cf5ad770999");
    // The fixture's checksum (its last 4 bytes) is the low half of XXH64 of the decompressed text.
    const lines = Array.from({ length: 3000 }, (_, i) =>
      JSON.stringify({
        text: `Document ${i}: Paris is the capital of France and ${i % 7} other facts about city ${(i * 31) % 1000}.`,
        meta: { n: i },
      }),
    );
    const text = Buffer.from(`${lines.join("\n")}\n`);
    const want = FIXTURE.readUInt32LE(FIXTURE.length - 4);
    assert.equal(new Xxh64().update(text).digest()[1], want);
    const streamed = new Xxh64();
    for (let p = 0; p < text.length; p += 1000 + (p % 37))
      streamed.update(text.subarray(p, p + 1000 + (p % 37)));
    assert.deepEqual(streamed.digest(), new Xxh64().update(text).digest());
  });
});

describe("zstd shards are verified", () => {
  test("an intact shard counts every document", async () => {
    const s = await count("intact", FIXTURE);
    assert.equal(s.documents, 3000);
    assert.equal(s.skippedLines, 0);
  });

  test("a damaged shard is named as corrupt, in both --on-bad-line modes, never counted short", async () => {
    // Bytes after the frame header: compressed block data and the checksum itself.
    for (const at of [40, 400, 2000, 7000, 12000, FIXTURE.length - 100, FIXTURE.length - 2]) {
      for (const mode of ["error", "skip"] as const) {
        const bad = Buffer.from(FIXTURE);
        bad[at] = bad[at]! ^ 0x55;
        await assert.rejects(
          count(`bad-${at}-${mode}`, bad, mode),
          (e: unknown) =>
            e instanceof UserError &&
            /bad-\d+-\w+\.jsonl\.zst: corrupt zstd shard/.test(e.message) &&
            !/malformed JSON/.test(e.message),
          `byte ${at}, ${mode}`,
        );
      }
    }
  });

  test("a truncated shard and an empty .zst are errors that name the file", async () => {
    await assert.rejects(
      count("cut", FIXTURE.subarray(0, FIXTURE.length - 500), "skip"),
      /cut\.jsonl\.zst: corrupt zstd shard/,
    );
    await assert.rejects(count("cut4", FIXTURE.subarray(0, FIXTURE.length - 4), "skip"), /truncated/);
    await assert.rejects(count("empty", Buffer.alloc(0)), /empty\.jsonl\.zst: empty file/);
    await assert.rejects(
      count("garbage", Buffer.from("hello world, not zstd")),
      /not a zstd frame at byte 0/,
    );
  });

  test("the poison shards are named errors", async () => {
    for (const path of poisonFiles(".zst")) {
      const name = basename(path, ".jsonl.zst");
      await assert.rejects(count(`poison-${name}`, readFileSync(path), "skip"), (e: unknown) => {
        return e instanceof UserError && e.message.includes(`poison-${name}.jsonl.zst: `);
      });
    }
  });

  test("skippable frames and several frames in one file are read", () => {
    const framer = new ZstdFramer();
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const input = Buffer.concat([skippable, FIXTURE, FIXTURE]);
    let ends = 0;
    let bytes = 0;
    for (let p = 0; p < input.length; p += 777)
      framer.feed(input.subarray(p, p + 777), (b, end) => {
        bytes += b.length;
        if (end) ends++;
      });
    framer.finish();
    assert.equal(ends, 2);
    assert.equal(bytes, 2 * FIXTURE.length);
    assert.equal(framer.frames, 3);
  });

  test("skipped lines are reported in the summary", async () => {
    const lines = Buffer.from(`{"text":"a Paris"}\nnot json\n{"nope":1}\n{"text":"b"}\n`);
    const corpus = join(dir, "corpus-skip");
    mkdirSync(corpus, { recursive: true });
    writeFileSync(join(corpus, "s.jsonl"), lines);
    const s = await runCount({
      triples,
      corpus: [corpus],
      parts: join(dir, "parts-skip"),
      out: join(dir, "counts-skip.json"),
      workers: 1,
      rules: { textField: "text", onBadLine: "skip" },
      progress: "silent",
    });
    assert.equal(s.documents, 2);
    assert.equal(s.skippedLines, 2);
  });
});
