import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { createMatcher, type MatcherEngine } from "../../src/corpus/engine.js";
import type { CountRules } from "../../src/corpus/shard.js";
import { runCount, runMerge } from "../../src/smi/count.js";
import { buildPatternSet, TripleCounter } from "../../src/smi/counter.js";
import type { CountRow } from "../../src/smi/rows.js";
import { UserError } from "../../src/util/errors.js";
import { gzip, makeDocuments, naiveCounts, TRIPLES, toJsonl, zstdStored } from "./corpus-fixtures.js";
import { writeParquet } from "./parquet-writer.js";

const RULES: CountRules = { textField: "text", onBadLine: "error" };
const dir = mkdtempSync(join(tmpdir(), "smi-count-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeTriples(): string {
  const path = join(dir, "triples.json");
  writeFileSync(path, JSON.stringify(TRIPLES));
  return path;
}

function readRows(path: string): CountRow[] {
  return JSON.parse(readFileSync(path, "utf8")) as CountRow[];
}

for (const engine of ["js", "simd"] as MatcherEngine[])
  describe(`space-anchored matcher (${engine})`, () => {
    test("finds every pattern occurrence, overlapping ones included", () => {
      const pats = [" John", " John Cage", " Cage", " art", " a"].map((p) => Buffer.from(p));
      const m = createMatcher(pats, engine);
      const text = Buffer.from("John met John Cage; art artist (Cage) a");
      m.beginDocument();
      m.scan(text, 0, text.length);
      const got = [...m.matched.subarray(0, m.matchedCount)].sort();
      // " Cage" only appears inside " John Cage"; "(Cage)" has no leading space.
      assert.deepEqual(got, [0, 1, 2, 3, 4]);
      const other = Buffer.from("John(Cage)");
      m.beginDocument();
      m.scan(other, 0, other.length);
      assert.equal(m.matchedCount, 0);
    });

    test("random patterns over a tiny alphabet (dense overlaps) match a naive search", () => {
      let seed = 3;
      const rnd = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return Math.floor((seed / 2 ** 32) * n);
      };
      const alphabet = "ab c";
      const word = (len: number): string => Array.from({ length: len }, () => alphabet[rnd(4)]!).join("");
      const patterns = [...new Set(Array.from({ length: 60 }, () => ` ${word(rnd(7))}`))];
      const m = createMatcher(
        patterns.map((p) => Buffer.from(p)),
        engine,
      );
      for (let d = 0; d < 300; d++) {
        const text = word(rnd(80));
        const b = Buffer.from(text);
        m.beginDocument();
        m.scan(b, 0, b.length);
        const got = [...m.matched.subarray(0, m.matchedCount)].sort((x, y) => x - y);
        const want = patterns.flatMap((p, i) => (text.includes(p) ? [i] : []));
        assert.deepEqual(got, want, JSON.stringify(text));
      }
    });

    test("agrees with a naive substring search on random documents", () => {
      const docs = makeDocuments(400, 11);
      const counter = new TripleCounter(buildPatternSet(TRIPLES), engine);
      for (const d of docs) {
        const b = Buffer.from(d, "utf8");
        counter.countDocument(b, 0, b.length);
      }
      const want = naiveCounts(TRIPLES, docs);
      const got = counter.counts();
      assert.equal(got.documents, docs.length);
      want.forEach((w, i) => {
        assert.equal(got.subj[i], w.time_subj, `subj of ${w.subj}`);
        assert.equal(got.obj[i], w.time_obj, `obj of ${w.obj}`);
        assert.equal(got.s1j1[i], w.time_s1j1, `co-occurrence of ${w.subj} / ${w.obj}`);
      });
      // The corpus must exercise the rule: some hits, some co-occurrences.
      assert.ok(want.some((w) => w.time_s1j1 > 0));
    });
    test("documents larger than a scan block and than the initial buffer", () => {
      const pats = [" John Cage", " John", " Cage", " opera"].map((p) => Buffer.from(p));
      const m = createMatcher(pats, engine);
      // Names straddling every 64 KiB boundary of a 3 MB document, and one at the very end.
      const size = 3 << 20;
      const text = Buffer.alloc(size, "x");
      const put = (at: number, s: string): void => {
        text.write(s, at, "latin1");
      };
      for (let at = 65536 - 5; at + 12 < size; at += 65536) put(at, " John Cage ");
      put(size - 6, " opera");
      m.beginDocument();
      m.scan(text, 0, size);
      assert.deepEqual([...m.matched.subarray(0, m.matchedCount)].sort(), [0, 1, 2, 3]);
      // Only " opera" at the end: nothing else may be reported.
      const tail = Buffer.alloc(size, "y");
      tail.write(" opera", size - 6, "latin1");
      m.beginDocument();
      m.scan(tail, 0, size);
      assert.deepEqual([...m.matched.subarray(0, m.matchedCount)], [3]);
      assert.equal(m.seen(3), true);
      assert.equal(m.seen(0), false);
    });
  });

