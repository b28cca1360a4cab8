/**
 * `npm run bench:moe`: time and peak memory of `assay moe build` on a synthetic LLaMA-7B-shaped layer stack
 * (BF16, hidden 4096, FFN 11008 by default) against `cp` of the same file — the physical limit, since the build
 * reads and writes the same number of bytes. Goal: build ≤ 1.5 × cp time, peak RSS < 2 × the largest tensor.
 *
 *   node dist/bench/moe.js [--layers N] [--dim D] [--ffn F] [--experts E] [--vocab V] [--formats llama-moe,gguf]
 *                          [--rounds R] [--dir TMP] [--keep]
 *
 * Defaults are modest for a shared 2-core machine (2 layers ≈ 0.8 GB); `--layers 4` is the setting.
 * Each build runs in a child process so its peak RSS is its own (getrusage maxrss).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toHfConfig } from "../src/formats/hf-config.js";
import { SafetensorsWriter, type TensorSpec } from "../src/formats/safetensors.js";
import { buildMoe, type MoeFormat } from "../src/moe/build.js";
import { openDense } from "../src/moe/dense.js";
import { computeSplit } from "../src/moe/methods.js";
import { writeSplit } from "../src/moe/split.js";

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

function worker(): void {
  const [model, splitFile, out, format] = process.argv.slice(3) as [string, string, string, MoeFormat];
  const dense = openDense(model);
  const split = JSON.parse(execFileSync("cat", [splitFile], { maxBuffer: 1 << 28 }).toString());
  const started = process.hrtime.bigint();
  buildMoe(dense, split, out, { format, topK: 2, gate: "random", gateNetwork: "linear", seed: 0 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  dense.ck.close();
  process.stdout.write(JSON.stringify({ seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

function main(): void {
  const layers = Number(arg("layers", "2"));
  const dim = Number(arg("dim", "4096"));
  const ffn = Number(arg("ffn", "11008"));
  const experts = Number(arg("experts", "8"));
  const vocab = Number(arg("vocab", "4096"));
  const formats = arg("formats", "llama-moe,gguf").split(",") as MoeFormat[];
  const root = mkdtempSync(join(arg("dir", tmpdir()), "assay-bench-moe-"));
  try {
    const t0 = Date.now();
    const { file, largest } = writeSynthetic(join(root, "dense"), layers, dim, ffn, vocab);
    const size = statSync(file).size;
    console.log(
      `synthetic BF16 model: ${layers} layers, hidden ${dim}, FFN ${ffn}, vocab ${vocab}: ${(size / 1e9).toFixed(2)} GB (largest tensor ${(largest / 1e6).toFixed(0)} MB), written in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const dense = openDense(join(root, "dense"));
    const split = computeSplit(dense, { method: "random", experts, seed: 0, remainder: "error" });
    dense.ck.close();
    const splitFile = join(root, "split.json");
    writeSplit(splitFile, split);
    const idle = spawnSync(process.execPath, [
      "-e",
      "process.stdout.write(String(process.resourceUsage().maxRSS*1024))",
    ]).stdout.toString();
    // Rounds interleave cp, dd and the builds so that load from other processes hits all of them alike;
    // each figure is the best of its rounds. dd (4 MB blocks) copies through user space as the builder does;
    // cp may copy inside the kernel (copy_file_range).
    const rounds = Number(arg("rounds", "3"));
    const timeOf = (cmd: string, args: string[]): number => {
      const s = process.hrtime.bigint();
      execFileSync(cmd, args);
      return Number(process.hrtime.bigint() - s) / 1e9;
    };
    const self = fileURLToPath(import.meta.url);
    const cpTimes: number[] = [];
    const ddTimes: number[] = [];
    const runs = new Map<MoeFormat, { seconds: number; maxRssBytes: number }[]>(formats.map((f) => [f, []]));
    for (let r = 0; r < rounds; r++) {
      cpTimes.push(timeOf("cp", [file, join(root, "copy.safetensors")]));
      rmSync(join(root, "copy.safetensors"));
      ddTimes.push(timeOf("dd", [`if=${file}`, `of=${join(root, "copy.dd")}`, "bs=4M", "status=none"]));
      rmSync(join(root, "copy.dd"));
      for (const format of formats) {
        const out = join(root, `out-${format}${format === "gguf" ? ".gguf" : ""}`);
        const res = spawnSync(
          process.execPath,
          [self, "--worker", join(root, "dense"), splitFile, out, format],
          {
            encoding: "utf8",
            maxBuffer: 1 << 20,
          },
        );
        if (res.status !== 0) throw new Error(`build ${format} failed: ${res.stderr}`);
        runs.get(format)!.push(JSON.parse(res.stdout));
        rmSync(out, { recursive: true, force: true });
      }
    }
    const cp = Math.min(...cpTimes);
    const dd = Math.min(...ddTimes);
    console.log(
      `best of ${rounds}: cp ${cp.toFixed(2)} s (${(size / 1e6 / cp).toFixed(0)} MB/s); dd bs=4M ${dd.toFixed(2)} s (${(size / 1e6 / dd).toFixed(0)} MB/s); idle node RSS ${(Number(idle) / 1e6).toFixed(0)} MB`,
    );
    console.log(
      "| format | build s | × cp | × dd | MB/s | peak RSS MB | RSS − idle node | × largest tensor |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const format of formats) {
      const all = runs.get(format)!;
      const best = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const rss = Math.max(...all.map((r) => r.maxRssBytes));
      console.log(
        `| ${format} | ${best.seconds.toFixed(2)} | ${(best.seconds / cp).toFixed(2)} | ${(best.seconds / dd).toFixed(2)} | ${(size / 1e6 / best.seconds).toFixed(0)} | ${(rss / 1e6).toFixed(0)} | ${((rss - Number(idle)) / 1e6).toFixed(0)} | ${(rss / largest).toFixed(2)} (${((rss - Number(idle)) / largest).toFixed(2)} without the idle process) |`,
      );
    }
  } finally {
    if (!process.argv.includes("--keep")) rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--worker") worker();
else main();
