import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { RunStore } from "../../src/store/run-store.js";
import { writeQaRun } from "../compare/fixture.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("show on a run left running (killed) summarises its finished samples and says how to continue", async () => {
  const db = join(tempDir(), "runs.db");
  const store = new RunStore(db);
  const samples = [1, 1, 0].map((value, i) => ({ id: `s${i}`, value }));
  writeQaRun(store, { runId: "killed", model: "openai/m", samples, finished: false });
  store.close();
  const shown = await runCli("show", "killed", "--db", db);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^run killed {2}\[running\]$/m);
  assert.match(shown.stdout, /^exact +3 +0\.667 /m);
  assert.match(shown.stdout, /the samples finished so far.*assay resume killed continues it/);
  const json = JSON.parse((await runCli("show", "killed", "--db", db, "--json")).stdout) as {
    partial?: boolean;
    summary: { samples: number };
  };
  assert.equal(json.partial, true);
  assert.equal(json.summary.samples, 3);
});
