/**
 * bench:engine — harness overhead against a local instant-reply OpenAI-compatible server.
 * The server runs in its own process, so the figures are the harness's alone: samples/s, CPU ms per
 * sample and peak RSS, for N = 20,000 and 100,000 (peak RSS must not grow with N), results persisted.
 *   npm run bench:engine [-- --n 20000,100000 --concurrency 64 --db postgres://user@host/db]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../src/cli-kit/store.js";
import { buildManifest, runEval } from "../src/engine/run.js";
import { Model, ModelStats } from "../src/providers/model.js";
import { OpenAIProvider } from "../src/providers/openai.js";
import { AdaptiveLimiter } from "../src/scheduler/limiter.js";
import { PgConnection } from "../src/store/pg-client.js";
import { RunStore } from "../src/store/run-store.js";
import { startMockServer } from "../src/testing/mock-openai-server.js";
import { arg, benchTask } from "./common.js";

const self = fileURLToPath(import.meta.url);

/**
 * `--db postgres://…`: each measurement gets a fresh schema of that database (so no run or cache entry
 * of an earlier one is reused), dropped afterwards.
 */
function pgSchema(db: string): { url: string; drop(): void } {
  const schema = `assay_bench_${process.pid}`;
  const admin = new PgConnection(db, "bench database");
  admin.run(`CREATE SCHEMA ${schema}`);
  const url = new URL(db);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop() {
      admin.run(`DROP SCHEMA ${schema} CASCADE`);
      admin.close();
    },
  };
}

async function worker(
  n: number,
  concurrency: number,
  url: string,
  cache: boolean,
  db: string,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "assay-bench-"));
  const pg = db ? pgSchema(db) : undefined;
  const store = pg ? openStore(pg.url) : new RunStore(join(dir, "bench.db"));
  const model = new Model(new OpenAIProvider({ model: "bench", baseUrl: url }), {
    id: "openai/bench",
    limiter: new AdaptiveLimiter(concurrency),
    stats: new ModelStats(),
    ...(cache ? { cache: store } : {}),
  });
  const task = benchTask(n);
  const manifest = buildManifest({
    runId: "bench",
    task,
    taskArgs: {},
    model,
    epochs: 1,
    execution: { concurrency, maxRetries: 6, cache },
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await runEval({
    store,
    manifest,
    task,
    model,
    mode: "new",
    concurrency,
    signal: new AbortController().signal,
    progress: "silent",
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stored = store.countSamples("bench").total;
  store.close();
  pg?.drop();
  rmSync(dir, { recursive: true, force: true });
  const result = {
    n,
    stored,
    failed: outcome.failed,
    seconds,
    samplesPerSec: n / seconds,
    cpuMsPerSample: (cpu.user + cpu.system) / 1000 / n,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    accuracy: outcome.summary.scorers[0]?.metrics.accuracy,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes("--server")) {
    const server = await startMockServer({
      record: false,
      reply: (req) => String(req.messages.at(-1)?.content ?? ""),
    });
    process.stdout.write(`${server.url}\n`);
    return; // keeps running until the parent kills it
  }
  if (process.argv.includes("--worker")) {
    return worker(
      Number(arg("worker", "20000")),
      Number(arg("concurrency", "64")),
      arg("url", ""),
      arg("cache", "on") === "on",
      arg("db", ""),
    );
  }
  const sizes = arg("n", "20000,100000").split(",").map(Number);
  const concurrency = Number(arg("concurrency", "64"));
  const db = arg("db", "");
  const server = spawn(process.execPath, [self, "--server"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve) =>
    server.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  try {
    const rows = [];
    for (const cache of ["on", "off"]) {
      for (const n of sizes) {
        process.stderr.write(`running N=${n}, concurrency ${concurrency}, cache ${cache}...\n`);
        const r = JSON.parse(
          await runChild([
            "--worker",
            String(n),
            "--concurrency",
            String(concurrency),
            "--url",
            url,
            "--cache",
            cache,
            ...(db ? ["--db", db] : []),
          ]),
        );
        rows.push({ cache, ...r });
      }
    }
    process.stdout.write(
      `\nbench:engine — local instant-reply OpenAI-compatible server (separate process), results persisted to ${db ? "PostgreSQL" : "SQLite"}\n`,
    );
    process.stdout.write(
      `${"N".padStart(8)} ${"cache".padStart(6)} ${"stored".padStart(8)} ${"samples/s".padStart(10)} ${"CPU ms/sample".padStart(14)} ${"peak RSS MB".padStart(12)} ${"seconds".padStart(8)}\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `${String(r.n).padStart(8)} ${r.cache.padStart(6)} ${String(r.stored).padStart(8)} ${r.samplesPerSec.toFixed(0).padStart(10)} ${r.cpuMsPerSample.toFixed(3).padStart(14)} ${r.peakRssMb.toFixed(0).padStart(12)} ${r.seconds.toFixed(1).padStart(8)}\n`,
      );
    }
    process.stdout.write(
      "target: ≥ 2,000 samples/s on 2 cores; peak RSS flat in N. Reference: promptfoo 0.123 ≈ 70 samples/s on the same kind of mock server.\n",
    );
  } finally {
    server.kill();
  }
}

await main();
