/**
 * `--batch` with `anthropic/<model>` against a local server that implements Anthropic's Message Batches
 * (create, retrieve: in_progress → ended, results JSONL with succeeded / errored / expired lines) and
 * Messages (live retries): answers land in the store and cache exactly as a live run's (a rerun is all
 * cache hits), errored and expired lines are retried live or in a new batch, a CLI killed with -9 after
 * submitting continues with `assay resume` without submitting again, and the key reaches neither the
 * output nor the database.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Task } from "../../src/core/types.js";
import { memoryDataset } from "../../src/dataset/index.js";
import { type BatchState, runBatchEval } from "../../src/engine/batch-run.js";
import { type AnthropicBatchLine, splitMessageBatches } from "../../src/providers/anthropic-batch.js";
import { generate } from "../../src/solvers/index.js";
import { RunStore } from "../../src/store/run-store.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { assertRerunCached, assertSameAsLive, killWhileInProgress } from "../scale/batch-cli.js";
import { judgedBatchRun } from "../scale/batch-judged.js";
import { type ChatBody, startBatchServer } from "../scale/batch-server.js";
import { writeQaData } from "../scale/qa-eval.js";

const N = 12;
const KEY = "sk-ant-test-0123456789abcdef-batch";
const dir = tempDir();
let data: string;
const env = { ASSAY_BATCH_POLL_MS: "20", ANTHROPIC_API_KEY: KEY };

interface Params {
  model: string;
  max_tokens: number;
  messages: Array<{ role: string; content: string }>;
  [key: string]: unknown;
}

interface ServerOptions {
  /** The answer text (default: the QA answer to the question in the request). */
  reply?: (p: Params) => string;
  /** Give `results_url` on another host (the client must not send the key there). */
  foreignResultsUrl?: boolean;
  /** Lines (by params) that come back `errored`; their live retry succeeds. */
  failLine?: (p: Params) => boolean;
  /** Batches (1-based creation order) whose second half comes back `expired`. */
  expire?: ReadonlySet<number>;
}

interface Batch {
  id: string;
  ordinal: number;
  processing_status: string;
  reads: number;
  requests: Array<{ custom_id: string; params: Params }>;
  results: string[];
}

interface FakeAnthropic {
  url: string;
  batches: Batch[];
  liveCalls: Params[];
  /** Every x-api-key header seen (all must be the key). */
  keys: Set<string>;
  /** While true, batches stay in_progress. */
  hold: boolean;
  close(): Promise<void>;
}

const question = (p: Params) => Number(/question (\d+)/.exec(JSON.stringify(p.messages))?.[1]);
const reply = (p: Params) => `ANSWER: answer ${question(p) % 2 ? question(p) + 1 : question(p)}`;
const message = (p: Params, n: number, text = reply(p)) => ({
  id: `msg_${n}`,
  type: "message",
  role: "assistant",
  model: p.model,
  content: [{ type: "text", text }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 5 },
});

