/** `assay eval … --dataset hf:…` end to end, and `resume` refusing a dataset that moved to a new commit. */
import assert from "node:assert/strict";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { commitId, parquet, startFakeHub } from "./fake-hub.js";

test("eval reads an hf: split; resume refuses the run once the branch points at a new commit", async () => {
  const first = commitId(0x101);
  const second = commitId(0x102);
  const hub = await startFakeHub({
    "acme/moving": {
      refs: { main: first },
      commits: {
        [first]: { files: { "data/test.parquet": parquet({ question: ["q1", "q2"], answer: ["a", "b"] }) } },
        [second]: {
          files: { "data/test.parquet": parquet({ question: ["q1", "q2", "q3"], answer: ["a", "b", "c"] }) },
        },
      },
    },
  });
  const model = await startMockServer({ reply: () => "ANSWER: a" });
  const dir = tempDir();
  const env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: join(dir, "hub"), ASSAY_HF_ENDPOINT: "" };
  const db = join(dir, "runs.db");
  try {
    const run = await runCli(
      [
        "eval",
        "qa",
        "--dataset",
        "hf:acme/moving:test",
        "-T",
        "fields=input=question,target=answer",
        "--model",
        "openai/mock",
        "--model-base-url",
        model.url,
        "--db",
        db,
        "--run-id",
        "r1",
        "--json",
      ],
      { cwd: dir, env },
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.summary.samples, 2);
    assert.equal(out.summary.scorers[0].metrics.accuracy, 0.5);

    hub.repos["acme/moving"]!.refs.main = second;
    const ref = join(dir, "hub", "datasets--acme--moving", "refs", "main");
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    utimesSync(ref, old, old);
    const resumed = await runCli(["resume", "r1", "--db", db], { cwd: dir, env });
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(
      resumed.stderr,
      new RegExp(
        `dataset hf:acme/moving:test changed since the run started \\(sha256 ${first.slice(0, 12)} → ${second.slice(0, 12)}\\)`,
      ),
    );
  } finally {
    await Promise.all([hub.close(), model.close()]);
  }
});
