import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readRatingsFile } from "../../src/annotate/io.js";
import type { RatingItem } from "../../src/tasks/annotation.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

const item: RatingItem = {
  itemId: "q1",
  sampleId: "s1",
  epoch: 1,
  turn: 0,
  history: [],
  question: "Q",
  answer: "A",
  form: { kind: "score", fields: [{ key: "score", label: "Score", values: [1, 2, 3, 4, 5] }] },
};

test("ratings files saved with a UTF-8 byte-order mark are read (JSONL and CSV)", () => {
  const dir = tempDir();
  const jsonl = join(dir, "r.jsonl");
  writeFileSync(jsonl, '\uFEFF{"item_id": "q1", "annotator": "alice", "score": 4}\n');
  assert.equal(readRatingsFile(jsonl, [item])[0]?.score, 4);
  const csv = join(dir, "r.csv");
  writeFileSync(csv, "\uFEFFitem_id,annotator,score\nq1,bob,5\n");
  assert.equal(readRatingsFile(csv, [item])[0]?.score, 5);
});

test("--port out of range is a usage error, not an internal one", async () => {
  const r = await runCli("annotate", "--run", "x", "--port", "99999");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--port must be an integer between 0 and 65535/);
});
