import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { unicodeTokens } from "../../src/contamination/normalize.js";
import type { ItemOverlap } from "../../src/contamination/results.js";
import { runScan, type ScanOptions } from "../../src/contamination/scan.js";
import { ScanKernel } from "../../src/contamination/scan-kernel.js";
import {
  CJK_BAIL,
  CJK_SEPARATOR,
  CJK_TOKEN,
  CJK_WORD,
  cjkKindOf,
  cjkTables,
} from "../../src/contamination/scan-kernel-cjk.js";
import { StringDecoder } from "../../src/corpus/jsonl.js";
import type { CountRules } from "../../src/corpus/shard.js";
import { Rng } from "../../src/stats/rng.js";
import { asciiJsonLine, cjkRun, cjkText } from "./cjk-fixtures.js";
import { kernelAgainstReference, patternTable, scanTextAgrees, windowPatterns } from "./kernel-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "contamination-cjk-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const kernel = new ScanKernel([Buffer.from(" a b ")]);
const decoder = new StringDecoder();

/** The run's content as JSON string content: raw UTF-8, or ensure_ascii escapes (with `letters`, a–h too). */
function encodings(run: string): Buffer[] {
  const escaped = (letters: boolean): Buffer => {
    const line = asciiJsonLine(run, letters);
    return Buffer.from(line.slice('{"text": "'.length, -2), "latin1");
  };
  return [Buffer.from(run, "utf8"), escaped(false), escaped(true)];
}

/** The fast path's tokens of raw run content, held to what normRun gives (the decoder, then unicodeTokens). */
function fastMatchesSlow(content: Buffer): boolean {
  const got = kernel.fastRunTokens(content);
  if (got === undefined) return false;
  const [buf, s, e] = decoder.decode(content, 0, content.length);
  const text = buf.toString("utf8", s, e);
  assert.deepEqual(got, unicodeTokens(text), JSON.stringify(text));
  return true;
}

