/**
 * The README's secrets promise, tested literally: a server that echoes the API key in every field it can
 * (answer text, model name, reasoning, error bodies of 400/500, a non-JSON body) in several encodings;
 * afterwards no encoding of the key is in the database files, the exports or anything printed.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, tempDir } from "../helpers/cli.js";

const KEY = "sk-live_AbC/dEf+GhI=jKl0123456789xyzQ";
const BARE = "AbC/dEf+GhI=jKl0123456789xyzQ";

/** Every form of the key that must not appear anywhere. */
const FORMS = [
  KEY,
  KEY.toUpperCase(),
  KEY.toLowerCase(),
  encodeURIComponent(KEY),
  BARE,
  Buffer.from(KEY).toString("base64").replace(/=+$/, ""),
  Buffer.from(KEY).toString("base64url"),
  Buffer.from(`user:${KEY}`).toString("base64").replace(/=+$/, ""),
];

/** The key in all its forms, as one text an echoing server would send. */
const ECHO = `key ${KEY} upper ${KEY.toUpperCase()} url ${encodeURIComponent(KEY)} bare ${BARE} b64 ${Buffer.from(KEY).toString("base64")} basic ${Buffer.from(`user:${KEY}`).toString("base64")}`;

function echoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const i = Number(/question (\d+)/.exec(body)?.[1] ?? 0);
      const auth = req.headers.authorization ?? "";
      if (i % 4 === 1) {
        res.writeHead(400, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ error: { message: `bad request from ${auth}: ${ECHO}` } }));
      }
      if (i % 4 === 2) {
        res.writeHead(500, { "content-type": "text/plain" });
        return void res.end(`boom ${ECHO}`);
      }
      if (i % 4 === 3) {
        res.writeHead(200, { "content-type": "text/plain" });
        return void res.end(`${KEY} not json`);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          model: KEY,
          choices: [
            {
              message: { content: `ANSWER: ${ECHO}`, reasoning_content: ECHO },
              finish_reason: KEY,
            },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        }),
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  return FORMS.filter((f) => lower.includes(f.toLowerCase()));
}

test("no form of the API key reaches the database, the exports or the terminal", async () => {
  const dir = tempDir("assay-secrets-");
  const data = join(dir, "qa.jsonl");
  writeFileSync(
    data,
    `${Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `s${i}`, input: `question ${i}`, target: "x" })).join("\n")}\n`,
  );
  const db = join(dir, "runs.db");
  const server = await echoServer();
  const env = { OPENAI_API_KEY: KEY };
  const printed: string[] = [];
  try {
    const evalArgs = (runId: string) =>
      ["eval", "qa", "--dataset", data, "--model", "openai/m", "--model-base-url", server.url].concat([
        "--db",
        db,
        "--run-id",
        runId,
        "--max-retries",
        "0",
      ]);
    const run = await runCli(evalArgs("r1"), { cwd: dir, env });
    printed.push(run.stdout, run.stderr);
    assert.ok(run.code === 0 || run.code === 1, `eval exit ${run.code}: ${run.stderr}`);
    // Cached answers are served again on a second run: they are redacted too.
    const again = await runCli(evalArgs("r2"), { cwd: dir, env });
    printed.push(again.stdout, again.stderr);
    for (const [format, file] of [
      ["jsonl", "out.jsonl"],
      ["csv", "out.csv"],
    ] as const) {
      const r = await runCli(["export", "r1", "--db", db, "--format", format, "--out", join(dir, file)], {
        cwd: dir,
        env,
      });
      printed.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, r.stderr);
    }
    const show = await runCli(["show", "r2", "--db", db], { cwd: dir, env });
    printed.push(show.stdout, show.stderr);
  } finally {
    await server.close();
  }
  const exported = readFileSync(join(dir, "out.jsonl"), "utf8");
  assert.match(exported, /\*\*\*/, "the echoed key was stored, redacted");
  assert.match(exported, /HTTP 400/, "the 400 error was stored, redacted");
  for (const name of readdirSync(dir)) {
    if (name === "qa.jsonl" || name === ".cache") continue;
    const bytes = readFileSync(join(dir, name)).toString("latin1");
    assert.deepEqual(leaks(bytes), [], `${name} holds the key`);
  }
  assert.deepEqual(leaks(printed.join("\n")), [], "printed output holds the key");
});

test("a password in an invalid base URL is not printed, and the error is a usage error", async () => {
  const dir = tempDir("assay-secrets-url-");
  const data = join(dir, "qa.jsonl");
  writeFileSync(data, `${JSON.stringify({ id: "a", input: "q", target: "x" })}\n`);
  const r = await runCli(
    [
      "eval",
      "qa",
      "--dataset",
      data,
      "--model",
      "openai/m",
      "--model-base-url",
      "http://user:hunter2pass@[bad",
      "--db",
      join(dir, "r.db"),
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid base URL|must be an http\(s\) URL/);
  assert.ok(!r.stderr.includes("hunter2pass"), r.stderr);
  assert.ok(!r.stderr.includes("internal error"), r.stderr);
});
