/**
 * The module's per-buffer JSONL path (wasm-lines.ts, used by countShard with the SIMD matcher):
 * random lines full of structure the fast path must accept or hand back (escaped keys, repeated
 * keys, nested values holding a "text" key, scalars, whitespace, malformed JSON, missing or
 * non-string text) give the same counts, statistics and errors as the per-line JavaScript path, and
 * the naive rule on the documents JSON.parse accepts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { type CountRules, countShard } from "../../src/corpus/shard.js";
import { simdAvailable } from "../../src/corpus/simd-matcher.js";
import { buildPatternSet, TripleCounter } from "../../src/smi/counter.js";
import type { Triple } from "../../src/smi/rows.js";
import { UserError } from "../../src/util/errors.js";
import { naiveCounts } from "./corpus-fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "smi-lines-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

const TRIPLES: Triple[] = [
  { idx: 1, subj: "John Cage", rel: "r", obj: "opera" },
  { idx: 2, subj: "Paris", rel: "r", obj: "France" },
  { idx: 3, subj: 'The "Q" Band', rel: "r", obj: "AC/DC" },
  { idx: 4, subj: "Ho", rel: "r", obj: "text" },
];

const WORDS = [
  "John Cage",
  "opera",
  "Paris",
  "France",
  'The "Q" Band',
  "AC/DC",
  "Ho",
  "text",
  "the",
  "\\",
  "é",
];

/** One random JSONL line and, when JSON.parse accepts it with a string text field, its text. */
function randomLine(rnd: (n: number) => number): { line: string; text: string | undefined } {
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const ws = (): string => pick(["", "", " ", "\t", "  "]);
  const words = (): string => Array.from({ length: rnd(8) }, () => ` ${pick(WORDS)}`).join("");
  const other = (): string =>
    pick([
      "1",
      "-2.5e3",
      "true",
      "null",
      JSON.stringify(words()),
      '{"text": "Paris", "a": [1, {"b": "}"}]}',
      '["text", " France", {"x": "\\""}]',
      "{}",
      "[]",
    ]);
  const members: string[] = [];
  const n = rnd(4);
  for (let k = 0; k < n; k++)
    members.push(`${JSON.stringify(pick(["id", "meta", "texts", "tex", "Text"]))}:${other()}`);
  const textKey = pick(['"text"', '"text"', '"text"', '"te\\u0078t"', '"t\\"ext"']);
  const textValue = rnd(10) === 0 ? other() : JSON.stringify(words());
  members.splice(rnd(members.length + 1), 0, `${textKey}${ws()}:${ws()}${textValue}`);
  if (rnd(6) === 0) members.splice(rnd(members.length + 1), 0, `"text":${JSON.stringify(words())}`);
  let line = `${ws()}{${ws()}${members.map((m) => `${m}${ws()}`).join(`,${ws()}`)}}${ws()}`;
  // Malformed lines now and then: cut short, trailing garbage, a missing colon or brace.
  const broken = rnd(25);
  if (broken === 0) line = line.slice(0, rnd(line.length));
  else if (broken === 1) line += " x";
  else if (broken === 2) line = line.replace(":", " ");
  else if (broken === 3) line = line.replace(/}\s*$/, "");
  else if (broken === 4) line = pick(["", "  ", "\t", "[1]", "{}", '"text"']);
  let text: string | undefined;
  try {
    const v = (JSON.parse(line) as Record<string, unknown>).text;
    text = typeof v === "string" ? v : undefined;
  } catch {
    text = undefined;
  }
  return { line, text };
}

async function countWith(
  engine: "simd" | "js",
  path: string,
  rules: CountRules,
): Promise<{ counter: TripleCounter; stats: Awaited<ReturnType<typeof countShard>>; calls: number }> {
  const counter = new TripleCounter(buildPatternSet(TRIPLES), engine);
  let calls = 0;
  const m = counter.inModule;
  if (m) {
    const lines = m.lines.bind(m);
    m.lines = (start, end) => {
      calls++;
      return lines(start, end);
    };
  }
  const stats = await countShard(path, counter, rules);
  return { counter, stats, calls };
}

describe("module line processing", {
  skip: simdAvailable() ? false : "WebAssembly SIMD not available",
}, () => {
  test("agrees with the per-line path and the naive rule on structurally tricky lines", async () => {
    const rnd = random(99);
    const lines: string[] = [];
    const docs: string[] = [];
    for (let k = 0; k < 4000; k++) {
      const { line, text } = randomLine(rnd);
      lines.push(line);
      if (text !== undefined) docs.push(text);
    }
    const path = join(dir, "tricky.jsonl");
    writeFileSync(path, lines.join(rnd(2) === 0 ? "\n" : "\r\n"));
    const rules: CountRules = { textField: "text", onBadLine: "skip" };
    const fast = await countWith("simd", path, rules);
    const ref = await countWith("js", path, rules);
    assert.ok(fast.calls > 0, "the module's line path was used");
    assert.equal(ref.calls, 0);
    assert.deepEqual(fast.stats, ref.stats);
    assert.deepEqual(fast.counter.counts(), ref.counter.counts());
    // Lines JSON.parse accepts with a string text field are the documents; the others are skipped
    // (blank lines are neither).
    assert.equal(fast.stats.documents, docs.length);
    const want = naiveCounts(TRIPLES, docs);
    const got = fast.counter.counts();
    want.forEach((w, i) => {
      assert.equal(got.subj[i], w.time_subj, `subj of ${w.subj}`);
      assert.equal(got.obj[i], w.time_obj, `obj of ${w.obj}`);
      assert.equal(got.s1j1[i], w.time_s1j1, `co-occurrence of ${w.subj} / ${w.obj}`);
    });
    assert.ok(fast.stats.skippedLines > 50);
  });

  test("the first bad line stops the count with the same message as the per-line path", async () => {
    const good = '{"id": 1, "text": " Paris France"}';
    const cases = [
      '{"text": " Paris" x}',
      '{"text": 3}',
      '{"id": 2}',
      '{"text": " a \\q"}',
      '{"te\\u0078t": " a \\u12"}',
      '{"text": " Paris"',
    ];
    for (const [k, bad] of cases.entries()) {
      const path = join(dir, `bad-${k}.jsonl`);
      writeFileSync(path, `${good}\n\n${good}\n${bad}\n${good}\n`);
      const messages: string[] = [];
      for (const engine of ["simd", "js"] as const) {
        await assert.rejects(
          countWith(engine, path, { textField: "text", onBadLine: "error" }),
          (err: unknown) => {
            assert.ok(err instanceof UserError);
            messages.push(err.message);
            return true;
          },
        );
      }
      assert.equal(messages[0], messages[1], bad);
      assert.match(messages[0]!, /bad-\d\.jsonl:4: /);
    }
  });

  test("a text key other than 'text', and a long one, give the per-line path's counts", async () => {
    const path = join(dir, "keys.jsonl");
    const long = "k".repeat(100);
    writeFileSync(
      path,
      [
        `{"body": " John Cage opera", "text": " Paris", "${long}": " France"}`,
        `{"${long}": " Paris France", "body": " opera"}`,
      ].join("\n"),
    );
    for (const textField of ["body", long]) {
      const rules: CountRules = { textField, onBadLine: "error" };
      const fast = await countWith("simd", path, rules);
      const ref = await countWith("js", path, rules);
      assert.deepEqual(fast.counter.counts(), ref.counter.counts(), textField);
      assert.equal(fast.calls > 0, textField === "body");
    }
  });
});
