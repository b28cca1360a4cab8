/**
 * Benchmark for `contamination scan`: a 1,000-item benchmark (qa JSONL, 40 words a question) and a
 * JSONL corpus of documents drawn from the same vocabulary, with 20 items planted; the scan (n = 13,
 * in-process, one core) beside `grep -F -c -f` with the same n-grams over the same file. The corpus is
 * written in lower case with single spaces, so that grep, which does not normalise, can find the
 * n-grams too (the scan normalises every document all the same). CPU seconds are printed beside wall
 * time: on a shared machine they are the steadier figure.
 *
 *   npm run bench:contamination -- [--size 200MB] [--items 1000] [--n 13] [--keep] [--no-grep]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadItems } from "../src/contamination/items.js";
import { buildGramTable } from "../src/contamination/ngrams.js";
import { runScan } from "../src/contamination/scan.js";
import { Rng } from "../src/stats/rng.js";
import { formatBytes } from "../src/util/progress.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function parseSize(text: string): number {
  const m = /^([0-9.]+)\s*(kb|mb|gb)?$/i.exec(text.trim());
  if (!m) throw new Error(`--size ${text}: use e.g. 200MB or 1GB`);
  const mult: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9 };
  return Math.round(Number(m[1]) * (m[2] ? mult[m[2].toLowerCase()]! : 1));
}

const size = parseSize(arg("size", "200MB"));
const itemCount = Number(arg("items", "1000"));
const n = Number(arg("n", "13"));
const rng = new Rng(1);
// Pronounceable made-up words of 1–4 syllables (varied first letters, as in text); 20,000 of them.
const syllable = (): string =>
  "bcdfghjklmnprstvwyz"[rng.int(19)]! + "aeiou"[rng.int(5)]! + (rng.int(3) === 0 ? "n" : "");
const vocab = [
  ...new Set(Array.from({ length: 30000 }, () => Array.from({ length: 1 + rng.int(4) }, syllable).join(""))),
].slice(0, 20000);
// Zipf-like word choice: a few words are very common, as in text.
const word = (): string => vocab[Math.floor(vocab.length * rng.next() ** 3)]!;
const sentence = (k: number): string => Array.from({ length: k }, word).join(" ");

const dir = mkdtempSync(join(tmpdir(), "bench-contamination-"));
try {
  const items = Array.from({ length: itemCount }, (_, i) => ({
    id: `i${i}`,
    input: sentence(40),
    target: word(),
  }));
  const dataset = join(dir, "bench.jsonl");
  writeFileSync(dataset, items.map((x) => JSON.stringify(x)).join("\n"));
  const corpus = join(dir, "corpus.jsonl");
  const fd = openSync(corpus, "w");
  let written = 0;
  let docs = 0;
  const planted = new Set<number>();
  while (written < size) {
    let text = sentence(150 + rng.int(300));
    if (docs % 997 === 0 && planted.size < 20) {
      const k = rng.int(itemCount);
      planted.add(k);
      text += ` ${items[k]!.input} ${sentence(50)}`;
    }
    const line = `${JSON.stringify({ text })}\n`;
    writeSync(fd, line);
    written += Buffer.byteLength(line);
    docs++;
  }
  closeSync(fd);

  const fields = ["input" as const, "target" as const];
  const table = buildGramTable(await loadItems("qa", { dataset }, fields), {
    n,
    minTokens: 8,
    fields,
    normalisation: 1,
  });
  const patterns = join(dir, "ngrams.txt");
  writeFileSync(patterns, table.patterns.map((p) => Buffer.from(p).toString("utf8").trim()).join("\n"));
  console.log(
    `corpus ${formatBytes(written)} (${docs} documents), ${itemCount} items, ${table.patterns.length} distinct ${n}-grams, ${planted.size} items planted`,
  );

  for (const matcher of ["simd", "window"] as const) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const s = await runScan({
      task: "qa",
      taskArgs: { dataset },
      n,
      minTokens: 8,
      fields,
      corpus: [corpus],
      out: join(dir, `scan-${matcher}.jsonl`),
      maxLocations: 5,
      minCoverage: 0,
      rules: { textField: "text", onBadLine: "error" },
      matcher,
      progress: "silent",
    });
    const scanS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const found = s.rows.filter((r) => r.contaminated).length;
    console.log(
      `assay contamination scan --matcher ${matcher === "simd" ? "smi" : matcher}: ${scanS.toFixed(2)} s, ${formatBytes(written / scanS)}/s (one thread, setup included); CPU ${cpuS.toFixed(2)} s, ${formatBytes(written / cpuS)}/CPU-s; ${found} items contaminated (planted ${planted.size})`,
    );
  }
  if (process.argv.includes("--no-grep")) process.exit(0);
  const t1 = performance.now();
  const g = spawnSync("grep", ["-F", "-c", "-f", patterns, corpus], { encoding: "utf8" });
  const grepS = (performance.now() - t1) / 1000;
  console.log(
    `grep -F -c -f (same n-grams): ${grepS.toFixed(2)} s, ${formatBytes(written / grepS)}/s, ${g.stdout.trim()} matching lines`,
  );
} finally {
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
