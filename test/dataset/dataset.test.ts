import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Sample } from "../../src/core/types.js";
import { fieldMapper, fileDataset, parseFieldSpec } from "../../src/dataset/index.js";
import { mcqRecordToSample } from "../../src/tasks/mcq.js";
import { tempDir } from "../helpers/cli.js";

async function all(ds: ReturnType<typeof fileDataset>): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const s of ds.samples()) out.push(s);
  return out;
}

const qaSpec = { input: "input", target: "target", id: "id", metadata: "*" as const };

describe("file datasets", () => {
  test("JSONL: ids default to the record number, extra fields become metadata, count is streamed", async () => {
    const dir = tempDir();
    const p = join(dir, "d.jsonl");
    writeFileSync(p, '{"input":"a","target":"b","lvl":1}\n\n{"id":7,"input":"c","target":["d","e"]}\n');
    const ds = fileDataset(p, fieldMapper(qaSpec));
    assert.equal(await ds.count(), 2);
    const s = await all(ds);
    assert.deepEqual(s[0], { id: "1", input: "a", target: "b", metadata: { lvl: 1 } });
    assert.deepEqual(s[1], { id: "7", input: "c", target: ["d", "e"], metadata: {} });
  });

  test("every malformed record names file, line and field", async () => {
    const dir = tempDir();
    const cases: Array<[string, string, RegExp]> = [
      [
        "bad.jsonl",
        '{"input":"a","target":"b"}\n{"input": 5, "target":"x"}\n',
        /bad\.jsonl:2: field "input": expected a string, got number 5/,
      ],
      ["arr.jsonl", "[1,2]\n", /arr\.jsonl:1: expected a JSON object, got an array/],
      ["empty.jsonl", '{"input":"  ","target":"x"}\n', /empty\.jsonl:1: field "input": empty string/],
      [
        "dup.jsonl",
        '{"id":"a","input":"x","target":"y"}\n{"id":"a","input":"x","target":"y"}\n',
        /dup\.jsonl:2: duplicate sample id "a"/,
      ],
      [
        "msgs.jsonl",
        '{"input":[{"role":"robot","content":"x"}],"target":"y"}\n',
        /msgs\.jsonl:1: field "input\[0\]\.role": expected system, user or assistant/,
      ],
      [
        "bad.json",
        '[\n{"input":"a","target":"b"},\n{"input":"a" "target":"b"}\n]',
        /bad\.json:3: invalid JSON/,
      ],
      [
        "obj.json",
        '{"items": [{"input":"a","target":"b"}, {"target":"b"}]}',
        /obj\.json\[1\]: field "input": missing/,
      ],
      ["data.csv", "input,target\n", /unknown dataset format/],
    ];
    for (const [name, text, pattern] of cases) {
      const p = join(dir, name);
      writeFileSync(p, text);
      await assert.rejects(all(fileDataset(p, fieldMapper(qaSpec))), pattern, name);
    }
  });

  test("field mapping from the command-line form", async () => {
    const spec = parseFieldSpec("input=question,target=answer,metadata=subject|level", qaSpec);
    assert.deepEqual(spec, { input: "question", target: "answer", id: "id", metadata: ["subject", "level"] });
    assert.throws(() => parseFieldSpec("question", qaSpec), /must look like sampleField=recordField/);
    assert.throws(() => parseFieldSpec("label=x", qaSpec), /unknown sample field "label"/);
  });

  test("Parquet files are read row by row with row numbers in errors", async () => {
    const dir = tempDir();
    const p = join(dir, "d.parquet");
    const buf = parquetWriteBuffer({
      columnData: [
        { name: "question", data: ["1+1?", "2+2?", "3+3?"], type: "STRING" },
        { name: "answer", data: ["2", "4", "6"], type: "STRING" },
        { name: "n", data: [1n, 2n, 3n], type: "INT64" },
      ],
    });
    writeFileSync(p, Buffer.from(buf));
    const ds = fileDataset(p, fieldMapper(parseFieldSpec("input=question,target=answer", qaSpec)));
    assert.equal(await ds.count(), 3);
    const s = await all(ds);
    assert.deepEqual(s[2], { id: "3", input: "3+3?", target: "6", metadata: { n: 3 } });
    const bad = fileDataset(p, fieldMapper({ input: "question", target: "missing" }));
    await assert.rejects(all(bad), /d\.parquet row 1: field "missing": missing/);
    writeFileSync(join(dir, "broken.parquet"), "not parquet at all");
    await assert.rejects(
      all(fileDataset(join(dir, "broken.parquet"), fieldMapper(qaSpec))),
      /not a readable Parquet file/,
    );
  });

  test("URLs are downloaded once into the cache", async () => {
    const dir = tempDir();
    process.env.ASSAY_CACHE_DIR = join(dir, "cache");
    let hits = 0;
    const { createServer } = await import("node:http");
    const server = createServer((_req, res) => {
      hits++;
      res.end('{"input":"q","target":"a"}\n');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const url = `http://127.0.0.1:${port}/data/set.jsonl`;
      assert.equal((await all(fileDataset(url, fieldMapper(qaSpec)))).length, 1);
      assert.equal((await all(fileDataset(url, fieldMapper(qaSpec)))).length, 1);
      assert.equal(hits, 1);
      await assert.rejects(
        all(fileDataset(`http://127.0.0.1:9/x.jsonl`, fieldMapper(qaSpec))),
        /cannot download dataset .*the network is unreachable.*--dataset <path to x\.jsonl>/s,
      );
    } finally {
      server.close();
      delete process.env.ASSAY_CACHE_DIR;
    }
  });

  test("mcq records accept letters or indexes and reject out-of-range answers", () => {
    assert.equal(mcqRecordToSample({ question: "q", choices: ["a", "b"], answer: 1 }, 0).target, "B");
    assert.equal(mcqRecordToSample({ question: "q", choices: ["a", "b"], answer: "a" }, 0).target, "A");
    assert.throws(
      () => mcqRecordToSample({ question: "q", choices: ["a", "b"], answer: "C" }, 0),
      /letter C but only 2 choices/,
    );
    assert.throws(
      () => mcqRecordToSample({ question: "q", choices: ["a"], answer: "A" }, 0),
      /2 to 26 options/,
    );
  });
});
