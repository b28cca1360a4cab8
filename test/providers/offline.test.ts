import assert from "node:assert/strict";
import { test } from "node:test";
import { OpenAIProvider } from "../../src/providers/openai.js";
import { startMockServer } from "../../src/testing/mock-openai-server.js";
import { UserError } from "../../src/util/errors.js";
import { combineOffline, isNetworkFailure, OfflineError, offlineMessage } from "../../src/util/offline.js";

test("offline: one message per file, or one for several, naming the URL, the command and where to put it", () => {
  const model = {
    what: "model m.gguf",
    url: "https://huggingface.co/o/r/resolve/abc/m.gguf",
    cachePath: "/c/m.gguf",
    localFlag: "--model gguf/<path>",
  };
  const data = {
    what: "dataset qa",
    url: "https://example.org/data/qa.jsonl",
    localFlag: "--dataset <path>",
  };
  assert.equal(
    offlineMessage([model], "getaddrinfo ENOTFOUND huggingface.co"),
    "cannot download model m.gguf from https://huggingface.co/o/r/resolve/abc/m.gguf (getaddrinfo ENOTFOUND huggingface.co): " +
      "the network is unreachable. To work offline, fetch https://huggingface.co/o/r/resolve/abc/m.gguf on a machine with internet " +
      "(e.g. curl -L -o m.gguf 'https://huggingface.co/o/r/resolve/abc/m.gguf') and pass --model gguf/<path to m.gguf>, or copy it to /c/m.gguf",
  );
  const both = combineOffline([new OfflineError([data]), new OfflineError([model])]);
  assert.ok(both instanceof OfflineError);
  assert.deepEqual(both.downloads, [data, model]);
  assert.match(
    both.message,
    /cannot download 2 files: the network is unreachable\. To work offline:\n {2}- dataset qa: .*--dataset <path to qa\.jsonl>\n {2}- model m\.gguf: /,
  );
  const other = new UserError("bad flag");
  assert.equal(
    combineOffline([new OfflineError([data]), other]),
    other,
    "a real error is not hidden behind an offline one",
  );

  assert.equal(isNetworkFailure(Object.assign(new Error("x"), { code: "ENOTFOUND" })), true);
  assert.equal(
    isNetworkFailure(
      new TypeError("fetch failed", { cause: Object.assign(new Error("y"), { code: "ECONNREFUSED" }) }),
    ),
    true,
  );
  assert.equal(isNetworkFailure(new Error("HTTP 404")), false);
});

test("--keep-think leaves <think> blocks in the answer", async () => {
  const server = await startMockServer({ reply: () => "<think>hmm</think>42" });
  try {
    const p = new OpenAIProvider({ model: "m", baseUrl: server.url });
    const signal = new AbortController().signal;
    const kept = await p.generate(
      { messages: [{ role: "user", content: "q" }], config: { keepThink: true } },
      signal,
    );
    assert.equal(kept.text, "<think>hmm</think>42");
    assert.equal(kept.reasoning, undefined);
    assert.equal("keepThink" in server.requests[0]!.body, false, "ours, not the server's");
    const split = await p.generate({ messages: [{ role: "user", content: "q" }], config: {} }, signal);
    assert.deepEqual([split.text, split.reasoning], ["42", "hmm"]);
  } finally {
    await server.close();
  }
});
