/**
 * `npm run bench:gameqa` — GameQA generation throughput, speed-up over the original generators, and
 * memory (PNG images included throughout).
 *
 *   GAMEQA_BENCH_N          samples per measurement (default 2000)
 *   GAMEQA_BENCH_GAMES      comma list of games for the per-game comparisons (default: every entry of
 *                           bench/gameqa-originals.ts); the mixed run always uses --games all
 *   GAMEQA_ORIGINAL_REPO    a local work tree of tongjingqi/Code2Logic (or its src/ parent); when set and
 *                           the interpreter has numpy, matplotlib and PIL, each original in
 *                           bench/gameqa-originals.ts runs for about N samples and the speed-up per
 *                           sample is printed (goal: 20x), both sides timed as whole processes
 *   GAMEQA_PYTHON           python interpreter for the originals (default /usr/bin/python3)
 *   GAMEQA_ORIGINAL_TIMEOUT seconds one original may run (default 900)
 *   GAMEQA_BENCH_MEMORY     samples for the memory check: peak RSS of `gameqa generate --games all
 *                           --format jsonl` at a tenth of this and at this (default 100000; goal 300 MB
 *                           and flat in the count; 0 skips it). Needs /usr/bin/time.
 *   GAMEQA_BENCH_DIR        where everything is written (default: the OS temp folder). File creation
 *                           cost differs a lot between file systems (e.g. /dev/shm vs a VM disk).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDataset } from "../src/gameqa/generate.js";
import { getGame, listGames, loadGames } from "../src/gameqa/registry.js";
import { LEVELS } from "../src/gameqa/types.js";
import { ORIGINALS, type OriginalGenerator, TQDM_SHIM } from "./gameqa-originals.js";

const N = Number(process.env.GAMEQA_BENCH_N ?? 2000);
const ONLY = process.env.GAMEQA_BENCH_GAMES?.split(",").map((s) => s.trim());
const MEMORY_SAMPLES = Number(process.env.GAMEQA_BENCH_MEMORY ?? 100_000);
const ORIGINAL_TIMEOUT_S = Number(process.env.GAMEQA_ORIGINAL_TIMEOUT ?? 900);
const tmp = mkdtempSync(join(process.env.GAMEQA_BENCH_DIR ?? tmpdir(), "gameqa-bench-"));

interface Row {
  what: string;
  samples: number;
  images: number;
  seconds: number;
  /** CPU seconds (user + system) spent; on a shared machine the fairer figure. */
  cpu: number;
  /** The run was stopped at the time limit: samples is what it was asked for, so its rate is an upper bound. */
  stopped?: boolean;
}
const rows: Row[] = [];

/** per-task count so that games × tasks × 3 levels × perTask ≈ n. */
function perTaskFor(games: string[], n: number): number {
  const units = games.reduce((s, g) => s + getGame(g).tasks.length * LEVELS.length, 0);
  return Math.max(1, Math.round(n / units));
}

async function ours(what: string, games: string[], workers: number, shareBoards = true): Promise<Row> {
  const out = join(tmp, `${what.replace(/\W+/g, "-")}-${workers}-${shareBoards}`);
  const cpu0 = process.cpuUsage();
  const res = await generateDataset({
    games,
    perTask: perTaskFor(games, N),
    plotLevels: [...LEVELS],
    seed: "bench",
    outDir: out,
    workers,
    progress: "silent",
    shareBoards,
  });
  const used = process.cpuUsage(cpu0);
  // Outputs stay until the end: see fileCreationMicros on why deleting between runs skews the next.
  const how = shareBoards ? "shared boards" : "image per sample";
  const row = {
    what: `${what} (assay, ${how}, ${workers} worker${workers > 1 ? "s" : ""})`,
    samples: res.samples,
    images: res.images,
    seconds: res.seconds,
    cpu: (used.user + used.system) / 1e6,
  };
  rows.push(row);
  return row;
}

function pythonReady(python: string): boolean {
  const r = spawnSync(python, ["-c", "import numpy, PIL, matplotlib"], { encoding: "utf8" });
  return r.status === 0;
}

/**
 * Run a command under /usr/bin/time when present (wall seconds, the child's CPU seconds and peak
 * RSS), else under bash's `time` (no RSS).
 */
