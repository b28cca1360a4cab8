/**
 * Issue #25 through the real CLI: signals with a synchronous model, continuations that honour the run's
 * execution settings, one runner per run (also after kill -9), and clear errors for poison inputs.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { SCHEMA_VERSION } from "../../src/store/schema.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli, spawnCli, tempDir } from "../helpers/cli.js";

function writeQa(dir: string, n: number, name = "qa.jsonl", prefix = ""): string {
  const path = join(dir, name);
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `s${i}`, input: `question ${i}`, target: `answer ${i}` }),
  );
  writeFileSync(path, `${prefix}${lines.join("\n")}\n`);
  return path;
}

/** Rows of a query on the run database (opened read-only, closed again). */
function query<T>(db: string, sql: string): T[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all() as T[];
  } finally {
    d.close();
  }
}

/** Waits until `sql` (a COUNT) on the database is at least `n`. */
async function waitFor(db: string, sql: string, n = 1, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((query<{ n: number }>(db, sql)[0]?.n ?? 0) >= n) return;
    } catch {
      // not created yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${sql}`);
    await sleep(50);
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

const questionIndex = (body: Parameters<typeof lastUserText>[0]) =>
  Number(/question (\d+)/.exec(lastUserText(body))?.[1]);

describe("signals with a synchronous model", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const) {
    test(`${signal} stops scripted/echo within a second (exit ${code}), resumable`, async () => {
      const dir = tempDir();
      const data = writeQa(dir, 200_000);
      const db = join(dir, "sig.db");
      const args = ["eval", "qa", "--dataset", data, "--model", "scripted/echo", "--db", db, "--run-id", "s"];
      const child = spawnCli(args, { cwd: dir });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      await waitFor(db, "SELECT COUNT(*) AS n FROM samples", 1);
      const sent = Date.now();
      child.kill(signal);
      const exit = await exited(child);
      const seconds = (Date.now() - sent) / 1000;
      assert.equal(exit, code, stderr);
      assert.ok(seconds < 3, `took ${seconds.toFixed(1)} s to stop`);
      const [run] = query<{ status: string }>(db, "SELECT status FROM runs");
      assert.equal(run!.status, "interrupted");
      assert.match(stderr, /assay resume s/);
      const [stop] = query<{ reason: string }>(db, "SELECT reason FROM run_stops");
      assert.equal(stop!.reason, `interrupted by ${signal}`);
      assert.equal(query(db, "SELECT * FROM run_leases").length, 0, "the lease is released");
    });
  }
});

describe("resume and retry-errors honour the run's execution settings", () => {
  test("--no-cache, --timeout and --max-retries of the run apply; a flag given again overrides and is recorded", async () => {
    const dir = tempDir();
    let phase = "warm";
    // Questions asked, counted when the request arrives (the server records a request when it answers).
    const asked: number[] = [];
    const server = await startMockServer({
      delayMs: 150,
      reply: async (body) => {
        const i = questionIndex(body);
        asked.push(i);
        if (phase === "resume" && i === 5) await sleep(2500);
        return `ANSWER: answer ${i}`;
      },
    });
    try {
      const data = writeQa(dir, 6);
      const db = join(dir, "exec.db");
      const base = ["--dataset", data, "--model", "openai/mock", "--model-base-url", server.url, "--db", db];
      // Another run fills the response cache with an answer to every question.
      assert.equal((await runCli(["eval", "qa", ...base, "--run-id", "warm"], { cwd: dir })).code, 0);
      phase = "cold";
      const child = spawnCli(
        [
          "eval",
          "qa",
          ...base,
          "--run-id",
          "cold",
          "--no-cache",
          "--timeout",
          "1",
          "--max-retries",
          "0",
          "--concurrency",
          "1",
        ],
        { cwd: dir },
      );
      await waitFor(db, "SELECT COUNT(*) AS n FROM samples WHERE run_id = 'cold'", 1);
      child.kill("SIGTERM");
      assert.ok([130, 143].includes((await exited(child))!));
      const kept = query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM samples WHERE run_id = 'cold'")[0]!.n;
      assert.ok(kept < 6, `${kept} kept`);

      await sleep(400); // a request the stopped run had in flight reaches the server's reply first
      phase = "resume";
      const before = asked.length;
      const r = await runCli(["resume", "cold", "--db", db, "--json"], { cwd: dir });
      const out = JSON.parse(r.stdout);
      assert.equal(
        out.calls.model.cacheHits,
        0,
        "the run's --no-cache holds: no answer from the other run's cache",
      );
      assert.equal(asked.length - before, 6 - kept, "every missing sample asked once (--max-retries 0)");
      assert.equal(r.code, 1, r.stderr);
      const [failed] = query<{ sample_id: string; error: string }>(
        db,
        "SELECT sample_id, error FROM samples WHERE run_id = 'cold' AND error IS NOT NULL",
      );
      assert.equal(failed!.sample_id, "s5");
      assert.match(failed!.error, /timed out/, "the run's 1 s --timeout applied");

      phase = "done";
      const again = await runCli(["retry-errors", "cold", "--db", db, "--max-retries", "2", "--json"], {
        cwd: dir,
      });
      assert.equal(again.code, 0, again.stderr);
      const [row] = query<{ manifest: string }>(db, "SELECT manifest FROM runs WHERE id = 'cold'");
      const execution = JSON.parse(row!.manifest).execution;
      assert.equal(execution.maxRetries, 2, "the override is recorded");
      assert.equal(execution.timeoutS, 1);
      assert.equal(execution.cache, false);
      assert.equal(execution.concurrency, 1);
    } finally {
      await server.close();
    }
  });
});

