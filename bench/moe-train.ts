/**
 * `npm run bench:moe-train`: LLaMA-MoE stage two on stories260K, E = 4 top-2, end to end — distilled data,
 * split + build, `fit-gates`, then `moe train` with static and with dynamic sampling — and reports tokens/s
 * and the validation perplexity curve against the dense, untrained and fit-gates models. Goal (issue #22):
 * trained perplexity within 1.5 × the dense model's in under 10 minutes of training on this 2-core machine.
 *
 *   node dist/bench/moe-train.js [--dense PATH] [--data FILE | --tokens N] [--samplings static,dynamic]
 *     [--init random|fit] [--steps N] [--batch B] [--block T] [--lr X] [--warmup W] [--distill A] [--noise]
 *     [--dense-lr S] [--gate-lr S] [--final-lr F] [--fade-steps N] [--threads N] [--eval-every N] [--out DIR]
 *
 * Defaults are the recipe of docs/moe.md: 300 steps of 16 × 128 tokens, --lr 5e-3 for experts and gates,
 * 0.1 × that for the pre-trained weights outside the MoE layers, cosine decay to 1 %, KL to the dense model.
 *
 * Every perplexity in the table is measured by Assay's engine on the data's validation split; the curve's
 * points are the training program's own (noise-free) evaluations, which agree with it (tested). The load
 * average is printed because the machine is shared: tokens/s move with it.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTraining, validationNll } from "../src/moe/train.js";
import { readTrainingData } from "../src/moe/train-data.js";
import { readRunCurves, writeCurves } from "../src/moe/train-report.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const cli = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli", "main.js");
const dense = arg("dense", "../shared/models/stories260K.bin");
const out = arg("out", "/tmp/assay-bench-moe-train");
const samplings = arg("samplings", "static,dynamic").split(",") as ("static" | "dynamic")[];
const init = arg("init", "fit");
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

function assay(...args: string[]): void {
  execFileSync(process.execPath, [cli, "moe", ...args, "--json"], { stdio: ["ignore", "ignore", "inherit"] });
}

/** CPU seconds (user + system) of this process's finished children, from /proc (Linux; NaN elsewhere). */
function childCpuSeconds(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime + cstime, in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

function timed<T>(what: string, f: () => T): T {
  const t0 = Date.now();
  const r = f();
  console.log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s (load ${load()})`);
  return r;
}

async function main(): Promise<void> {
  if (!existsSync(dense)) {
    console.log(`${dense} not found (give --dense): nothing to measure`);
    return;
  }
  mkdirSync(out, { recursive: true });
  console.log(`bench:moe-train on ${dense}, E = 4 top-2, output ${out}; load average ${load()}`);
  let data = arg("data", "");
  if (!data) {
    data = join(out, "data.jsonl");
    const tokens = arg("tokens", "240000");
    timed(`distill-data (${tokens} tokens)`, () =>
      assay(
        "distill-data",
        "--model",
        dense,
        "--tokens",
        tokens,
        "--length",
        "128",
        "--valid",
        "0.025",
        "--seed",
        "7",
        "--out",
        data,
      ),
    );
  }
  const split = join(out, "split.json");
  const moe = join(out, "moe-lm");
  const fit = join(out, "moe-fit");
  timed("split + build (clustering, random gate)", () => {
    assay("split", "--model", dense, "--experts", "4", "--method", "clustering", "--out", split);
    assay("build", "--model", dense, "--split", split, "--top-k", "2", "--out", moe);
  });
  cpSync(moe, fit, { recursive: true });
  timed("fit-gates --rescale", () => assay("fit-gates", fit, "--dense", dense, "--rescale"));

  const td = readTrainingData(data, 512);
  const block = Number(arg("block", "128"));
  const valid = [...td.valid.values()].flat().map((s) => s.slice(0, block + 1));
  let denseSum = 0;
  let denseN = 0;
  for (const [d, seqs] of td.valid)
    for (const s of seqs) {
      const n = Math.min(s.length, block + 1) - 1;
      denseSum += td.referenceLoss.get(d)! * n;
      denseN += n;
    }
  const denseLoss = denseSum / denseN;
  const table: { model: string; perplexity: number; seconds?: number; tokensPerS?: number }[] = [
    { model: "dense", perplexity: Math.exp(denseLoss) },
    { model: "MoE untrained (random gate)", perplexity: Math.exp(validationNll(moe, valid).nll) },
    { model: "MoE fit-gates --rescale", perplexity: Math.exp(validationNll(fit, valid).nll) },
  ];
  const curves = [];
  const results = [];
  for (const sampling of samplings) {
    const runDir = join(out, `run-${sampling}`);
    const t0 = Date.now();
    const cpu0 = childCpuSeconds();
    const r = await runTraining({
      moe: init === "fit" ? fit : moe,
      data,
      out: runDir,
      steps: Number(arg("steps", "300")),
      batch: Number(arg("batch", "16")),
      block,
      lr: Number(arg("lr", "0.005")),
      warmup: Number(arg("warmup", "30")),
      saveEvery: 100000,
      evalEvery: Number(arg("eval-every", "100")),
      sampling,
      noise: flag("noise"),
      distill: Number(arg("distill", "1")),
      weightDecay: Number(arg("weight-decay", "0.1")),
      denseLrScale: Number(arg("dense-lr", "0.1")),
      gateLrScale: Number(arg("gate-lr", "1")),
      finalLrPortion: Number(arg("final-lr", "0.01")),
      fadeSteps: Number(arg("fade-steps", "0")),
      seed: 0,
      threads: Number(arg("threads", "1")),
      nproc: 1,
      evaluate: false,
    });
    const wall = (Date.now() - t0) / 1000;
    const cpu = childCpuSeconds() - cpu0;
    const trained = Math.exp(validationNll(r.checkpoint!, valid).nll);
    const tps = r.tokens / r.seconds;
    console.log(
      `train ${sampling}: ${r.step} steps, ${r.tokens} tokens in ${r.seconds.toFixed(0)} s (${wall.toFixed(0)} s with start-up), ${tps.toFixed(0)} tokens/s, ${cpu.toFixed(0)} CPU s (user + sys), load ${load()}`,
    );
    console.log(
      `  perplexity curve: ${r.evals.map((e) => `${e.step}: ${Math.exp(Object.values(e.valid_loss).reduce((a, b) => a + b, 0) / Object.keys(e.valid_loss).length).toFixed(1)}`).join(", ")}`,
    );
    table.push({
      model: `MoE trained, ${sampling}`,
      perplexity: trained,
      seconds: r.seconds,
      tokensPerS: tps,
    });
    curves.push(readRunCurves(runDir, sampling));
    results.push({
      sampling,
      steps: r.step,
      tokens: r.tokens,
      seconds: r.seconds,
      cpuSeconds: cpu,
      tokensPerS: tps,
      evals: r.evals,
      weights: r.weights,
    });
  }
  const charts = writeCurves(curves, join(out, "curves"), denseLoss);
  const denseP = table[0]!.perplexity;
  console.log("\n| model | validation perplexity | × dense | training s | tokens/s |\n|---|---|---|---|---|");
  for (const row of table)
    console.log(
      `| ${row.model} | ${row.perplexity.toFixed(2)} | ${(row.perplexity / denseP).toFixed(2)} | ${row.seconds?.toFixed(0) ?? ""} | ${row.tokensPerS?.toFixed(0) ?? ""} |`,
    );
  const goal = table
    .filter((r) => r.seconds !== undefined)
    .map((r) => r.perplexity <= 1.5 * denseP && r.seconds! < 600);
  console.log(
    `\ngoal (≤ 1.5 × dense in < 600 s): ${goal.map((g, i) => `${samplings[i]} ${g ? "met" : "not met"}`).join(", ")}; load average ${load()}`,
  );
  console.log(`charts: ${charts.files.filter((f) => f.endsWith(".svg")).join(", ")}`);
  writeFileSync(
    join(out, "results.json"),
    `${JSON.stringify({ dense, data, init, table, results, load: loadavg() }, null, 1)}\n`,
  );
}

await main();
