/**
 * Benchmark for `contamination scan`: a 1,000-item benchmark (qa JSONL, 40 words a question) and a
 * JSONL corpus (4 shards) of documents drawn from the same vocabulary, with 20 items planted; the scan
 * (n = 13) with each matcher in this thread, the default one in 2 worker threads (issue 24's goal:
 * ≥ 1 GB/s on 2 cores), beside `grep -F -c -f` with the same n-grams over the same files. The corpus is
 * written in lower case with single spaces, so that grep, which does not normalise, can find the
 * n-grams too (the scan normalises every document all the same). CPU seconds (all threads) are printed
 * beside wall time: on a shared machine they are the steadier figure. Each configuration is also run
 * on a corpus of four one-line shards; the difference is the scan without set-up (loading and
 * normalising the items, building the table and matcher, starting workers).
 *
 * `--repeat k` runs each configuration k times and prints the medians. `--lang zh` writes Chinese
 * instead (generated: common Han characters drawn Zipf-like, full-width punctuation, a few ASCII terms
 * and numbers beside the characters, one document in eight \u-escaped as ensure_ascii JSON writers
 * emit it; `--escaped 0.5` changes that share); grep is skipped there, as it cannot see the tokens.
 *
 *   npm run bench:contamination -- [--size 200MB] [--items 1000] [--n 13] [--repeat 1] [--lang en|zh] [--escaped 0.125] [--keep] [--no-grep] [--no-smi]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadItems } from "../src/contamination/items.js";
import { buildGramTable } from "../src/contamination/ngrams.js";
import { runScan } from "../src/contamination/scan.js";
import type { ScanMatcher } from "../src/contamination/sink.js";
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
const repeat = Number(arg("repeat", "1"));
const lang = arg("lang", "en");
if (lang !== "en" && lang !== "zh") throw new Error(`--lang ${lang}: use en or zh`);
const escapedShare = Number(arg("escaped", "0.125"));
const rng = new Rng(1);
// Pronounceable made-up words of 1–4 syllables (varied first letters, as in text); 20,000 of them.
const syllable = (): string =>
  "bcdfghjklmnprstvwyz"[rng.int(19)]! + "aeiou"[rng.int(5)]! + (rng.int(3) === 0 ? "n" : "");
const vocab = [
  ...new Set(Array.from({ length: 30000 }, () => Array.from({ length: 1 + rng.int(4) }, syllable).join(""))),
].slice(0, 20000);
// Zipf-like word choice: a few words are very common, as in text.
const word = (): string => vocab[Math.floor(vocab.length * rng.next() ** 3)]!;
const englishSentence = (k: number): string => Array.from({ length: k }, word).join(" ");
// Chinese: k tokens (characters; an ASCII term or number counts as one), clauses ended by full-width
// punctuation, now and then a quotation or a parenthesis.
const HAN =
  "的一是不了人在有我他这中大来上个国和也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从知使点业本长明老想最两问力理尔实意门高正重新现外开内加因已提制部员向位品性机回象合社通被期间地医院患者病治疗药物症状诊断检查临床手术血压糖尿心脏肝肾肺感染炎慢急性剂量服用每次日三餐前后儿童孕妇禁忌不良反应常见头痛发热咳嗽腹泻恶心呕吐皮疹过敏建议及时就医复查";
const han = (): string => HAN[Math.floor(HAN.length * rng.next() ** 2)]!;
const TERMS = ["CT", "MRI", "mg", "HbA1c", "2型", "COVID-19", "3", "12", "2023年", "B超", "pH", "IgE"];
const clause = (k: number): string => {
  let t = "";
  for (let i = 0; i < k; i++) t += rng.int(40) === 0 ? TERMS[rng.int(TERMS.length)]! : han();
  return t;
};
const chineseSentence = (k: number): string => {
  let t = "";
  for (let left = k; left > 0; ) {
    const c = Math.min(left, 4 + rng.int(12));
    const body = clause(c);
    const wrap = rng.int(12);
    t += wrap === 0 ? `「${body}」` : wrap === 1 ? `（${body}）` : body;
    t += left - c > 0 ? "，、；：，"[rng.int(5)]! : "。！？。。"[rng.int(5)]!;
    left -= c;
  }
  return t;
};
const sentence = lang === "zh" ? chineseSentence : englishSentence;
/** JSON as ensure_ascii writers emit it: every non-ASCII character as a \u escape. */
const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(
    /[^\x00-\x7f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

const dir = mkdtempSync(join(tmpdir(), "bench-contamination-"));
try {
  const items = Array.from({ length: itemCount }, (_, i) => ({
    id: `i${i}`,
    input: sentence(40),
    target: word(),
  }));
  const dataset = join(dir, "bench.jsonl");
  writeFileSync(dataset, items.map((x) => JSON.stringify(x)).join("\n"));
  // Four shards of about equal size (documents dealt in turn), so that worker threads share the work.
  const SHARDS = 4;
  const corpus = Array.from({ length: SHARDS }, (_, i) => join(dir, `corpus-${i}.jsonl`));
  const fds = corpus.map((p) => openSync(p, "w"));
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
    const escaped = lang === "zh" && rng.next() < escapedShare;
    const line = `${escaped ? asciiJson({ text }) : JSON.stringify({ text })}\n`;
    writeSync(fds[docs % SHARDS]!, line);
    written += Buffer.byteLength(line);
    docs++;
  }
  for (const fd of fds) closeSync(fd);
  // The set-up runs: one short line per shard.
  const tiny = corpus.map((_, i) => join(dir, `tiny-${i}.jsonl`));
  for (const p of tiny) writeFileSync(p, `${JSON.stringify({ text: sentence(20) })}\n`);

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
    `${lang === "zh" ? "Chinese " : ""}corpus ${formatBytes(written)} (${docs} documents), ${itemCount} items, ${table.patterns.length} distinct ${n}-grams, ${planted.size} items planted`,
  );

  const scan = async (matcher: ScanMatcher, workers: number, shards: string[], out: string) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const s = await runScan({
      task: "qa",
      taskArgs: { dataset },
      n,
      minTokens: 8,
      fields,
      corpus: shards,
      out: join(dir, out),
      maxLocations: 5,
      minCoverage: 0,
      rules: { textField: "text", onBadLine: "error" },
      matcher,
      workers,
      progress: "silent",
    });
    const cpu = process.cpuUsage(c0);
    return {
      wall: (performance.now() - t0) / 1000,
      cpu: (cpu.user + cpu.system) / 1e6,
      found: s.rows.filter((r) => r.contaminated).length,
    };
  };
  const mb = (bytes: number, s: number): string => `${(bytes / 1e6 / s).toFixed(0)} MB`;
  const runs: Array<[ScanMatcher, number, string]> = [
    ...(process.argv.includes("--no-smi") ? [] : [["simd", 1, "smi"] as [ScanMatcher, number, string]]),
    ["window-js", 1, "window-js"],
    ["window", 1, "window"],
    ["window", 2, "window"],
  ];
  let twoWorkers: { scanWall: number; scanCpu: number } | undefined;
  /** Scan CPU seconds (set-up apart) of the kernel and the JavaScript reference, one thread each. */
  const oneThread = new Map<string, number>();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [matcher, workers, name] of runs) {
    // The median of `repeat` runs of each (set-up alone, then the whole scan), taken figure by figure.
    const setups: Array<Awaited<ReturnType<typeof scan>>> = [];
    const fulls: Array<Awaited<ReturnType<typeof scan>>> = [];
    for (let r = 0; r < repeat; r++) {
      setups.push(await scan(matcher, workers, tiny, `setup-${name}-${workers}-${r}.jsonl`));
      fulls.push(await scan(matcher, workers, corpus, `scan-${name}-${workers}-${r}.jsonl`));
    }
    const setup = { wall: median(setups.map((x) => x.wall)), cpu: median(setups.map((x) => x.cpu)) };
    const full = {
      wall: median(fulls.map((x) => x.wall)),
      cpu: median(fulls.map((x) => x.cpu)),
      found: Math.min(...fulls.map((x) => x.found)),
    };
    const scanWall = full.wall - setup.wall;
    const scanCpu = full.cpu - setup.cpu;
    if (matcher === "window" && workers === 2) twoWorkers = { scanWall, scanCpu };
    if (workers === 1) oneThread.set(matcher, scanCpu);
    console.log(
      `scan --matcher ${name} --workers ${workers}: ${full.wall.toFixed(2)} s wall, CPU ${full.cpu.toFixed(2)} s (set-up included: ${mb(written, full.wall)}/s, ${mb(written, full.cpu)}/CPU-s); ` +
        `set-up ${setup.wall.toFixed(2)} s wall, CPU ${setup.cpu.toFixed(2)} s; scan alone ${scanWall.toFixed(2)} s wall (${mb(written, scanWall)}/s), CPU ${scanCpu.toFixed(2)} s (${mb(written, scanCpu)}/CPU-s); ${full.found} items contaminated (planted ${planted.size})`,
    );
  }
  const kernelCpu = oneThread.get("window");
  const referenceCpu = oneThread.get("window-js");
  if (lang === "zh" && kernelCpu && referenceCpu) {
    console.log(
      `Chinese: the kernel scans ${mb(written, kernelCpu)} per CPU-second, ${(referenceCpu / kernelCpu).toFixed(1)} times the JavaScript reference's ${mb(written, referenceCpu)} (load average ${loadavg()[0]!.toFixed(1)})`,
    );
  } else if (twoWorkers) {
    const perThread = written / 1e6 / twoWorkers.scanCpu;
    console.log(
      `goal (issue 24: >= 1 GB/s on 2 cores, ${itemCount} items, n = ${n}): 2 workers scan ${perThread.toFixed(0)} MB per CPU-second, so two cores of their own give about ${((2 * perThread) / 1000).toFixed(2)} GB/s: ${2 * perThread >= 1000 ? "met" : "NOT met"}` +
        ` (wall here ${mb(written, twoWorkers.scanWall)}/s at load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
    );
  }
  // grep does not normalise: it cannot see Chinese tokens (separated by spaces in the n-grams only).
  if (!process.argv.includes("--no-grep") && lang === "en") {
    const t1 = performance.now();
    const g = spawnSync("grep", ["-F", "-c", "-h", "-f", patterns, ...corpus], { encoding: "utf8" });
    const grepLines = g.stdout
      .trim()
      .split("\n")
      .reduce((sum, c) => sum + Number(c), 0);
    const grepS = (performance.now() - t1) / 1000;
    console.log(
      `grep -F -c -f (same n-grams): ${grepS.toFixed(2)} s, ${formatBytes(written / grepS)}/s, ${grepLines} matching lines`,
    );
  }
} finally {
  if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
