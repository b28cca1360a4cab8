import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { costOf, parsePrice, priceOf } from "../../src/providers/prices.js";
import { RunStore } from "../../src/store/run-store.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("prices: the longest dated prefix, overrides first, nothing for unknown models", () => {
  assert.deepEqual(priceOf("openai/gpt-4o-mini-2024-07-18"), { input: 0.15, output: 0.6 });
  assert.deepEqual(priceOf("openai/gpt-4o"), { input: 2.5, output: 10 });
  assert.deepEqual(priceOf("anthropic/claude-sonnet-4-5-20250929"), { input: 3, output: 15 });
  assert.equal(priceOf("vllm/Qwen/Qwen2.5-7B-Instruct"), undefined);
  assert.equal(priceOf("openai/gpt-4oo"), undefined, "a prefix must end at a dash");
  assert.deepEqual(priceOf("openai/gpt-4o", { "gpt-4o": { input: 1, output: 2 } }), { input: 1, output: 2 });
  assert.deepEqual(priceOf("vllm/my-model-7b", { "my-model": { input: 0.1, output: 0.1 } }), {
    input: 0.1,
    output: 0.1,
  });
  assert.equal(costOf({ input: 2.5, output: 10 }, 1_000_000, 500_000), 7.5);
  assert.deepEqual(parsePrice("--price", "in=0.5,out=1.5"), { input: 0.5, output: 1.5 });
  assert.throws(() => parsePrice("--price", "in=0.5"), /expected in=/);
  assert.throws(() => parsePrice("--price", "in=-1,out=2"), /expected in=/);
});

function dataset(n: number): string {
  const file = join(tempDir(), "qa.jsonl");
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({ id: `s${i}`, input: `question ${i}`, target: "x" }),
    ).join("\n"),
  );
  return file;
}

test("--token-limit and --cost-limit stop cleanly (exit 5, interrupted) and resume finishes the run", async () => {
  // Every answer reports 10 input + 5 output tokens.
  const server = await startMockServer({ reply: () => "ANSWER: x" });
  const db = join(tempDir(), "runs.db");
  const data = dataset(40);
  const common = [
    "--model",
    "openai/m",
    "--model-base-url",
    server.url,
    "--db",
    db,
    "--concurrency",
    "1",
    "--progress",
    "silent",
  ];
  try {
    let r = await runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      ...common,
      "--run-id",
      "tok",
      "--token-limit",
      "100",
    );
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr, /--token-limit 100 reached \(105 tokens used\)/);
    assert.match(r.stderr, /assay resume tok/);
    let store = new RunStore(db);
    assert.equal(store.requireRun("tok").status, "interrupted");
    assert.equal(store.countSamples("tok").total, 7);
    store.close();
    r = await runCli("resume", "tok", "--db", db, "--progress", "silent");
    assert.equal(r.code, 0, r.stderr);
    store = new RunStore(db);
    assert.equal(store.countSamples("tok").total, 40);
    assert.equal(store.requireRun("tok").status, "completed");
    store.close();

    // $1 per token: each call costs $15; a $40 limit stops after the third (cached answers cost nothing: no cache).
    const before = server.requests.length;
    r = await runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      ...common,
      "--price",
      "in=1000000,out=1000000",
      "--cost-limit",
      "40",
      "--json",
      "--no-cache",
    );
    assert.equal(r.code, 6, r.stderr);
    assert.equal(server.requests.length - before, 3);
    const out = JSON.parse(r.stdout) as { stopped: string; cost: { usd: number } };
    assert.match(out.stopped, /--cost-limit \$40\.00 reached \(\$45\.00 spent\)/);
    assert.equal(out.cost.usd, 45);

    r = await runCli("eval", "qa", "--dataset", data, ...common, "--cost-limit", "1");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--cost-limit needs a price for openai\/m/);
  } finally {
    await server.close();
  }
});

test("--dry-run counts samples, calls, tokens and dollars and sends nothing", async () => {
  const server = await startMockServer();
  const dir = tempDir();
  const data = dataset(10);
  try {
    const r = await runCli(
      ...["eval", "qa", "--dataset", data, "--model", "openai/gpt-4o-mini", "--model-base-url", server.url],
      ...[
        "--db",
        join(dir, "runs.db"),
        "--max-tokens",
        "100",
        "--epochs",
        "2",
        "--limit",
        "8",
        "--dry-run",
        "--json",
      ],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 0);
    const e = JSON.parse(r.stdout) as {
      samples: number;
      units: number;
      model: { calls: number; inputTokens: number; outputTokens: number; usd: number };
    };
    assert.deepEqual([e.samples, e.units, e.model.calls], [8, 16, 16]);
    const chars = Array.from({ length: 8 }, (_, i) => `question ${i}`.length).reduce((a, b) => a + b, 0);
    assert.equal(e.model.inputTokens, Math.ceil(chars / 4) * 2);
    assert.equal(e.model.outputTokens, 1600);
    assert.ok(Math.abs(e.model.usd - (e.model.inputTokens * 0.15 + 1600 * 0.6) / 1e6) < 1e-12);
    const text = await runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      "--model",
      "openai/gpt-4o-mini",
      "--model-base-url",
      server.url,
      "--db",
      join(dir, "runs.db"),
      "--dry-run",
    );
    assert.match(text.stdout, /dry run \(nothing sent\): qa, 10 samples × 1 epoch\(s\) = 10 units/);
    assert.match(text.stdout, /512 per call assumed/);
    assert.equal(server.requests.length, 0);
  } finally {
    await server.close();
  }
});
