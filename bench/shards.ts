/**
 * bench:shards — one eval of N samples run by one process, then by S processes at once (`--shard i/S`,
 * each into its own SQLite file, as a Slurm array or an Indexed Job runs them on one machine), then the
 * S shard databases merged. Instant-reply OpenAI-compatible servers run in their own processes (one per
 * shard, so the server is not what is measured). Reports wall time and samples/s, and the speed-up.
 *   npm run bench:shards [-- --n 20000 --shards 4 --concurrency 64]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mergeShards, type ShardRun } from "../src/engine/merge.js";
import { buildManifest, runEval } from "../src/engine/run.js";
import { Model, ModelStats } from "../src/providers/model.js";
import { OpenAIProvider } from "../src/providers/openai.js";
import { AdaptiveLimiter } from "../src/scheduler/limiter.js";
import { RunStore } from "../src/store/run-store.js";
import { startMockServer } from "../src/testing/mock-openai-server.js";
import { arg, benchTask } from "./common.js";

const self = fileURLToPath(import.meta.url);

/** One process: the whole eval, or shard i of s, into `db`. Prints the stored count and seconds. */
async function worker(db: string, n: number, shard: string, concurrency: number, url: string): Promise<void> {
  const store = new RunStore(db);
  const model = new Model(new OpenAIProvider({ model: "bench", baseUrl: url }), {
    id: "openai/bench",
    limiter: new AdaptiveLimiter(concurrency),
    stats: new ModelStats(),
    cache: store,
  });
  const task = benchTask(n);
  const [index, total] = shard.split("/").map(Number) as [number, number];
  const manifest = buildManifest({
    runId: "bench",
    task,
    taskArgs: {},
    model,
    epochs: 1,
    execution: { concurrency, maxRetries: 6, cache: true },
    ...(total > 1 ? { selection: { shard: { index, total } } } : {}),
    // One endpoint recorded for every shard, as behind one load balancer: the merge checks it is the same.
    recordedEndpoints: { model: "http://bench.invalid/v1" },
  });
  const t0 = performance.now();
  await runEval({
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
  const stored = store.countSamples("bench").total;
  store.close();
  process.stdout.write(`${JSON.stringify({ stored, seconds })}\n`);
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [self, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
  });
}

async function startServer(): Promise<{ url: string; kill: () => void }> {
  const server = spawn(process.execPath, [self, "--server"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve) =>
    server.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url, kill: () => server.kill() };
}

async function main(): Promise<void> {
  if (process.argv.includes("--server")) {
    const server = await startMockServer({
      record: false,
      reply: (req) => String(req.messages.at(-1)?.content ?? ""),
    });
    process.stdout.write(`${server.url}\n`);
    return;
  }
  if (process.argv.includes("--worker")) {
    return worker(
      arg("worker", ""),
      Number(arg("n", "20000")),
      arg("shard", "1/1"),
      Number(arg("concurrency", "64")),
      arg("url", ""),
    );
  }
  const n = Number(arg("n", "20000"));
  const shards = Number(arg("shards", "4"));
  const concurrency = arg("concurrency", "64");
  const servers = await Promise.all(Array.from({ length: shards }, startServer));
  const dir = mkdtempSync(join(tmpdir(), "assay-bench-shards-"));
  try {
    process.stderr.write(`one process, N=${n}...\n`);
    const t1 = performance.now();
    const one = JSON.parse(
      await runChild([
        "--worker",
        join(dir, "one.db"),
        "--n",
        String(n),
        "--concurrency",
        concurrency,
        "--url",
        servers[0]!.url,
      ]),
    );
    const oneSeconds = (performance.now() - t1) / 1000;

    process.stderr.write(`${shards} shard processes at once...\n`);
    const t2 = performance.now();
    const parts = await Promise.all(
      servers.map(async (s, i) =>
        JSON.parse(
          await runChild([
            "--worker",
            join(dir, `shard-${i + 1}.db`),
            "--n",
            String(n),
            "--shard",
            `${i + 1}/${shards}`,
            "--concurrency",
            concurrency,
            "--url",
            s.url,
          ]),
        ),
      ),
    );
    const shardSeconds = (performance.now() - t2) / 1000;
    const stored = parts.reduce((a, p) => a + p.stored, 0);

    const t3 = performance.now();
    const target = new RunStore(join(dir, "merged.db"));
    const sources = parts.map((_, i) => {
      const store = new RunStore(join(dir, `shard-${i + 1}.db`));
      return { store, run: store.requireRun("bench"), source: `shard-${i + 1}.db` } satisfies ShardRun;
    });
    const merged = mergeShards(target, sources, { runId: "bench", expectedUnits: n });
    for (const s of sources) s.store.close();
    target.close();
    const mergeSeconds = (performance.now() - t3) / 1000;

    const rate = (s: number) => (n / s).toFixed(0).padStart(10);
    process.stdout.write(
      `\nbench:shards — N=${n}, concurrency ${concurrency} per process, ${cpus().length} CPUs, instant servers in their own processes\n`,
    );
    process.stdout.write(`${"".padEnd(28)} ${"seconds".padStart(8)} ${"samples/s".padStart(10)}\n`);
    process.stdout.write(
      `${"one process".padEnd(28)} ${oneSeconds.toFixed(2).padStart(8)} ${rate(oneSeconds)}   (stored ${one.stored})\n`,
    );
    process.stdout.write(
      `${`${shards} shards at once`.padEnd(28)} ${shardSeconds.toFixed(2).padStart(8)} ${rate(shardSeconds)}   (stored ${stored})\n`,
    );
    process.stdout.write(
      `${"merge of the shards".padEnd(28)} ${mergeSeconds.toFixed(2).padStart(8)} ${rate(mergeSeconds)}   (${merged.units} units)\n`,
    );
    process.stdout.write(
      `speed-up: ${(oneSeconds / shardSeconds).toFixed(2)}× shards alone, ${(oneSeconds / (shardSeconds + mergeSeconds)).toFixed(2)}× with the merge (target ≥ 1.6×)\n`,
    );
  } finally {
    for (const s of servers) s.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
