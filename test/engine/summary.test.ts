import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("a judged scorer whose every grade is unreadable stays in show and report, with n = 0 and a note", async () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, "data.jsonl"),
    ["France", "Japan"].map((c, i) => JSON.stringify({ id: `s${i}`, input: c, target: "x" })).join("\n"),
  );
  const config = join(dir, "eval.yaml");
  writeFileSync(
    config,
    [
      "dataset: data.jsonl",
      'prompt: "Capital of {input}?"',
      "scorers:",
      "  - includes",
      "  - rubric",
      "",
    ].join("\n"),
  );
  // The judge answers without any grade, as a small local model that ignores the format does.
  const server = await startMockServer({ reply: () => "I think it is fine." });
  const db = join(dir, "runs.db");
  try {
    const ev = await runCli(
      ...["eval", "-c", config, "--model", "openai/m", "--judge", "openai/j"],
      ...["--model-base-url", server.url, "--judge-base-url", server.url, "--db", db, "--run-id", "r1"],
    );
    assert.equal(ev.code, 0, ev.stderr);
    const show = await runCli("show", "r1", "--db", db);
    assert.match(show.stdout, /^rubric +0 +– +– +–$/m);
    assert.match(show.stdout, /rubric: no sample has a numeric score/);
    assert.doesNotMatch(show.stdout, /null/);
    const report = await runCli("report", "r1", "--db", db);
    assert.match(report.stdout, /^model .* includes .* rubric *$/m);
    assert.doesNotMatch(report.stdout, /null/);
    const html = await runCli("report", "r1", "--db", db, "--format", "html");
    assert.match(html.stdout, /No sample has a numeric rubric score/);
    assert.doesNotMatch(html.stdout, /rubric by run/);
    assert.match(html.stdout, /includes by run/);
  } finally {
    await server.close();
  }
});
