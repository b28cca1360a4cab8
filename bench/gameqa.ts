/**
 * `npm run bench:gameqa` — GameQA generation throughput (samples/s, PNG images included).
 *
 *   GAMEQA_BENCH_N          samples per measurement (default 2000)
 *   GAMEQA_BENCH_GAMES      comma list for the mixed run (default: sudoku,maze,tictactoe,lifegame,langton_ant)
 *   GAMEQA_ORIGINAL_REPO    a local work tree of tongjingqi/Code2Logic; when set and Debian's python3
 *                           has numpy, matplotlib and PIL, the original sudoku and tictactoe generators
 *                           run for the same sample count and the speed-up is printed.
 *   GAMEQA_PYTHON           python interpreter for the original (default /usr/bin/python3)
 *   GAMEQA_BENCH_DIR        where both generators write (default: the OS temp folder). File creation
 *                           cost differs a lot between file systems (e.g. /dev/shm vs a VM disk).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateDataset } from "../src/gameqa/generate.js";
import { getGame, loadGames } from "../src/gameqa/registry.js";
import { LEVELS } from "../src/gameqa/types.js";

const N = Number(process.env.GAMEQA_BENCH_N ?? 2000);
const MIXED = (process.env.GAMEQA_BENCH_GAMES ?? "sudoku,maze,tictactoe,lifegame,langton_ant")
  .split(",")
  .map((s) => s.trim());
const tmp = mkdtempSync(join(process.env.GAMEQA_BENCH_DIR ?? tmpdir(), "gameqa-bench-"));

interface Row {
  what: string;
  samples: number;
  images: number;
  seconds: number;
  /** CPU seconds (user + system) spent; on a shared machine the fairer figure. */
  cpu: number;
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

/** Run a command under bash `time`: wall seconds, and the child's CPU seconds (user + system). */
function timedChild(
  argv: string[],
  cwd: string,
): { ok: boolean; seconds: number; cpu: number; error: string } {
  // bash's `time` reports the child's CPU seconds (user, system) on the last stderr line.
  const t0 = process.hrtime.bigint();
  const cmd = `TIMEFORMAT='%U %S'; time ${argv.map((a) => `'${a}'`).join(" ")} > /dev/null`;
  const r = spawnSync("bash", ["-c", cmd], { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const [user, sys] = (r.stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
  const error = (r.stderr || r.stdout).trim().split("\n").slice(-2, -1)[0] ?? "";
  return { ok: r.status === 0, seconds, cpu: (user ?? Number.NaN) + (sys ?? Number.NaN), error };
}

/** Run an original generator in a scratch copy of its folder; returns samples written and wall seconds. */
function original(
  repo: string,
  python: string,
  game: string,
  args: string[],
  dataFile: string,
): Row | undefined {
  const src = join(repo, "src", game);
  if (!existsSync(src)) {
    process.stdout.write(`  (skipped ${game}: ${src} not found)\n`);
    return undefined;
  }
  const work = join(tmp, `orig-${game}`);
  cpSync(src, work, { recursive: true });
  const t = timedChild([python, ...args], work);
  if (!t.ok) {
    process.stdout.write(`  (original ${game} failed: ${t.error})\n`);
    return undefined;
  }
  const data = JSON.parse(readFileSync(join(work, dataFile), "utf8")) as Array<{ image: string }>;
  const row = {
    what: `${game} (original Python, 1 process)`,
    samples: data.length,
    images: new Set(data.map((d) => d.image)).size,
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
    process.stdout.write(`  (assay CLI failed: ${t.error})\n`);
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
  await ours(`mixed ${MIXED.join("+")}`, MIXED, 1);
  await ours(`mixed ${MIXED.join("+")}`, MIXED, w);
  await ours(`mixed ${MIXED.join("+")}`, MIXED, w, false);
  // The sudoku original draws one image per sample, the tictactoe original one per 3 questions (as we do).
  const sudoku = await ours("sudoku", ["sudoku"], 1, false);
  const sudokuW = await ours("sudoku", ["sudoku"], w, false);
  const sudokuShared = await ours("sudoku", ["sudoku"], w, true);
  const tictactoe = await ours("tictactoe", ["tictactoe"], 1);
  const tictactoeW = await ours("tictactoe", ["tictactoe"], w);
  const sudokuCli = oursCli("sudoku", 1, false);
  const tictactoeCli = oursCli("tictactoe", 1, true);

  const repo = process.env.GAMEQA_ORIGINAL_REPO;
  const python = process.env.GAMEQA_PYTHON ?? "/usr/bin/python3";
  const comparisons: string[] = [];
  if (!repo) {
    process.stdout.write(
      "(set GAMEQA_ORIGINAL_REPO to a local Code2Logic checkout to time the original generators)\n",
    );
  } else if (!pythonReady(python)) {
    process.stdout.write(
      `(${python} lacks numpy/matplotlib/PIL: apt-get install python3-numpy python3-matplotlib python3-pil)\n`,
    );
  } else {
    const s = original(
      repo,
      python,
      "sudoku",
      ["data_generator.py", String(sudoku.samples), "--output_dir", "out"],
      join("out", "data.json"),
    );
    if (s) {
      comparisons.push(speedup("sudoku", sudoku, s, "one image per sample on both sides, ours 1 worker"));
      comparisons.push(
        speedup("sudoku", sudokuW, s, `one image per sample on both sides, ours ${w} workers`),
      );
      if (sudokuCli)
        comparisons.push(
          speedup("sudoku", sudokuCli, s, "whole processes on both sides, ours the CLI, 1 worker"),
        );
      comparisons.push(
        speedup(
          "sudoku",
          sudokuShared,
          s,
          `ours 5 questions per image (${w} workers), original one per sample`,
        ),
      );
    }
    // The tictactoe original writes 3 questions per board.
    const t = original(
      repo,
      python,
      "tictactoe",
      ["main.py", "--num", String(Math.ceil(tictactoe.samples / 3))],
      join("tictactoe_dataset", "data.json"),
    );
    if (t) {
      comparisons.push(
        speedup("tictactoe", tictactoe, t, "one image per 3 questions on both sides, ours 1 worker"),
      );
      comparisons.push(
        speedup("tictactoe", tictactoeW, t, `one image per 3 questions on both sides, ours ${w} workers`),
      );
      if (tictactoeCli)
        comparisons.push(
          speedup("tictactoe", tictactoeCli, t, "whole processes on both sides, ours the CLI, 1 worker"),
        );
    }
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
  process.stdout.write(
    `load average at the end: ${load()}; creating a file: ${fileCreationMicros(tmp, "probe-end").toFixed(0)} µs\n`,
  );
  rmSync(tmp, { recursive: true, force: true });
}

await main();
