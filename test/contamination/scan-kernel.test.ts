import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { normaliseText } from "../../src/contamination/normalize.js";
import { ScanKernel } from "../../src/contamination/scan-kernel.js";
import { scanShard } from "../../src/contamination/scan-kernel-shard.js";
import { ScanSink, type SinkTable } from "../../src/contamination/sink.js";
import { type CountRules, countShard } from "../../src/corpus/shard.js";
import { Rng } from "../../src/stats/rng.js";
import { kernelAgainstReference, patternTable, scanTextAgrees } from "./kernel-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "contamination-kernel-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Words that exercise the kernel: case, digits, lengths around 8, 16 and 24 bytes, non-ASCII, CJK. */
const VOCAB = [
  "a",
  "Ab",
  "abc",
  "b",
  "BA",
  "bab",
  "x1",
  "X12",
  "seventeen",
  "Abcdefgh",
  "abcdefghi",
  "abcdefghijklmnop",
  "ABCDEFGHIJKLMNOPQ",
  "abcdefghijklmnopqrstuvwxy",
  "café",
  "Élan",
  "日",
  "本",
  "ｆｕｌｌ",
  "straße",
  // Greek capital sigma lower-cases by what follows (final ς or σ), also across ’: runs must stay whole.
  "ΟΔΟΣ",
  "ΣΑΣ",
  "e\u0301",
  "😀x",
  "\ud800",
];
/** Separators, some escaped in JSON; the last is not ASCII (ASCII-only texts leave it out). */
const SEPARATORS = [" ", " ", " ", "  ", ", ", ". ", "'", " (", ") ", "\n", "\t", '!"', "/", "\\", "—"];

/** The ASCII words come first: `raw` texts draw only from them (the kernel scans those raw). */
const ASCII_WORDS = VOCAB.findIndex((w) => /[^\x00-\x7f]/.test(w));

function randomText(rng: Rng, words: number, raw = false): string {
  const separators = raw ? SEPARATORS.length - 2 : SEPARATORS.length;
  let t = rng.int(3) === 0 ? SEPARATORS[rng.int(separators)]! : "";
  for (let i = 0; i < words; i++) {
    t += VOCAB[rng.int(raw ? ASCII_WORDS : VOCAB.length)]!;
    t += SEPARATORS[rng.int(separators)]!;
  }
  return t;
}

/** Patterns: windows of 2–6 normalised tokens taken from the texts (found) and random ones (mostly not). */
function patternsFor(rng: Rng, texts: string[]): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  const add = (tokens: string[]): void => {
    const p = ` ${tokens.join(" ")} `;
    if (tokens.length === 0 || seen.has(p)) return;
    seen.add(p);
    out.push(Buffer.from(p, "utf8"));
  };
  for (let i = 0; i < 400; i++) {
    const len = 2 + rng.int(5);
    const tokens = normaliseText(texts[rng.int(texts.length)]!);
    if (tokens.length >= len) {
      const at = rng.int(tokens.length - len + 1);
      add(tokens.slice(at, at + len));
    }
    add(normaliseText(randomText(rng, len)).slice(0, len));
  }
  return out;
}

