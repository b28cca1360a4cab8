import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type GenerateOptions, generateDataset, planJobs } from "../../src/gameqa/generate.js";
import { loadGames } from "../../src/gameqa/registry.js";

const tmp = mkdtempSync(join(tmpdir(), "gameqa-recycle-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

function assertSameFiles(a: string, b: string): void {
  const files = listFiles(a);
  assert.deepEqual(listFiles(b), files);
  for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs`);
}

// Games that keep caches across boards (pacman's sprites), draw whole images with resvg (zuma), share
// boards between tasks (tictactoe) or draw a state per sample (sudoku without sharing).
const base = {
  games: ["pacman", "zuma", "tictactoe"],
  perTask: 3,
  plotLevels: ["Easy", "Hard"],
  seed: "recycle",
  progress: "silent",
} satisfies Partial<GenerateOptions>;

test("workers replaced every few boards write the same bytes as one thread that never stops", async () => {
  await loadGames(base.games);
  const boards = planJobs(base).length;
  for (const format of ["jsonl", "json"] as const) {
    const still = join(tmp, `still-${format}`);
    const one = await generateDataset({ ...base, format, outDir: still, workers: 1, threadsAfterMs: 1e9 });
    assert.equal(one.workerThreads, 0, "built in this thread");
    const recycled = join(tmp, `recycled-${format}`);
    const r = await generateDataset({
      ...base,
      format,
      outDir: recycled,
      workers: 1,
      threadsAfterMs: 0,
      recycleAfterBoards: 2,
    });
    // A replaced worker still builds the boards already queued for it (up to two chunks).
    assert.ok(r.workerThreads > 1, `${r.workerThreads} workers for ${boards} boards`);
    assert.equal(r.samples, one.samples);
    assertSameFiles(still, recycled);
    const pair = join(tmp, `pair-${format}`);
    const two = await generateDataset({
      ...base,
      format,
      outDir: pair,
      workers: 2,
      threadsAfterMs: 0,
      recycleAfterBoards: 3,
    });
    assert.ok(two.workerThreads > 2, `${two.workerThreads} workers for ${boards} boards`);
    assertSameFiles(still, pair);
  }
});

test("without sharing, recycled workers and one thread agree on every per-sample image", async () => {
  const opts = { ...base, games: ["sudoku"], perTask: 3, shareBoards: false, format: "jsonl" as const };
  await loadGames(opts.games);
  const a = join(tmp, "own-a");
  const b = join(tmp, "own-b");
  const ra = await generateDataset({ ...opts, outDir: a, workers: 1, threadsAfterMs: 1e9 });
  const rb = await generateDataset({
    ...opts,
    outDir: b,
    workers: 2,
    threadsAfterMs: 0,
    recycleAfterBoards: 1,
  });
  assert.equal(ra.images, ra.samples);
  assert.ok(rb.workerThreads > 2, `${rb.workerThreads} workers`);
  assertSameFiles(a, b);
});
