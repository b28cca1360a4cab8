/**
 * `npm run bench:moe`: time and peak memory of `assay moe build` on a synthetic LLaMA-7B-shaped layer stack
 * (BF16, hidden 4096, FFN 11008 by default) against `cp` of the same file — the physical limit, since the build
 * reads and writes the same number of bytes. Goal: build ≤ 1.5 × cp time, peak RSS < 2 × the largest tensor.
 *
 *   node dist/bench/moe.js [--layers N] [--dim D] [--ffn F] [--experts E] [--vocab V] [--formats llama-moe,gguf]
 *                          [--modes stream,reference] [--chunk BYTES] [--rounds R] [--dir TMP] [--dense DIR] [--keep]
 *
 * Defaults are modest for a shared 2-core machine (2 layers ≈ 0.8 GB); `--layers 4` is the issue's setting.
 * `--modes`: stream = buildMoe as the CLI runs it, reference = the original whole-matrix writer (`reference:
 * true`). `--chunk` overrides the streaming step size. `--dense DIR` reuses a stack written before (e.g. kept
 * with `--keep`) instead of writing a new one.
 * Each build runs in a child process so its peak RSS is its own (getrusage maxrss), Node's own baseline
 * included; the idle figure is printed beside it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openCheckpoint } from "../src/formats/checkpoint.js";
import { toHfConfig } from "../src/formats/hf-config.js";
import { SafetensorsWriter, type TensorSpec } from "../src/formats/safetensors.js";
import { buildMoe, type MoeFormat } from "../src/moe/build.js";
import { openDense } from "../src/moe/dense.js";
import { computeSplit } from "../src/moe/methods.js";
import { writeSplit } from "../src/moe/split.js";
import { median } from "../src/stats/quantile.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Random BF16 values of moderate magnitude (no NaN/Inf), `bytes` long. */
function bf16Chunk(bytes: number): Uint8Array {
  const u16 = new Uint16Array(bytes / 2);
  randomFillSync(u16);
  for (let i = 0; i < u16.length; i++) u16[i] = (u16[i]! & 0x807f) | 0x3c00;
  return new Uint8Array(u16.buffer);
}

function writeSynthetic(
  dir: string,
  layers: number,
  dim: number,
  ffn: number,
  vocab: number,
): { file: string; largest: number } {
  mkdirSync(dir, { recursive: true });
  const specs: TensorSpec[] = [{ name: "model.embed_tokens.weight", dtype: "BF16", shape: [vocab, dim] }];
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    specs.push(
      { name: `${p}.input_layernorm.weight`, dtype: "BF16", shape: [dim] },
      { name: `${p}.self_attn.q_proj.weight`, dtype: "BF16", shape: [dim, dim] },
      { name: `${p}.self_attn.k_proj.weight`, dtype: "BF16", shape: [dim, dim] },
      { name: `${p}.self_attn.v_proj.weight`, dtype: "BF16", shape: [dim, dim] },
      { name: `${p}.self_attn.o_proj.weight`, dtype: "BF16", shape: [dim, dim] },
      { name: `${p}.post_attention_layernorm.weight`, dtype: "BF16", shape: [dim] },
      { name: `${p}.mlp.gate_proj.weight`, dtype: "BF16", shape: [ffn, dim] },
      { name: `${p}.mlp.up_proj.weight`, dtype: "BF16", shape: [ffn, dim] },
      { name: `${p}.mlp.down_proj.weight`, dtype: "BF16", shape: [dim, ffn] },
    );
  }
  specs.push(
    { name: "model.norm.weight", dtype: "BF16", shape: [dim] },
    { name: "lm_head.weight", dtype: "BF16", shape: [vocab, dim] },
  );
  const file = join(dir, "model.safetensors");
  const writer = new SafetensorsWriter(file, specs, { format: "pt" });
  let largest = 0;
  const chunk = 1 << 24;
  for (const s of specs) {
    let bytes = s.shape.reduce((a, b) => a * b, 1) * 2;
    largest = Math.max(largest, bytes);
    while (bytes > 0) {
      const n = Math.min(chunk, bytes);
      writer.write(bf16Chunk(n));
      bytes -= n;
    }
  }
  writer.close();
  const config = toHfConfig(
    {
      hiddenSize: dim,
      intermediateSize: ffn,
      numLayers: layers,
      numHeads: dim / 128,
      numKvHeads: dim / 128,
      headDim: 128,
      vocabSize: vocab,
      maxSeqLen: 4096,
      rmsNormEps: 1e-5,
      ropeTheta: 10000,
      tieWordEmbeddings: false,
      bosTokenId: 1,
      eosTokenId: 2,
      modelType: "llama",
    },
    "bfloat16",
  );
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return { file, largest };
}