function timedChild(
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
  timeoutS = 0,
): { ok: boolean; seconds: number; cpu: number; rssMb: number; error: string; timedOut: boolean } {
  const gnuTime = existsSync("/usr/bin/time");
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const cmd = gnuTime
    ? `/usr/bin/time -f '%U %S %M' ${quoted} > /dev/null`
    : `TIMEFORMAT='%U %S'; time ${quoted} > /dev/null`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", ["-c", cmd], {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    env: { ...process.env, ...env },
    ...(timeoutS > 0 ? { timeout: timeoutS * 1000, killSignal: "SIGKILL" as const } : {}),
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const lines = (r.stderr ?? "").trim().split("\n");
  const [user, sys, rssKb] = (lines.pop() ?? "").split(" ").map(Number);
  const error = r.error ? String(r.error.message) : (lines.at(-1) ?? r.stdout ?? "").trim();
  return {
    ok: r.status === 0,
    seconds,
    cpu: (user ?? Number.NaN) + (sys ?? Number.NaN),
    rssMb: gnuTime ? (rssKb ?? Number.NaN) / 1024 : Number.NaN,
    error,
    timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT",
  };
}

/** The folder of an original game in GAMEQA_ORIGINAL_REPO (a repository root or its src/). */
function originalFolder(repo: string, game: string): string | undefined {
  return [join(repo, "src", game), join(repo, game)].find((d) => existsSync(d));
}

/**
 * Run one original generator in a scratch copy of its folder (published example folders left out,
 * size patched in or passed as arguments) for about `n` samples.
 */
function original(
  repo: string,
  python: string,
  gen: OriginalGenerator,
  n: number,
  shim: Record<string, string>,
): Row | undefined {
  const src = originalFolder(repo, gen.game);
  if (!src || !gen.script || !gen.dataFile || !gen.perUnit) {
    process.stdout.write(`  (original ${gen.game}: ${gen.cannotRun ?? `not found under ${repo}`})\n`);
    return undefined;
  }
  const work = join(tmp, `orig-${gen.game}`);
  cpSync(src, work, { recursive: true, filter: (f) => !/_example$/.test(f) });
  const units = Math.max(1, Math.round(n / gen.perUnit));
  if (gen.driver) writeFileSync(join(work, gen.driver[0]), gen.driver[1]);
  if (gen.patch) {
    const [file, find, replace] = gen.patch(units);
    const text = readFileSync(join(work, file), "utf8");
    if (!text.includes(find)) {
      process.stdout.write(
        `  (original ${gen.game}: "${find.trim()}" not found in ${file}; update the table)\n`,
      );
      return undefined;
    }
    writeFileSync(join(work, file), text.replace(find, replace));
  }
  const env = { SDL_VIDEODRIVER: "dummy", MPLBACKEND: "Agg", ...shim };
  const t = timedChild([python, gen.script, ...(gen.args?.(units) ?? [])], work, env, ORIGINAL_TIMEOUT_S);
  if (t.timedOut) {
    // Not finished in the time limit: count what it was asked for, so the speed-up is a lower bound.
    const row = {
      what: `${gen.game} (original Python, 1 process, stopped after ${ORIGINAL_TIMEOUT_S} s)`,
      samples: Math.round(units * gen.perUnit),
      images: Number.NaN,
      seconds: t.seconds,
      cpu: Number.NaN, // killed: its CPU time was not reported
      stopped: true,
    };
    rows.push(row);
    return row;
  }
  if (!t.ok || !existsSync(join(work, gen.dataFile))) {
    process.stdout.write(`  (original ${gen.game} failed: ${t.error || "no data file"})\n`);
    return undefined;
  }
  const data = JSON.parse(readFileSync(join(work, gen.dataFile), "utf8")) as Array<{ image: unknown }>;
  const row = {
    what: `${gen.game} (original Python, 1 process)`,
    samples: data.length,
    images: new Set(data.map((d) => JSON.stringify(d.image))).size,
    seconds: t.seconds,
    cpu: t.cpu,
  };
  rows.push(row);
  return row;
}

/**
 * Our CLI as a whole process, like the original: Node's start-up, loading the code and warming it up
 * are included, which at 2,000 samples is a large part of a cheap game's run.
 */
