import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { type GenerateOptions, type GenerateResult, generateDataset } from "../../src/gameqa/generate.js";
import { UserError } from "../../src/util/errors.js";
import { tempDir } from "../helpers/cli.js";
import { hashTree, journalLines, stagingFolders, whenReady } from "./resume-helpers.js";

// 144 cheap boards (672 samples): minesweeper turns states down (its skip counts must survive a
// resume), tictactoe's tasks share one board, sudoku's tasks often draw states of their own.
const base = {
  games: ["minesweeper", "tictactoe", "sudoku"],
  perTask: 16,
  plotLevels: ["Easy", "Medium", "Hard"],
  seed: "resume",
  progress: "silent",
  journalEveryMs: 0,
} satisfies Partial<GenerateOptions>;

const tmp = tempDir("gameqa-resume-");
let reference: { files: Map<string, string>; result: GenerateResult };

/** Every file of `out` equals the uninterrupted run's, and no staging folder is left. */
function assertLikeReference(out: string, r: GenerateResult): void {
  assert.deepEqual(readdirSync(out).sort(), ["data.json", "images", "states"]);
  const files = hashTree(out);
  assert.equal(files.size, reference.files.size);
  for (const [path, hash] of reference.files) assert.equal(files.get(path), hash, `${path} differs`);
  assert.equal(r.samples, reference.result.samples);
  assert.equal(r.images, reference.result.images);
  assert.deepEqual(r.skipped, reference.result.skipped);
  assert.deepEqual(r.dropped, reference.result.dropped);
}

/** Start a run into `out` and abort it once its journal has `lines` lines; resolves with its error. */
async function interrupt(out: string, opts: Partial<GenerateOptions>, lines = 3): Promise<UserError> {
  const controller = new AbortController();
  const run = generateDataset({ ...base, ...opts, outDir: out, signal: controller.signal });
  const ready = whenReady(() => journalLines(out) >= lines).then(() => controller.abort());
  const err = await run.then(
    () => assert.fail("the run finished before it was interrupted"),
    (e: unknown) => e,
  );
  await ready;
  assert.ok(err instanceof UserError, String(err));
  assert.equal(err.exitCode, 130);
  return err;
}

before(async () => {
  const out = join(tmp, "reference");
  const result = await generateDataset({ ...base, outDir: out, workers: 1, threadsAfterMs: 1e9 });
  assert.ok(result.skipped.length > 0, "minesweeper's skips are part of what a resume must keep");
  reference = { files: hashTree(out), result };
});

describe("an interrupted run resumed", () => {
  // Interrupted in this thread, in worker threads (replaced every few boards), and resumed with another count.
  const cases = [
    { stop: { workers: 1, threadsAfterMs: 1e9 }, resume: { workers: 2, threadsAfterMs: 0 } },
    {
      stop: { workers: 2, threadsAfterMs: 0, recycleAfterBoards: 7 },
      resume: { workers: 1, threadsAfterMs: 1e9 },
    },
    { stop: { workers: 1, threadsAfterMs: 0 }, resume: { workers: 1, threadsAfterMs: 0 } },
  ];
  for (const [i, c] of cases.entries()) {
    test(`stopped with ${JSON.stringify(c.stop)}, resumed with ${JSON.stringify(c.resume)}: byte-identical`, async () => {
      const out = join(tmp, `case-${i}`);
      const err = await interrupt(out, c.stop, 5 + 20 * i);
      assert.match(err.message, /samples are finished and kept .*--resume/);
      assert.equal(stagingFolders(out).length, 1, "the staging folder is kept");
      const r = await generateDataset({ ...base, ...c.resume, outDir: out, resume: true });
      assert.ok(
        r.resumedSamples > 0 && r.resumedSamples < r.samples,
        `${r.resumedSamples} of ${r.samples} resumed`,
      );
      assertLikeReference(out, r);
    });
  }

  test("a torn last journal line and a data file longer than the journal says are tolerated", async () => {
    const out = join(tmp, "torn");
    await interrupt(out, { workers: 2, threadsAfterMs: 0 }, 10);
    const staging = join(out, stagingFolders(out)[0] as string);
    const whole = readFileSync(join(staging, "journal.jsonl"), "utf8").trimEnd().split("\n");
    const last = JSON.parse(whole.at(-1) as string) as { samples: number };
    appendFileSync(join(staging, "journal.jsonl"), '{"boards":100000,"bytes":12,"sam');
    appendFileSync(join(staging, "data.json"), '\n  {"data_id": "half a sample');
    const r = await generateDataset({ ...base, outDir: out, workers: 1, resume: true });
    assert.equal(r.resumedSamples, last.samples);
    assertLikeReference(out, r);
  });

  test("journal lines ahead of the data file (writes a power cut lost) are not trusted", async () => {
    const out = join(tmp, "short-data");
    await interrupt(out, { workers: 1, threadsAfterMs: 1e9 }, 12);
    const staging = join(out, stagingFolders(out)[0] as string);
    const lines = readFileSync(join(staging, "journal.jsonl"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { bytes: number; samples: number });
    const middle = lines[5] as { bytes: number; samples: number };
    truncateSync(join(staging, "data.json"), middle.bytes + 3);
    const expected = lines.filter((l) => l.bytes <= middle.bytes + 3).at(-1)?.samples;
    const r = await generateDataset({ ...base, outDir: out, workers: 1, resume: true });
    assert.equal(r.resumedSamples, expected);
    assert.ok(r.resumedSamples < (lines.at(-1)?.samples ?? 0));
    assertLikeReference(out, r);
  });

  test("a resume with another setting is refused with one line naming it; the stopped run stays", async () => {
    const out = join(tmp, "differs");
    await interrupt(out, { workers: 1, threadsAfterMs: 1e9 });
    const staging = stagingFolders(out);
    for (const [change, named] of [
      [{ seed: "other" }, /--seed: resume there, other here/],
      [{ perTask: 13 }, /--per-task: 16 there, 13 here/],
      [{ shareBoards: false }, /board sharing: shared \(default\) there, --no-share-boards here/],
      [{ format: "jsonl" }, /--format: json there, jsonl here/],
    ] as const) {
      await assert.rejects(
        generateDataset({ ...base, ...change, outDir: out, resume: true }),
        (e: unknown) =>
          e instanceof UserError && e.exitCode === 2 && named.test(e.message) && !e.message.includes("\n"),
      );
    }
    assert.deepEqual(stagingFolders(out), staging);
    // The number of workers is not a setting: it changes nothing in the output.
    const r = await generateDataset({ ...base, outDir: out, workers: 2, threadsAfterMs: 0, resume: true });
    assertLikeReference(out, r);
  });

  test("--resume with nothing stopped starts from the beginning; a run without it starts over", async () => {
    const out = join(tmp, "fresh");
    const r = await generateDataset({ ...base, outDir: out, workers: 1, resume: true });
    assert.equal(r.resumedSamples, 0);
    assertLikeReference(out, r);
    await interrupt(out, { workers: 1, threadsAfterMs: 1e9 });
    const again = await generateDataset({ ...base, outDir: out, workers: 1 });
    assert.equal(again.resumedSamples, 0);
    // The stopped run's folder goes once the new run is published.
    assertLikeReference(out, again);
  });
});