type Mode = "stream" | "reference";

function worker(): void {
  const [model, splitFile, out, format, mode, chunk] = process.argv.slice(3) as [
    string,
    string,
    string,
    MoeFormat,
    Mode,
    string,
  ];
  const dense = openDense(model);
  const split = JSON.parse(execFileSync("cat", [splitFile], { maxBuffer: 1 << 28 }).toString());
  const opts = {
    format,
    topK: 2,
    gate: "random",
    gateNetwork: "linear",
    seed: 0,
    ...(Number(chunk) > 0 ? { chunkBytes: Number(chunk) } : {}),
  } as const;
  const started = process.hrtime.bigint();
  buildMoe(dense, split, out, { ...opts, reference: mode === "reference" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  dense.ck.close();
  process.stdout.write(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

/** Size of the largest tensor of a stack written earlier (`--dense DIR`). */
function largestTensor(file: string): number {
  const ck = openCheckpoint(file);
  const n = Math.max(...ck.tensors.map((t) => t.byteLength));
  ck.close();
  return n;
}

function main(): void {
  const layers = Number(arg("layers", "2"));
  const dim = Number(arg("dim", "4096"));
  const ffn = Number(arg("ffn", "11008"));
  const experts = Number(arg("experts", "8"));
  const vocab = Number(arg("vocab", "4096"));
  const formats = arg("formats", "llama-moe,gguf").split(",") as MoeFormat[];
  const modes = arg("modes", "stream").split(",") as Mode[];
  const root = mkdtempSync(join(arg("dir", tmpdir()), "assay-bench-moe-"));
  try {
    const t0 = Date.now();
    const given = arg("dense", "");
    const denseDir = given || join(root, "dense");
    let file: string;
    let largest: number;
    if (given) {
      file = join(given, "model.safetensors");
      largest = largestTensor(file);
    } else ({ file, largest } = writeSynthetic(denseDir, layers, dim, ffn, vocab));
    const size = statSync(file).size;
    console.log(
      `${given ? "given" : "synthetic"} BF16 model ${denseDir}: ${(size / 1e9).toFixed(2)} GB (largest tensor ${(largest / 1e6).toFixed(0)} MB)${given ? "" : `, ${layers} layers, hidden ${dim}, FFN ${ffn}, vocab ${vocab}, written in ${((Date.now() - t0) / 1000).toFixed(1)} s`}`,
    );
    const dense = openDense(denseDir);
    const split = computeSplit(dense, { method: "random", experts, seed: 0, remainder: "error" });
    dense.ck.close();
    const splitFile = join(root, "split.json");
    writeSplit(splitFile, split);
    const idle = Number(
      spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.resourceUsage().maxRSS*1024))"])
        .stdout,
    );
    // Rounds interleave cp, dd and the builds so that load from other processes hits all of them alike.
    // Before every timed command, `sync` flushes the previous command's dirty pages (untimed), so no command
    // pays for another's writeback. dd (4 MB blocks) copies through user space as the builder does; cp may
    // copy inside the kernel (copy_file_range).
    const rounds = Number(arg("rounds", "3"));
    const timeOf = (cmd: string, args: string[]): number => {
      execFileSync("sync");
      const s = process.hrtime.bigint();
      execFileSync(cmd, args);
      return Number(process.hrtime.bigint() - s) / 1e9;
    };
    // The time a finished command's written bytes then take to reach the disk: added to its time, it gives
    // a "durable" figure that no longer depends on how much the page cache absorbed.
    const syncTime = (): number => timeOf("sync", []);
    const self = fileURLToPath(import.meta.url);
    const cpTimes: number[] = [];
    const ddTimes: number[] = [];
    const cpDurable: number[] = [];
    const nodeTimes: number[] = [];
    const keys = formats.flatMap((f) => modes.map((m) => `${f} ${m}`));
    const runs = new Map<
      string,
      { seconds: number; maxRssBytes: number; processSeconds: number; durable: number }[]
    >(keys.map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      cpTimes.push(timeOf("cp", [file, join(root, "copy.safetensors")]));
      cpDurable.push(cpTimes.at(-1)! + syncTime());
      rmSync(join(root, "copy.safetensors"));
      execFileSync("sync");
      nodeTimes.push(Number(execFileSync(process.execPath, [self, "--copy", file, join(root, "copy.node")])));
      rmSync(join(root, "copy.node"));
      ddTimes.push(timeOf("dd", [`if=${file}`, `of=${join(root, "copy.dd")}`, "bs=4M", "status=none"]));
      rmSync(join(root, "copy.dd"));
      for (const key of keys) {
        const [format, mode] = key.split(" ") as [MoeFormat, Mode];
        const out = join(root, `out-${format}${format === "gguf" ? ".gguf" : ""}`);
        execFileSync("sync");
        const spawned = process.hrtime.bigint();
        const res = spawnSync(
          process.execPath,
          [self, "--worker", denseDir, splitFile, out, format, mode, arg("chunk", "0")],
          {
            encoding: "utf8",
            maxBuffer: 1 << 20,
          },
        );
        const processSeconds = Number(process.hrtime.bigint() - spawned) / 1e9;
        if (res.status !== 0) throw new Error(`build ${key} failed: ${res.stderr}`);
        const measured = JSON.parse(res.stdout) as { seconds: number; maxRssBytes: number };
        runs.get(key)!.push({ ...measured, processSeconds, durable: measured.seconds + syncTime() });
        rmSync(out, { recursive: true, force: true });
      }
    }
    const cp = { min: Math.min(...cpTimes), med: median(cpTimes) };
    const dd = { min: Math.min(...ddTimes), med: median(ddTimes) };
    const list = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(" ");
    console.log(
      `${rounds} interleaved rounds; times in s (all rounds: cp ${list(cpTimes)}; dd ${list(ddTimes)})`,
    );
    console.log(
      `cp: min ${cp.min.toFixed(2)}, median ${cp.med.toFixed(2)} (${(size / 1e6 / cp.min).toFixed(0)} MB/s best); dd bs=4M: min ${dd.min.toFixed(2)}, median ${dd.med.toFixed(2)}; idle node RSS ${(idle / 1e6).toFixed(0)} MB`,
    );
    console.log(
      "| build | min s | median s | × cp (min/min, med/med) | × dd (min/min, med/med) | peak RSS MB | × largest tensor (whole process; without idle node) |",
    );
    console.log("|---|---|---|---|---|---|---|");
    for (const key of keys) {
      const all = runs.get(key)!;
      const secs = all.map((x) => x.seconds);
      const min = Math.min(...secs);
      const med = median(secs);
      const rss = Math.max(...all.map((x) => x.maxRssBytes));
      console.log(
        `| ${key} | ${min.toFixed(2)} | ${med.toFixed(2)} | ${(min / cp.min).toFixed(2)}, ${(med / cp.med).toFixed(2)} | ${(min / dd.min).toFixed(2)}, ${(med / dd.med).toFixed(2)} | ${(rss / 1e6).toFixed(0)} | ${(rss / largest).toFixed(2)}; ${((rss - idle) / largest).toFixed(2)} |`,
      );
      console.log(
        `  (${key} rounds: ${list(secs)}; whole child process incl. Node start-up and reading the split: ${list(all.map((x) => x.processSeconds))})`,
      );
    }
    const nc = { min: Math.min(...nodeTimes), med: median(nodeTimes) };
    console.log(
      `plain Node copy (128 KB read/write loop, no gathering): min ${nc.min.toFixed(2)}, median ${nc.med.toFixed(2)} (× cp ${(nc.min / cp.min).toFixed(2)}, ${(nc.med / cp.med).toFixed(2)}); rounds ${list(nodeTimes)}`,
    );
    const cpD = { min: Math.min(...cpDurable), med: median(cpDurable) };
    console.log(
      `durable (each command followed by sync, until its bytes are on disk): cp min ${cpD.min.toFixed(2)}, median ${cpD.med.toFixed(2)}`,
    );
    for (const key of keys) {
      const d = runs.get(key)!.map((x) => x.durable);
      console.log(
        `  ${key}: min ${Math.min(...d).toFixed(2)}, median ${median(d).toFixed(2)} (× cp ${(Math.min(...d) / cpD.min).toFixed(2)}, ${(median(d) / cpD.med).toFixed(2)})`,
      );
    }
    console.log("goal: build ≤ 1.5 × cp, peak RSS < 2 × the largest tensor");
  } finally {
    if (!process.argv.includes("--keep")) rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The plainest copy a Node program can make (read into a 128 KB buffer, write it out; the size that was
 * fastest here): what the builder would cost if it only moved bytes. `cp` copies inside the kernel.
 */
function nodeCopy(): void {
  const [from, to] = process.argv.slice(3) as [string, string];
  const started = process.hrtime.bigint();
  const buf = Buffer.allocUnsafe(1 << 17);
  const fi = openSync(from, "r");
  const fo = openSync(to, "w");
  for (let n = readSync(fi, buf); n > 0; n = readSync(fi, buf)) writeSync(fo, buf, 0, n);
  closeSync(fi);
  closeSync(fo);
  process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e9));
}

if (process.argv[2] === "--worker") worker();
else if (process.argv[2] === "--copy") nodeCopy();
else main();
