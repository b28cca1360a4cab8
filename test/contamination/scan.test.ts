import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { normaliseText } from "../../src/contamination/normalize.js";
import type { ItemOverlap } from "../../src/contamination/results.js";
import { runScan, runScanMerge, type ScanOptions } from "../../src/contamination/scan.js";
import { Rng } from "../../src/stats/rng.js";
import { runCli } from "../helpers/in-process-cli.js";
import { makeFixture } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "contamination-scan-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const fx = makeFixture(dir);

function options(extra: Partial<ScanOptions>): ScanOptions {
  return {
    task: "qa",
    taskArgs: { dataset: fx.dataset },
    n: 13,
    minTokens: 8,
    fields: ["input", "target"],
    corpus: fx.shards,
    maxLocations: 5,
    minCoverage: 0,
    rules: { textField: "text", onBadLine: "error" },
    progress: "silent",
    ...extra,
  };
}

const byId = (rows: ItemOverlap[]): Map<string, ItemOverlap> => new Map(rows.map((r) => [r.id, r]));

describe("normalisation", () => {
  test("case, punctuation and whitespace vanish; CJK splits per character", () => {
    assert.deepEqual(normaliseText("  Hello,\tWORLD!! it's  3.5 "), ["hello", "world", "it", "s", "3", "5"]);
    assert.deepEqual(normaliseText("北京，是 Café"), ["北", "京", "是", "café"]);
    assert.deepEqual(normaliseText("ÉLODIE—Ｆｕｌｌ"), ["élodie", "full"]);
    assert.deepEqual(normaliseText("…"), []);
  });

  test("the byte-level normaliser agrees with tokenising the whole string by the Unicode rule", () => {
    const rng = new Rng(9);
    const alphabet = [
      ..."aZq09 .,;!?'\"\n\t-_/()",
      "é",
      "Ä",
      "ß",
      "中",
      "日",
      "ｱ",
      "Ｆ",
      "！",
      "ñ",
      "Ω",
      "—",
      "\u00a0",
    ];
    const cjk = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}";
    const token = new RegExp(`[${cjk}]|(?:(?![${cjk}])[\\p{L}\\p{N}\\p{M}])+`, "gu");
    for (let k = 0; k < 500; k++) {
      const text = Array.from({ length: rng.int(40) }, () => alphabet[rng.int(alphabet.length)]).join("");
      const whole = text.normalize("NFKC").toLowerCase().match(token) ?? [];
      assert.deepEqual(normaliseText(text), whole, JSON.stringify(text));
    }
  });
});

for (const engine of ["js", "simd", "window", "window-js"] as const) {
  describe(`contamination scan (${engine} matcher)`, () => {
    test("finds exactly the planted items, with their overlap", async () => {
      const window = engine === "window" || engine === "window-js";
      if (!window) process.env.ASSAY_SMI_MATCHER = engine;
      const out = join(dir, `scan-${engine}.jsonl`);
      const s = await runScan(options({ out, ...(window ? { matcher: engine } : {}) }));
      const rows = byId(s.rows);
      const dirty = s.rows.filter((r) => r.contaminated).map((r) => r.id);
      assert.deepEqual(dirty.sort(), [...fx.planted].sort());
      assert.equal(rows.get(fx.tooShort)!.overlapping, 0);
      const q1 = rows.get("q1")!;
      // 30 words + "?": 30 tokens, 18 n-grams, all found; the one-word answer is not checked.
      assert.deepEqual(
        [q1.checkedTokens, q1.ngrams, q1.overlapping, q1.longest, q1.coverage],
        [30, 18, 18, 30, 1],
      );
      assert.deepEqual(q1.locations, [`${fx.shards[0]}:5`]);
      assert.equal(rows.get("q2")!.coverage, 1);
      assert.deepEqual(rows.get("q2")!.locations, [`${fx.shards[1]}:8`]);
      const q3 = rows.get(fx.partial)!;
      assert.deepEqual([q3.overlapping, q3.longest, q3.coverage], [3, 15, 0.5]);
      // The CJK copy has the first 25 of 29 characters.
      const zh = rows.get("zh")!;
      assert.equal(zh.checkedTokens, 29);
      assert.equal(zh.longest, 25);
      // 13 of the 16 French tokens, upper-cased (non-ASCII letters included)
      assert.equal(rows.get("fr")!.longest, 13);
      assert.equal(s.documents, 90);
      assert.equal(readFileSync(out, "utf8").trim().split("\n").length, 14);
      delete process.env.ASSAY_SMI_MATCHER;
    });
  });
}

