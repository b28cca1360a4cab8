/** A base URL with a query string (Azure-style `?api-version=`, or a key in `?api_key=`). */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { joinUrlPath } from "../../src/providers/http.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("joinUrlPath puts the path before the query string", () => {
  assert.equal(joinUrlPath("http://h/v1", "/models"), "http://h/v1/models");
  assert.equal(
    joinUrlPath("http://h/d/?api-version=2", "/chat/completions"),
    "http://h/d/chat/completions?api-version=2",
  );
});

test("every endpoint keeps the base URL's query; a key in it never reaches the store or the output", async () => {
  const secret = "qs-secret-0123456789";
  const seen: string[] = [];
  // Routes by path as real servers do, and echoes the URL it was asked for (as 404 messages do).
  const server = createServer((req, res) => {
    seen.push(req.url ?? "");
    const path = (req.url ?? "").split("?")[0];
    res.writeHead(200, { "content-type": "application/json" });
    if (path === "/v1/models") return void res.end(JSON.stringify({ data: [{ id: "m" }] }));
    req.resume();
    req.on("end", () =>
      res.end(
        JSON.stringify({
          choices: [
            { index: 0, message: { role: "assistant", content: `asked ${req.url}` }, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        }),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1?api-version=2024&api_key=${secret}`;
  const dir = tempDir();
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, '{"id":"a","input":"q","target":"t"}\n');
  const db = join(dir, "r.db");
  try {
    const r = await runCli(
      ...["eval", "qa", "--dataset", data, "--model", "openai/m", "--model-base-url", base],
      ...["--db", db, "--run-id", "q", "--progress", "silent"],
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seen, [
      `/v1/models?api-version=2024&api_key=${secret}`,
      `/v1/chat/completions?api-version=2024&api_key=${secret}`,
    ]);
    const exported = await runCli("export", "q", "--db", db, "--format", "jsonl");
    assert.match(exported.stdout, /asked \/v1\/chat\/completions\?api-version=2024&api_key=\*\*\*/);
    for (const text of [
      r.stdout,
      r.stderr,
      exported.stdout,
      ...[db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString("latin1")),
    ])
      assert.ok(!text.includes(secret));
  } finally {
    server.close();
  }
});
