import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli, tempDir } from "../helpers/cli.js";

test("resume and rescore from another folder find a dataset given by a relative path where the run started", async () => {
  const project = tempDir();
  mkdirSync(join(project, "data"));
  const rows = Array.from({ length: 6 }, (_, i) =>
    JSON.stringify({ id: `q${i}`, input: `${i}`, target: "x" }),
  );
  writeFileSync(join(project, "data", "qa.jsonl"), rows.join("\n"));
  const db = join(project, "runs.db");
  const server = await startMockServer({ reply: () => "ANSWER: x" });
  try {
    // A token limit stops the run after a few samples: interrupted, to be resumed.
    const first = await runCli(
      [
        ...[
          "eval",
          "qa",
          "--dataset",
          "data/qa.jsonl",
          "--model",
          "openai/m",
          "--model-base-url",
          server.url,
        ],
        ...["--db", db, "--run-id", "r", "--concurrency", "1", "--token-limit", "30", "--progress", "silent"],
      ],
      { cwd: project },
    );
    assert.equal(first.code, 6, first.stderr);
    const elsewhere = tempDir();
    const resumed = await runCli(["resume", "r", "--db", db, "--progress", "silent", "--json"], {
      cwd: elsewhere,
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    const out = JSON.parse(resumed.stdout) as { status: string; summary: { samples: number } };
    assert.equal(out.status, "completed");
    assert.equal(out.summary.samples, 6);
    const rescored = await runCli(["rescore", "r", "--db", db, "--scorer", "includes"], { cwd: elsewhere });
    assert.equal(rescored.code, 0, rescored.stderr);
    assert.match(rescored.stdout, /^includes +6 +1\.000/m);
  } finally {
    await server.close();
  }
});