async function startFakeAnthropic(opts: ServerOptions = {}): Promise<FakeAnthropic> {
  let n = 0;
  const state: FakeAnthropic = {
    url: "",
    batches: [],
    liveCalls: [],
    keys: new Set(),
    hold: false,
    close: async () => {},
  };
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  const fail = (res: ServerResponse, status: number, message: string) =>
    json(res, status, { type: "error", error: { type: "invalid_request_error", message } });
  const view = (b: Batch) => {
    const count = (t: string) => b.results.filter((r) => JSON.parse(r).result.type === t).length;
    const ended = b.processing_status === "ended";
    return {
      id: b.id,
      type: "message_batch",
      processing_status: b.processing_status,
      request_counts: {
        processing: ended ? 0 : b.requests.length,
        succeeded: count("succeeded"),
        errored: count("errored"),
        canceled: 0,
        expired: count("expired"),
      },
      created_at: "2026-01-01T00:00:00Z",
      expires_at: "2026-01-02T00:00:00Z",
      ended_at: ended ? "2026-01-01T01:00:00Z" : null,
      cancel_initiated_at: null,
      archived_at: null,
      results_url: ended
        ? `${opts.foreignResultsUrl ? "http://results.invalid" : state.url}/v1/messages/batches/${b.id}/results`
        : null,
    };
  };
  const finish = (b: Batch) => {
    const half = opts.expire?.has(b.ordinal) ? Math.floor(b.requests.length / 2) : b.requests.length;
    b.results = b.requests.map((r, i) => {
      let result: unknown;
      if (i >= half) result = { type: "expired" };
      else if (opts.failLine?.(r.params))
        result = {
          type: "errored",
          error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        };
      else result = { type: "succeeded", message: message(r.params, ++n, opts.reply?.(r.params)) };
      return JSON.stringify({ custom_id: r.custom_id, result });
    });
    // Results are not in request order: the client must match them by custom_id.
    b.results.reverse();
    b.processing_status = "ended";
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    state.keys.add(String(req.headers["x-api-key"]));
    if (req.headers["x-api-key"] !== KEY) return fail(res, 401, "invalid x-api-key");
    if (req.headers["anthropic-version"] === undefined) return fail(res, 400, "anthropic-version required");
    const path = req.url ?? "";
    if (req.method === "GET" && /^\/v1\/models\/[^/]+$/.test(path))
      return json(res, 200, { type: "model", id: decodeURIComponent(path.split("/").pop()!) });
    if (req.method === "POST" && path === "/v1/messages") {
      const p = JSON.parse(raw) as Params;
      if (typeof p.max_tokens !== "number") return fail(res, 400, "max_tokens: Field required");
      state.liveCalls.push(p);
      return json(res, 200, message(p, ++n, opts.reply?.(p)));
    }
    if (req.method === "POST" && path === "/v1/messages/batches") {
      const body = JSON.parse(raw) as { requests?: Batch["requests"] };
      const requests = body.requests ?? [];
      if (requests.length === 0) return fail(res, 400, "requests: at least one");
      const ids = new Set(requests.map((r) => r.custom_id));
      if (ids.size !== requests.length) return fail(res, 400, "custom_id must be unique");
      for (const r of requests) {
        if (!/^[a-zA-Z0-9_-]{1,64}$/.test(r.custom_id)) return fail(res, 400, `bad custom_id ${r.custom_id}`);
        if (typeof r.params?.max_tokens !== "number" || !Array.isArray(r.params.messages))
          return fail(res, 400, "params: a Messages request");
      }
      const ordinal = state.batches.length + 1;
      const b: Batch = {
        id: `msgbatch_${ordinal}`,
        ordinal,
        processing_status: "in_progress",
        reads: 0,
        requests,
        results: [],
      };
      state.batches.push(b);
      return json(res, 200, view(b));
    }
    const results = /^\/v1\/messages\/batches\/([^/]+)\/results$/.exec(path);
    if (req.method === "GET" && results) {
      const b = state.batches.find((x) => x.id === results[1]);
      if (b?.processing_status !== "ended") return fail(res, 404, "no results");
      res.writeHead(200, { "content-type": "application/binary" });
      return res.end(`${b.results.join("\n")}\n`);
    }
    const batch = /^\/v1\/messages\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && batch) {
      const b = state.batches.find((x) => x.id === batch[1]);
      if (!b) return fail(res, 404, "no such batch");
      // The first read shows it in progress; a later one (unless held) ended.
      if (b.reads++ > 0 && b.processing_status === "in_progress" && !state.hold) finish(b);
      return json(res, 200, view(b));
    }
    fail(res, 404, `no route ${req.method} ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: { message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

const qaArgs = (url: string, db: string, ...extra: string[]) => [
  "eval",
  "qa",
  "--dataset",
  data,
  "--model",
  "anthropic/claude-test",
  "--model-base-url",
  url,
  "--db",
  db,
  "--json",
  "--epochs",
  "2",
  ...extra,
];

const sorted = (bodies: unknown[]) => bodies.map((b) => JSON.stringify(b)).sort();

describe("eval --batch with anthropic/<model> (Message Batches)", () => {
  let server: FakeAnthropic;
  before(async () => {
    data = writeQaData(dir, N);
    server = await startFakeAnthropic();
  });
  after(() => server.close());

  test("one Message Batch of all units; results equal a live run's; a rerun hits the cache", async () => {
    const db = join(dir, "b1.db");
    const r = await runCli(qaArgs(server.url, db, "--batch", "--run-id", "B"), { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.summary.samples, N * 2);
    assert.equal(out.summary.errors, 0);
    assert.equal(server.batches.length, 1);
    assert.equal(server.batches[0]!.requests.length, N * 2, "two epochs without a seed are two requests");
    assert.equal(server.batches[0]!.processing_status, "ended");
    assert.equal(server.liveCalls.length, 0);

    const live = await runCli(qaArgs(server.url, join(dir, "live.db"), "--run-id", "L", "--no-cache"), {
      cwd: dir,
      env,
    });
    assert.equal(live.code, 0, live.stderr);
    assert.equal(server.liveCalls.length, N * 2);
    // The batched params are the live request bodies (same builder), one for one.
    assert.deepEqual(sorted(server.batches[0]!.requests.map((q) => q.params)), sorted(server.liveCalls));
    const liveDb = { db: join(dir, "live.db"), stdout: live.stdout };
    await assertSameAsLive({ db, stdout: r.stdout }, liveDb, N * 2, { cwd: dir, env });
    await assertRerunCached(qaArgs(server.url, db, "--run-id", "B2"), N * 2, { cwd: dir, env });
    assert.equal(server.liveCalls.length, N * 2, "and makes no call");

    // The batch is in the manifest; the key is in no output and nowhere in the database.
    const show = await runCli(["show", "B", "--db", db, "--json"], { cwd: dir, env });
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /msgbatch_1/);
    for (const text of [r.stdout, r.stderr, show.stdout, readFileSync(db).toString("latin1")])
      assert.equal(text.includes(KEY), false);
    assert.deepEqual([...server.keys], [KEY], "every request carried the key");
  });

  test("errored and expired lines are retried live (default) or in a new Message Batch", async () => {
    const flaky = await startFakeAnthropic({ failLine: (p) => question(p) === 3, expire: new Set([1]) });
    try {
      const r = await runCli(qaArgs(flaky.url, join(dir, "retry.db"), "--batch", "--run-id", "RL"), {
        cwd: dir,
        env,
      });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.summary.errors, 0);
      assert.equal(out.summary.samples, N * 2);
      assert.equal(flaky.batches.length, 1);
      // Half the lines expired (N of 2N); question 3's lines errored wherever they were answered.
      const erroredAnswered = flaky.batches[0]!.results.filter((l) => l.includes('"errored"')).length;
      assert.ok(erroredAnswered >= 1);
      assert.equal(flaky.liveCalls.length, N + erroredAnswered);
      assert.match(r.stderr, /failed or expired; they are sent live/);
    } finally {
      await flaky.close();
    }

    const again = await startFakeAnthropic({
      failLine: (p) => question(p) === 3 && again.batches.length < 2,
      expire: new Set([1]),
    });
    try {
      const args = qaArgs(
        again.url,
        join(dir, "retry2.db"),
        "--batch",
        "--batch-retry",
        "batch",
        "--run-id",
        "RB",
      );
      const r = await runCli(args, { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).summary.errors, 0);
      assert.equal(again.liveCalls.length, 0);
      assert.equal(again.batches.length, 2, "one resubmission of the errored and expired lines");
      const first = again.batches[0]!.results.filter((l) => !l.includes('"succeeded"')).length;
      assert.equal(again.batches[1]!.requests.length, first);
      assert.ok(first > N);
    } finally {
      await again.close();
    }
  });

  test("kill -9 after submitting: resume polls the same Message Batch, submits nothing again", async () => {
    const db = join(dir, "kill.db");
    server.hold = true;
    const before = server.batches.length;
    const live = server.liveCalls.length;
    await killWhileInProgress(
      qaArgs(server.url, db, "--batch", "--run-id", "K", "--progress", "plain", "--no-cache"),
      { cwd: dir, env },
    );
    assert.equal(server.batches.length, before + 1);
    server.hold = false;
    const r = await runCli(["resume", "K", "--db", db, "--json"], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.summary.samples, N * 2);
    assert.equal(out.summary.errors, 0);
    assert.equal(server.batches.length, before + 1, "no second batch");
    assert.equal(server.liveCalls.length, live, "and no live call");
  });

  test("an OpenAI model with an Anthropic judge: each role batches through its own API", async () => {
    const openai = await startBatchServer({
      reply: (b: ChatBody) => `ANSWER: answer ${question(b as Params)}`,
    });
    // The judge approves even questions; its results_url points off-host and must not be followed.
    const judged = await startFakeAnthropic({
      reply: (p) => (question(p) % 2 === 0 ? "1" : "0"),
      foreignResultsUrl: true,
    });
    const previousKey = process.env.ANTHROPIC_API_KEY;
    process.env.ANTHROPIC_API_KEY = KEY;
    const store = new RunStore(join(dir, "mixed.db"));
    try {
      const samples = [2, 3, 4, 6].map((i) => ({
        id: `m${i}`,
        input: `question ${i}`,
        target: `answer ${i}`,
      }));
      const task: Task = {
        name: "judged-anthropic",
        version: "1",
        dataset: memoryDataset("judged", samples),
        solver: [generate()],
        scorers: [
          {
            name: "judge",
            metrics: ["mean"],
            requiresJudge: true,
            async score(state, ctx) {
              const verdict = await ctx.judge!.generate([
                { role: "system", content: "Answer 1 or 0." },
                {
                  role: "user",
                  content: `Is "${state.output?.text}" right for ${String(state.sample.input)}?`,
                },
              ]);
              return { value: Number(verdict.text) };
            },
          },
        ],
      };
      const { run, manifest } = judgedBatchRun(
        store,
        task,
        { id: "openai/m", url: openai.url },
        { id: "anthropic/j", url: judged.url },
        "MIX",
      );
      const outcome = await runBatchEval({ ...run, manifest, mode: "new" });
      assert.equal(outcome.interrupted, false);
      assert.equal(outcome.summary.errors, 0);
      assert.equal(outcome.summary.scorers[0]!.metrics.mean, 3 / 4);
      assert.deepEqual(
        openai.batches.map((b) => (b.metadata as { role: string }).role),
        ["model"],
      );
      assert.equal(judged.batches.length, 1);
      assert.equal(judged.batches[0]!.requests.length, samples.length);
      // The judge's system text is a top-level field, as the live provider sends it.
      assert.equal(judged.batches[0]!.requests[0]!.params.system, "Answer 1 or 0.");
      assert.equal(openai.liveCalls.length + judged.liveCalls.length, 0);
      assert.equal(outcome.summary.tokens.judgeInput, samples.length * 10);
      const jobs = (store.getRun("MIX")!.manifest as unknown as { batch: BatchState }).batch.jobs;
      assert.deepEqual(
        jobs.map((j) => [j.role, j.status, j.inputFileId !== undefined]),
        [
          ["model", "completed", true],
          ["judge", "ended", false],
        ],
      );
    } finally {
      if (previousKey === undefined) delete process.env.ANTHROPIC_API_KEY;
      else process.env.ANTHROPIC_API_KEY = previousKey;
      store.close();
      await openai.close();
      await judged.close();
    }
  });

  test("requests beyond a Message Batch's limits are split into several batches", () => {
    const line = (i: number, text: string): AnthropicBatchLine => ({
      custom_id: `r${i}`,
      method: "POST",
      url: "/v1/messages",
      body: { model: "m", max_tokens: 8, messages: [{ role: "user", content: text }] },
    });
    const lines = Array.from({ length: 7 }, (_, i) => line(i, "x".repeat(100)));
    const ids = (batches: AnthropicBatchLine[][]) => batches.map((b) => b.map((l) => l.custom_id));
    assert.deepEqual(ids(splitMessageBatches(lines, { requests: 3, bytes: 1e9 })), [
      ["r0", "r1", "r2"],
      ["r3", "r4", "r5"],
      ["r6"],
    ]);
    // Each request is 199 bytes: two fit in 420 less the 1% margin, three do not.
    const bySize = splitMessageBatches(lines, { requests: 100, bytes: 420 });
    assert.deepEqual(
      bySize.map((b) => b.length),
      [2, 2, 2, 1],
    );
    // One request larger than the limit still goes (alone); the API's refusal then says why.
    const big = [line(0, "y".repeat(1000)), ...lines.slice(1, 3)];
    assert.deepEqual(
      splitMessageBatches(big, { requests: 100, bytes: 420 }).map((b) => b.length),
      [1, 2],
    );
    assert.deepEqual(splitMessageBatches(lines).length, 1);
  });
});
