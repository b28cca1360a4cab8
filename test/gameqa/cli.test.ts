import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { runCli, spawnCli, tempDir } from "../helpers/cli.js";
import { hashTree, journalLines, stagingFolders, whenReady } from "./resume-helpers.js";

// 1,440 one-board samples: a second or two, long enough to stop in the middle.
const args = (out: string, ...more: string[]): string[] => [
  "gameqa",
  "generate",
  "--games",
  "sudoku,tictactoe",
  "--per-task",
  "60",
  "--no-share-boards",
  "--seed",
  "1",
  "--out",
  out,
  ...more,
];

const tmp = tempDir("gameqa-cli-");
let reference: Map<string, string>;

before(async () => {
  const out = join(tmp, "reference");
  const r = await runCli(args(out, "--workers", "1"));
  assert.equal(r.code, 0, r.stderr);
  reference = hashTree(out);
});

/** Every file equals the uninterrupted run's, and no staging folder is left. */
function assertLikeReference(out: string): void {
  assert.deepEqual(readdirSync(out).sort(), ["data.json", "images", "states"]);
  const files = hashTree(out);
  assert.equal(files.size, reference.size);
  for (const [path, hash] of reference) assert.equal(files.get(path), hash, `${path} differs`);
}

/** Spawn a run; send `signal` once `ready()`; resolve with its exit code and stderr. */
async function stopWhen(
  child: ChildProcess,
  ready: () => boolean,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stderr: string; sent: boolean }> {
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  let sent = false;
  await Promise.race([whenReady(ready).then(() => (sent = child.kill(signal))), closed]);
  return { code: await closed, stderr, sent };
}

/** Start a one-worker run into `out` and kill -9 it once its journal records finished boards. */
async function killOnceJournaled(out: string): Promise<void> {
  const child = spawnCli(args(out, "--workers", "1"));
  const killed = await stopWhen(child, () => journalLines(out) >= 1, "SIGKILL");
  assert.ok(killed.sent, `the run ended before its journal had a line:\n${killed.stderr}`);
  assert.equal(killed.code, null);
}

test("Ctrl-C during `gameqa generate` exits 130, keeps the finished boards, and --resume completes them byte-identically", async () => {
  const out = join(tmp, "sigint");
  // Interrupt once worker threads have written boards, i.e. in the middle of the run.
  const images = (): number => {
    const [staging] = stagingFolders(out);
    const dir = staging ? join(out, staging, "images") : "";
    return staging && existsSync(dir) ? readdirSync(dir).length : 0;
  };
  const stopped = await stopWhen(spawnCli(args(out, "--workers", "2")), () => images() > 200, "SIGINT");
  assert.ok(stopped.sent, `no progress seen before the run ended:\n${stopped.stderr}`);
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /stopping: keeping the finished boards for --resume/);
  assert.match(
    stopped.stderr,
    /interrupted: \d+ of 1440 samples are finished and kept .* with --resume to continue/,
  );
  assert.equal(stagingFolders(out).length, 1);
  const resumed = await runCli(args(out, "--workers", "1", "--resume"));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /gameqa generate \(resumed: \d+ of 1440 samples were done\)/);
  assert.match(resumed.stdout, /wrote 1440 samples .*; \d+ of them from the stopped run/);
  assertLikeReference(out);
});

test("after kill -9, a resume with another setting is refused in one line, and --resume completes the run byte-identically", async () => {
  const out = join(tmp, "sigkill");
  await killOnceJournaled(out);
  const wrong = await runCli(args(out, "--resume", "--per-task", "61"));
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(
    wrong.stderr,
    /^error: --resume: the interrupted run in .* differs in --per-task: 60 there, 61 here;[^\n]*\n$/,
  );
  const resumed = await runCli(args(out, "--workers", "2", "--resume"));
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /\d+ of them from the stopped run/);
  assertLikeReference(out);
});

test("a run without --resume over a stopped one says how to continue it, starts over, and removes it at the end; --resume with nothing stopped starts anew", async () => {
  const out = join(tmp, "restart");
  await killOnceJournaled(out);
  const again = await runCli(args(out, "--workers", "2"));
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    /note: .* holds a stopped run \(\d+ of 1440 samples done\); .* add --resume to continue it/,
  );
  assert.doesNotMatch(again.stdout, /stopped run/);
  assertLikeReference(out);
  // --resume can always be given: with nothing stopped it starts from the beginning.
  const nothing = await runCli(args(out, "--workers", "2", "--resume"));
  assert.equal(nothing.code, 0, nothing.stderr);
  assert.match(nothing.stderr, /note: .* holds no stopped run to resume; starting from the beginning/);
  assertLikeReference(out);
});