describe("one runner per run", () => {
  test("a second resume is refused while one runs; after kill -9 the run can be resumed at once", async () => {
    const dir = tempDir();
    // Slow enough (30 × 300 ms at concurrency 1) that the first run is still going on a loaded machine.
    const server = await startMockServer({ delayMs: 300 });
    try {
      const data = writeQa(dir, 30);
      const db = join(dir, "lease.db");
      const flags = ["--db", db, "--concurrency", "1", "--progress", "silent"];
      const first = spawnCli(
        [
          "eval",
          "qa",
          "--dataset",
          data,
          "--model",
          "openai/mock",
          "--model-base-url",
          server.url,
          "--run-id",
          "L",
          ...flags,
        ],
        { cwd: dir },
      );
      await waitFor(db, "SELECT COUNT(*) AS n FROM samples", 1);
      const second = await runCli(["resume", "L", ...flags], { cwd: dir });
      assert.equal(second.code, 2);
      assert.match(second.stderr, /run L is already being run by process \d+/);
      first.kill("SIGKILL");
      await exited(first);
      const before = server.requests.length;
      const third = await runCli(["resume", "L", ...flags, "--json"], { cwd: dir });
      assert.equal(third.code, 0, third.stderr);
      assert.equal(JSON.parse(third.stdout).status, "completed");
      assert.equal(query(db, "SELECT * FROM samples").length, 30);
      assert.ok(server.requests.length - before <= 30);
    } finally {
      await server.close();
    }
  });
});

describe("poison inputs and bad flags are clear usage errors", () => {
  test("each names the file or flag, exits 2 and creates no run", async () => {
    const dir = tempDir();
    const db = join(dir, "u.db");
    const good = writeQa(dir, 3);
    const echo = (data: string, ...extra: string[]) =>
      runCli(["eval", "qa", "--dataset", data, "--model", "scripted/echo", "--db", db, ...extra], {
        cwd: dir,
      });
    const cases: Array<[Promise<{ code: number | null; stderr: string }>, RegExp]> = [
      [echo(writeQa(dir, 0, "empty.jsonl")), /empty\.jsonl has no samples/],
      [
        (() => {
          const p = join(dir, "deep.jsonl");
          writeFileSync(p, `{"input":"q","target":"t","x":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}\n`);
          return echo(p);
        })(),
        /deep\.jsonl:1: record is nested more than \d+ levels deep/,
      ],
      [echo(good, "--progress", "bogus"), /--progress must be one of auto, tty, plain, silent/],
      [echo(good, "-T", "template=Answer briefly."), /template for qa must contain \{prompt\}/],
      [echo(good, "--concurrency", "1e9"), /--concurrency must be an integer between 1 and 100000/],
      [echo(good, "--max-retries", "1000"), /--max-retries must be an integer between 0 and 100/],
      [echo(good, "-M", "api_key=s3cret"), /request field "api_key" .* --model-api-key-env/],
      [
        (() => {
          const p = join(dir, "args.json");
          writeFileSync(p, '{"top_k": 5, "max_tokens": 9, "Authorization": "Bearer s3cret"}');
          return echo(good, "--model-args", p);
        })(),
        /request field "Authorization"/,
      ],
      [
        runCli(
          [
            "eval",
            "qa",
            "--dataset",
            good,
            "--model",
            "openai/x",
            "--model-base-url",
            "http://user:s3cret@[bad",
            "--db",
            db,
          ],
          { cwd: dir },
        ),
        /--model-base-url must be an http\(s\) URL/,
      ],
    ];
    for (const [pending, pattern] of cases) {
      const r = await pending;
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /internal error|s3cret|\n\s+at /);
    }
    const mcq = join(dir, "m.jsonl");
    writeFileSync(mcq, '{"question":"q","choices":["a","b"],"answer":"A"}\n');
    const m = await runCli(
      ["eval", "mcq", "--dataset", mcq, "--model", "scripted/echo", "--db", db, "-T", "template={question}"],
      { cwd: dir },
    );
    assert.equal(m.code, 2);
    assert.match(m.stderr, /template for mcq must contain \{choices\}/);
    assert.equal(query(db, "SELECT * FROM runs").length, 0, "no run was created");
  });

  test("a BOM dataset runs; a non-database --db and a newer store are refused by name", async () => {
    const dir = tempDir();
    const db = join(dir, "b.db");
    const bom = writeQa(dir, 3, "bom.jsonl", "\ufeff");
    const ok = await runCli(["eval", "qa", "--dataset", bom, "--model", "scripted/echo", "--db", db], {
      cwd: dir,
    });
    assert.equal(ok.code, 0, ok.stderr);
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "not a database\n".repeat(100));
    const r = await runCli(["runs", "--db", notes], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /notes\.txt is not an Assay run database/);
    const d = new Database(db);
    d.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    d.close();
    const newer = await runCli(["runs", "--db", db], { cwd: dir });
    assert.equal(newer.code, 2);
    assert.match(newer.stderr, new RegExp(`schema version 99, newer than this Assay's ${SCHEMA_VERSION}`));
  });
});