describe("scan kernel (WebAssembly)", () => {
  test("the non-ASCII characters it scans raw are separators for the normaliser, between any words", () => {
    for (const ch of "\u00a0«·»–—‘’“”•…") {
      assert.deepEqual(normaliseText(`Ab${ch}cd 1${ch}2`), ["ab", "cd", "1", "2"], ch);
    }
  });

  test("finds exactly what the JavaScript window matcher finds, on normalised text", () => {
    const rng = new Rng(5);
    const texts = Array.from({ length: 300 }, () => randomText(rng, rng.int(80)));
    const patterns = patternsFor(rng, texts);
    const hits = scanTextAgrees(new ScanKernel(patterns), patterns, texts);
    assert.ok(hits > 300, `the test exercises matches (${hits})`);
  });

  test("JSONL shards: the kernel's raw line scan gives the JavaScript path's hits, lines, counts and errors", async () => {
    const rng = new Rng(8);
    const texts = Array.from({ length: 3000 }, (_, i) => randomText(rng, rng.int(60), i % 3 !== 0));
    // One document far longer than a 1 MiB read, so that it spans buffer refills.
    texts[1500] = randomText(rng, 400_000);
    const patterns = patternsFor(rng, texts);
    const lines = texts.map((text, i) => {
      const json = JSON.stringify({ text });
      switch (i % 11) {
        case 0: // escapes as some writers emit them: \/ and \u for non-ASCII and for plain letters
          return json
            .replace(/\//g, "\\/")
            .replace(/[^\x00-\x7f]|a/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
        case 1:
          return `  {"id": ${i}, "meta": {"a": [1, "}"]}, "text": ${JSON.stringify(text)}}\r`;
        case 2:
          return "";
        case 3:
          return `{"text": ${JSON.stringify(text)}, "text2": "x"}`;
        case 4: // ASCII punctuation and spaces as \u escapes (separators, decoded to one byte each)
          return json.replace(/[ ,.()']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
        default:
          return json;
      }
    });
    const table = patternTable(patterns, 50);
    const file = join(dir, "shard.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n${JSON.stringify({ text: texts[7] })}`);
    const rules: CountRules = { textField: "text", onBadLine: "error" };
    // Most lines are the kernel's own (not handed back).
    const { own, patternsHit } = await kernelAgainstReference(file, table, rules);
    assert.ok(own > 1500, `lines scanned raw by the kernel: ${own}`);
    assert.ok(patternsHit > 100, `the test exercises matches (${patternsHit})`);

    // Bad lines: the same error (file and line), and the same skips.
    const bad = join(dir, "bad.jsonl");
    writeFileSync(
      bad,
      `${lines.slice(0, 40).join("\n")}\n{"text": 5}\n{"text": "a\\qb"}\n{"txt": "a"}\n{"text": "x"\n`,
    );
    const errorOf = (p: Promise<unknown>): Promise<string> =>
      p.then(
        () => "no error",
        (e: Error) => e.message,
      );
    assert.equal(
      await errorOf(scanShard(bad, new ScanSink(table, 3, "window"), rules)),
      await errorOf(countShard(bad, new ScanSink(table, 3, "window-js"), rules)),
    );
    const skip: CountRules = { textField: "text", onBadLine: "skip" };
    const a = new ScanSink(table, 3, "window");
    const b = new ScanSink(table, 3, "window-js");
    assert.deepEqual(await scanShard(bad, a, skip), await countShard(bad, b, skip));
    assert.deepEqual(a.take(), b.take());
  });

  test("more hits than the output buffer holds are all reported", async () => {
    // 2-token patterns that every document holds: thousands of hits per buffer.
    const patterns = ["a b", "b c", "c d", "d e"].map((p) => Buffer.from(` ${p} `));
    const table: SinkTable = {
      patterns,
      patternStart: Int32Array.from([0, 1, 2, 3, 4]),
      patternGrams: Int32Array.from([0, 1, 2, 3]),
      gramItem: Int32Array.from([0, 1, 2, 3]),
      itemCount: 4,
    };
    const file = join(dir, "dense.jsonl");
    writeFileSync(file, `${Array.from({ length: 5000 }, () => '{"text": "A b C d E"}').join("\n")}\n`);
    const sink = new ScanSink(table, 2, "window");
    const stats = await scanShard(file, sink, { textField: "text", onBadLine: "error" });
    assert.equal(stats.documents, 5000);
    const hits = sink.take();
    assert.deepEqual(hits.patternDocs, [
      [0, 5000],
      [1, 5000],
      [2, 5000],
      [3, 5000],
    ]);
    assert.deepEqual(hits.items[0], [0, 5000, [1, 2]]);
  });
});
