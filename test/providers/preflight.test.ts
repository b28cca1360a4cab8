import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { RunStore } from "../../src/store/run-store.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { startAnthropicServer } from "./anthropic-server.js";

/** An OpenAI-compatible server as vLLM behaves: /v1/models lists one model, unknown names get 404, a key is required. */
async function strictServer(key: string) {
  const seen: string[] = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    seen.push(`${req.method} ${req.url}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!req.url?.startsWith("/v1/")) return send(404, { detail: "Not Found" });
    if (req.headers.authorization !== `Bearer ${key}`)
      return send(401, { error: { message: "invalid api key" } });
    if (req.url === "/v1/models") return send(200, { object: "list", data: [{ id: "real-model" }] });
    const body = JSON.parse(raw) as { model: string; messages: Array<{ content: string }> };
    if (body.model !== "real-model")
      return send(404, { error: { message: `The model \`${body.model}\` does not exist.` } });
    send(200, {
      choices: [{ message: { role: "assistant", content: `ANSWER: ${body.messages.at(-1)?.content}` } }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    root,
    seen,
    chats: () => seen.filter((s) => s.endsWith("/chat/completions")).length,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function dataset(n: number): string {
  const file = join(tempDir(), "qa.jsonl");
  writeFileSync(
    file,
    Array.from({ length: n }, (_, i) => `{"id":"s${i}","input":"${i}","target":"${i}"}`).join("\n"),
  );
  return file;
}

test("pre-flight: a misspelt model, a wrong key or a URL without /v1 stop before the run, in one request", async () => {
  const key = "sk-preflight-0123456789";
  const server = await strictServer(key);
  const data = dataset(20);
  const db = join(tempDir(), "runs.db");
  const saved = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = key;
  const evalWith = (model: string, url: string, ...more: string[]) =>
    runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      "--model",
      model,
      "--model-base-url",
      url,
      "--db",
      db,
      "--progress",
      "silent",
      ...more,
    );
  try {
    let r = await evalWith("openai/rael-model", `${server.root}/v1`);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /pre-flight check of the model openai\/rael-model at .* failed: HTTP 404: The model `rael-model` does not exist\.; the server lists real-model/,
    );
    assert.equal(server.chats(), 1, "one one-token request, not one per sample");

    r = await evalWith("openai/real-model", server.root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did you mean http:\/\/127\.0\.0\.1:\d+\/v1 \?/);

    process.env.OPENAI_API_KEY = "sk-wrong-key-987654321";
    r = await evalWith("openai/real-model", `${server.root}/v1`);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /HTTP 401: invalid api key \(the key is read from \$OPENAI_API_KEY/);
    assert.ok(!r.stderr.includes("sk-wrong-key-987654321"));
    process.env.OPENAI_API_KEY = key;

    const store = new RunStore(db);
    assert.equal(store.listRuns().length, 0, "no run was created by a failed pre-flight");
    store.close();

    const before = server.chats();
    r = await evalWith("openai/real-model", `${server.root}/v1`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.chats() - before, 20, "a listed model costs no extra request");

    // --no-preflight: the old behaviour, every sample tries.
    r = await evalWith("openai/rael-model", `${server.root}/v1`, "--no-preflight", "--concurrency", "1");
    assert.notEqual(r.code, 2);
    assert.ok(server.chats() - before - 20 > 1);
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
    await server.close();
  }
});

test("pre-flight: a server that is not running fails at once; anthropic's unknown model too", async () => {
  const data = dataset(3);
  const db = join(tempDir(), "runs.db");
  const started = Date.now();
  let r = await runCli(
    "eval",
    "qa",
    "--dataset",
    data,
    "--model",
    "openai/m",
    "--model-base-url",
    "http://127.0.0.1:9/v1",
    "--db",
    db,
    "--progress",
    "silent",
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:9\/v1 \(connection refused/);
  assert.ok(Date.now() - started < 5000);

  const server = await startAnthropicServer({
    models: ["claude-real"],
    answer: (body) =>
      body.model === "claude-real"
        ? { text: "ok" }
        : { status: 404, type: "not_found_error", message: `model: ${String(body.model)}` },
  });
  try {
    r = await runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      "--model",
      "anthropic/claude-typo",
      "--model-base-url",
      server.url,
      "--db",
      db,
      "--progress",
      "silent",
    );
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /pre-flight check of the model anthropic\/claude-typo .*HTTP 404: not_found_error: model: claude-typo/,
    );
    r = await runCli(
      "eval",
      "qa",
      "--dataset",
      data,
      "--model",
      "anthropic/claude-real",
      "--model-base-url",
      server.url,
      "--db",
      db,
      "--progress",
      "silent",
    );
    assert.equal(r.stderr.includes("pre-flight"), false, r.stderr);
    assert.equal(server.requests.filter((q) => q.path.startsWith("/v1/models/")).length, 2);
  } finally {
    await server.close();
  }
});

test("pre-flight: a 400 to the one-token probe is only a note; the run goes ahead", async () => {
  // Lists no model of that name, and refuses max_tokens below 16 (as some servers do) but serves the run.
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const c of req) raw += c;
    const json = { "content-type": "application/json" };
    if (req.url === "/v1/models") {
      res.writeHead(200, json);
      return res.end(JSON.stringify({ data: [{ id: "/models/qwen.gguf" }] }));
    }
    const body = JSON.parse(raw) as { max_tokens?: number };
    if ((body.max_tokens ?? 100) < 16) {
      res.writeHead(400, json);
      return res.end(JSON.stringify({ error: { message: "max_tokens must be at least 16" } }));
    }
    res.writeHead(200, json);
    res.end(JSON.stringify({ choices: [{ message: { content: "ANSWER: 1" } }] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const r = await runCli(
      "eval",
      "qa",
      "--dataset",
      dataset(1),
      "--model",
      "openai/qwen",
      "--model-base-url",
      url,
      "--db",
      join(tempDir(), "r.db"),
      "--progress",
      "silent",
    );
    assert.notEqual(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /pre-flight check of the model openai\/qwen .* was inconclusive \(HTTP 400: max_tokens must be at least 16/,
    );
  } finally {
    server.close();
  }
});
