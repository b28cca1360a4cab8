import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { spawnCli, tempDir } from "../helpers/cli.js";

test("Ctrl-C during `gameqa generate` exits 130, says so, and leaves no partial output", async () => {
  const out = join(tempDir("gameqa-cli-"), "data");
  const child = spawnCli([
    "gameqa",
    "generate",
    "--games",
    "sudoku",
    "--per-task",
    "400",
    "--no-share-boards",
    "--seed",
    "1",
    "--out",
    out,
  ]);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  // Interrupt once the first images are in the staging folder, i.e. in the middle of the run.
  let sent = false;
  const poll = setInterval(() => {
    const staging = existsSync(out)
      ? readdirSync(out).find((n) => n.startsWith(".gameqa-partial-"))
      : undefined;
    const images = staging ? join(out, staging, "images") : undefined;
    if (images && existsSync(images) && readdirSync(images).length > 0) {
      clearInterval(poll);
      sent = true;
      child.kill("SIGINT");
    }
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(poll);
  assert.ok(sent, `no progress seen before the run ended:\n${stderr}`);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /stopping: removing the unfinished output/);
  assert.match(stderr, /interrupted: nothing was written to/);
  assert.deepEqual(readdirSync(out), []);
});
