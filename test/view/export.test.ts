/**
 * `assay export`: JSONL carries everything a run stored (transcript, judge calls in the per-sample
 * store, score metadata) unless --slim; CSV neutralises cells a spreadsheet would run as formulas.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { RunStore } from "../../src/store/run-store.js";
import { csvCell } from "../../src/view/export.js";
import { writeQaRun } from "../compare/fixture.js";
import { runCli } from "../helpers/in-process-cli.js";

const dir = mkdtempSync(join(tmpdir(), "assay-export-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const TRANSCRIPT = [
  { role: "system", content: "Answer briefly." },
  { role: "user", content: "What is 2+2?" },
  { role: "assistant", content: "=2+2" },
  { role: "user", content: "Are you sure?" },
  { role: "assistant", content: "ANSWER: 4" },
];
const JUDGE_CALLS = [{ prompt: "Grade this answer: ANSWER: 4", verdict: "Correct. Score: 1" }];

function writeRun(db: string): void {
  const store = new RunStore(db);
  writeQaRun(store, {
    runId: "full",
    model: "openai/m",
    samples: [
      { id: "a", value: 1 },
      { id: "b", value: 0, output: '=HYPERLINK("http://evil","x")' },
      { id: "c", value: 0, output: "@SUM(A1)" },
    ],
  });
  // A multi-turn sample with judge calls and score metadata, added to the same run.
  store.addResult("full", {
    sampleId: "d",
    epoch: 1,
    seq: 3,
    input: TRANSCRIPT.slice(0, 2),
    target: "4",
    messages: TRANSCRIPT,
    output: "ANSWER: 4",
    store: { judge_calls: JUDGE_CALLS },
    inputTokens: 20,
    outputTokens: 6,
    judgeInputTokens: 30,
    judgeOutputTokens: 4,
    latencyMs: 9,
    cached: false,
    scores: { exact: { value: 1, answer: "4", explanation: "matches", metadata: { runs: [1, 1, 0] } } },
  });
  store.flush();
  store.close();
}

describe("assay export", () => {
  const db = join(dir, "runs.db");
  writeRun(db);

  test("JSONL keeps the whole transcript, the judge calls and score metadata", async () => {
    const r = await runCli("export", "full", "--db", db);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows.length, 4);
    const d = rows.find((x) => x.sample_id === "d")!;
    assert.deepEqual(d.messages, TRANSCRIPT);
    assert.deepEqual((d.store as { judge_calls: unknown }).judge_calls, JUDGE_CALLS);
    assert.deepEqual((d.scores as Record<string, { metadata: unknown }>).exact?.metadata, {
      runs: [1, 1, 0],
    });
    assert.equal(typeof d.finished_at, "string");
  });

  test("--slim keeps the short layout", async () => {
    const r = await runCli("export", "full", "--db", db, "--slim");
    assert.equal(r.code, 0, r.stderr);
    const d = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((x) => x.sample_id === "d")!;
    assert.equal("messages" in d, false);
    assert.equal("store" in d, false);
    assert.deepEqual(Object.keys((d.scores as Record<string, object>).exact ?? {}).sort(), [
      "answer",
      "explanation",
      "value",
    ]);
  });

  test("CSV cells that start a formula are neutralised; numbers are not", async () => {
    const r = await runCli("export", "full", "--db", db, "--format", "csv");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /,"'=HYPERLINK\(""http:\/\/evil"",""x""\)",/);
    assert.match(r.stdout, /,'@SUM\(A1\),/);
    for (const line of r.stdout.split("\n").slice(1)) {
      for (const cell of line.split(","))
        assert.doesNotMatch(cell, /^"?[=+@]/, `cell ${cell} would run as a formula`);
    }
    assert.equal(csvCell(-3), "-3");
    assert.equal(csvCell("-3+A1"), "'-3+A1");
    assert.equal(csvCell("\t=1"), "'\t=1");
    assert.equal(csvCell("plain"), "plain");
  });
});
