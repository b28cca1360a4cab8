/** Offline, `assay eval` lists every download it still needs (the dataset and the model) in one message. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "../helpers/in-process-cli.js";

const dir = mkdtempSync(join(tmpdir(), "assay-offline-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("an unreachable dataset URL and an uncached default model are reported together", async () => {
  const saved = { ...process.env };
  process.env.ASSAY_CACHE_DIR = join(dir, "cache");
  process.env.HF_HUB_CACHE = join(dir, "hub");
  delete process.env.ASSAY_DEFAULT_MODEL;
  delete process.env.ASSAY_DEFAULT_JUDGE;
  try {
    // Port 9 on loopback refuses connections: the same "network unreachable" path as being offline.
    const r = await runCli(
      "eval",
      "qa",
      "--dataset",
      "http://127.0.0.1:9/questions.jsonl",
      "--db",
      join(dir, "r.db"),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot download 2 files/);
    assert.match(r.stderr, /dataset: fetch http:\/\/127\.0\.0\.1:9\/questions\.jsonl/);
    assert.match(r.stderr, /qwen2\.5-0\.5b-instruct-q4_k_m\.gguf/);
    assert.match(r.stderr, /--dataset <path to questions\.jsonl>/);
  } finally {
    process.env = saved;
  }
});

test("a missing dataset file is named before the default model is downloaded", async () => {
  const saved = { ...process.env };
  process.env.ASSAY_CACHE_DIR = join(dir, "cache2");
  process.env.ASSAY_HF_ENDPOINT = "http://127.0.0.1:9";
  delete process.env.ASSAY_DEFAULT_MODEL;
  delete process.env.ASSAY_DEFAULT_JUDGE;
  try {
    const r = await runCli("eval", "qa", "--dataset", join(dir, "typo.jsonl"), "--db", join(dir, "r2.db"));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: dataset file not found: .*typo\.jsonl$/m);
    assert.doesNotMatch(r.stderr, /download/);
  } finally {
    process.env = saved;
  }
});
