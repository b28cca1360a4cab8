import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { maxTokensFieldFor, OpenAIProvider, splitThinking } from "../../src/providers/openai.js";
import { createProvider } from "../../src/providers/registry.js";
import { RunStore } from "../../src/store/run-store.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("<think> blocks leave the answer; the output limit field follows the server", () => {
  assert.deepEqual(splitThinking("<think>a\nb</think>\n\nThe answer is 4."), {
    answer: "The answer is 4.",
    thinking: "a\nb",
  });
  assert.deepEqual(splitThinking("cut opening tag</think> 7"), { answer: "7", thinking: "cut opening tag" });
  assert.deepEqual(splitThinking("plain"), { answer: "plain" });
  assert.equal(maxTokensFieldFor("https://api.openai.com/v1"), "max_completion_tokens");
  assert.equal(maxTokensFieldFor("http://127.0.0.1:8000/v1"), "max_tokens");
});

test("reasoning effort, log-probabilities and extra body fields go out; reasoning comes back apart", async () => {
  const server = await startMockServer({
    reply: () => ({
      content: "<think>2+2 is 4</think>The answer is 4.",
      reasoning_content: "first I add",
      logprobs: [{ token: "4", logprob: -0.1, top_logprobs: [{ token: "4", logprob: -0.1 }] }],
    }),
  });
  try {
    const provider = new OpenAIProvider({
      model: "m",
      baseUrl: server.url,
      maxTokensField: "max_completion_tokens",
    });
    const out = await provider.generate(
      {
        messages: [{ role: "user", content: "2+2?" }],
        config: {
          maxTokens: 50,
          reasoningEffort: "low",
          logprobs: 1,
          extra: { top_k: 20, chat_template_kwargs: { enable_thinking: false } },
        },
      },
      new AbortController().signal,
    );
    const body = server.requests[0]!.body;
    assert.equal(body.max_completion_tokens, 50);
    assert.equal(body.max_tokens, undefined);
    assert.equal(body.reasoning_effort, "low");
    assert.deepEqual([body.logprobs, body.top_logprobs], [true, 1]);
    assert.equal(body.top_k, 20);
    assert.deepEqual(body.chat_template_kwargs, { enable_thinking: false });
    assert.equal(out.text, "The answer is 4.");
    assert.equal(out.reasoning, "first I add\n\n2+2 is 4");
    assert.deepEqual(out.logprobs, [{ token: "4", logprob: -0.1, top: [{ token: "4", logprob: -0.1 }] }]);
  } finally {
    await server.close();
  }
});

test("VLLM_BASE_URL, OLLAMA_BASE_URL and LLAMACPP_BASE_URL are honoured", () => {
  const saved = { ...process.env };
  try {
    process.env.VLLM_BASE_URL = "http://10.1.2.3:9000/v1";
    process.env.OLLAMA_BASE_URL = "http://ollama.local:1/v1";
    process.env.LLAMACPP_BASE_URL = "http://cpp.local:2/v1";
    assert.equal(createProvider("vllm/m").endpoint, "http://10.1.2.3:9000/v1");
    assert.equal(createProvider("ollama/m").endpoint, "http://ollama.local:1/v1");
    assert.equal(createProvider("llamacpp/m").endpoint, "http://cpp.local:2/v1");
    assert.equal(createProvider("vllm/m", { baseUrl: "http://flag:1/v1" }).endpoint, "http://flag:1/v1");
  } finally {
    for (const k of ["VLLM_BASE_URL", "OLLAMA_BASE_URL", "LLAMACPP_BASE_URL"]) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test("eval -M and --reasoning-effort reach the server and the manifest; the reasoning is stored apart", async () => {
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"2+2","target":"4"}\n');
  const server = await startMockServer({ reply: () => "<think>add them</think>ANSWER: 4" });
  const db = join(dir, "runs.db");
  try {
    const r = await runCli(
      ...["eval", "qa", "--dataset", data, "--model", "openai/m", "--model-base-url", server.url, "--db", db],
      ...[
        "-M",
        "top_k=20",
        "-M",
        "min_p=0.05",
        "--reasoning-effort",
        "high",
        "--run-id",
        "mod",
        "--progress",
        "silent",
      ],
    );
    assert.equal(r.code, 0, r.stderr);
    const body = server.requests[0]!.body;
    assert.deepEqual([body.top_k, body.min_p, body.reasoning_effort], [20, 0.05, "high"]);
    const store = new RunStore(db);
    try {
      const run = store.requireRun("mod");
      assert.deepEqual(run.manifest.generate.extra, { top_k: 20, min_p: 0.05 });
      const [sample] = [...store.iterateSamples("mod")];
      assert.equal(sample?.output, "ANSWER: 4");
      assert.equal(sample?.store?.reasoning, "add them");
      assert.equal(store.scoresFor("mod")[0]?.value, 1);
    } finally {
      store.close();
    }
  } finally {
    await server.close();
  }
});

test("a 404 from a base URL without /v1 suggests the /v1 URL", async () => {
  // A server that serves only under /v1, as OpenAI-compatible servers do.
  const server = createServer((req, res) => {
    res.writeHead(req.url?.startsWith("/v1/") ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "Not Found" } }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = new OpenAIProvider({ model: "m", baseUrl: root });
    const err = await provider
      .generate({ messages: [{ role: "user", content: "hi" }], config: {} }, new AbortController().signal)
      .catch((e: unknown) => e);
    assert.match(String((err as Error).message), new RegExp(`HTTP 404.*did you mean ${root}/v1`));
  } finally {
    server.close();
  }
});