describe("scan kernel CJK fast path", () => {
  test("random CJK runs, raw and \\u-escaped: its tokens are unicodeTokens'; runs of the characters it covers never go slow", () => {
    const rng = new Rng(21);
    let fast = 0;
    let slow = 0;
    for (let i = 0; i < 6000; i++) {
      for (const content of encodings(cjkRun(rng, 1 + rng.int(40)))) {
        if (fastMatchesSlow(content)) fast++;
        else slow++;
      }
      for (const content of encodings(cjkRun(rng, 1 + rng.int(40), true))) {
        assert.ok(fastMatchesSlow(content), content.toString("latin1"));
      }
    }
    assert.ok(fast > 3000 && slow > 3000, `both paths exercised: ${fast} fast, ${slow} slow`);
  });

  test("every BMP code point and every 7th of planes 1–3, between Han, ASCII and full-width neighbours", () => {
    let fast = 0;
    const cps = Array.from({ length: 0x10000 }, (_, cp) => cp).filter((cp) => cp < 0xd800 || cp >= 0xe000);
    for (let cp = 0x10000; cp < 0x40000; cp += 7) cps.push(cp);
    for (const cp of cps) {
      const c = String.fromCodePoint(cp);
      // Runs hold no ASCII separators: those code points only as the neighbours' escapes would.
      if (cp < 0x80 && !/[A-Za-z0-9]/.test(c)) continue;
      for (const run of [c, `Ab${c}中${c}${c}1ｂ${c}ー`, `${c}Ｘ${c}か`]) {
        for (const content of encodings(run)) if (fastMatchesSlow(content)) fast++;
      }
    }
    assert.ok(fast > 250_000, `code points in context taken by the fast path: ${fast}`);
  });

  test("the table, built by blocks, says for each BMP code point what testing it alone says", () => {
    const { kinds } = cjkTables();
    for (let cp = 0; cp < 0x10000; cp++) {
      if (cp < 0xd800 || cp >= 0xe000) assert.equal(kinds[cp], cjkKindOf(cp), cp.toString(16));
    }
    assert.deepEqual(
      [..."中ぁ，Ａ①ー\u3099"].map((c) => kinds[c.codePointAt(0)!]),
      [CJK_TOKEN, CJK_TOKEN, CJK_SEPARATOR, 0x61, 0x31, CJK_WORD, CJK_BAIL],
    );
  });

  test("no character the fast path takes composes under NFC with the one before it", () => {
    // Its rules are per character: a character that could be the second of a canonical composition
    // (a combining mark, a Hangul vowel or final, an Indic length mark) would need its neighbour.
    const { kinds } = cjkTables();
    const kindOf = (cp: number): number =>
      cp < 0x10000 ? kinds[cp]! : cp < 0x40000 ? kinds[0x10000 + ((cp - 0x10000) >> 4)]! : 0;
    const taken: string[] = [];
    for (let cp = 0xc0; cp < 0x110000; cp++) {
      if (cp >= 0xd800 && cp < 0xe000) continue;
      const c = String.fromCodePoint(cp);
      const parts = [...c.normalize("NFD")];
      if (parts.length < 2 || parts.join("").normalize("NFC") !== c) continue;
      for (const p of parts.slice(1)) if (kindOf(p.codePointAt(0)!) !== 0) taken.push(`${c} (${p})`);
    }
    assert.deepEqual(taken, []);
    assert.equal(kindOf(0x3099), 0);
    assert.equal(kindOf(0x1161), 0);
  });

  test("invalid UTF-8, lone surrogates and broken escapes: the slow path's tokens, or the slow path", () => {
    const cases = [
      Buffer.from([0xe4, 0xb8]),
      Buffer.from([0xe4, 0xb8, 0xad, 0x80, 0x61]),
      Buffer.from([0xc0, 0xaf, 0xe4, 0xb8, 0xad]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      Buffer.from([0xf0, 0x8f, 0xbf, 0xbf]),
      Buffer.from([0xe0, 0x9f, 0xbf]),
      Buffer.from([0xff, 0x61]),
      Buffer.from("\\ud840\\udc00\\ud840", "latin1"),
      Buffer.from("\\udc00\\u4e2d", "latin1"),
      Buffer.from("\\ud840\\u4e2d", "latin1"),
      Buffer.from("\\ud840x", "latin1"),
    ];
    for (const content of cases) fastMatchesSlow(content);
    assert.deepEqual(kernel.fastRunTokens(Buffer.from("\\ud840\\udc00\\u4E2Dab", "latin1")), [
      "𠀀",
      "中",
      "ab",
    ]);
  });
});

describe("scan kernel on CJK JSONL", () => {
  test("random CJK shards: the same hits, lines and counts as the JavaScript window matcher", async () => {
    const rng = new Rng(22);
    const texts = Array.from({ length: 2500 }, (_, i) => cjkText(rng, 1 + rng.int(10), 50, i % 4 === 0));
    // Longer than the 4 MiB I/O area (grown for it), and a long escaped line across 1 MiB reads.
    texts[100] = cjkRun(rng, 1_500_000, true);
    texts[200] = cjkText(rng, 20_000, 30, true);
    const patterns = windowPatterns(rng, texts, 3000);
    const lines = texts.map((text, i) => {
      switch (i % 7) {
        case 0:
          return asciiJsonLine(text);
        case 1:
          return asciiJsonLine(text, true);
        case 2:
          return `{"id": ${i}, "meta": {"zh": "中文"}, "text": ${JSON.stringify(text)}}`;
        case 3:
          return "";
        default:
          return JSON.stringify({ text });
      }
    });
    const file = join(dir, "cjk.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`);
    // Lines of characters the fast path covers stay in the kernel.
    const rules: CountRules = { textField: "text", onBadLine: "error" };
    const { own, patternsHit } = await kernelAgainstReference(file, patternTable(patterns, 60), rules);
    assert.ok(own > 800, `lines scanned by the kernel itself: ${own}`);
    assert.ok(patternsHit > 500, `the test exercises matches (${patternsHit})`);
  });

  test("decoded CJK documents one by one (Parquet, fallback fields, lines handed back): the JavaScript path's hits", () => {
    const rng = new Rng(24);
    // Decoded text: quotes, backslashes (those take the normaliser) and control characters as they are.
    const texts = Array.from({ length: 600 }, (_, i) => cjkText(rng, 1 + rng.int(12), 40, i % 3 === 0));
    texts[10] = cjkRun(rng, 200_000, true);
    const patterns = windowPatterns(rng, texts, 2000);
    // A small I/O area: the long text makes the scratch area grow.
    const hits = scanTextAgrees(new ScanKernel(patterns, 1 << 16), patterns, texts);
    assert.ok(hits > 300, `the test exercises matches (${hits})`);
  });

  test("planted Chinese benchmark items: every matcher finds them with the same overlap figures", async () => {
    const rng = new Rng(23);
    // Items of made-up character strings (no 13-gram recurs by chance), with ASCII terms beside Han.
    const han = (k: number): string =>
      Array.from({ length: k }, () => String.fromCodePoint(0x4e00 + rng.int(0x5000))).join("");
    const items = Array.from({ length: 6 }, (_, i) => ({
      id: `z${i}`,
      input: `${han(12)}不${han(6)}，CT检查${han(8)}2型${han(10)}？`,
      target: han(2),
    }));
    const dataset = join(dir, "zh-bench.jsonl");
    writeFileSync(dataset, `${items.map((x) => JSON.stringify(x)).join("\n")}\n`);
    const filler = (): string => cjkText(rng, 3, 30, true);
    const q = items.map((x) => x.input);
    const docs = Array.from({ length: 40 }, filler);
    docs[3] = `${filler()}${q[0]}${filler()}`;
    // Spaces between the characters, ASCII punctuation, upper and full-width variants.
    docs[9] = `新闻：${[...q[2]!].join(" ").replace("C T", "Ct").replace("，", ", ").replace("？", "?")}。`;
    // Compatibility ideograph 不 (U+F967), full-width Ｃｔ and ２, 、 for ，.
    docs[17] = `${filler()}${q[3]!.replace("不", "\uf967").replace("CT", "Ｃｔ").replace("2", "２").replace("，", "、")}`;
    // Part of the item: its first 20 tokens (19 characters, "，", "CT").
    docs[30] = `${filler()}${[...q[4]!].slice(0, 22).join("")}。${filler()}`;
    const lines = docs.map((text) => JSON.stringify({ text }));
    lines[25] = asciiJsonLine(`前言${q[1]}后记`);
    const shard = join(dir, "zh-corpus.jsonl");
    writeFileSync(shard, `${lines.join("\n")}\n`);
    const options = (extra: Partial<ScanOptions>): ScanOptions => ({
      task: "qa",
      taskArgs: { dataset },
      n: 13,
      minTokens: 8,
      fields: ["input", "target"],
      corpus: [shard],
      maxLocations: 5,
      minCoverage: 0,
      rules: { textField: "text", onBadLine: "error" },
      progress: "silent",
      ...extra,
    });
    const rowsOf = async (extra: Partial<ScanOptions>): Promise<ItemOverlap[]> =>
      (await runScan(options({ out: join(dir, `zh-${Object.values(extra).join("-")}.jsonl`), ...extra })))
        .rows;
    const kernelRows = await rowsOf({ matcher: "window" });
    const byId = new Map(kernelRows.map((r) => [r.id, r]));
    assert.deepEqual(
      kernelRows.filter((r) => r.contaminated).map((r) => r.id),
      ["z0", "z1", "z2", "z3", "z4"],
    );
    // 12 + 1 + 6 + ct 检 查 + 8 + 2 型 + 10 = 42 tokens, 30 n-grams.
    for (const id of ["z0", "z1", "z2", "z3"]) {
      const r = byId.get(id)!;
      assert.deepEqual(
        [r.checkedTokens, r.ngrams, r.overlapping, r.longest, r.coverage],
        [42, 30, 30, 42, 1],
        id,
      );
    }
    assert.deepEqual(byId.get("z1")!.locations, [`${shard}:26`]);
    const z4 = byId.get("z4")!;
    assert.deepEqual([z4.overlapping, z4.longest], [8, 20]);
    assert.deepEqual(await rowsOf({ matcher: "window-js" }), kernelRows);
    assert.deepEqual(await rowsOf({ matcher: "window", workers: 2 }), kernelRows);
    process.env.ASSAY_SMI_MATCHER = "simd";
    try {
      assert.deepEqual(await rowsOf({}), kernelRows);
    } finally {
      delete process.env.ASSAY_SMI_MATCHER;
    }
  });
});
