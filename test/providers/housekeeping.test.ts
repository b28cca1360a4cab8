import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { parseAge } from "../../src/cli/commands/cache-actions.js";
import { RunStore } from "../../src/store/run-store.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("runs delete and cache stats|prune|clear", async () => {
  const server = await startMockServer({ reply: () => "ANSWER: x" });
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"1","target":"x"}\n{"id":"b","input":"2","target":"x"}\n');
  const db = join(dir, "runs.db");
  try {
    for (const [id, model] of [
      ["r1", "openai/a"],
      ["r2", "openai/b"],
      ["r3", "openai/b"],
    ] as const) {
      const r = await runCli(
        "eval",
        "qa",
        "--dataset",
        data,
        "--model",
        model,
        "--model-base-url",
        server.url,
        "--db",
        db,
        "--run-id",
        id,
        "--progress",
        "silent",
      );
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(server.requests.length, 4, "r3 was answered from the cache");

    let r = await runCli("runs", "delete", "r1", "--db", db);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a terminal.*pass --yes/);
    r = await runCli("runs", "delete", "r1", "nope", "--yes", "--db", db);
    assert.equal(r.code, 2, "an unknown id deletes nothing");
    // A run a live process holds is refused.
    const holder = new RunStore(db);
    const lease = holder.acquireLease("r2");
    try {
      r = await runCli("runs", "delete", "r2", "--yes", "--db", db);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /already being run by process/);
    } finally {
      lease.release();
      holder.close();
    }
    r = await runCli("runs", "delete", "r1", "r2", "--yes", "--db", db, "--json");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { deleted: ["r1", "r2"] });
    r = await runCli("runs", "--db", db, "--json");
    assert.deepEqual(
      (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id),
      ["r3"],
    );
    const store = new RunStore(db);
    assert.equal(store.countSamples("r1").total, 0);
    store.close();

    r = await runCli("cache", "stats", "--db", db, "--json");
    const stats = JSON.parse(r.stdout) as {
      entries: number;
      byModel: Array<{ model: string; entries: number; bytes: number }>;
    };
    assert.equal(stats.entries, 4);
    assert.deepEqual(stats.byModel.map((m) => [m.model, m.entries]).sort(), [
      ["openai/a", 2],
      ["openai/b", 2],
    ]);
    assert.ok(stats.byModel.every((m) => m.bytes > 0));
    r = await runCli("cache", "stats", "--db", db);
    assert.match(r.stdout, /4 entries/);

    assert.equal((await runCli("cache", "prune", "--db", db)).code, 2);
    assert.equal((await runCli("cache", "prune", "--older-than", "30x", "--db", db)).code, 2);
    r = await runCli("cache", "prune", "--older-than", "30d", "--db", db, "--json");
    assert.deepEqual(JSON.parse(r.stdout), { deleted: 0 });
    r = await runCli("cache", "prune", "--model", "openai/a", "--db", db, "--json");
    assert.deepEqual(JSON.parse(r.stdout), { deleted: 2 });
    assert.equal((await runCli("cache", "clear", "--db", db)).code, 2);
    r = await runCli("cache", "clear", "--yes", "--db", db);
    assert.match(r.stdout, /deleted 2 cached answer/);
    r = await runCli("cache", "stats", "--db", db, "--json");
    assert.equal((JSON.parse(r.stdout) as { entries: number }).entries, 0);
    assert.equal(parseAge("2w"), 14 * 86_400_000);
    assert.equal(parseAge("90m"), 5_400_000);
  } finally {
    await server.close();
  }
});