describe("contamination scan thresholds, shards and merge", () => {
  test("--min-coverage drops the partial copy", async () => {
    const s = await runScan(options({ out: join(dir, "cov.jsonl"), minCoverage: 0.6 }));
    const dirty = s.rows.filter((r) => r.contaminated).map((r) => r.id);
    assert.deepEqual(dirty.sort(), fx.planted.filter((id) => id !== fx.partial).sort());
  });

  test("shards 1/2 and 2/2 merged, and two worker threads, equal one pass; a second run resumes every shard", async () => {
    const whole = await runScan(options({ out: join(dir, "whole.jsonl") }));
    const parts = join(dir, "parts");
    const a = await runScan(options({ shard: "1/2", parts }));
    const b = await runScan(options({ shard: "2/2", parts }));
    assert.equal(a.shardsSelected + b.shardsSelected, 3);
    const threads = await runScan(
      options({ out: join(dir, "workers.jsonl"), parts: join(dir, "parts-w"), workers: 2 }),
    );
    assert.deepEqual(threads.rows, whole.rows);
    // The kernel in two workers (compiled once here, instantiated there), against one pass of the reference.
    const kernelThreads = await runScan(
      options({
        out: join(dir, "workers-kernel.jsonl"),
        parts: join(dir, "parts-wk"),
        workers: 2,
        matcher: "window",
      }),
    );
    assert.deepEqual(kernelThreads.rows, whole.rows);
    const merged = await runScanMerge({ ...options({}), inputs: [parts], out: join(dir, "merged.jsonl") });
    assert.deepEqual(merged.rows, whole.rows);
    assert.equal(
      readFileSync(join(dir, "merged.jsonl"), "utf8"),
      readFileSync(join(dir, "whole.jsonl"), "utf8"),
    );
    const again = await runScan(options({ shard: "1/2", parts }));
    assert.equal(again.shardsScanned, 0);
    assert.equal(again.shardsResumed, a.shardsSelected);
  });

  test("merge refuses parts of other settings", async () => {
    const parts = join(dir, "parts-n10");
    await runScan(options({ shard: "1/1", parts, n: 10 }));
    await assert.rejects(
      runScanMerge({ ...options({}), inputs: [parts], out: join(dir, "x.jsonl") }),
      /other items or settings/,
    );
  });
});

describe("contamination scan from the command line", () => {
  const scan = (out: string, matcher: string) =>
    runCli(
      ...["contamination", "scan", "--task", "qa", "--dataset", fx.dataset, "--corpus", ...fx.shards],
      ...["--min-tokens", "8", "--out", out, "--matcher", matcher, "--json"],
    );

  test("--matcher window, window-js and smi write the same file; another name is refused", async () => {
    const outs: string[] = [];
    for (const m of ["window", "window-js", "smi"]) {
      const out = join(dir, `cli-${m}.jsonl`);
      const r = await scan(out, m);
      assert.equal(r.code, 0, r.stderr);
      outs.push(readFileSync(out, "utf8"));
    }
    assert.ok(outs[0]!.includes('"contaminated":true'));
    assert.equal(outs[1], outs[0]);
    assert.equal(outs[2], outs[0]);
    const bad = await scan(join(dir, "x.jsonl"), "grep");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--matcher must be window, window-js, smi; got "grep"/);
  });
});