describe("smi count over shards", () => {
  const docs = makeDocuments(900, 5);
  const parts = [docs.slice(0, 300), docs.slice(300, 600), docs.slice(600)];
  const corpus = join(dir, "corpus");
  const triplesPath = writeTriples();
  const setup = (): void => {
    mkdirSync(corpus, { recursive: true });
    writeFileSync(join(corpus, "a.jsonl"), `${toJsonl(parts[0]!)}\n`);
    writeFileSync(join(corpus, "b.jsonl.gz"), gzip(`${toJsonl(parts[1]!)}\n`));
    writeFileSync(join(corpus, "c.jsonl.zst"), zstdStored(toJsonl(parts[2]!))); // no final newline
  };
  setup();

  test("JSONL, gzip and zstd shards give the naive counts (in-process and with 2 workers)", async () => {
    const want = naiveCounts(TRIPLES, docs);
    for (const workers of [1, 2]) {
      const out = join(dir, `counts-${workers}.json`);
      const s = await runCount({
        triples: triplesPath,
        corpus: [`${corpus}/*`],
        out,
        workers,
        rules: RULES,
        progress: "silent",
      });
      assert.equal(s.shardsCounted, 3);
      assert.equal(s.documents, 900);
      assert.deepEqual(readRows(out), want);
    }
  });

  test("--shard i/N partials merge to the full counts; finished shards are skipped on resume", async () => {
    const partsDir = join(dir, "parts");
    const jobs = [];
    for (const i of [1, 2]) {
      jobs.push(
        await runCount({
          triples: triplesPath,
          corpus: [corpus],
          shard: `${i}/2`,
          parts: partsDir,
          workers: 1,
          rules: RULES,
          progress: "silent",
        }),
      );
    }
    assert.deepEqual(
      jobs.map((j) => j.shardsSelected),
      [2, 1],
    );
    const idle = await runCount({
      triples: triplesPath,
      corpus: [corpus],
      shard: "5/5",
      parts: partsDir,
      rules: RULES,
      progress: "silent",
    });
    assert.equal(idle.shardsSelected, 0);
    assert.equal(readdirSync(partsDir).filter((f) => f.endsWith(".json")).length, 3);
    const merged = join(dir, "merged.json");
    runMerge({ triples: triplesPath, inputs: [partsDir], out: merged });
    assert.deepEqual(readRows(merged), naiveCounts(TRIPLES, docs));

    const again = await runCount({
      triples: triplesPath,
      corpus: [corpus],
      parts: partsDir,
      out: join(dir, "again.json"),
      rules: RULES,
      progress: "silent",
    });
    assert.equal(again.shardsResumed, 3);
    assert.equal(again.shardsCounted, 0);
    assert.deepEqual(readRows(join(dir, "again.json")), naiveCounts(TRIPLES, docs));

    // A shard that changed since its partial was written is counted again.
    utimesSync(join(corpus, "a.jsonl"), new Date(), new Date(Date.now() + 5000));
    const changed = await runCount({
      triples: triplesPath,
      corpus: [corpus],
      parts: partsDir,
      out: join(dir, "again.json"),
      rules: RULES,
      progress: "silent",
    });
    assert.equal(changed.shardsCounted, 1);
    assert.equal(changed.shardsResumed, 2);

    // Merging the same shard twice is refused.
    assert.throws(
      () => runMerge({ triples: triplesPath, inputs: [partsDir, partsDir], out: join(dir, "dup.json") }),
      /also counted/,
    );
  });

  test("Parquet shards: the text column of every row group is counted", async () => {
    const pq = join(dir, "pq");
    mkdirSync(pq, { recursive: true });
    const pdocs = makeDocuments(250, 9);
    writeFileSync(join(pq, "train-00000.parquet"), writeParquet("text", pdocs.slice(0, 130), 50));
    writeFileSync(join(pq, "train-00001.parquet"), writeParquet("content", pdocs.slice(130), 40));
    const out = join(dir, "pq.json");
    const s = await runCount({
      triples: triplesPath,
      corpus: [`${pq}/*.parquet`],
      out,
      workers: 1,
      rules: { ...RULES, fallbackField: "content" },
      progress: "silent",
    });
    assert.equal(s.documents, 250);
    assert.deepEqual(readRows(out), naiveCounts(TRIPLES, pdocs));
    await assert.rejects(
      runCount({ triples: triplesPath, corpus: [pq], out, workers: 1, rules: RULES, progress: "silent" }),
      /no column "text"/,
    );
  });

  test("bad lines name the file, line and field; --on-bad-line skip counts them", async () => {
    const bad = join(dir, "bad");
    mkdirSync(bad, { recursive: true });
    writeFileSync(
      join(bad, "x.jsonl"),
      '{"text": " John"}\n{"body": "no text"}\n{"text": 5}\n{"text": "unterminated}\n',
    );
    await assert.rejects(
      runCount({
        triples: triplesPath,
        corpus: [bad],
        out: join(dir, "bad.json"),
        workers: 1,
        rules: RULES,
        progress: "silent",
      }),
      (err: unknown) => err instanceof UserError && /x\.jsonl:2: field "text" is missing/.test(err.message),
    );
    const s = await runCount({
      triples: triplesPath,
      corpus: [bad],
      out: join(dir, "bad.json"),
      parts: join(dir, "bad-parts"),
      workers: 1,
      rules: { ...RULES, onBadLine: "skip" },
      progress: "silent",
    });
    assert.equal(s.documents, 1);
    const rows = readRows(join(dir, "bad.json"));
    assert.equal(rows[1]!.time_subj, 1); // " John"
  });

  test("a corrupt compressed shard is a user error naming the file", async () => {
    const broken = join(dir, "broken");
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, "x.jsonl.gz"), "not gzip at all");
    await assert.rejects(
      runCount({
        triples: triplesPath,
        corpus: [broken],
        out: join(dir, "broken.json"),
        workers: 1,
        rules: RULES,
        progress: "silent",
      }),
      (err: unknown) => err instanceof UserError && /x\.jsonl\.gz: cannot read shard/.test(err.message),
    );
  });

  test("fallback field and exclusion follow the original SlimPajama rules", async () => {
    const sp = join(dir, "slim");
    mkdirSync(sp, { recursive: true });
    writeFileSync(
      join(sp, "s.jsonl"),
      [
        '{"text": "", "content": " Paris France", "meta": {"redpajama_set_name": "RedPajamaBook"}}',
        '{"text": " Paris", "meta": {"redpajama_set_name": "RedPajamaGithub"}}',
        '{"content": " Paris", "meta": {"redpajama_set_name": "RedPajamaC4"}}',
      ].join("\n"),
    );
    const s = await runCount({
      triples: triplesPath,
      corpus: [sp],
      out: join(dir, "slim.json"),
      workers: 1,
      rules: {
        ...RULES,
        fallbackField: "content",
        exclude: { path: "meta.redpajama_set_name", value: "RedPajamaGithub" },
      },
      progress: "silent",
    });
    assert.equal(s.documents, 2);
    const paris = readRows(join(dir, "slim.json")).find((r) => r.subj === "Paris")!;
    assert.equal(paris.time_subj, 2);
    assert.equal(paris.time_s1j1, 1);
  });
});
