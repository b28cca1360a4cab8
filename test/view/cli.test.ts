import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { writeViewerFixture } from "./fixture.js";

test("assay view on a missing database is a usage error, not a new empty database", async () => {
  const r = await runCli("view", "--db", join(tempDir("assay-view-cli-"), "none.db"));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no run database at .*none\.db/);
  const bad = await runCli("view", "--token", "short", "--db", join(tempDir("assay-view-cli-"), "x.db"));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--token must be at least 16/);
});

test("assay view --host 0.0.0.0 makes up a token, prints the link with it, and refuses requests without it", async () => {
  const db = join(tempDir("assay-view-cli-"), "assay.db");
  writeViewerFixture(db);
  const child = spawn(process.execPath, [CLI, "view", "--host", "0.0.0.0", "--port", "0", "--db", db], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      let text = "";
      child.stdout!.on("data", (d: Buffer) => {
        text += d.toString();
        if (/Ctrl-C/.test(text)) resolve(text);
      });
      child.on("exit", (code) => reject(new Error(`exited with ${code}: ${text}`)));
    });
    assert.match(out, /warning: listening beyond this machine/);
    const m = /serving on http:\/\/[^:]+:(\d+)(\/t\/([A-Za-z0-9_-]{20,})\/)/.exec(out);
    assert.ok(m, out);
    const origin = `http://127.0.0.1:${m[1]}`;
    assert.equal((await fetch(`${origin}/api/runs`)).status, 403);
    const ok = await fetch(`${origin}${m[2]}api/runs`);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { runs: unknown[] }).runs.length, 2);
  } finally {
    child.kill("SIGINT");
  }
});