function oursCli(game: string, workers: number, shareBoards: boolean): Row | undefined {
  const out = join(tmp, `cli-${game}-${workers}-${shareBoards}`);
  const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const args = ["gameqa", "generate", "--games", game, "--per-task", String(perTaskFor([game], N))];
  args.push("--seed", "bench-cli", "--out", out, "--workers", String(workers));
  if (!shareBoards) args.push("--no-share-boards");
  const t = timedChild([process.execPath, cli, ...args], tmp);
  if (!t.ok) {
    process.stdout.write(`  (assay CLI ${game} failed: ${t.error})\n`);
    return undefined;
  }
  const data = JSON.parse(readFileSync(join(out, "data.json"), "utf8")) as Array<{ image: string }>;
  const how = shareBoards ? "shared boards" : "image per sample";
  const row = {
    what: `${game} (assay CLI, whole process, ${how}, ${workers} worker${workers > 1 ? "s" : ""})`,
    samples: data.length,
    images: new Set(data.map((d) => d.image)).size,
    seconds: t.seconds,
    cpu: t.cpu,
  };
  rows.push(row);
  return row;
}

const rate = (r: Row): number => r.samples / r.seconds;
const cpuRate = (r: Row): number => r.samples / r.cpu;

/** "ours vs theirs" per sample: wall-clock and CPU ratios, with the per-sample milliseconds. */
function speedup(game: string, ours: Row, theirs: Row, note: string): string {
  const wall = rate(ours) / rate(theirs);
  const cpu = cpuRate(ours) / cpuRate(theirs);
  const ms = (r: Row, v: number): string => ((1000 * v) / r.samples).toFixed(2);
  return (
    `${game}, ${note}: ${wall.toFixed(1)}x per sample by wall clock (${ms(ours, ours.seconds)} vs ${ms(theirs, theirs.seconds)} ms), ` +
    `${cpu.toFixed(1)}x per CPU-second (${ms(ours, ours.cpu)} vs ${ms(theirs, theirs.cpu)} ms)`
  );
}

const load = (): string =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(" ");

/**
 * Microseconds to create and write one small file in `dir`. Both generators create two files per board,
 * so this cost is part of every sample's and is printed beside the results. It is not a constant of the
 * disk: ext4 without a journal (this project's VM) will not reuse an inode freed in the last 1 to 5
 * minutes and scans past each such inode when creating a file, so creation costs 25 µs on a quiet disk
 * and over 300 µs shortly after many files were deleted. Hence nothing is deleted until the end here.
 */
function fileCreationMicros(dir: string, name: string): number {
  const probe = join(dir, name);
  mkdirSync(probe);
  const data = Buffer.alloc(4096, 1);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) writeFileSync(join(probe, `f${i}.png`), data);
  return Number(process.hrtime.bigint() - t0) / 1e3 / 200;
}

/** Does the interpreter lack tqdm? Then a stand-in goes on PYTHONPATH. */
function tqdmShim(python: string): Record<string, string> {
  if (spawnSync(python, ["-c", "import tqdm"]).status === 0) return {};
  const dir = join(tmp, "py-shims");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tqdm.py"), TQDM_SHIM);
  return { PYTHONPATH: [dir, process.env.PYTHONPATH].filter(Boolean).join(":") };
}

/**
 * Peak RSS of `gameqa generate --games all` at a tenth of `samples` and at `samples`, JSONL, one
 * worker: the memory a run needs must stay flat in the sample count (goal 300 MB at 100,000).
 */
function memoryCheck(samples: number): string {
  if (!existsSync("/usr/bin/time")) return "memory check skipped: /usr/bin/time is missing";
  const tasks = listGames().reduce((n, g) => n + g.tasks.length, 0);
  const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const lines: string[] = [];
  const peaks: number[] = [];
  for (const size of [Math.ceil(samples / 10), samples]) {
    const perTask = Math.max(1, Math.ceil(size / (tasks * LEVELS.length)));
    const out = join(tmp, `memory-${size}`);
    const args = ["gameqa", "generate", "--games", "all", "--per-task", String(perTask), "--format", "jsonl"];
    const t = timedChild([process.execPath, cli, ...args, "--seed", "bench-mem", "--out", out], tmp);
    if (!t.ok) return `memory check failed: ${t.error}`;
    const made = readFileSync(join(out, "data.jsonl"), "utf8").split("\n").length - 1;
    rmSync(out, { recursive: true, force: true }); // hundreds of MB at full size
    peaks.push(t.rssMb);
    lines.push(
      `${made} samples: peak RSS ${t.rssMb.toFixed(0)} MB, ${t.seconds.toFixed(0)} s (${t.cpu.toFixed(0)} CPU-s), ${(made / t.seconds).toFixed(0)} samples/s`,
    );
  }
  const [small = 0, full = 0] = peaks;
  const verdict = `${full <= 300 ? "within" : "OVER"} the 300 MB goal; ${full - small > 0.15 * small ? "NOT flat" : "flat"} (${small.toFixed(0)} -> ${full.toFixed(0)} MB)`;
  return `memory: --games all (${listGames().length} games, ${tasks} tasks), JSONL, one worker: ${lines.join("; ")} — ${verdict}`;
}

