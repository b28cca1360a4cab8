import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ErrorGuard, parseFailOnError } from "../../src/scheduler/run-control.js";
import { RunStore } from "../../src/store/run-store.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("the error guard: a streak of one cause trips it, a success or another cause resets it", () => {
  const g = new ErrorGuard({ consecutive: 3 });
  g.begin(100);
  assert.equal(g.afterUnit("HTTP 401: bad key"), undefined);
  assert.equal(g.afterUnit("HTTP 401: bad key (after 3 attempts)"), undefined);
  assert.equal(g.afterUnit(undefined), undefined);
  assert.equal(g.afterUnit("HTTP 401: bad key"), undefined);
  assert.equal(g.afterUnit("timeout"), undefined);
  assert.equal(g.afterUnit("HTTP 401: bad key"), undefined);
  assert.equal(g.afterUnit("HTTP 401: bad key (after 7 attempts)"), undefined);
  const stop = g.afterUnit("HTTP 401: bad key");
  assert.match(stop?.message ?? "", /3 samples in a row failed with the same error \(HTTP 401: bad key\)/);
  assert.equal(stop?.exitCode, 5);

  assert.deepEqual(parseFailOnError(true), { count: 1 });
  assert.deepEqual(parseFailOnError("5"), { count: 5 });
  assert.deepEqual(parseFailOnError("0.1"), { fraction: 0.1 });
  assert.equal(parseFailOnError("1.5"), undefined);
  assert.equal(parseFailOnError("-1"), undefined);
  const f = new ErrorGuard({ consecutive: 0, failOnError: { fraction: 0.1 } });
  f.begin(20);
  assert.equal(f.afterUnit("a"), undefined);
  assert.equal(f.afterUnit("b"), undefined);
  assert.match(
    f.afterUnit("c")?.message ?? "",
    /3 sample\(s\) failed, over --fail-on-error 0\.1 of 20 samples/,
  );
});

function dataset(n: number, fail: (i: number) => boolean): string {
  const file = join(tempDir(), "qa.jsonl");
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `s${i}`, input: fail(i) ? `bad ${i}` : `${i}`, target: `${i}` }),
  );
  writeFileSync(file, lines.join("\n"));
  return file;
}

test("a permanent error stops the run after a few samples, interrupted and continuable; --fail-on-error too", async () => {
  const server = await startMockServer({ reply: () => "x" });
  const db = join(tempDir(), "runs.db");
  const data = dataset(200, () => false);
  try {
    // No /models route on the mock, so the pre-flight lets it through; every sample is a 500 with no retries.
    const dead = await startMockServer({ failures: { rate500: 1 } });
    const r = await runCli(
      ...["eval", "qa", "--dataset", data, "--model", "openai/m", "--model-base-url", dead.url, "--db", db],
      ...[
        "--max-retries",
        "0",
        "--concurrency",
        "1",
        "--run-id",
        "cb",
        "--progress",
        "silent",
        "--max-consecutive-errors",
        "5",
      ],
    );
    await dead.close();
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /5 samples in a row failed with the same error \(HTTP 500: internal error\)/);
    assert.match(r.stderr, /assay retry-errors cb/);
    assert.equal(dead.requests.length, 5, "the rest of the dataset was not sent");
    const store = new RunStore(db);
    assert.equal(store.requireRun("cb").status, "interrupted");
    assert.match(store.stopReason("cb") ?? "", /in a row/);
    store.close();
    // The cause fixed: retry-errors redoes the failed ones and runs the rest.
    const again = await runCli(
      "retry-errors",
      "cb",
      "--model-base-url",
      server.url,
      "--db",
      db,
      "--progress",
      "silent",
    );
    assert.equal(again.code, 0, again.stderr);

    // --fail-on-error 3 with mixed outcomes: stops at the third failure, whatever the streak.
    const mixed = dataset(50, (i) => i % 2 === 1);
    const picky = await startMockServer({
      reply: (req) => {
        const text = JSON.stringify(req.messages);
        if (text.includes("bad")) throw new Error("boom");
        return "x";
      },
    });
    const f = await runCli(
      ...["eval", "qa", "--dataset", mixed, "--model", "openai/m", "--model-base-url", picky.url, "--db", db],
      ...[
        "--max-retries",
        "0",
        "--concurrency",
        "1",
        "--progress",
        "silent",
        "--fail-on-error",
        "3",
        "--json",
      ],
    );
    await picky.close();
    assert.equal(f.code, 5, f.stderr);
    const out = JSON.parse(f.stdout) as { status: string; failed: number; stopped: string };
    assert.equal(out.status, "interrupted");
    assert.equal(out.failed, 3);
    assert.match(out.stopped, /over --fail-on-error 3/);
    assert.equal(picky.requests.length, 6);
  } finally {
    await server.close();
  }
});

test("a server killed mid-run: the breaker stops within seconds, finished samples are kept, resume completes", async () => {
  let server = await startMockServer({ reply: () => "x" });
  const port = Number(new URL(server.url).port);
  const url = server.url;
  const db = join(tempDir(), "runs.db");
  const data = dataset(60, () => false);
  try {
    // The server dies after its 10th answer.
    const first = server;
    const stopAfter = setInterval(() => {
      if (first.requests.length >= 10) {
        clearInterval(stopAfter);
        void first.close();
      }
    }, 5);
    const started = Date.now();
    const r = await runCli(
      ...[
        "eval",
        "qa",
        "--dataset",
        data,
        "--model",
        "openai/m",
        "--model-base-url",
        url,
        "--db",
        db,
        "--run-id",
        "dies",
      ],
      ...[
        "--concurrency",
        "1",
        "--max-retries",
        "1",
        "--backoff-ms",
        "10",
        "--progress",
        "silent",
        "--max-consecutive-errors",
        "3",
      ],
    );
    clearInterval(stopAfter);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /3 samples in a row failed with the same error \(connection error/);
    assert.ok(Date.now() - started < 10_000, "seconds, not minutes");
    let store = new RunStore(db);
    const kept = store.countSamples("dies");
    assert.ok(kept.total - kept.errors >= 10, `${kept.total - kept.errors} answered samples kept`);
    assert.ok(kept.total < 60);
    store.close();
    // The server is back on the same address: retry-errors redoes the failed ones and runs the rest.
    server = await startMockServer({ reply: () => "x", port });
    const again = await runCli("retry-errors", "dies", "--db", db, "--progress", "silent");
    assert.equal(again.code, 0, again.stderr);
    store = new RunStore(db);
    assert.deepEqual(store.countSamples("dies"), { total: 60, errors: 0 });
    assert.equal(store.requireRun("dies").status, "completed");
    store.close();
  } finally {
    await server.close();
  }
});
