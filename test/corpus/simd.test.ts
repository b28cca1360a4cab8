/**
 * Property tests for the SIMD scanner and in-place decoder (simd-matcher.ts) and the in-place JSONL
 * reader: random inputs, compared with the reference scanner (matcher.ts), the reference decoder
 * (jsonl.ts StringDecoder), JSON.parse and a naive substring search of the original rule.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { MessageChannel } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { LineError, StringDecoder } from "../../src/corpus/jsonl.js";
import { SpaceAnchoredMatcher } from "../../src/corpus/matcher.js";
import { countShard } from "../../src/corpus/shard.js";
import { DECODE_ERRORS, SimdMatcher, type SimdPlan, simdAvailable } from "../../src/corpus/simd-matcher.js";
import { buildPatternSet, TripleCounter } from "../../src/smi/counter.js";
import type { Triple } from "../../src/smi/rows.js";
import { UserError } from "../../src/util/errors.js";
import { naiveCounts } from "../smi/corpus-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "smi-simd-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

function matchedIds(m: { matched: Int32Array; matchedCount: number }): number[] {
  return [...m.matched.subarray(0, m.matchedCount)].sort((a, b) => a - b);
}

/** JSON string content (without quotes) for text, escaping in one of several styles, as writers do. */
function escapeJson(text: string, rnd: (n: number) => number): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const style = rnd(6);
    const u = (c: number): string => `\\u${c.toString(16).padStart(4, "0")}`;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += style === 0 ? u(9) : "\\t";
    else if (cp < 0x20) out += u(cp);
    else if (ch === "/" && style < 3) out += "\\/";
    else if (cp > 0xffff)
      out += style < 3 ? ch : u(0xd800 + ((cp - 0x10000) >> 10)) + u(0xdc00 + ((cp - 0x10000) & 0x3ff));
    else if (cp > 0x7f && style < 3) out += style === 0 ? u(cp).toUpperCase().replace("\\U", "\\u") : u(cp);
    else if (style === 0 && rnd(4) === 0)
      out += u(cp); // any character may be written as \uXXXX, spaces too
    else out += ch;
  }
  return out;
}