async function main(): Promise<void> {
  await loadGames();
  const create = fileCreationMicros(tmp, "probe-start");
  process.stdout.write(
    `GameQA generation bench: ${N} samples per run, PNG images included, ${availableParallelism()} CPU(s), load average ${load()}, writing under ${tmp} (creating a file there: ${create.toFixed(0)} µs)\n`,
  );
  if (create > 100)
    process.stdout.write(
      "warning: creating a file is slow here; on ext4 without a journal that happens for a few minutes after many files were deleted nearby (e.g. by a test run or an earlier bench), and it weighs on our figures far more than on the original's\n",
    );
  const w = Math.max(2, Math.min(4, availableParallelism()));
  const all = listGames().map((g) => g.name);
  await ours(`mixed all ${all.length} games`, all, 1);
  await ours(`mixed all ${all.length} games`, all, w);

  const repo = process.env.GAMEQA_ORIGINAL_REPO;
  const python = process.env.GAMEQA_PYTHON ?? "/usr/bin/python3";
  const runOriginals = repo !== undefined && pythonReady(python);
  if (!repo)
    process.stdout.write("(set GAMEQA_ORIGINAL_REPO to a local Code2Logic checkout to time the originals)\n");
  else if (!runOriginals)
    process.stdout.write(
      `(${python} lacks numpy/matplotlib/PIL: apt-get install python3-numpy python3-matplotlib python3-pil)\n`,
    );
  const shim = runOriginals ? tqdmShim(python) : {};
  const comparisons: string[] = [];
  for (const gen of ORIGINALS.filter((g) => !ONLY || ONLY.includes(g.game))) {
    if (!all.includes(gen.game)) {
      comparisons.push(`${gen.game}: not ported yet (no registered game)`);
      continue;
    }
    const shared = gen.shared ?? true;
    const mine = oursCli(gen.game, 1, shared);
    if (!mine || !runOriginals || !repo) continue;
    const theirs = original(repo, python, gen, mine.samples, shim);
    if (!theirs) {
      comparisons.push(`${gen.game}: ${gen.cannotRun ?? "original did not run (see above)"}`);
      continue;
    }
    const how = shared ? "several questions per image on both sides" : "one image per sample on both sides";
    const line = `${theirs.stopped ? "at least: " : ""}${speedup(gen.game, mine, theirs, `whole processes, ${how}`)}`;
    const goal = rate(mine) / rate(theirs) >= 20 ? "meets the 20x goal" : "BELOW the 20x goal";
    comparisons.push(`${line} — ${goal}`);
  }

  const width = Math.max(...rows.map((r) => r.what.length));
  process.stdout.write(
    `\n${"run".padEnd(width)}  samples   images   seconds   samples/s   CPU s   samples/CPU-s\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.what.padEnd(width)}  ${String(r.samples).padStart(7)}  ${String(r.images).padStart(7)}  ${r.seconds.toFixed(2).padStart(8)}  ${rate(r).toFixed(1).padStart(10)}  ${r.cpu.toFixed(2).padStart(6)}  ${cpuRate(r).toFixed(1).padStart(14)}\n`,
    );
  }
  if (comparisons.length > 0) process.stdout.write("\nSpeed-up per sample (original: one Python process):\n");
  for (const c of comparisons) process.stdout.write(`  ${c}\n`);
  if (MEMORY_SAMPLES > 0) process.stdout.write(`\n${memoryCheck(MEMORY_SAMPLES)}\n`);
  process.stdout.write(
    `load average at the end: ${load()}; creating a file: ${fileCreationMicros(tmp, "probe-end").toFixed(0)} µs\n`,
  );
  rmSync(tmp, { recursive: true, force: true });
}

await main();
