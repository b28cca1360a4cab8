import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ProviderError } from "../../src/core/types.js";
import { AnthropicProvider } from "../../src/providers/anthropic.js";
import { buildModel } from "../../src/providers/build-model.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { startAnthropicServer } from "./anthropic-server.js";

const signal = () => new AbortController().signal;
// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

test("anthropic: the Messages request as the API wants it, thinking and usage read back", async () => {
  const key = "sk-ant-test-0123456789abcdef";
  const server = await startAnthropicServer({
    key,
    answer: () => ({
      text: "Paris",
      thinking: "the capital of France",
      usage: { input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 5 },
    }),
  });
  const saved = process.env.ANTHROPIC_TEST_KEY;
  process.env.ANTHROPIC_TEST_KEY = key;
  try {
    const image = join(tempDir(), "dot.png");
    writeFileSync(image, PNG);
    const p = new AnthropicProvider({
      model: "claude-x",
      baseUrl: `${server.url}/v1/`,
      apiKeyEnv: "ANTHROPIC_TEST_KEY",
    });
    assert.equal(p.endpoint, server.url, "a trailing /v1 is the same endpoint");
    const out = await p.generate(
      {
        messages: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "Capital?" },
              { type: "image", image },
            ],
          },
        ],
        config: { temperature: 0.3, topP: 0.9, stop: ["###"], seed: 4, logprobs: 2 },
      },
      signal(),
    );
    const r = server.requests[0]!;
    assert.equal(r.path, "/v1/messages");
    assert.equal(r.headers["x-api-key"], key);
    assert.equal(r.headers["anthropic-version"], "2023-06-01");
    assert.equal(r.headers.authorization, undefined);
    assert.equal(r.body.system, "Be brief.");
    assert.equal(r.body.max_tokens, 4096, "max_tokens is required: a default is sent");
    assert.deepEqual([r.body.temperature, r.body.top_p, r.body.stop_sequences], [0.3, 0.9, ["###"]]);
    assert.equal(r.body.seed, undefined, "no seed field in the Messages API");
    assert.equal(r.body.logprobs, undefined);
    const [msg] = r.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    assert.equal(msg!.role, "user");
    assert.deepEqual(msg!.content[1], {
      type: "image",
      source: { type: "base64", media_type: "image/png", data: PNG.toString("base64") },
    });
    assert.equal(out.text, "Paris");
    assert.equal(out.reasoning, "the capital of France");
    assert.deepEqual(out.usage, { inputTokens: 25, outputTokens: 9 });
    assert.equal(out.finishReason, "end_turn");

    // --reasoning-effort turns extended thinking on; max_tokens then covers budget + answer.
    await p.generate(
      {
        messages: [{ role: "user", content: "hi" }],
        config: { reasoningEffort: "low", maxTokens: 500, temperature: 0 },
      },
      signal(),
    );
    const b = server.requests[1]!.body;
    assert.deepEqual(b.thinking, { type: "enabled", budget_tokens: 2048 });
    assert.equal(b.max_tokens, 2548);
    assert.equal(b.temperature, undefined, "thinking accepts no temperature");
  } finally {
    if (saved === undefined) delete process.env.ANTHROPIC_TEST_KEY;
    else process.env.ANTHROPIC_TEST_KEY = saved;
    await server.close();
  }
});

test("anthropic: 429 and 529 are retried, 400 and 401 are not; errors carry the API's type", async () => {
  const script = [
    { status: 429, type: "rate_limit_error", message: "slow down", headers: { "retry-after": "0" } },
    { status: 529, type: "overloaded_error", message: "Overloaded" },
  ];
  const server = await startAnthropicServer({ answer: (_b, n) => script[n] ?? { text: "ok" } });
  try {
    const model = buildModel({
      id: "anthropic/claude-x",
      baseUrl: server.url,
      concurrency: 2,
      retry: { maxRetries: 3, baseMs: 1, maxMs: 5 },
    });
    const out = await model.generate([{ role: "user", content: "hi" }]);
    assert.equal(out.text, "ok");
    assert.equal(server.requests.length, 3);
    assert.equal(model.stats.rateLimited, 1);
    assert.equal(model.stats.retries, 2);
  } finally {
    await server.close();
  }
  const bad = await startAnthropicServer({
    answer: () => ({ status: 400, type: "invalid_request_error", message: "messages: too long" }),
  });
  try {
    const model = buildModel({
      id: "anthropic/claude-x",
      baseUrl: bad.url,
      concurrency: 1,
      retry: { maxRetries: 3, baseMs: 1 },
    });
    const err = await model.generate([{ role: "user", content: "hi" }]).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.kind, "fatal");
    assert.match(err.message, /HTTP 400: invalid_request_error: messages: too long/);
    assert.equal(bad.requests.length, 1, "a 400 is not retried");
  } finally {
    await bad.close();
  }
});

test("anthropic e2e: ANTHROPIC_BASE_URL and the key from the environment; the key reaches no output", async () => {
  const key = "sk-ant-api03-SECRETsecret1234567890";
  // A hostile server that echoes the key in answers, reasoning and errors.
  const server = await startAnthropicServer({
    key,
    answer: (body, _n, headers) => {
      const text = JSON.stringify(body.messages);
      if (text.includes("fail"))
        return { status: 400, type: "invalid_request_error", message: `bad key ${headers["x-api-key"]}` };
      return { text: `ANSWER: 4 (${headers["x-api-key"]})`, thinking: `key=${headers["x-api-key"]}` };
    },
  });
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"2+2","target":"4"}\n{"id":"b","input":"fail","target":"4"}\n');
  const db = join(dir, "runs.db");
  const saved = { ...process.env };
  process.env.ANTHROPIC_API_KEY = key;
  process.env.ANTHROPIC_BASE_URL = server.url;
  try {
    const r = await runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      "--model",
      "anthropic/claude-x",
      "--db",
      db,
      "--run-id",
      "ant",
      "--progress",
      "silent",
      "--json",
    );
    assert.equal(r.code, 1, r.stderr);
    assert.equal(server.requests.filter((q) => q.path === "/v1/messages").length, 2);
    const exported = await runCli("export", "ant", "--db", db);
    const shown = await runCli("show", "ant", "--db", db);
    for (const text of [r.stdout, r.stderr, exported.stdout, shown.stdout, shown.stderr])
      assert.ok(!text.includes(key) && !text.includes("SECRETsecret"), text);
    assert.match(exported.stdout, /\*\*\*/);
    for (const f of readdirSync(dir))
      assert.ok(!readFileSync(join(dir, f)).includes("SECRETsecret"), `${f} holds the key`);
  } finally {
    process.env = saved;
    await server.close();
  }
});