describe("SIMD matcher", { skip: simdAvailable() ? false : "WebAssembly SIMD not available" }, () => {
  test("agrees with the reference scanner on random text, in place at any offset and through a copy", () => {
    const rnd = random(17);
    const alphabets = ["ab c", "abcd efgh", "aé b😀", "Jo hn\n", "xy  z\t/"];
    for (const alphabet of alphabets) {
      const chars = [...alphabet];
      const word = (len: number): string =>
        Array.from({ length: len }, () => chars[rnd(chars.length)]!).join("");
      // Names of every length class: empty (" " alone), 1–3 bytes (short keys), 4–5, 6 and longer.
      // Few names of 1–2 bytes take the vector path, many the two-byte filter keys: test both.
      const maxShort = alphabets.indexOf(alphabet) % 2 === 0 ? 3 : 100;
      const names = new Set<string>([""]);
      let short = 0;
      while (names.size < 90) {
        const name = word(1 + rnd(12));
        const isShort = Buffer.byteLength(name) <= 2;
        if (isShort && (short >= maxShort || names.has(name))) continue;
        if (isShort) short++;
        names.add(name);
      }
      const patterns = [...names].map((n) => Buffer.from(` ${n}`, "utf8"));
      const ref = new SpaceAnchoredMatcher(patterns);
      const simd = new SimdMatcher(patterns);
      for (let d = 0; d < 600; d++) {
        const text = Buffer.from(word(rnd(d % 10 === 0 ? 400 : 60)), "utf8");
        ref.beginDocument();
        ref.scan(text, 0, text.length);
        const want = matchedIds(ref);
        simd.beginDocument();
        simd.scan(text, 0, text.length);
        assert.deepEqual(matchedIds(simd), want, JSON.stringify(text.toString()));
        // In place, with other bytes around the document that must not match.
        const io = simd.io();
        const at = rnd(40);
        io.fill(0x20, 0, at + text.length + 32);
        io.write("Jo ab", at + text.length, "latin1");
        text.copy(io, at);
        simd.beginDocument();
        simd.scan(io, at, at + text.length);
        assert.deepEqual(matchedIds(simd), want, `in place: ${JSON.stringify(text.toString())}`);
        for (let p = 0; p < patterns.length; p++) assert.equal(simd.seen(p), want.includes(p));
      }
    }
  });

  test("the branch-free filter pass: dense spaces, more than eight spaces a block, a full candidate list", () => {
    const rnd = random(23);
    // Names without the empty one (which selects the per-space loop instead).
    const names = ["ab", "a b", "b a b", "ba", "abab a", "aab", "bbbb", "a", "ab ba ab", "baba"];
    const patterns = names.map((n) => Buffer.from(` ${n}`, "utf8"));
    const ref = new SpaceAnchoredMatcher(patterns);
    // Planned with triples, so that counts live next to the candidate list: a list overflowing its
    // area would show in them (nothing is tallied here, so they must stay zero).
    const set = buildPatternSet(names.map((n) => ({ subj: n, obj: names[0]! })));
    const simd = new SimdMatcher(SimdMatcher.plan(set.patterns, set));
    const pick = (xs: string[]): string => xs[rnd(xs.length)]!;
    const texts: string[] = [];
    // Many spaces per 32 bytes (up to all 32), at random offsets.
    for (let d = 0; d < 300; d++)
      texts.push(Array.from({ length: rnd(300) }, () => pick(["a", "b", " ", " ", " "])).join(""));
    // Thousands of candidates in one document: the list fills and is emptied several times.
    texts.push(
      Array.from({ length: 20_000 }, () => pick([" ab", " ba", " aab", " bbbb", " abab a", " x"])).join(""),
    );
    texts.push(`${" ".repeat(5000)}ab ba ab`);
    texts.push(`${" baba".repeat(3000)} b a b`);
    for (const t of texts) {
      const text = Buffer.from(t, "latin1");
      ref.beginDocument();
      ref.scan(text, 0, text.length);
      simd.beginDocument();
      simd.scan(text, 0, text.length);
      assert.deepEqual(matchedIds(simd), matchedIds(ref), JSON.stringify(t.slice(0, 200)));
    }
    const { patternDocs, s1j1 } = simd.tripleCounts();
    assert.ok(patternDocs.every((c) => c === 0) && s1j1.every((c) => c === 0));
  });

  test("a plan sent through a message port (as to a worker) makes independent matchers that agree with the reference", async () => {
    const rnd = random(5);
    const chars = [..."ab cdé"];
    const word = (len: number): string =>
      Array.from({ length: len }, () => chars[rnd(chars.length)]!).join("");
    const names = new Set<string>();
    while (names.size < 60) names.add(word(1 + rnd(9)));
    const patterns = [...names].map((n) => Buffer.from(` ${n}`, "utf8"));
    const channel = new MessageChannel();
    const received = new Promise<SimdPlan>((resolve) => {
      channel.port2.once("message", (m: SimdPlan) => resolve(m));
    });
    channel.port1.postMessage(SimdMatcher.plan(patterns));
    const plan = await received;
    channel.port1.close();
    const ref = new SpaceAnchoredMatcher(patterns);
    const [a, b] = [new SimdMatcher(plan), new SimdMatcher(plan)];
    for (let d = 0; d < 300; d++) {
      const text = Buffer.from(word(rnd(80)), "utf8");
      ref.beginDocument();
      ref.scan(text, 0, text.length);
      a.beginDocument();
      a.scan(text, 0, text.length);
      assert.deepEqual(matchedIds(a), matchedIds(ref), JSON.stringify(text.toString()));
      // b's memory is its own: a's stamps and I/O writes must not show there.
      b.beginDocument();
      assert.equal(b.matchedCount, 0);
      for (let p = 0; p < patterns.length; p++) assert.equal(b.seen(p), false);
    }
  });

  test("decodes JSON string escapes in place exactly like the reference decoder and JSON.parse", () => {
    const rnd = random(29);
    const chars = [...'aZ /\\"\n\t\u0001é€😀\u2028 x'];
    const simd = new SimdMatcher([Buffer.from(" a")]);
    const ref = new StringDecoder();
    for (let k = 0; k < 3000; k++) {
      const text = Array.from({ length: rnd(k % 50 === 0 ? 300 : 40) }, () => chars[rnd(chars.length)]!).join(
        "",
      );
      const raw = Buffer.from(escapeJson(text, rnd), "utf8");
      const [rb, rs, re] = ref.decode(raw, 0, raw.length);
      const want = Buffer.from(rb.subarray(rs, re));
      assert.equal(want.toString("utf8"), JSON.parse(`"${raw.toString("utf8")}"`));
      const io = simd.io();
      const at = rnd(20);
      raw.copy(io, at);
      io.write('", "meta": 1}\n', at + raw.length, "latin1");
      const end = simd.decodeInPlace(at, at + raw.length);
      assert.ok(end >= 0, raw.toString());
      assert.deepEqual(io.subarray(at, end), want, raw.toString());
      // Bytes after the string are untouched.
      assert.equal(io.toString("latin1", at + raw.length, at + raw.length + 14), '", "meta": 1}\n');
    }
  });

  test("lone surrogates and bad escapes give the reference decoder's result or error", () => {
    const simd = new SimdMatcher([Buffer.from(" a")]);
    const ref = new StringDecoder();
    const cases = [
      "\\ud800",
      "a\\udc00b",
      "\\ud83d\\ude00",
      "\\uD83D\\uDE00x",
      "\\ud83d\\u0041",
      "\\ud83d\\",
      "\\ud83d\\u12",
      "\\ud83d\\u12g4",
      "\\u12",
      "\\u12G4",
      "\\x41",
      "ab\\",
      "\\u0020\\/\\b\\f\\r",
    ];
    for (const c of cases) {
      const raw = Buffer.from(c, "latin1");
      let want: Buffer | string;
      try {
        const [b, s, e] = ref.decode(raw, 0, raw.length);
        want = Buffer.from(b.subarray(s, e));
      } catch (err) {
        assert.ok(err instanceof LineError);
        want = err.message;
      }
      const io = simd.io();
      raw.copy(io, 3);
      const end = simd.decodeInPlace(3, 3 + raw.length);
      const got = end < 0 ? DECODE_ERRORS[end] : Buffer.from(io.subarray(3, end));
      assert.deepEqual(got, want, c);
    }
  });

  test("in-place JSONL counting: escapes of every kind, long lines and buffer refills give the naive counts", async () => {
    const rnd = random(5);
    const triples: Triple[] = [
      { idx: 1, subj: "John Cage", rel: "r", obj: "opera" },
      { idx: 2, subj: "Q", rel: "r", obj: "São Paulo" },
      { idx: 3, subj: 'The "Quoted" Ones', rel: "r", obj: "AC/DC" },
      { idx: 4, subj: "Emoji 😀 Band", rel: "r", obj: "BBC" },
      { idx: 5, subj: "Royal Malaysian Navy", rel: "r", obj: "Ho" },
    ];
    const fragments = [
      "John Cage",
      "John",
      "opera",
      "Q",
      "São Paulo",
      'The "Quoted" Ones',
      "AC/DC",
      "Emoji 😀 Band",
      "BBC",
      "Royal Malaysian Navy",
      "Ho",
      "How",
      "the",
      "\n",
      "\\",
      "é",
    ];
    const seps = [" ", " ", "", "\n", "\t", "  ", "/"];
    const docs: string[] = [];
    let bytes = 0;
    // About 9 MB: several refills of the 4 MiB buffer, with lines cut at the refill boundaries.
    while (bytes < 9e6) {
      const n = docs.length % 500 === 7 ? 120_000 : 1 + rnd(60);
      let text = "";
      for (let k = 0; k < n; k++) text += seps[rnd(seps.length)]! + fragments[rnd(fragments.length)]!;
      docs.push(text);
      bytes += text.length;
    }
    // One line longer than the initial buffer.
    docs.push(`${" x".repeat(2_500_000)} John Cage opera`);
    const lines = docs.map((t, i) =>
      i % 2 === 0
        ? `{"text": "${escapeJson(t, rnd)}", "id": ${i}}`
        : `{"id":${i},"text":"${escapeJson(t, rnd)}"}`,
    );
    const path = join(dir, "escapes.jsonl");
    writeFileSync(path, `${lines.join("\r\n")}`);
    const set = buildPatternSet(triples);
    const counter = new TripleCounter(set, "simd");
    const stats = await countShard(path, counter, { textField: "text", onBadLine: "error" });
    assert.equal(stats.documents, docs.length);
    const want = naiveCounts(triples, docs);
    const got = counter.counts();
    want.forEach((w, i) => {
      assert.equal(got.subj[i], w.time_subj, `subj of ${w.subj}`);
      assert.equal(got.obj[i], w.time_obj, `obj of ${w.obj}`);
      assert.equal(got.s1j1[i], w.time_s1j1, `co-occurrence of ${w.subj} / ${w.obj}`);
    });
    assert.ok(want.every((w) => w.time_subj > 0 && w.time_obj > 0));
    // The reference scanner on the same shard agrees too, and so does the gzip path (decompressed
    // chunks copied into the buffer).
    const js = new TripleCounter(set, "js");
    await countShard(path, js, { textField: "text", onBadLine: "error" });
    assert.deepEqual(js.counts(), got);
    const gz = `${path}.gz`;
    writeFileSync(gz, gzipSync(readFileSync(path)));
    const fromGzip = new TripleCounter(set, "simd");
    await countShard(gz, fromGzip, { textField: "text", onBadLine: "error" });
    assert.deepEqual(fromGzip.counts(), got);
  });

  test("bad escapes in place name the file and line; skip mode counts them and goes on", async () => {
    const path = join(dir, "bad-escapes.jsonl");
    writeFileSync(
      path,
      [
        '{"text": "a John Cage"}',
        '{"text": "x \\q \\u12"}',
        '{"text": " John \\x"}',
        '{"text": " \\u00e9 John"}',
      ].join("\n"),
    );
    const set = buildPatternSet([{ subj: "John", obj: "John Cage" }]);
    await assert.rejects(
      countShard(path, new TripleCounter(set, "simd"), { textField: "text", onBadLine: "error" }),
      (err: unknown) =>
        err instanceof UserError &&
        /bad-escapes\.jsonl:2: field "text": bad escape in string/.test(err.message),
    );
    const counter = new TripleCounter(set, "simd");
    const stats = await countShard(path, counter, { textField: "text", onBadLine: "skip" });
    assert.equal(stats.skippedLines, 2);
    assert.equal(stats.documents, 2);
    assert.deepEqual(counter.counts().subj, [2]);
    assert.deepEqual(counter.counts().obj, [1]);
  });
});
