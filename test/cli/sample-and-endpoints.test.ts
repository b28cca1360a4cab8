import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { memoryDataset } from "../../src/dataset/index.js";
import { stratifiedSubset } from "../../src/engine/subset.js";
import { RunStore } from "../../src/store/run-store.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("a stratified subset gives each group its share of N, the same for the same seed", async () => {
  const samples = [
    ...Array.from({ length: 60 }, (_, i) => ({ id: `a${i}`, input: "q", metadata: { cat: "A" } })),
    ...Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, input: "q", metadata: { cat: "B" } })),
    ...Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, input: "q", metadata: { cat: "C" } })),
  ];
  const ds = memoryDataset("d", samples);
  const one = await stratifiedSubset(ds, { n: 10, seed: 3, by: "cat" });
  assert.deepEqual(
    [...one.perGroup],
    [
      ["A", 6],
      ["B", 3],
      ["C", 1],
    ],
  );
  assert.equal(one.ids.size, 10);
  const again = await stratifiedSubset(ds, { n: 10, seed: 3, by: "cat" });
  assert.deepEqual([...again.ids].sort(), [...one.ids].sort());
  const other = await stratifiedSubset(ds, { n: 10, seed: 4, by: "cat" });
  assert.notDeepEqual([...other.ids].sort(), [...one.ids].sort());
  // Largest remainders: 7 of 100 → 4.2, 2.1, 0.7 → 4, 2, 1.
  assert.deepEqual(
    [...(await stratifiedSubset(ds, { n: 7, seed: 0, by: "cat" })).perGroup.values()],
    [4, 2, 1],
  );
  await assert.rejects(stratifiedSubset(ds, { n: 101, seed: 0 }), /only 100 samples/);
});

test("eval --sample N --seed S runs that subset and records it; --limit says it takes the first N", async () => {
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  const rows = Array.from({ length: 20 }, (_, i) => ({
    id: `q${i}`,
    input: `${i}`,
    target: "x",
    cat: i < 15 ? "A" : "B",
  }));
  writeFileSync(data, rows.map((r) => JSON.stringify(r)).join("\n"));
  const server = await startMockServer({ reply: () => "ANSWER: x" });
  const db = join(dir, "runs.db");
  const base = [
    "eval",
    "qa",
    "--dataset",
    data,
    "--model",
    "openai/m",
    "--model-base-url",
    server.url,
    "--db",
    db,
  ];
  try {
    const r = await runCli(
      ...base,
      "-T",
      "group_by=cat",
      "--sample",
      "8",
      "--seed",
      "5",
      "--run-id",
      "s1",
      "--progress",
      "silent",
    );
    assert.equal(r.code, 0, r.stderr);
    const store = new RunStore(db);
    try {
      const m = store.requireRun("s1").manifest;
      assert.deepEqual(m.sample, { n: 8, seed: 5, by: "cat" });
      const ids = store.scoresFor("s1").map((s) => s.sampleId);
      assert.equal(ids.length, 8);
      assert.equal(ids.filter((id) => Number(id.slice(1)) >= 15).length, 2, "B has 5 of 20 → 2 of 8");
    } finally {
      store.close();
    }
    const limited = await runCli(...base, "-T", "group_by=cat", "--limit", "3", "--progress", "silent");
    assert.match(limited.stderr, /--limit 3 takes the first 3 samples in file order/);
    assert.equal((await runCli(...base, "--limit", "3", "--sample", "3")).code, 2);
  } finally {
    await server.close();
  }
});

test("retry-errors from another URL (same model name) is allowed without --force and recorded", async () => {
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"1","target":"x"}\n{"id":"b","input":"2","target":"x"}\n');
  const down = await startMockServer({ failures: { rate500: 1 } });
  const up = await startMockServer({ reply: () => "ANSWER: x" });
  const db = join(dir, "runs.db");
  try {
    const first = await runCli(
      ...["eval", "qa", "--dataset", data, "--model", "openai/m", "--model-base-url", down.url, "--db", db],
      ...["--max-retries", "0", "--run-id", "e1", "--progress", "silent"],
    );
    // Every sample failed: the run is interrupted, not completed (exit 4), and retry-errors redoes them.
    assert.equal(first.code, 5, first.stderr);
    const retried = await runCli(
      "retry-errors",
      "e1",
      "--model-base-url",
      up.url,
      "--db",
      db,
      "--progress",
      "silent",
    );
    assert.equal(retried.code, 0, retried.stderr);
    const store = new RunStore(db);
    try {
      const m = store.requireRun("e1").manifest;
      assert.equal(m.model.endpoint, down.url);
      assert.deepEqual(m.model.laterEndpoints, [up.url]);
      assert.equal(store.countSamples("e1").errors, 0);
    } finally {
      store.close();
    }
  } finally {
    await down.close();
    await up.close();
  }
});

test("show lists the commonest error causes with their counts", async () => {
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"1","target":"x"}\n{"id":"b","input":"2","target":"x"}\n');
  const down = await startMockServer({ failures: { rate500: 1 } });
  const db = join(dir, "runs.db");
  try {
    await runCli(
      ...["eval", "qa", "--dataset", data, "--model", "openai/m", "--model-base-url", down.url, "--db", db],
      ...["--max-retries", "0", "--run-id", "bad", "--progress", "silent"],
    );
    const shown = await runCli("show", "bad", "--db", db);
    assert.match(shown.stdout, /commonest errors:\n\s+2 × .*500/);
    const json = JSON.parse((await runCli("show", "bad", "--db", db, "--json")).stdout);
    assert.equal(json.topErrors[0].count, 2);
  } finally {
    await down.close();
  }
});
