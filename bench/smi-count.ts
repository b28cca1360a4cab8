/**
 * Benchmark for `smi count`: generates a JSONL corpus of English-like documents that mention the
 * ParaRel subjects and objects, counts it with the SMI counter (worker threads), and runs
 * `grep -F -c -f patterns` (and ripgrep when installed) over the same bytes as a reference point for
 * multi-pattern scanning speed. The corpus lives in a temp folder that is deleted afterwards.
 *
 *   npm run bench:smi-count -- [--size 2GB] [--workers 2] [--shards 8] [--triples file] [--keep]
 *                                [--corpus-dir DIR] [--no-grep] [--runs N]
 *
 * --corpus-dir reuses (or, when empty or missing, creates and keeps) the generated shards in DIR, so
 * repeated runs count the same bytes without regenerating them; --no-grep skips the reference tools;
 * --runs N counts N times in one process and adds the medians (for machines shared with other jobs;
 * runs after the first find the main thread's JavaScript compiled already, so their start-up is
 * shorter than a fresh command's).
 *
 * Note: grep -c reports lines with at least one match and stops scanning a line at its first match,
 * so it does much less work than a presence count of every pattern; `grep -F -o` (also run, output
 * discarded) reports every non-overlapping match and is the closer yardstick.
 */
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCount } from "../src/smi/count.js";
import { loadTriples, type Triple } from "../src/smi/rows.js";
import { median } from "../src/stats/quantile.js";
import { formatBytes } from "../src/util/progress.js";

const WORDS = (
  "the of and to a in is was for on that with as by it at from his he be an which are or this had not were but " +
  "have their has its been one they also first after who her new two more other into all time she when would there " +
  "can only him than most some over these during up out may about many later three such years made where used known " +
  "while well then between them through under both any including being before city world since however state school " +
  "second film war year part people work national until life team season like music played born capital located " +
  "company founded language official river album band member government university president church county north"
).split(" ");

function parseSize(text: string): number {
  const m = /^([0-9.]+)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) throw new Error(`--size ${text}: use e.g. 500MB or 2GB`);
  const mult: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };
  return Math.round(Number(m[1]) * mult[(m[2] ?? "b").toLowerCase()]!);
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

function syntheticTriples(): Triple[] {
  const out: Triple[] = [];
  for (let i = 0; i < 12000; i++)
    out.push({ idx: i, subj: `Name${i} Person`, rel: "r", obj: `Place${i % 900}` });
  return out;
}

