import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ModelRequest, ProviderError } from "../../src/core/types.js";
import { defaultJudgeId, defaultModelId } from "../../src/providers/default-model.js";
import {
  GgufProvider,
  type GgufProviderOptions,
  ggufOptionsFromEnv,
  loadedGgufModels,
  parseGgufSource,
  prepareLocalModels,
} from "../../src/providers/gguf-provider.js";
import { createProvider } from "../../src/providers/registry.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir, withChatTemplate, writeTinyGguf } from "./gguf-helpers.js";

const never = new AbortController().signal;
/** One thread: llama.cpp's spinning worker threads are slow on a machine shared with other jobs. */
const CPU: GgufProviderOptions = { gpu: false, threads: 1 };

function ask(text: string, config: ModelRequest["config"] = {}): ModelRequest {
  return { messages: [{ role: "user", content: text }], config };
}

describe("gguf provider: references and bad files", () => {
  const dir = tempDir("gguf-bad");

  test("a missing file or a non-GGUF file is a UserError naming it, before any run", () => {
    assert.throws(
      () => createProvider(`gguf/${join(dir, "missing.gguf")}`),
      (err: unknown) =>
        err instanceof UserError &&
        err.message.includes("missing.gguf") &&
        /does not exist/.test(err.message),
    );
    const notGguf = join(dir, "model.safetensors");
    writeFileSync(notGguf, "{}not a gguf file");
    assert.throws(
      () => createProvider(`gguf/${notGguf}`),
      (err: unknown) => err instanceof UserError && /is not a GGUF file/.test(err.message),
    );
    writeFileSync(join(dir, "short.gguf"), "GG");
    assert.throws(() => new GgufProvider(join(dir, "short.gguf")), /not a GGUF file/);
    assert.throws(() => createProvider("gguf/hf:only-owner"), UserError);
  });

  test("sources: local paths are resolved, hf: references parsed", () => {
    assert.deepEqual(parseGgufSource("hf:a/b@v1/c.gguf"), {
      kind: "hf",
      ref: { repo: "a/b", revision: "v1", file: "c.gguf" },
    });
    const local = parseGgufSource("models/x.gguf");
    assert.equal(local.kind, "path");
    assert.ok(
      local.kind === "path" && local.path.endsWith(join("models", "x.gguf")) && local.path.startsWith("/"),
    );
  });

  test("tuning from ASSAY_GGUF_* variables, with clear errors", () => {
    const saved = { ...process.env };
    try {
      process.env.ASSAY_GGUF_SEQUENCES = "3";
      process.env.ASSAY_GGUF_CONTEXT = "512";
      process.env.ASSAY_GGUF_THREADS = "2";
      process.env.ASSAY_GGUF_GPU = "off";
      assert.deepEqual(ggufOptionsFromEnv(), { sequences: 3, contextSize: 512, threads: 2, gpu: false });
      process.env.ASSAY_GGUF_SEQUENCES = "0";
      assert.throws(() => ggufOptionsFromEnv(), /ASSAY_GGUF_SEQUENCES must be a positive integer/);
      process.env.ASSAY_GGUF_SEQUENCES = "2";
      process.env.ASSAY_GGUF_GPU = "tpu";
      assert.throws(() => ggufOptionsFromEnv(), /ASSAY_GGUF_GPU/);
    } finally {
      for (const k of [
        "ASSAY_GGUF_SEQUENCES",
        "ASSAY_GGUF_CONTEXT",
        "ASSAY_GGUF_THREADS",
        "ASSAY_GGUF_GPU",
      ]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  test("the embedded default is a gguf hf: reference, overridable", () => {
    const saved = { ...process.env };
    try {
      delete process.env.ASSAY_DEFAULT_MODEL;
      delete process.env.ASSAY_DEFAULT_JUDGE;
      const id = defaultModelId();
      assert.match(id, /^gguf\/hf:[^/]+\/[^/]+\/.+\.gguf$/);
      assert.equal(defaultJudgeId(), id);
      const source = parseGgufSource(id.slice("gguf/".length));
      assert.equal(source.kind, "hf");
      process.env.ASSAY_DEFAULT_MODEL = "gguf//data/m.gguf";
      assert.equal(defaultModelId(), "gguf//data/m.gguf");
      assert.equal(defaultJudgeId(), "gguf//data/m.gguf");
      process.env.ASSAY_DEFAULT_JUDGE = "openai/gpt-4o-mini";
      assert.equal(defaultJudgeId(), "openai/gpt-4o-mini");
    } finally {
      for (const k of ["ASSAY_DEFAULT_MODEL", "ASSAY_DEFAULT_JUDGE"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});

describe("gguf provider on a tiny model written by our converter", () => {
  const dir = tempDir("gguf-provider");
  let path = "";
  let provider: GgufProvider;

  before(async () => {
    path = writeTinyGguf(dir).path;
    provider = new GgufProvider(path, { ...CPU, sequences: 2, contextSize: 256 });
    await prepareLocalModels([provider, undefined]);
  });
  after(async () => {
    await provider.close();
  });

  test("answers with text, a finish reason and counted tokens", async () => {
    assert.equal(provider.maxConcurrency, 2);
    assert.equal(provider.name, "gguf");
    const out = await provider.generate(ask("What is the capital of France?", { maxTokens: 7 }), never);
    assert.equal(typeof out.text, "string");
    assert.ok(out.text.length > 0);
    assert.equal(out.finishReason, "length");
    assert.equal(out.usage?.outputTokens, 7);
    // The placeholder vocabulary has no merges: every byte of the rendered prompt is one token.
    const prompt = "What is the capital of France?";
    assert.ok((out.usage?.inputTokens ?? 0) > prompt.length, `inputTokens ${out.usage?.inputTokens}`);
    assert.ok(out.latencyMs > 0);
  });

  test("greedy decoding is deterministic; top-p near 0 is greedy whatever the temperature", async () => {
    const greedy = await provider.generate(ask("Hello", { maxTokens: 12, temperature: 0 }), never);
    const again = await provider.generate(ask("Hello", { maxTokens: 12, temperature: 0 }), never);
    assert.equal(again.text, greedy.text);
    const nucleus = await provider.generate(
      ask("Hello", { maxTokens: 12, temperature: 1.5, topP: 1e-9, seed: 5 }),
      never,
    );
    assert.equal(nucleus.text, greedy.text);
  });

  test("a seed reproduces a sampled answer; other seeds give other answers", async () => {
    const cfg = { maxTokens: 16, temperature: 1.5 };
    const a = await provider.generate(ask("Tell me a story", { ...cfg, seed: 11 }), never);
    const b = await provider.generate(ask("Tell me a story", { ...cfg, seed: 11 }), never);
    assert.equal(b.text, a.text);
    const others = await Promise.all(
      [12, 13, 14].map((seed) => provider.generate(ask("Tell me a story", { ...cfg, seed }), never)),
    );
    assert.ok(
      others.some((o) => o.text !== a.text),
      "three other seeds all produced the same 16 tokens",
    );
  });

  test("stop strings end the answer before the stop text", async () => {
    const full = await provider.generate(ask("Count", { maxTokens: 24, temperature: 0 }), never);
    // Stop on a whole token of the greedy answer (" t<id>" pieces), after its first few characters.
    const pieces = [...full.text.matchAll(/ t\d{3}/g)].filter((m) => (m.index ?? 0) >= 2);
    const piece = pieces[0];
    if (!piece) {
      assert.fail(`greedy answer has no "t<id>" piece to stop on: ${JSON.stringify(full.text)}`);
    }
    const stopped = await provider.generate(
      ask("Count", { maxTokens: 24, temperature: 0, stop: [piece[0]] }),
      never,
    );
    assert.equal(stopped.finishReason, "stop");
    // Random byte tokens can leave an incomplete UTF-8 character just before the stop; it is not emitted.
    const clip = (t: string) => t.replace(/\uFFFD+$/, "");
    assert.equal(clip(stopped.text), clip(full.text.slice(0, piece.index)));
    assert.ok(!stopped.text.includes(piece[0]));
    assert.ok((stopped.usage?.outputTokens ?? 99) < 24);
  });

  test("more calls than sequences wait for a free sequence; all complete", async () => {
    const outs = await Promise.all(
      Array.from({ length: 5 }, (_, i) => provider.generate(ask(`q${i}`, { maxTokens: 5 }), never)),
    );
    assert.equal(outs.length, 5);
    for (const o of outs) assert.equal(o.usage?.outputTokens, 5);
  });

  test("an abort signal stops a call with its reason and leaves the provider usable", async () => {
    const pre = new AbortController();
    pre.abort(new Error("stop before"));
    await assert.rejects(provider.generate(ask("x", { maxTokens: 4 }), pre.signal), /stop before/);
    const mid = new AbortController();
    const call = provider.generate(
      ask("a long answer please", { maxTokens: 200, temperature: 0 }),
      mid.signal,
    );
    setTimeout(() => mid.abort(new Error("stop during")), 5);
    await assert.rejects(call, /stop during/);
    const after = await provider.generate(ask("x", { maxTokens: 3 }), never);
    assert.equal(after.usage?.outputTokens, 3);
  });

  test("images and prompts longer than the context are fatal ProviderErrors", async () => {
    await assert.rejects(
      provider.generate(
        {
          messages: [{ role: "user", content: [{ type: "image", image: "data:image/png;base64,AA==" }] }],
          config: {},
        },
        never,
      ),
      (err: unknown) => err instanceof ProviderError && err.kind === "fatal" && /image/.test(err.message),
    );
    await assert.rejects(
      provider.generate(ask("y".repeat(400)), never),
      (err: unknown) =>
        err instanceof ProviderError &&
        err.kind === "fatal" &&
        /does not fit the context of 256/.test(err.message),
    );
  });

  test("system, user and assistant turns are all rendered into the prompt", async () => {
    const short = await provider.generate(ask("hi", { maxTokens: 1 }), never);
    const long = await provider.generate(
      {
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "hi" },
          { role: "assistant", content: "hello" },
          { role: "user", content: "hi" },
        ],
        config: { maxTokens: 1 },
      },
      never,
    );
    const extra = "You are terse.".length + "hello".length + "hi".length;
    assert.ok((long.usage?.inputTokens ?? 0) >= (short.usage?.inputTokens ?? 0) + extra);
  });

  test("the chat template comes from the file", async () => {
    const messages: ModelRequest["messages"] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
      { role: "user", content: "bye" },
    ];
    // A template no built-in wrapper knows is rendered by Jinja as written.
    const custom = withChatTemplate(
      path,
      join(dir, "custom.gguf"),
      "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}" +
        "{% if add_generation_prompt %}[assistant]{% endif %}",
    );
    // ChatML, the format of Qwen2.5's template, is recognised.
    const chatml = withChatTemplate(
      path,
      join(dir, "chatml.gguf"),
      "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
    );
    const viaCustom = new GgufProvider(custom, { ...CPU, sequences: 1, contextSize: 256 });
    const viaChatml = new GgufProvider(chatml, { ...CPU, sequences: 1, contextSize: 256 });
    try {
      const a = await viaCustom.renderPrompt(messages);
      assert.equal(a.template, "JinjaTemplate");
      assert.equal(a.text, "[system] Be brief.\n[user] hi\n[assistant] hello\n[user] bye\n[assistant] ");
      const out = await viaCustom.generate({ messages, config: { maxTokens: 2 } }, never);
      assert.equal(out.usage?.inputTokens, a.tokens);
      const b = await viaChatml.renderPrompt(messages);
      assert.equal(b.template, "ChatML");
      assert.ok(
        b.text.endsWith(
          "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n" +
            "<|im_start|>assistant\nhello<|im_end|>\n<|im_start|>user\nbye<|im_end|>\n<|im_start|>assistant\n",
        ),
        b.text,
      );
    } finally {
      await viaCustom.close();
      await viaChatml.close();
    }
  });

  test("answerer and judge on one file share the loaded model", async () => {
    const loaded = loadedGgufModels();
    const judge = new GgufProvider(path, { ...CPU, sequences: 1, contextSize: 128 });
    try {
      const out = await judge.generate(ask("judge this", { maxTokens: 2 }), never);
      assert.equal(out.usage?.outputTokens, 2);
      assert.equal(loadedGgufModels(), loaded);
    } finally {
      await judge.close();
    }
    assert.equal(loadedGgufModels(), loaded, "closing one user keeps the model for the other");
  });
});
