/** CLI steps the `--batch` tests share (OpenAI Batches and Anthropic Message Batches alike). */
import assert from "node:assert/strict";
import { runCli, spawnCli } from "../helpers/cli.js";

type CliOpts = { cwd: string; env: Record<string, string> };

/** A run's export rows without timing fields (a batched answer has no latency of its own). */
export async function exportRows(id: string, db: string, opts: CliOpts) {
  const r = await runCli(["export", id, "--db", db, "--format", "jsonl"], opts);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => {
      const { latency_ms: _l, run_id: _r, finished_at: _f, ...rest } = JSON.parse(l);
      return rest;
    });
}

/** Start the CLI with `args` and kill it with SIGKILL once it reports a batch in progress. */
export async function killWhileInProgress(args: string[], opts: CliOpts): Promise<void> {
  const child = spawnCli(args, opts);
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no batch submitted:\n${stderr}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/in_progress/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.on("close", r));
}

/**
 * The batched run "B" in `batchDb` equals the live run "L" in `liveDb` (rows, scores), with tokens counted
 * as for live calls (10 input tokens per reply) and nothing from the cache.
 */
export async function assertSameAsLive(
  batch: { db: string; stdout: string },
  live: { db: string; stdout: string },
  units: number,
  opts: CliOpts,
): Promise<void> {
  assert.deepEqual(await exportRows("B", batch.db, opts), await exportRows("L", live.db, opts));
  const summary = JSON.parse(batch.stdout).summary;
  assert.deepEqual(JSON.parse(live.stdout).summary.scorers, summary.scorers);
  assert.equal(summary.tokens.input, units * 10, "tokens counted as for live calls");
  assert.equal(summary.cached, 0);
}

/** The same eval again (`args`, into the batched run's database) is served from the cache alone. */
export async function assertRerunCached(args: string[], units: number, opts: CliOpts): Promise<void> {
  const again = await runCli(args, opts);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).summary.cached, units, "the rerun is served from the cache");
}
