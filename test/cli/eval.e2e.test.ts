/**
 * End-to-end: the real CLI, a real SQLite database and a local OpenAI-compatible server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { runCli, spawnCli, tempDir } from "../helpers/cli.js";

/** n QA records whose question text is "question <i>" and target "answer <i>". */
function writeQa(dir: string, n: number): string {
  const path = join(dir, "qa.jsonl");
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `s${i}`,
      input: `question ${i}`,
      target: `answer ${i}`,
      level: i % 2 ? "odd" : "even",
    }),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** A reply that is right for even question numbers, wrong for odd ones. */
const halfRight = (req: Parameters<typeof lastUserText>[0]) => {
  const i = Number(/question (\d+)/.exec(lastUserText(req))?.[1]);
  return `Thinking...\nANSWER: answer ${i % 2 === 0 ? i : i + 100}`;
};

/** Arguments of `assay eval qa` against the mock server, plus extra flags. */
const qaEval = (data: string, url: string, db: string, ...extra: string[]) => [
  "eval",
  "qa",
  "--dataset",
  data,
  "--model",
  "openai/mock",
  "--model-base-url",
  url,
  "--db",
  db,
  ...extra,
];

const questionIndex = (body: Parameters<typeof lastUserText>[0]) =>
  Number(/question (\d+)/.exec(lastUserText(body))?.[1]);

