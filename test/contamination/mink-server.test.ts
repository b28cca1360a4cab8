import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { deflateSync } from "node:zlib";
import { main } from "../../src/cli/program.js";
import { runServerMink } from "../../src/contamination/mink-server.js";
import { parseEchoLogprobs, parseVllmPromptLogprobs } from "../../src/contamination/server-logprobs.js";
import { UserError } from "../../src/util/errors.js";

/**
 * A fake OpenAI-compatible server that "tokenises" by words and gives word i of the prompt the
 * log-probability −(0.3·length + 0.1·i). Modes: vllm (prompt_logprobs; BOS prepended, so every word is
 * scored), echo (echo + logprobs; no BOS, the first word unscored; `noUsage` leaves usage out so that
 * text_offset must cut the generated token off), plain (ignores both, as a server without logprobs).
 */
type Mode = "vllm" | "echo" | "echo-no-usage" | "plain";
const wordLogprob = (word: string, i: number): number => -(0.3 * word.length + 0.1 * i);

function reply(mode: Mode, body: Record<string, unknown>): Record<string, unknown> {
  const prompt = String(body.prompt);
  const words = prompt.split(" ");
  const text = " the";
  if (mode === "vllm" && body.prompt_logprobs !== undefined) {
    const entries = [
      null,
      ...words.map((w, i) => ({
        [String(100 + i)]: { logprob: wordLogprob(w, i), rank: 1, decoded_token: w },
      })),
    ];
    return { choices: [{ text, prompt_logprobs: entries }], usage: { prompt_tokens: words.length + 1 } };
  }
  if (mode.startsWith("echo") && body.echo === true) {
    const offsets: number[] = [];
    let at = 0;
    for (const w of words) {
      offsets.push(at);
      at += w.length + 1;
    }
    const logprobs = {
      tokens: [...words, text],
      token_logprobs: [null, ...words.slice(1).map((w, i) => wordLogprob(w, i + 1)), -0.5],
      text_offset: [...offsets, prompt.length],
    };
    return {
      choices: [{ text: prompt + text, logprobs }],
      ...(mode === "echo" ? { usage: { prompt_tokens: words.length, completion_tokens: 1 } } : {}),
    };
  }
  return { choices: [{ text, logprobs: null }], usage: { prompt_tokens: words.length } };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
}

const servers = new Map<Mode, { server: Server; url: string; requests: Record<string, unknown>[] }>();
const dir = mkdtempSync(join(tmpdir(), "contamination-mink-server-"));

