import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ModelOutput, type ModelRequest, type Provider, ProviderError } from "../../src/core/types.js";
import { cacheKey, Model, type ResponseCache } from "../../src/providers/model.js";
import { OpenAIProvider } from "../../src/providers/openai.js";
import { ScriptedProvider } from "../../src/providers/scripted.js";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";

class MemoryCache implements ResponseCache {
  map = new Map<string, ModelOutput>();
  get(k: string) {
    return this.map.get(k);
  }
  put(k: string, v: ModelOutput) {
    this.map.set(k, v);
  }
}

/** A provider that fails in scripted ways before answering. */
class FlakyProvider implements Provider {
  name = "flaky";
  model = "m";
  connectionKey = "flaky";
  calls = 0;
  constructor(private failures: ProviderError[]) {}
  async generate(req: ModelRequest): Promise<ModelOutput> {
    this.calls++;
    const f = this.failures.shift();
    if (f) throw f;
    return { text: `ok:${JSON.stringify(req.messages.at(-1)?.content)}`, latencyMs: 1 };
  }
}

const fast = { maxRetries: 3, baseMs: 1, maxMs: 5 };
const msgs = [{ role: "user" as const, content: "hi" }];

describe("cache keys", () => {
  const p = new ScriptedProvider("m", () => "x");
  const req: ModelRequest = { messages: msgs, config: { temperature: 0 } };
  test("depend on messages, params and epoch, not on object key order", () => {
    const k = cacheKey(p, req, 1);
    assert.equal(
      k,
      cacheKey(p, { config: { temperature: 0 }, messages: [{ content: "hi", role: "user" }] }, 1),
    );
    assert.notEqual(k, cacheKey(p, req, 2));
    assert.notEqual(k, cacheKey(p, { ...req, config: { temperature: 0.5 } }, 1));
    assert.notEqual(k, cacheKey(p, { ...req, messages: [{ role: "user", content: "hi!" }] }, 1));
    assert.notEqual(k, cacheKey(new ScriptedProvider("other", () => "x"), req, 1));
  });
  test("never contain the API key, and differ by endpoint", () => {
    process.env.TEST_KEY_FOR_CACHE = "sk-secret-cache-0123456789";
    const a = new OpenAIProvider({
      model: "m",
      baseUrl: "http://127.0.0.1:1/v1",
      apiKeyEnv: "TEST_KEY_FOR_CACHE",
    });
    process.env.TEST_KEY_FOR_CACHE = "sk-other-key-9876543210";
    const b = new OpenAIProvider({
      model: "m",
      baseUrl: "http://127.0.0.1:1/v1",
      apiKeyEnv: "TEST_KEY_FOR_CACHE",
    });
    const c = new OpenAIProvider({
      model: "m",
      baseUrl: "http://127.0.0.1:2/v1",
      apiKeyEnv: "TEST_KEY_FOR_CACHE",
    });
    assert.equal(cacheKey(a, req, 1), cacheKey(b, req, 1), "the key is not part of the cache key");
    assert.notEqual(cacheKey(a, req, 1), cacheKey(c, req, 1));
  });
});

