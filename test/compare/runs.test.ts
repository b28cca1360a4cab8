import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { compareRuns } from "../../src/compare/runs.js";
import { RunStore } from "../../src/store/run-store.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { QA_DATASET, writeQaRun } from "./fixture.js";

const bits = (s: string) =>
  [...s].map((c, i) => ({ id: `q${String(i).padStart(2, "0")}`, value: Number(c) }));

function storeWithRuns() {
  const db = join(tempDir("assay-compare-"), "assay.db");
  const store = new RunStore(db);
  writeQaRun(store, { runId: "run-a", model: "openai/a", samples: bits("1100110011") });
  // q08 and q09 missing from B (partial overlap); q02 failed in B (no score).
  const b = bits("11110100").map((s) => (s.id === "q02" ? { id: s.id, error: "HTTP 500" } : s));
  writeQaRun(store, { runId: "run-b", model: "openai/b", samples: [...b, { id: "q10", value: 1 }] });
  return { db, store };
}

test("two runs compared on the shared samples, epochs folded, errors left out, overlap reported", () => {
  const { store } = storeWithRuns();
  const c = compareRuns(store, store.requireRun("run-a"), store.requireRun("run-b"), { seed: 1 });
  // Finished in both: q00..q07 → 8 shared; A has q08, q09 only; B has q10 only.
  assert.deepEqual(c.overlap, { shared: 8, onlyA: 2, onlyB: 1, partial: true });
  const exact = c.scorers.find((s) => s.scorer === "exact")!;
  // Scored in both: q00..q07 except q02 (failed in B). A: 1,1,_,0,1,1,0,0; B: 1,1,_,1,0,1,0,0.
  assert.equal(exact.n, 7);
  assert.deepEqual([exact.wins, exact.ties, exact.losses], [1, 5, 1]);
  assert.deepEqual(
    exact.flipped.map((f) => f.sampleId),
    ["q03", "q04"],
  );
  assert.equal(exact.diff.value, 0);
  assert.equal(exact.test.p, 1);
  store.close();
});

test("runs on different datasets are refused with a message naming both", () => {
  const { store } = storeWithRuns();
  writeQaRun(store, {
    runId: "run-c",
    model: "openai/c",
    samples: bits("1"),
    dataset: { name: "other.jsonl", sha256: "b".repeat(64) },
  });
  assert.throws(
    () => compareRuns(store, store.requireRun("run-a"), store.requireRun("run-c")),
    (e: unknown) =>
      e instanceof UserError && /different datasets/.test(e.message) && /other\.jsonl/.test(e.message),
  );
  writeQaRun(store, { runId: "run-d", model: "openai/d", samples: bits("1"), dataset: null });
  assert.throws(
    () => compareRuns(store, store.requireRun("run-a"), store.requireRun("run-d")),
    /records no dataset hash/,
  );
  assert.equal(QA_DATASET.name, "qa.jsonl");
  store.close();
});

test("assay compare prints the table and flips; --json carries every number; bad pairs exit 2", async () => {
  const { db, store } = storeWithRuns();
  store.close();
  const text = await runCli("compare", "run-a", "run-b", "--db", db);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /partial overlap: compared on the 8 shared samples \(2 only in A, 1 only in B\)/);
  assert.match(text.stdout, /exact: 2 flipped sample\(s\)/);
  assert.match(text.stdout, /q03 {2}0\.000 → 1\.000/);
  const json = await runCli("compare", "run-a", "run-b", "--db", db, "--json");
  const parsed = JSON.parse(json.stdout) as { scorers: Array<{ n: number; test: { name: string } }> };
  assert.equal(parsed.scorers[0]!.n, 7);
  assert.equal(parsed.scorers[0]!.test.name, "mcnemar-exact");
  const same = await runCli("compare", "run-a", "run-a", "--db", db);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /two different runs/);
});

test("ordinal scores: sign test in the table, Wilcoxon's signed-rank test below it", async () => {
  const db = join(tempDir("assay-compare-"), "assay.db");
  const store = new RunStore(db);
  const scale = (values: number[]) => values.map((value, i) => ({ id: `o${i}`, value }));
  writeQaRun(store, { runId: "ord-a", model: "openai/a", samples: scale([1, 2, 3, 4, 5, 3]) });
  writeQaRun(store, { runId: "ord-b", model: "openai/b", samples: scale([2, 4, 6, 0, 10, 3]) });
  store.close();
  const r = await runCli("compare", "ord-a", "ord-b", "--db", db);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\bsign\b/);
  // d = 1, 2, 3, −4, 5, 0: W+ = 11, W− = 4, exact p = 2 · 7/32 = 0.4375.
  assert.match(
    r.stdout,
    /exact: Wilcoxon signed-rank W\+ = 11, W− = 4 over 5 non-tied pairs, p = 0\.438 \(exact\)/,
  );
});