/** Writes `shards` JSONL files totalling about `size` bytes; returns their paths. */
function generateCorpus(dir: string, size: number, shards: number, triples: Triple[]): string[] {
  let seed = 42;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const names = triples.flatMap((t) => [t.subj, t.obj]);
  const paths: string[] = [];
  const perShard = Math.ceil(size / shards);
  for (let s = 0; s < shards; s++) {
    const path = join(dir, `shard-${String(s).padStart(4, "0")}.jsonl`);
    paths.push(path);
    const fd = openSync(path, "w");
    let written = 0;
    let batch: string[] = [];
    let batchBytes = 0;
    while (written < perShard) {
      // A document: 100–1500 words, paragraphs, ~1 % of tokens are entity names.
      const n = 100 + Math.floor(rnd() * 1400);
      const parts: string[] = [];
      for (let k = 0; k < n; k++) {
        const u = rnd();
        let w: string;
        if (u < 0.01) w = names[Math.floor(rnd() * names.length)]!;
        else {
          w = WORDS[Math.floor(WORDS.length * rnd() * rnd())]!;
          if (u > 0.93) w = w[0]!.toUpperCase() + w.slice(1) + (u > 0.985 ? ".\n" : ".");
        }
        parts.push(w);
      }
      const line = `{"text": ${JSON.stringify(parts.join(" "))}, "meta": {"pile_set_name": "Synthetic"}}\n`;
      batch.push(line);
      batchBytes += line.length;
      if (batchBytes > 4 << 20) {
        const buf = Buffer.from(batch.join(""), "utf8");
        writeSync(fd, buf);
        written += buf.length;
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) writeSync(fd, Buffer.from(batch.join(""), "utf8"));
    closeSync(fd);
  }
  return paths;
}

/** Wall and CPU seconds of a command (CPU from /usr/bin/time when present). */
function timeCommand(
  cmd: string,
  args: string[],
  discardStdout = false,
): { seconds: number; cpuSeconds?: number; ok: boolean } {
  const timed = existsSync("/usr/bin/time");
  const argv = timed ? ["-f", "CPU %U %S", cmd, ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(timed ? "/usr/bin/time" : cmd, argv, {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, LC_ALL: "C" },
    stdio: ["ignore", discardStdout ? "ignore" : "pipe", "pipe"],
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /CPU ([0-9.]+) ([0-9.]+)/.exec(r.stderr ?? "");
  const out: { seconds: number; cpuSeconds?: number; ok: boolean } = {
    seconds,
    ok: r.status === 0 || r.status === 1,
  };
  if (m) out.cpuSeconds = Number(m[1]) + Number(m[2]);
  return out;
}

function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}

async function main(): Promise<void> {
  const size = parseSize(arg("size", "2GB"));
  const workers = Number(arg("workers", "2"));
  const shards = Number(arg("shards", String(Math.max(workers * 4, 4))));
  const triplesArg = arg("triples", resolve("..", "shared", "data", "smi", "pararel_15classes.json"));
  const triples = existsSync(triplesArg) ? loadTriples(triplesArg) : syntheticTriples();
  const corpusDir = process.argv.includes("--corpus-dir") ? resolve(arg("corpus-dir", "")) : undefined;
  const keep = process.argv.includes("--keep") || corpusDir !== undefined;
  const noGrep = process.argv.includes("--no-grep");
  const runs = Math.max(1, Number(arg("runs", "1")));

  const dir = corpusDir ?? mkdtempSync(join(tmpdir(), "smi-bench-"));
  if (corpusDir) mkdirSync(corpusDir, { recursive: true });
  try {
    const triplesPath = join(dir, "triples.json");
    writeFileSync(triplesPath, JSON.stringify(triples));
    const patterns = [...new Set(triples.flatMap((t) => [` ${t.subj}`, ` ${t.obj}`]))];
    const patternsPath = join(dir, "patterns.txt");
    writeFileSync(patternsPath, `${patterns.join("\n")}\n`);

    const g0 = Date.now();
    const existing = readdirSync(dir)
      .filter((f) => /^shard-\d+\.jsonl$/.test(f))
      .sort()
      .map((f) => join(dir, f));
    const files = corpusDir && existing.length > 0 ? existing : generateCorpus(dir, size, shards, triples);
    rmSync(join(dir, "parts"), { recursive: true, force: true });
    const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
    console.log(
      `corpus: ${files.length} JSONL shards, ${formatBytes(bytes)} (generated in ${((Date.now() - g0) / 1000).toFixed(1)} s); ${patterns.length} patterns from ${triples.length} triples`,
    );

    // Read the corpus once, untimed, so that every measured tool reads it from the page cache (the
    // first one would otherwise also pay for the disk). The machine needs the corpus size in free memory.
    const warm = Buffer.allocUnsafe(1 << 22);
    for (const f of files) {
      const fd = openSync(f, "r");
      while (readSync(fd, warm, 0, warm.length, null) > 0);
      closeSync(fd);
    }

    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const rows: Row[] = [];
    for (let run = 1; run <= runs; run++) {
      rmSync(join(dir, "parts"), { recursive: true, force: true });
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage(); // includes the worker threads
      const summary = await runCount({
        triples: triplesPath,
        corpus: files,
        out: join(dir, "counts.json"),
        parts: join(dir, "parts"),
        workers,
        rules: { textField: "text", onBadLine: "error" },
        progress: "silent",
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      rows.push({
        name: `assay smi count (${workers} workers)${runs > 1 ? ` #${run}` : ""}`,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        note: `${summary.documents} docs, text ${formatBytes(summary.textBytes)}, load ${loadavg()[0]!.toFixed(2)}`,
      });
    }
    clearInterval(sampler);
    if (runs > 1) rows.push(medianRow(rows, workers));
    rows[rows.length - 1]!.note += `, peak RSS ${formatBytes(peakRss)}`;
    if (!noGrep) addReferenceTools(rows, patternsPath, files);
    printTable(rows, bytes);
    console.log(
      JSON.stringify({
        bench: "smi-count",
        bytes,
        shards: files.length,
        workers,
        patterns: patterns.length,
        results: rows.map((r) => ({
          name: r.name,
          seconds: r.seconds,
          cpuSeconds: r.cpuSeconds ?? null,
          mbPerS: bytes / 1e6 / r.seconds,
        })),
        peakRss,
      }),
    );
  } finally {
    if (keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

type Row = { name: string; seconds: number; cpuSeconds?: number; note: string };

/** The median wall and CPU time of repeated runs (each median taken on its own). */
function medianRow(rows: Row[], workers: number): Row {
  return {
    name: `assay smi count (${workers} workers) median`,
    seconds: median(rows.map((r) => r.seconds)),
    cpuSeconds: median(rows.map((r) => r.cpuSeconds ?? 0)),
    note: `of ${rows.length} runs`,
  };
}

function addReferenceTools(rows: Row[], patternsPath: string, files: string[]): void {
  const grep = timeCommand("grep", ["-F", "-c", "-f", patternsPath, ...files]);
  rows.push({ name: "grep -F -c -f patterns (1 core)", ...grep, note: grep.ok ? "LC_ALL=C" : "failed" });
  // -o reports every (non-overlapping) match, closer to the work of counting every pattern. Its
  // output goes through a pipe: GNU grep stops at the first match when stdout is /dev/null.
  const quoted = [patternsPath, ...files].map((f) => `'${f.replace(/'/g, "'\\''")}'`);
  const grepAll = timeCommand("sh", ["-c", `grep -F -o -f ${quoted.join(" ")} | wc -l`], true);
  rows.push({ name: "grep -F -o -f patterns | wc -l", ...grepAll, note: "every match" });
  if (hasCommand("rg")) {
    const rg = timeCommand("rg", ["-F", "-c", "-f", patternsPath, ...files]);
    rows.push({ name: "rg -F -c -f patterns", ...rg, note: rg.ok ? "" : "failed" });
  }
}

/** MB per CPU-second is steadier than wall time on a shared machine. */
function printTable(rows: Row[], bytes: number): void {
  const head = [
    "tool".padEnd(38),
    "seconds".padStart(8),
    "MB/s".padStart(8),
    "CPU s".padStart(8),
    "MB/CPU-s".padStart(9),
  ];
  console.log(`\n${head.join(" ")}  notes`);
  for (const r of rows) {
    const cols = [
      r.name.padEnd(38),
      r.seconds.toFixed(2).padStart(8),
      (bytes / 1e6 / r.seconds).toFixed(0).padStart(8),
      (r.cpuSeconds?.toFixed(2) ?? "?").padStart(8),
      (r.cpuSeconds ? (bytes / 1e6 / r.cpuSeconds).toFixed(0) : "?").padStart(9),
    ];
    console.log(`${cols.join(" ")}  ${r.note}`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
