import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { main } from "../../src/cli/program.js";
import { differenceCi } from "../../src/contamination/split.js";
import { computeSummary } from "../../src/engine/summary.js";
import { RunStore } from "../../src/store/run-store.js";

const dir = mkdtempSync(join(tmpdir(), "contamination-split-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Eight samples, two epochs each (folded by mean); s8 is not in the scan.
// id: [epoch 1, epoch 2], subject, contaminated
const SAMPLES: Array<[string, [number, number], string, boolean | undefined]> = [
  ["s1", [1, 1], "A", true],
  ["s2", [1, 0], "A", true],
  ["s3", [1, 1], "B", true],
  ["s4", [0, 0], "A", false],
  ["s5", [1, 0], "B", false],
  ["s6", [0, 0], "B", false],
  ["s7", [1, 1], "B", false],
  ["s8", [0, 0], "A", undefined],
];

function makeRun(db: string): string {
  const store = new RunStore(db);
  const runId = "run-split";
  const manifest = {
    runId,
    createdAt: new Date().toISOString(),
    toolVersion: "test",
    task: { name: "qa", version: "1", args: { dataset: "x.jsonl" } },
    model: { id: "scripted/m" },
    generate: {},
    epochs: 2,
    epochReducer: "mean",
    seed: 3,
    scorers: [{ name: "exact_match", metrics: ["accuracy", "bootstrap_ci"] }],
    execution: { concurrency: 1, maxRetries: 0, cache: true },
    configHash: "fixture",
  };
  store.createRun(manifest);
  let seq = 0;
  for (const [id, values, subject] of SAMPLES) {
    values.forEach((v, e) => {
      store.addResult(runId, {
        sampleId: id,
        epoch: e + 1,
        seq: seq++,
        input: `question ${id}`,
        metadata: { subject },
        output: "x",
        inputTokens: 1,
        outputTokens: 1,
        judgeInputTokens: 0,
        judgeOutputTokens: 0,
        cached: false,
        scores: { exact_match: { value: v } },
      });
    });
  }
  store.flush();
  store.setSummary(runId, computeSummary(store, manifest, ["subject"]));
  store.setStatus(runId, "completed");
  store.close();
  return runId;
}

describe("report --contamination", () => {
  test("splits a run's metric into clean and contaminated items as computed by hand", async () => {
    const db = join(dir, "assay.db");
    const runId = makeRun(db);
    const scan = join(dir, "scan.jsonl");
    writeFileSync(
      scan,
      SAMPLES.filter(([, , , flag]) => flag !== undefined)
        .map(([id, , , flag]) => JSON.stringify({ id, contaminated: flag }))
        .join("\n"),
    );
    const out = join(dir, "report.json");
    const code = await main([
      "node",
      "assay",
      "report",
      runId,
      "--db",
      db,
      "--json",
      "--contamination",
      scan,
      "--out",
      out,
    ]);
    assert.equal(code, 0);
    const { contamination } = JSON.parse(readFileSync(out, "utf8"));
    const s = contamination[0];
    assert.deepEqual([s.samples, s.scanned, s.contaminated, s.unscanned], [8, 7, 3, 1]);
    const em = s.scorers[0];
    // contaminated: s1 1, s2 0.5, s3 1 → 2.5/3; clean: s4 0, s5 0.5, s6 0, s7 1 → 1.5/4
    assert.equal(em.contaminated.n, 3);
    assert.equal(em.clean.n, 4);
    assert.ok(Math.abs(em.contaminated.mean - 2.5 / 3) < 1e-12);
    assert.ok(Math.abs(em.clean.mean - 1.5 / 4) < 1e-12);
    assert.ok(Math.abs(em.difference.value - (2.5 / 3 - 1.5 / 4)) < 1e-12);
    assert.ok(em.difference.lo <= em.difference.value && em.difference.value <= em.difference.hi);
    assert.ok(em.difference.lo < em.difference.hi);
    // Shares by subject: A has s1, s2 (dirty), s4 (clean) scanned; B has s3 (dirty), s5, s6, s7.
    assert.deepEqual(
      s.groups.map((g: { value: string; samples: number; contaminated: number }) => [
        g.value,
        g.samples,
        g.contaminated,
      ]),
      [
        ["A", 3, 2],
        ["B", 4, 1],
      ],
    );

    const table = join(dir, "report.txt");
    assert.equal(
      await main(["node", "assay", "report", runId, "--db", db, "--contamination", scan, "--out", table]),
      0,
    );
    const text = readFileSync(table, "utf8");
    assert.match(text, /3 of 7 scanned samples contaminated/);
    assert.match(text, /1 scored samples not in the scan/);
    assert.match(text, /exact_match\s+0\.375 .*\(n=4\)\s+0\.833 .*\(n=3\)\s+0\.458/);
  });

  test("a malformed scan line is a user error naming file and line", async () => {
    const db = join(dir, "assay.db");
    const scan = join(dir, "bad.jsonl");
    writeFileSync(scan, '{"id":"s1","contaminated":true}\n{"id":"s2","contaminated":"yes"}\n');
    const code = await main(["node", "assay", "report", "run-split", "--db", db, "--contamination", scan]);
    assert.equal(code, 2);
  });

  test("the difference CI is the percentile bootstrap of two independent resamples", () => {
    const same = differenceCi([1, 1, 1], [0, 0], { rounds: 200 });
    assert.deepEqual(same, { value: -1, lo: -1, hi: -1 });
    const d = differenceCi([0, 1, 0, 1], [1, 1, 1, 0], { rounds: 2000, seed: 1 });
    assert.equal(d.value, 0.25);
    assert.ok(d.lo < 0 && d.hi > 0.25);
  });
});
