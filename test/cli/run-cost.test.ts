/** A priced run shows its cost in `show`, `runs` and the viewer's API; a local model shows none. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { costOf, priceOf } from "../../src/providers/prices.js";
import { RunStore } from "../../src/store/run-store.js";
import { listRuns, runDetail } from "../../src/view/api.js";
import { writeQaRun } from "../compare/fixture.js";
import { runCli } from "../helpers/in-process-cli.js";

const dir = mkdtempSync(join(tmpdir(), "assay-cost-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("cost at table prices in show, runs and the viewer", async () => {
  const db = join(dir, "runs.db");
  const store = new RunStore(db);
  const samples = Array.from({ length: 4 }, (_, i) => ({ id: `s${i}`, value: i % 2 }));
  writeQaRun(store, { runId: "priced", model: "openai/gpt-4o-mini", samples });
  writeQaRun(store, { runId: "local", model: "gguf/tiny.gguf", samples });
  // The fixture's samples use 10 input and 5 output tokens each.
  const expected = costOf(priceOf("openai/gpt-4o-mini")!, 40, 20);
  const show = await runCli("show", "priced", "--db", db, "--json");
  assert.equal(show.code, 0, show.stderr);
  assert.ok(Math.abs(JSON.parse(show.stdout).cost.usd - expected) < 1e-12);
  assert.match((await runCli("show", "priced", "--db", db)).stdout, /cost ≈ \$/);
  assert.doesNotMatch((await runCli("show", "local", "--db", db)).stdout, /cost/);
  const runs = JSON.parse((await runCli("runs", "--db", db, "--json")).stdout) as Array<{
    id: string;
    costUsd: number | null;
  }>;
  assert.ok(Math.abs(runs.find((r) => r.id === "priced")!.costUsd! - expected) < 1e-12);
  assert.equal(runs.find((r) => r.id === "local")!.costUsd, null);
  const viewRuns = listRuns(store, new URLSearchParams()).runs;
  assert.ok(Math.abs(viewRuns.find((r) => r.id === "priced")!.costUsd! - expected) < 1e-12);
  assert.equal(runDetail(store, "local").cost, null);
  const report = await runCli("report", "priced", "local", "--db", db);
  assert.match(report.stdout, /cost/);
  assert.match(report.stdout, /\$0\.0000\d+|\$0\.\d+/);
  store.close();
});