describe("assay eval end to end", () => {
  test("stores every sample, shows metrics by group, exports jsonl and csv", async () => {
    const dir = tempDir();
    const server = await startMockServer({ reply: halfRight });
    try {
      const data = writeQa(dir, 20);
      const db = join(dir, "runs.db");
      const r = await runCli(
        qaEval(data, server.url, db, "--run-id", "r1", "-T", "group_by=level", "--json"),
        { cwd: dir },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.runId, "r1");
      assert.equal(out.summary.samples, 20);
      const exact = out.summary.scorers.find((s: { scorer: string }) => s.scorer === "exact");
      assert.equal(exact.metrics.accuracy, 0.5);
      assert.equal(exact.groups.level.even.metrics.accuracy, 1);
      assert.equal(exact.groups.level.odd.metrics.accuracy, 0);
      assert.ok(exact.metrics.bootstrap_ci.lo < 0.5 && exact.metrics.bootstrap_ci.hi > 0.5);

      const show = await runCli(["show", "r1", "--db", db], { cwd: dir });
      assert.equal(show.code, 0);
      assert.match(show.stdout, /exact\s+20\s+0\.500/);
      assert.match(show.stdout, /odd\s+10\s+0\.000/);

      const jsonl = await runCli(["export", "r1", "--format", "jsonl", "--db", db], { cwd: dir });
      const rows = jsonl.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.equal(rows.length, 20);
      assert.deepEqual(rows[3].scores.exact.value, 0);
      assert.equal(rows[3].scores.exact.answer, "answer 103");
      assert.equal(rows[3].input, "question 3");
      assert.equal(rows[3].output, "Thinking...\nANSWER: answer 103");
      assert.equal(rows[3].input_tokens, 10);
      assert.equal(rows[3].error, null);

      const csv = await runCli(["export", "r1", "--format", "csv", "--db", db], { cwd: dir });
      const lines = csv.stdout.trim().split("\n");
      assert.match(lines[0]!, /^run_id,sample_id,epoch,input,target,output,error/);
      assert.match(lines[0]!, /,exact,exact_answer$/);
      assert.equal(
        lines.length,
        1 + 20 + 20,
        "outputs contain one newline each, so quoted cells span two lines",
      );

      const runs = await runCli(["runs", "--db", db, "--json"], { cwd: dir });
      assert.equal(JSON.parse(runs.stdout)[0].samples, 20);

      // Re-scoring reads the stored outputs: no new model calls.
      const before = server.requests.length;
      const rescore = await runCli(["rescore", "r1", "--db", db, "--json"], { cwd: dir });
      assert.equal(rescore.code, 0, rescore.stderr);
      assert.equal(JSON.parse(rescore.stdout).rescored, 20);
      assert.equal(server.requests.length, before);

      // Running the same evaluation again is served from the response cache.
      const again = await runCli(qaEval(data, server.url, db, "--json"), { cwd: dir });
      assert.equal(again.code, 0);
      assert.equal(JSON.parse(again.stdout).summary.cached, 20);
      assert.equal(server.requests.length, before);
    } finally {
      await server.close();
    }
  });

  test("epochs repeat samples with distinct seeds; mcq extracts letters", async () => {
    const dir = tempDir();
    const server = await startMockServer({ reply: (req) => `I pick (${req.seed === 5 ? "A" : "B"})` });
    try {
      const data = join(dir, "mcq.jsonl");
      writeFileSync(
        data,
        `${JSON.stringify({ question: "2+2?", choices: ["4", "5"], answer: "A" })}\n${JSON.stringify({ question: "1+1?", choices: ["3", "2"], answer: 1 })}\n`,
      );
      const db = join(dir, "runs.db");
      const r = await runCli(
        [
          "eval",
          "mcq",
          "--dataset",
          data,
          "--model",
          "openai/mock",
          "--model-base-url",
          server.url,
          "--db",
          db,
          "--epochs",
          "2",
          "--seed",
          "5",
          "--json",
        ],
        { cwd: dir },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.summary.samples, 4);
      // epoch 1 (seed 5) answers A, epoch 2 (seed 6) answers B: each sample is right once → mean 0.5 each
      assert.equal(out.summary.scorers[0].metrics.accuracy, 0.5);
      assert.deepEqual(server.requests.map((q) => q.body.seed).sort(), [5, 5, 6, 6]);
      assert.match(lastUserText(server.requests[0]!.body), /A\) 4\nB\) 5|A\) 3\nB\) 2/);
    } finally {
      await server.close();
    }
  });

  test("failed samples are data: exit code 1, then retry-errors redoes only those", async () => {
    const dir = tempDir();
    const broken = new Set([2, 5, 7]);
    const server = await startMockServer({
      reply: (req) => {
        const i = questionIndex(req);
        if (broken.has(i)) throw new Error("backend exploded");
        return `ANSWER: answer ${i}`;
      },
    });
    try {
      const data = writeQa(dir, 10);
      const db = join(dir, "runs.db");
      const r = await runCli(qaEval(data, server.url, db, "--run-id", "e1", "--max-retries", "0"), {
        cwd: dir,
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /3 sample\(s\) failed/);
      const errors = new Database(db, { readonly: true })
        .prepare(
          "SELECT sample_id, error FROM samples WHERE run_id = 'e1' AND error IS NOT NULL ORDER BY sample_id",
        )
        .all() as Array<{ sample_id: string; error: string }>;
      assert.deepEqual(
        errors.map((e) => e.sample_id),
        ["s2", "s5", "s7"],
      );
      assert.match(errors[0]!.error, /HTTP 500/);

      broken.clear();
      const before = server.requests.length;
      const retry = await runCli(["retry-errors", "e1", "--db", db, "--json"], { cwd: dir });
      assert.equal(retry.code, 0, retry.stderr);
      const asked = server.requests
        .slice(before)
        .map((q) => questionIndex(q.body))
        .sort();
      assert.deepEqual(asked, [2, 5, 7]);
      const out = JSON.parse(retry.stdout);
      assert.equal(out.failed, 0);
      assert.equal(out.summary.samples, 10);
      assert.equal(out.summary.scorers[0].metrics.accuracy, 1);

      // Nothing left to retry: said in words, no model call; --json still gets the result.
      const again = server.requests.length;
      const none = await runCli(["retry-errors", "e1", "--db", db], { cwd: dir });
      assert.equal(none.code, 0, none.stderr);
      assert.match(none.stderr, /run e1 has no failed samples: nothing to retry/);
      assert.doesNotMatch(none.stderr, /0\/0 samples/);
      const json = await runCli(["retry-errors", "e1", "--db", db, "--json"], { cwd: dir });
      assert.equal(JSON.parse(json.stdout).failed, 0);
      assert.equal(server.requests.length, again);
    } finally {
      await server.close();
    }
  });

  test("resume after kill -9 completes with exactly one result per sample, redoing none", async () => {
    const dir = tempDir();
    const server = await startMockServer({
      delayMs: 40,
      reply: (req) => `ANSWER: answer ${questionIndex(req)}`,
    });
    try {
      const n = 80;
      const data = writeQa(dir, n);
      const db = join(dir, "runs.db");
      const child = spawnCli(
        qaEval(data, server.url, db, "--run-id", "k1", "--concurrency", "4", "--no-cache"),
        { cwd: dir },
      );
      let stored = 0;
      const deadline = Date.now() + 20_000;
      while (stored < 12 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          const ro = new Database(db, { readonly: true });
          stored = (
            ro.prepare("SELECT COUNT(*) AS n FROM samples WHERE run_id = 'k1'").get() as { n: number }
          ).n;
          ro.close();
        } catch {
          // database not created yet
        }
      }
      child.kill("SIGKILL");
      await new Promise((r) => child.on("close", r));
      const ro = new Database(db, { readonly: true });
      const done = new Set(
        (ro.prepare("SELECT sample_id FROM samples WHERE run_id = 'k1'").pluck().all() as string[]).map((s) =>
          Number(s.slice(1)),
        ),
      );
      ro.close();
      assert.ok(done.size >= 12 && done.size < n, `killed after ${done.size} samples`);

      const before = server.requests.length;
      const r = await runCli(["resume", "k1", "--db", db, "--concurrency", "8", "--json"], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const asked = server.requests.slice(before).map((q) => questionIndex(q.body));
      for (const i of asked)
        assert.ok(!done.has(i), `sample ${i} was finished before the kill but asked again`);
      assert.equal(new Set(asked).size, asked.length, "no sample asked twice on resume");
      const check = new Database(db, { readonly: true });
      const rows = check
        .prepare("SELECT sample_id, COUNT(*) AS c FROM samples WHERE run_id = 'k1' GROUP BY sample_id")
        .all() as Array<{ c: number }>;
      assert.equal(rows.length, n);
      assert.ok(rows.every((x) => x.c === 1));
      assert.equal(
        (check.prepare("SELECT status FROM runs WHERE id = 'k1'").get() as { status: string }).status,
        "completed",
      );
      check.close();
      assert.equal(JSON.parse(r.stdout).summary.scorers[0].metrics.accuracy, 1);
    } finally {
      await server.close();
    }
  });

  test("Ctrl-C stops cleanly: finished samples kept, exit 130, resume finishes the rest", async () => {
    const dir = tempDir();
    const server = await startMockServer({
      delayMs: 60,
      reply: (req) => `ANSWER: answer ${questionIndex(req)}`,
    });
    try {
      const data = writeQa(dir, 40);
      const db = join(dir, "runs.db");
      const child = spawnCli(qaEval(data, server.url, db, "--run-id", "c1", "--concurrency", "2"), {
        cwd: dir,
      });
      let stderr = "";
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const deadline = Date.now() + 20_000;
      while (server.requests.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      child.kill("SIGINT");
      const code = await new Promise((r) => child.on("close", r));
      assert.equal(code, 130, stderr);
      assert.match(stderr, /assay resume c1/);
      const ro = new Database(db, { readonly: true });
      const status = (ro.prepare("SELECT status FROM runs WHERE id = 'c1'").get() as { status: string })
        .status;
      const stored = (
        ro.prepare("SELECT COUNT(*) AS n FROM samples WHERE run_id = 'c1'").get() as { n: number }
      ).n;
      ro.close();
      assert.equal(status, "interrupted");
      assert.ok(stored >= 3 && stored < 40, `${stored} stored`);
      const r = await runCli(["resume", "c1", "--db", db, "--concurrency", "8", "--json"], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).ran, 40 - stored);
    } finally {
      await server.close();
    }
  });

  test("a server that returns 429, 500, garbage or hangs still yields every sample", async () => {
    const dir = tempDir();
    const server = await startMockServer({
      reply: (req) => `ANSWER: answer ${questionIndex(req)}`,
      failures: { rate429: 0.1, rate500: 0.1, garbage: 0.1, hang: 0.05, seed: 11 },
      retryAfterSeconds: 0,
    });
    try {
      const data = writeQa(dir, 120);
      const db = join(dir, "runs.db");
      const r = await runCli(
        qaEval(
          data,
          server.url,
          db,
          "--concurrency",
          "16",
          "--timeout",
          "1.5",
          "--backoff-ms",
          "5",
          "--max-retries",
          "12",
          "--json",
        ),
        { cwd: dir },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.summary.samples, 120);
      assert.equal(out.failed, 0);
      assert.equal(out.summary.scorers[0].metrics.accuracy, 1);
      const injected =
        server.counts["429"]! + server.counts["500"]! + server.counts.garbage! + server.counts.hang!;
      assert.ok(injected > 20, `only ${injected} failures injected`);
      // Every injected failure was retried; a slow machine may add a timeout retry of its own.
      assert.ok(
        out.calls.model.retries >= injected,
        `${out.calls.model.retries} retries for ${injected} failures`,
      );
      assert.ok(
        out.calls.model.retries <= injected + 5,
        `${out.calls.model.retries} retries for ${injected} failures`,
      );
      assert.equal(out.calls.model.rateLimited, server.counts["429"]);
    } finally {
      await server.close();
    }
  });

  test("the API key never reaches the database, exports or logs", async () => {
    const dir = tempDir();
    const key = "sk-assay-test-SECRET-0123456789abcdef";
    const server = await startMockServer({
      reply: (req, auth) => {
        if (questionIndex(req) % 2) throw new Error(`Incorrect API key provided: ${auth}`);
        return `ANSWER: answer ${questionIndex(req)}`;
      },
    });
    try {
      const data = writeQa(dir, 6);
      const db = join(dir, "runs.db");
      const env = { OPENAI_API_KEY: key };
      const r = await runCli(qaEval(data, server.url, db, "--run-id", "s1", "--max-retries", "0"), {
        cwd: dir,
        env,
      });
      assert.equal(r.code, 1);
      assert.ok(
        server.requests.every((q) => q.authorization === `Bearer ${key}`),
        "the key was sent to the server",
      );
      const logs = [r.stdout, r.stderr];
      for (const args of [
        ["show", "s1"],
        ["export", "s1"],
        ["export", "s1", "--format", "csv"],
        ["runs"],
        ["show", "s1", "--json"],
      ]) {
        const x = await runCli([...args, "--db", db], { cwd: dir, env });
        logs.push(x.stdout, x.stderr);
      }
      const ro = new Database(db, { readonly: true });
      const stored = ro
        .prepare("SELECT error FROM samples WHERE error IS NOT NULL")
        .pluck()
        .all() as string[];
      ro.close();
      assert.equal(stored.length, 3);
      assert.match(stored[0]!, /Incorrect API key provided: Bearer \*\*\*/);
      const secretPart = key.slice(8);
      for (const text of logs) assert.ok(!text.includes(secretPart), "key found in CLI output");
      for (const f of readdirSync(dir).filter((f) => f.startsWith("runs.db"))) {
        assert.ok(!readFileSync(join(dir, f)).includes(secretPart), `key found in ${f}`);
      }
    } finally {
      await server.close();
    }
  });

  test("resume refuses a dataset that was edited since the run started", async () => {
    const dir = tempDir();
    const server = await startMockServer({ reply: (req) => `ANSWER: answer ${questionIndex(req)}` });
    try {
      const data = writeQa(dir, 5);
      const db = join(dir, "runs.db");
      const first = await runCli(qaEval(data, server.url, db, "--run-id", "d1"), { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      const same = await runCli(["resume", "d1", "--db", db], { cwd: dir });
      assert.equal(same.code, 0, same.stderr);
      writeFileSync(
        data,
        `${readFileSync(data, "utf8")}${JSON.stringify({ id: "extra", input: "question 99", target: "answer 99" })}\n`,
      );
      const edited = await runCli(["resume", "d1", "--db", db], { cwd: dir });
      assert.equal(edited.code, 2);
      assert.match(edited.stderr, /dataset .*qa\.jsonl changed since the run started/);
      const forced = await runCli(["resume", "d1", "--db", db, "--force", "--json"], { cwd: dir });
      assert.equal(forced.code, 0, forced.stderr);
      assert.equal(JSON.parse(forced.stdout).ran, 1);
    } finally {
      await server.close();
    }
  });

  test("user mistakes give one-line errors with exit code 2", async () => {
    const dir = tempDir();
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"input": "a", "target": "b"}\n{"input": "c", "target": \n');
    const missing = join(dir, "missing.jsonl");
    writeFileSync(missing, '{"input": "a", "target": "b"}\n\n{"input": "c"}\n');
    const cases: Array<[string[], RegExp]> = [
      [
        ["eval", "qa", "--dataset", bad, "--model", "openai/x", "--model-base-url", "http://127.0.0.1:9/v1"],
        /bad\.jsonl:2: invalid JSON/,
      ],
      [
        [
          "eval",
          "qa",
          "--dataset",
          missing,
          "--model",
          "openai/x",
          "--model-base-url",
          "http://127.0.0.1:9/v1",
        ],
        /missing\.jsonl:3: field "target": missing/,
      ],
      [
        ["eval", "qa", "--dataset", join(dir, "nope.jsonl"), "--model", "openai/x"],
        /dataset file not found: .*nope\.jsonl/,
      ],
      [["eval", "nosuchtask", "--model", "openai/x"], /unknown task "nosuchtask"/],
      [["eval", "qa", "--model", "openai/x"], /task "qa" needs --dataset PATH/],
      [["eval", "qa", "--dataset", missing, "--model", "gpt4"], /must look like <provider>\/<model>/],
      [
        ["eval", "qa", "--dataset", missing, "--model", "openai/x", "--concurrency", "0"],
        /--concurrency must be an integer between 1 and 100000/,
      ],
      [
        ["eval", "qa", "--dataset", missing, "--model", "openai/x", "-T", "nonsense=1"],
        /task "qa" has no option "nonsense"/,
      ],
      [["show", "no-such-run", "--db", join(dir, "x.db")], /no run "no-such-run"/],
      [["eval", "qa", "--bogus-flag"], /unknown option '--bogus-flag'/],
      // An output path under a file: the file-system error names the path, no "internal error".
      [
        ["gameqa", "generate", "--games", "sudoku", "--per-task", "1", "--out", join(bad, "out")],
        /bad\.jsonl\/out: a part of the path is not a folder \(mkdir\)/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = await runCli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.ok(!/\n\s+at /.test(r.stderr), `stack trace printed for ${args.join(" ")}`);
    }
    const help = await runCli(["eval", "--help"], { cwd: dir });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--model-base-url/);
  });
});