describe("Model: retries, cache and errors", () => {
  test("retries rate limits and transient errors, then succeeds and caches", async () => {
    const provider = new FlakyProvider([
      new ProviderError("429", "rate_limit", { retryAfterMs: 1 }),
      new ProviderError("500", "transient"),
    ]);
    const cache = new MemoryCache();
    const model = new Model(provider, { id: "flaky/m", limiter: new AdaptiveLimiter(4), retry: fast, cache });
    const out = await model.generate(msgs);
    assert.match(out.text, /^ok:/);
    assert.equal(provider.calls, 3);
    assert.equal(model.stats.retries, 2);
    assert.equal(model.stats.rateLimited, 1);
    assert.equal(model.limiter.limit, 2, "the 429 halved the limit");
    const again = await model.generate(msgs);
    assert.equal(again.cached, true);
    assert.equal(provider.calls, 3, "served from cache");
    const bypass = await model.generate(msgs, undefined, { noCacheRead: true });
    assert.notEqual(bypass.cached, true);
    assert.equal(provider.calls, 4);
  });

  test("fatal errors are not retried and never cached", async () => {
    const provider = new FlakyProvider([new ProviderError("HTTP 401", "fatal", { status: 401 })]);
    const cache = new MemoryCache();
    const model = new Model(provider, { id: "flaky/m", limiter: new AdaptiveLimiter(1), retry: fast, cache });
    await assert.rejects(model.generate(msgs), /401/);
    assert.equal(provider.calls, 1);
    assert.equal(cache.map.size, 0);
    const ok = await model.generate(msgs);
    assert.notEqual(ok.cached, true);
  });

  test("gives up after maxRetries with the attempt count in the message", async () => {
    const provider = new FlakyProvider(
      Array.from({ length: 10 }, () => new ProviderError("HTTP 503", "transient")),
    );
    const model = new Model(provider, { id: "flaky/m", limiter: new AdaptiveLimiter(1), retry: fast });
    await assert.rejects(model.generate(msgs), /503 \(after 4 attempts\)/);
    assert.equal(provider.calls, 4);
  });

  test("a hanging server is cut off by the timeout and retried", async () => {
    const server = await startMockServer({ failures: { hang: 0.5, seed: 3 } });
    try {
      const provider = new OpenAIProvider({ model: "m", baseUrl: server.url });
      const model = new Model(provider, {
        id: "openai/m",
        limiter: new AdaptiveLimiter(4),
        retry: { ...fast, maxRetries: 10 },
        timeoutMs: 200,
      });
      const outs = await Promise.all(
        Array.from({ length: 6 }, (_, i) => model.generate([{ role: "user", content: `q${i}` }])),
      );
      assert.deepEqual(
        outs.map((o) => o.text),
        ["q0", "q1", "q2", "q3", "q4", "q5"],
      );
      assert.ok(server.counts.hang! > 0, "some requests hung");
      // Every hung request was cut off and retried; on a loaded machine a slow (not hung) answer can pass
      // the 200 ms timeout too and be retried as well, so the retries are at least the hangs.
      assert.ok(
        model.stats.retries >= server.counts.hang!,
        `${model.stats.retries} retries, ${server.counts.hang} hangs`,
      );
    } finally {
      await server.close();
    }
  });

  test("an endpoint that never answered fails fast with a hint instead of a minute of retries", async () => {
    const provider = new OpenAIProvider({ model: "m", baseUrl: "http://127.0.0.1:9/v1" });
    const err = await provider
      .generate({ messages: msgs, config: {} }, new AbortController().signal)
      .catch((e: unknown) => e);
    assert.ok(err instanceof ProviderError);
    assert.equal(err.kind, "fatal");
    assert.match(
      err.message,
      /cannot reach http:\/\/127\.0\.0\.1:9\/v1 \(connection refused: is the server running\?\)/,
    );
  });

  test("completion mode sends the raw text to /completions and reads choices[0].text", async () => {
    const server = await startMockServer({ reply: (req) => ` continues ${lastUserText(req)}` });
    try {
      const provider = new OpenAIProvider({ model: "pythia", baseUrl: server.url });
      const out = await provider.generate(
        {
          messages: [{ role: "user", content: "Paris is the capital of" }],
          config: { completion: true, maxTokens: 4 },
        },
        new AbortController().signal,
      );
      assert.equal(out.text, " continues Paris is the capital of");
      const body = server.requests[0]!.body;
      assert.equal(body.prompt, "Paris is the capital of");
      assert.equal(body.max_tokens, 4);
      assert.equal("completion" in body, false, "the flag is ours, not the API's");
    } finally {
      await server.close();
    }
  });

  test("OpenAI provider classifies HTTP failures and sends images as content parts", async () => {
    const server = await startMockServer({ failures: { rate429: 1, seed: 1 }, retryAfterSeconds: 2 });
    try {
      const provider = new OpenAIProvider({ model: "m", baseUrl: server.url });
      const err = await provider
        .generate({ messages: msgs, config: {} }, new AbortController().signal)
        .catch((e: unknown) => e);
      assert.ok(err instanceof ProviderError);
      assert.equal(err.kind, "rate_limit");
      assert.equal(err.options.retryAfterMs, 2000);
    } finally {
      await server.close();
    }
    const ok = await startMockServer();
    try {
      const provider = new OpenAIProvider({ model: "vision", baseUrl: ok.url });
      const out = await provider.generate(
        {
          messages: [
            {
              role: "user",
              content: [
                { type: "text", text: "what is this?" },
                { type: "image", image: "data:image/png;base64,AAAA" },
              ],
            },
          ],
          config: { temperature: 0, maxTokens: 5, seed: 3 },
        },
        new AbortController().signal,
      );
      assert.equal(out.text, "what is this?");
      assert.deepEqual(out.usage, { inputTokens: 10, outputTokens: 5 });
      const body = ok.requests[0]!.body;
      assert.deepEqual(body.messages[0]!.content, [
        { type: "text", text: "what is this?" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      ]);
      assert.equal(body.max_tokens, 5);
      assert.equal(body.seed, 3);
    } finally {
      await ok.close();
    }
  });
});
