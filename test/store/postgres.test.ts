/**
 * What only the PostgreSQL store has: several `assay eval` processes on one run (one of them killed -9),
 * versioned migrations of a shared database, and a password that never shows. Against a throwaway
 * cluster (test/helpers/postgres.ts); skipped with the reason when PostgreSQL is not installed.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openStore } from "../../src/cli-kit/store.js";
import { PgConnection } from "../../src/store/pg-client.js";
import type { PostgresRunStore } from "../../src/store/postgres-store.js";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { PG_MIGRATIONS } from "../../src/store/schema-pg.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli, spawnCli, tempDir } from "../helpers/cli.js";
import { SKIP_POSTGRES, startPostgres } from "../helpers/postgres.js";
import { qaEvalArgs } from "../scale/qa-eval.js";
import { manifest } from "./fixtures.js";

const cluster = await startPostgres();
after(() => cluster?.stop());

/** n QA records "question i" → "answer i". */
function writeQa(dir: string, n: number): string {
  const path = join(dir, "qa.jsonl");
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `s${i}`, input: `question ${i}`, target: `answer ${i}` }),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("PostgreSQL run store", { skip: cluster ? false : SKIP_POSTGRES }, () => {
  test("4 workers on one run, one killed -9 mid-run: every unit stored exactly once, run completed once", async () => {
    const dir = tempDir();
    const url = cluster!.freshUrl();
    const samples = 60;
    const epochs = 2;
    const data = writeQa(dir, samples);
    const server = await startMockServer({
      delayMs: 60,
      reply: (req) => `ANSWER: answer ${/question (\d+)/.exec(lastUserText(req))?.[1]}`,
    });
    const conn = new PgConnection(url, "test");
    try {
      const args = [
        "eval",
        "qa",
        "--dataset",
        data,
        "--model",
        "openai/mock",
        "--model-base-url",
        server.url,
        "--run-id",
        "shared",
        "--epochs",
        String(epochs),
        "--concurrency",
        "3",
        "--db",
        url,
      ];
      // Short leases, so the killed worker's units come back within the test.
      const env = { ASSAY_PG_LEASE_MS: "1500" };
      const workers = Array.from({ length: 4 }, () => spawnCli(args, { cwd: dir, env }));
      const exits = workers.map(
        (w) =>
          new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
            let stderr = "";
            w.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
            w.on("close", (code, signal) => resolve({ code, signal, stderr }));
          }),
      );
      // 0 until the first worker has created the tables.
      const countOf = (sql: string, params?: unknown[]) => {
        try {
          return conn.query<{ n: number }>(sql, params)[0]?.n ?? 0;
        } catch {
          return 0;
        }
      };
      const stored = () => countOf("SELECT COUNT(*) AS n FROM samples WHERE run_id = 'shared'");
      const victimClaims = () =>
        countOf(
          "SELECT COUNT(*) AS n FROM run_workers w JOIN unit_claims c ON c.run_id = w.run_id AND c.worker = w.worker WHERE w.pid = $1",
          [workers[0]!.pid],
        );
      // Kill the first worker once it holds claims and the run is under way.
      const deadline = Date.now() + 30_000;
      while ((stored() < 20 || victimClaims() === 0) && Date.now() < deadline) await sleep(20);
      const heldWhenKilled = victimClaims();
      assert.ok(heldWhenKilled > 0, "the killed worker held claims");
      workers[0]!.kill("SIGKILL");
      const results = await Promise.all(exits);
      assert.equal(results[0]!.signal, "SIGKILL");
      for (const r of results.slice(1)) assert.equal(r.code, 0, r.stderr);
      const rows = conn.query<{ sample_id: string; epoch: number }>(
        "SELECT sample_id, epoch FROM samples WHERE run_id = 'shared'",
      );
      assert.equal(rows.length, samples * epochs, "every unit is stored");
      assert.equal(new Set(rows.map((r) => `${r.sample_id}/${r.epoch}`)).size, samples * epochs);
      const run = conn.query<{ status: string }>("SELECT status FROM runs")[0];
      assert.equal(run?.status, "completed");
      assert.equal(conn.query("SELECT 1 FROM runs").length, 1, "one run, however many workers");
      assert.equal(conn.query("SELECT 1 FROM unit_claims").length, 0, "claims are dropped on completion");
      // Every unit was sent to the model at least once; only the killed worker's units went twice (those it
      // held when counted, plus at most one more batch of 8 claimed before the signal landed).
      assert.ok(server.requests.length >= samples * epochs);
      const bound = samples * epochs + heldWhenKilled + 8;
      assert.ok(server.requests.length <= bound, `${server.requests.length} calls`);
      // The viewer's and reports' reads: show and export read the PostgreSQL store.
      const show = await runCli(["show", "shared", "--json", "--db", url], { cwd: dir });
      assert.equal(show.code, 0, show.stderr);
      const summary = JSON.parse(show.stdout) as { status: string; summary: { samples: number } };
      assert.equal(summary.status, "completed");
      const exported = await runCli(["export", "shared", "--format", "jsonl", "--db", url], { cwd: dir });
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal(exported.stdout.trim().split("\n").length, samples * epochs);
    } finally {
      conn.close();
      await server.close();
    }
  });

  test("two retry-errors workers on one shared run split its failed units: each redone exactly once", async () => {
    const dir = tempDir();
    const url = cluster!.freshUrl();
    const data = writeQa(dir, 40);
    const answer = (req: Parameters<typeof lastUserText>[0]) =>
      `ANSWER: answer ${/question (\d+)/.exec(lastUserText(req))?.[1]}`;
    const flaky = await startMockServer({ reply: answer, failures: { rate500: 0.3, seed: 7 } });
    const seen: string[] = [];
    const healthy = await startMockServer({
      delayMs: 40,
      reply: (req) => {
        seen.push(/question (\d+)/.exec(lastUserText(req))?.[1] ?? "?");
        return answer(req);
      },
    });
    try {
      const common = ["--db", url, "--no-preflight"];
      const first = await runCli(
        [
          ...qaEvalArgs(
            data,
            flaky.url,
            url,
            "--run-id",
            "retry",
            "--max-retries",
            "0",
            "--concurrency",
            "4",
          ),
          "--no-preflight",
        ],
        { cwd: dir },
      );
      const errors = JSON.parse((await runCli(["show", "retry", "--json", "--db", url], { cwd: dir })).stdout)
        .summary.errors as number;
      assert.ok(errors > 0, `the flaky server failed some samples (${first.stderr})`);
      const retry = [
        "retry-errors",
        "retry",
        "--model-base-url",
        healthy.url,
        "--concurrency",
        "2",
        ...common,
      ];
      const [a, b] = await Promise.all([runCli(retry, { cwd: dir }), runCli(retry, { cwd: dir })]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const redone = seen.filter((q) => q !== "?");
      assert.equal(redone.length, errors, "every failed unit was asked once, by one of the two workers");
      assert.equal(new Set(redone).size, errors);
      const after = JSON.parse((await runCli(["show", "retry", "--json", "--db", url], { cwd: dir })).stdout);
      assert.equal(after.summary.errors, 0);
      assert.equal(after.summary.samples, 40);
    } finally {
      await flaky.close();
      await healthy.close();
    }
  });

  test("getAsync: a cache lookup awaited, not blocked on, sees queued and background-committed entries", async () => {
    const store = openStore(cluster!.freshUrl()) as PostgresRunStore;
    store.put("k1", { text: "one", latencyMs: 1 });
    assert.deepEqual(await store.getAsync("k1"), { text: "one", latencyMs: 1 }, "queued, not committed");
    await sleep(60); // the timer's batch is committed in the background
    store.put("k2", { text: "two", latencyMs: 2 });
    const [one, two, none] = await Promise.all([
      store.getAsync("k1"),
      store.getAsync("k2"),
      store.getAsync("k3"),
    ]);
    assert.deepEqual([one?.text, two?.text, none], ["one", "two", undefined]);
    store.close();
  });

  test("a worker joins a run only with the same configuration", () => {
    const url = cluster!.freshUrl();
    const a = openStore(url);
    const b = openStore(url);
    a.createRun(manifest);
    b.createRun({ ...manifest, createdAt: "2026-02-02T00:00:00Z" });
    assert.throws(() => b.createRun({ ...manifest, configHash: "other" }), /another configuration/);
    assert.equal(a.listRuns().length, 1);
    a.close();
    b.close();
  });

  test("a stopping worker leaves a run that other live workers are running as running", () => {
    const url = cluster!.freshUrl();
    const a = openStore(url);
    const b = openStore(url);
    a.createRun(manifest);
    const la = a.acquireLease("r");
    const lb = b.acquireLease("r");
    a.setStatus("r", "interrupted", "interrupted by SIGTERM");
    assert.equal(a.getRun("r")!.status, "running", "b is still at work");
    la.release();
    b.setStatus("r", "interrupted", "interrupted by SIGINT");
    assert.equal(b.getRun("r")!.status, "interrupted", "the last worker's stop counts");
    assert.equal(b.stopReason("r"), "interrupted by SIGINT");
    lb.release();
    a.close();
    b.close();
  });

  test("migrations: an older database is brought up to date, a newer one is refused", () => {
    const url = cluster!.freshUrl();
    const conn = new PgConnection(url, "test");
    // A version-1 database, as the first Assay with PostgreSQL support would have left it.
    conn.run(PG_MIGRATIONS[0]!.sql);
    conn.run("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    assert.equal(conn.query("SELECT to_regclass('unit_claims') AS t")[0]!.t, null);
    openStore(url).close();
    assert.equal(conn.query<{ value: string }>("SELECT value FROM meta")[0]!.value, String(SCHEMA_VERSION));
    assert.equal(
      conn.query<{ t: string }>("SELECT to_regclass('unit_claims')::text AS t")[0]!.t,
      "unit_claims",
    );
    conn.run("UPDATE meta SET value = $1", [String(SCHEMA_VERSION + 1)]);
    assert.throws(() => openStore(url), new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than`));
    assert.throws(() => openStore(url, { readonly: true }), /newer than/);
    conn.close();
  });

  test("the password in the URL never reaches the store's name or an error", async () => {
    const secret = "pg-Secr3t-Passw0rd";
    // Trust authentication: the cluster never asks for the password, so the URL works as given.
    const url = cluster!.url.replace("assay@", `assay:${secret}@`);
    const store = openStore(url);
    assert.ok(!store.path.includes(secret), store.path);
    assert.throws(
      () => store.requireRun("nope"),
      (err: Error) => !err.message.includes(secret),
    );
    store.close();
    const closed = url.replace(/:(\d+)\//, ":1/");
    assert.throws(
      () => openStore(closed),
      (err: Error) => /cannot connect to PostgreSQL/.test(err.message) && !err.message.includes(secret),
    );
    const r = await runCli(["runs", "--db", closed]);
    assert.equal(r.code, 2);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(secret), r.stderr);
  });
});