before(async () => {
  for (const mode of ["vllm", "echo", "echo-no-usage", "plain"] as const) {
    const requests: Record<string, unknown>[] = [];
    const server = createServer(async (req, res) => {
      const body = await readBody(req);
      requests.push({ url: req.url, ...body });
      res.setHeader("content-type", "application/json");
      if (req.url !== "/v1/completions") {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      res.end(JSON.stringify(reply(mode, body)));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    servers.set(mode, { server, url: `http://127.0.0.1:${port}/v1`, requests });
  }
});
after(() => {
  for (const { server } of servers.values()) server.close();
  rmSync(dir, { recursive: true, force: true });
});

const items = [
  { id: "a", text: "the cat sat on the mat", member: true },
  { id: "b", text: "colourless green ideas sleep furiously tonight", member: false },
  { id: "c", text: "extraordinarily bureaucratic", member: false },
];

/** Min-K% (k = 0.2) and perplexity of a list of log-probabilities, by hand. */
function byHand(lp: number[]): { minK: number; ppl: number } {
  const sorted = [...lp].sort((x, y) => x - y);
  const take = Math.max(1, Math.floor(0.2 * lp.length));
  const minK = sorted.slice(0, take).reduce((s, x) => s + x, 0) / take;
  return { minK, ppl: Math.exp(-lp.reduce((s, x) => s + x, 0) / lp.length) };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe("Min-K% from a server's prompt log-probabilities", () => {
  for (const [mode, api, firstScored] of [
    ["vllm", "vllm-prompt", 0],
    ["echo", "completions-echo", 1],
    ["echo-no-usage", "completions-echo", 1],
  ] as const) {
    test(`${mode}: auto-detects ${api}; scores equal a hand computation`, async () => {
      const { url, requests } = servers.get(mode)!;
      const r = await runServerMink({
        model: "openai/fake-model",
        baseUrl: url,
        api: "auto",
        items,
        k: 0.2,
        concurrency: 2,
        progress: "silent",
      });
      assert.equal(r.api, api);
      for (const [i, item] of items.entries()) {
        const words = item.text.split(" ");
        const lp = words.map(wordLogprob).slice(firstScored);
        const want = byHand(lp);
        const row = r.rows[i]!;
        assert.equal(row.id, item.id);
        assert.equal(row.tokens, lp.length);
        assert.ok(close(row.minK, want.minK), `${item.id}: min-k ${row.minK} vs ${want.minK}`);
        assert.ok(close(row.perplexity, want.ppl), `${item.id}: ppl ${row.perplexity} vs ${want.ppl}`);
        const zlib = deflateSync(Buffer.from(item.text), { level: 9 }).length;
        assert.ok(close(row.zlibRatio, Math.log(want.ppl) / zlib));
      }
      // a: the member has the highest Min-K% of the three (its words are short)
      assert.equal(r.auc?.minK, 1);
      const sent = requests.at(-1)!;
      assert.equal(sent.model, "fake-model");
      assert.equal(sent.max_tokens, 1);
      if (api === "completions-echo") assert.equal(sent.echo, true);
      else assert.equal(sent.prompt_logprobs, 0);
    });
  }

  test("a server without prompt log-probabilities is a clear error, auto or asked for", async () => {
    const { url } = servers.get("plain")!;
    const run = (api: "auto" | "vllm-prompt" | "completions-echo") =>
      runServerMink({
        model: "openai/m",
        baseUrl: url,
        api,
        items,
        k: 0.2,
        concurrency: 1,
        progress: "silent",
      });
    await assert.rejects(run("auto"), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(
        err.message,
        /returned no prompt log-probabilities; tried vLLM prompt_logprobs: no prompt_logprobs/,
      );
      assert.match(err.message, /echo \+ logprobs: no choices\[0\]\.logprobs\.token_logprobs/);
      return true;
    });
    await assert.rejects(run("completions-echo"), /--logprobs-api completions-echo: .*token_logprobs/);
    // the echo server, asked for vLLM's field, does not have it either
    await assert.rejects(
      runServerMink({
        model: "openai/m",
        baseUrl: servers.get("echo")!.url,
        api: "vllm-prompt",
        items,
        k: 0.2,
        concurrency: 1,
        progress: "silent",
      }),
      /--logprobs-api vllm-prompt: vLLM prompt_logprobs: no prompt_logprobs/,
    );
    await assert.rejects(
      runServerMink({
        model: "anthropic/claude",
        api: "auto",
        items,
        k: 0.2,
        concurrency: 1,
        progress: "silent",
      }),
      /OpenAI-compatible server/,
    );
  });

  test("CLI: --task items scored through a vLLM server, per-item JSONL", async () => {
    const dataset = join(dir, "qa.jsonl");
    writeFileSync(
      dataset,
      `${[
        { id: "q1", input: "what is two plus two", target: "four" },
        { id: "q2", input: "name the red planet", target: "mars" },
      ]
        .map((x) => JSON.stringify(x))
        .join("\n")}\n`,
    );
    const out = join(dir, "rows.jsonl");
    const { url, requests } = servers.get("vllm")!;
    const code = await main([
      "node",
      "assay",
      "contamination",
      "mink",
      "--model",
      "vllm/fake",
      "--model-base-url",
      url,
      "--task",
      "qa",
      "--dataset",
      dataset,
      "--out",
      out,
      "--json",
    ]);
    assert.equal(code, 0);
    const rows = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; tokens: number; minK: number });
    assert.deepEqual(
      rows.map((r) => [r.id, r.tokens]),
      [
        ["q1", 5],
        ["q2", 4],
      ],
    );
    const prompts = requests
      .slice(-2)
      .map((r) => r.prompt)
      .sort();
    assert.deepEqual(prompts, ["name the red planet\nmars", "what is two plus two\nfour"]);
    assert.ok(close(rows[0]!.minK, byHand("what is two plus two\nfour".split(" ").map(wordLogprob)).minK));
  });

  test("reply parsing: top alternatives picked by prompt_token_ids, old bare numbers, echo cut by text_offset", () => {
    const top = {
      choices: [
        {
          prompt_logprobs: [
            null,
            { "7": { logprob: -0.5 }, "9": { logprob: -2 } },
            { "3": { logprob: -1 }, "8": { logprob: -0.1 } },
          ],
          prompt_token_ids: [1, 9, 3],
        },
      ],
    };
    assert.deepEqual(parseVllmPromptLogprobs(top), [-2, -1]);
    assert.deepEqual(parseVllmPromptLogprobs({ prompt_logprobs: [null, { "5": -0.25 }] }), [-0.25]);
    delete (top.choices[0] as { prompt_token_ids?: unknown }).prompt_token_ids;
    assert.throws(() => parseVllmPromptLogprobs(top), /prompt_logprobs\[1\] has no log-probability/);
    const echo = {
      choices: [{ logprobs: { token_logprobs: [null, -1, -2, -9], text_offset: [0, 3, 7, 11] } }],
    };
    assert.deepEqual(parseEchoLogprobs(echo, "the cat sat"), [-1, -2]);
    // a server that ignored echo: only the generated token, nothing of the prompt
    const noEcho = { choices: [{ logprobs: { token_logprobs: [-9], text_offset: [11] } }] };
    assert.throws(() => parseEchoLogprobs(noEcho, "the cat sat"), /scores no prompt token/);
  });

  test("CLI: a --tokens file's text goes to the server, its member labels give the AUC; no text is a user error", async () => {
    const file = join(dir, "items.jsonl");
    writeFileSync(file, items.map((x) => JSON.stringify({ ...x, tokens: [1, 2] })).join("\n"));
    const out = join(dir, "token-rows.jsonl");
    const args = [
      "node",
      "assay",
      "contamination",
      "mink",
      "--model",
      "openai/m",
      "--model-base-url",
      servers.get("echo")!.url,
    ];
    assert.equal(
      await main([...args, "--tokens", file, "--logprobs-api", "completions-echo", "--out", out, "--json"]),
      0,
    );
    const rows = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: string; member: boolean });
    assert.deepEqual(
      rows.map((r) => [r.id, r.member]),
      [
        ["a", true],
        ["b", false],
        ["c", false],
      ],
    );
    writeFileSync(file, '{"id":"a","tokens":[1,2]}\n');
    assert.equal(await main([...args, "--tokens", file]), 2);
    assert.equal(await main([...args, "--tokens", file, "--logprobs-api", "echo"]), 2);
  });
});
