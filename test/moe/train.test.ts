import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Token } from "node-llama-cpp";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { LlamaEngine } from "../../src/llama/engine.js";
import { loadLlamaWeights, randomLlamaWeights, saveHfModel } from "../../src/llama/weights.js";
import { buildMoe } from "../../src/moe/build.js";
import { openDense } from "../../src/moe/dense.js";
import { distillData } from "../../src/moe/distill.js";
import { compareWithLlamaCpp } from "../../src/moe/llamacpp.js";
import { computeSplit } from "../../src/moe/methods.js";
import { loadNonFfnWeights, moeEngine, openMoe } from "../../src/moe/model.js";
import { gradientImportance, runTraining, type TrainOptions, validationNll } from "../../src/moe/train.js";
import { readTrainingData } from "../../src/moe/train-data.js";
import { checkTorch, trainerScript } from "../../src/moe/train-python.js";
import { tempDir } from "../formats/helpers.js";
import { runCli } from "../helpers/in-process-cli.js";
import { repoRoot, SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { tinyLlamaConfig } from "./tiny-config.js";

const dir = tempDir("moe-train");

function logSoftmax(x: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  for (const v of x) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(x, (v) => v - lse);
}
const torch = checkTorch();
const NO_TORCH = `PyTorch not found (${torch.install}): moe train tests skipped`;

/** Dense model → split → LLaMA-MoE build, plus self-distilled data; returns the paths. */
function prepare(
  name: string,
  dense: string,
  opts: {
    experts: number;
    topK: number;
    tokens: number;
    length: number;
    gateNetwork?: "linear" | "mlp";
    /** Residual (always-on) experts: an importance split with this many, exported as llama_moe_residual. */
    residual?: number;
  },
): { moe: string; data: string } {
  const d = openDense(dense);
  try {
    const split = computeSplit(d, {
      method: opts.residual ? "importance" : "clustering",
      experts: opts.experts,
      seed: 0,
      remainder: "spread",
      ...(opts.residual ? { residual: opts.residual, sequences: 2, sequenceLength: 16 } : {}),
    });
    const moe = join(dir, `${name}-moe`);
    buildMoe(d, split, moe, {
      format: "llama-moe",
      topK: opts.topK,
      gate: "random",
      gateNetwork: opts.gateNetwork ?? "linear",
      seed: 0,
    });
    const data = join(dir, `${name}.jsonl`);
    distillData(d, data, {
      tokens: opts.tokens,
      length: opts.length,
      validFraction: 0.25,
      temperatures: [0.8, 1.2],
      seed: 0,
    });
    return { moe, data };
  } finally {
    d.ck.close();
  }
}

function options(moe: string, data: string, out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    moe,
    data,
    out,
    steps: 40,
    batch: 4,
    block: 32,
    lr: 3e-3,
    warmup: 5,
    saveEvery: 10,
    evalEvery: 20,
    sampling: "static",
    noise: true,
    seed: 0,
    threads: 1,
    nproc: 1,
    evaluate: false,
    ...extra,
  };
}

function validLosses(moe: string, data: string, block: number): Record<string, number> {
  const r = spawnSync(
    torch.python!,
    [
      trainerScript(),
      "--model",
      moe,
      "--data",
      data,
      "--out",
      join(dir, "eval-out"),
      "--block",
      String(block),
      "--eval-only",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  const ev = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  return ev.valid_loss;
}

describe("moe train (PyTorch)", { skip: torch.ok ? false : NO_TORCH }, () => {
  const dense = join(dir, "dense");
  saveHfModel(dense, randomLlamaWeights(tinyLlamaConfig({ vocabSize: 64 }), 11, 0.4));

  for (const [name, variant] of [
    ["linear gate", { gateNetwork: "linear" }],
    ["mlp gate", { gateNetwork: "mlp" }],
    ["residual experts", { residual: 1 }],
  ] as const) {
    test(`the PyTorch forward equals Assay's engine on the export (${name})`, () => {
      const { moe, data } = prepare(`eq-${name.split(" ")[0]}`, dense, {
        experts: 4,
        topK: 2,
        tokens: 200,
        length: 24,
        ...variant,
      });
      const py = validLosses(moe, data, 64);
      const valid = readTrainingData(data, 64).valid;
      for (const [domain, seqs] of valid) {
        const ts = validationNll(moe, seqs).nll;
        assert.ok(Math.abs(py[domain]! - ts) < 1e-4, `${domain}: torch ${py[domain]} vs Assay ${ts}`);
      }
    });
  }

  /** The KL(dense ‖ MoE) that one training step logs when its batch is exactly `seq` (17 tokens, batch 1). */
  async function firstStepKl(moe: string, seq: number[], name: string, extra: Partial<TrainOptions> = {}) {
    const data = join(dir, `${name}.jsonl`);
    writeFileSync(data, `${JSON.stringify({ tokens: seq, domain: "a" })}\n`);
    const r = await runTraining(
      options(moe, data, join(dir, `${name}-out`), {
        steps: 1,
        batch: 1,
        block: 16,
        noise: false,
        distill: 1,
        lr: 1e-6,
        ...extra,
      }),
    );
    return (r.log[0] as unknown as { kl: number }).kl;
  }

  test("--distill: the logged KL is KL(dense ‖ MoE) of the batch, the dense teacher being the export with every expert", async () => {
    const { moe } = prepare("kl", dense, { experts: 4, topK: 2, tokens: 100, length: 16 });
    // One training sequence of block + 1 tokens and batch 1: the step's batch is exactly that sequence.
    const seq = Array.from({ length: 17 }, (_, i) => (i * 7 + 3) % 64);
    const logged = await firstStepKl(moe, seq, "kl");
    const ck = openCheckpoint(dense);
    const denseEngine = new LlamaEngine(loadLlamaWeights(ck), { maxSeqLen: 16 });
    ck.close();
    const m = openMoe(moe);
    const moeEng = moeEngine(loadNonFfnWeights(m.ck, m.config), m.layers, 16);
    let kl = 0;
    for (let p = 0; p < 16; p++) {
      const lp = logSoftmax(denseEngine.forward(seq[p]!, p));
      const lq = logSoftmax(moeEng.forward(seq[p]!, p));
      for (let v = 0; v < lp.length; v++) kl += Math.exp(lp[v]!) * (lp[v]! - lq[v]!);
    }
    m.ck.close();
    kl /= 16;
    assert.ok(kl > 0.01, `KL ${kl}`);
    assert.ok(Math.abs(logged - kl) < 1e-4 * Math.max(1, kl), `logged ${logged} vs Assay ${kl}`);
  });

  test("--fade-steps: the first step trains the dense model itself (KL 0), plain top-k has KL > 0.01", async () => {
    const { moe } = prepare("fade", dense, { experts: 4, topK: 2, tokens: 100, length: 16 });
    const seq = Array.from({ length: 17 }, (_, i) => (i * 5 + 1) % 64);
    const faded = await firstStepKl(moe, seq, "fade-10", { fadeSteps: 10 });
    const plain = await firstStepKl(moe, seq, "fade-0");
    assert.ok(Math.abs(faded) < 1e-5, `KL with λ = 1: ${faded}`);
    assert.ok(plain > 0.01, `KL of plain top-2: ${plain}`);
  });

  /** Asserts that training left every tensor that `trains` rejects byte-identical and changed > 10 others. */
  function assertOnlyTrained(moe: string, checkpoint: string, trains: (name: string) => boolean): void {
    const before = openMoe(moe).ck;
    const after = openMoe(checkpoint).ck;
    try {
      let changed = 0;
      for (const t of before.tensors) {
        const same = Buffer.from(before.readRaw(t.name)).equals(Buffer.from(after.readRaw(t.name)));
        if (!trains(t.name)) assert.ok(same, `${t.name} changed`);
        else if (!same) changed++;
      }
      assert.ok(changed > 10, `only ${changed} trainable tensors changed`);
    } finally {
      before.close();
      after.close();
    }
  }

  test("--dense-lr 0 and --gate-lr 0: only the experts change", async () => {
    const { moe, data } = prepare("groups", dense, { experts: 4, topK: 2, tokens: 200, length: 24 });
    const r = await runTraining(
      options(moe, data, join(dir, "groups-out"), {
        steps: 3,
        saveEvery: 3,
        lr: 1e-2,
        denseLrScale: 0,
        gateLrScale: 0,
        finalLrPortion: 0.5,
      }),
    );
    assertOnlyTrained(moe, r.checkpoint!, (name) => name.includes(".calculator.experts."));
  });

  test("--optimizer sgd --momentum 0.5 with --dense-lr 0 and --gate-lr 0: only the experts change", async () => {
    const { moe, data } = prepare("sgd", dense, { experts: 4, topK: 2, tokens: 200, length: 24 });
    const r = await runTraining(
      options(moe, data, join(dir, "sgd-out"), {
        steps: 3,
        saveEvery: 3,
        lr: 0.5,
        optimizer: "sgd",
        momentum: 0.5,
        denseLrScale: 0,
        gateLrScale: 0,
      }),
    );
    assertOnlyTrained(moe, r.checkpoint!, (name) => name.includes(".calculator.experts."));
  });

  test("--freeze-dense trains the experts and gates only", async () => {
    const { moe, data } = prepare("freeze", dense, { experts: 4, topK: 2, tokens: 200, length: 24 });
    const r = await runTraining(
      options(moe, data, join(dir, "freeze-out"), { steps: 3, saveEvery: 3, freezeDense: true, lr: 1e-2 }),
    );
    assertOnlyTrained(moe, r.checkpoint!, (name) => name.includes(".mlp."));
  });

  test("kill -9 mid-training, then the next run resumes from the last checkpoint", async () => {
    const { moe, data } = prepare("kill", dense, { experts: 4, topK: 2, tokens: 600, length: 32 });
    const out = join(dir, "kill-out");
    const args = [
      join(repoRoot, "dist", "src", "cli", "main.js"),
      "moe",
      "train",
      moe,
      "--data",
      data,
      "--out",
      out,
      "--steps",
      "400",
      "--batch",
      "2",
      "--block",
      "16",
      "--save-every",
      "5",
      "--threads",
      "1",
      "--no-eval",
      "--json",
    ];
    // Its own process group, so that the kill reaches the Python child too.
    const child = spawn(process.execPath, args, { detached: true, stdio: "ignore" });
    const deadline = Date.now() + 120_000;
    const checkpoints = (): string[] =>
      existsSync(out) ? readdirSync(out).filter((n) => /^checkpoint-\d+$/.test(n)) : [];
    while (checkpoints().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    process.kill(-child.pid!, "SIGKILL");
    await new Promise((r) => child.on("close", r));
    const saved = checkpoints().sort();
    assert.ok(saved.length > 0, "no checkpoint within 2 minutes");
    const savedStep = Math.max(...saved.map((n) => Number(n.slice("checkpoint-".length))));
    assert.ok(savedStep < 400, "the run was not interrupted");
    const r = await runTraining(options(moe, data, out, { steps: savedStep + 10, saveEvery: 5 }));
    assert.ok(
      r.resumedFrom?.endsWith(`checkpoint-${String(savedStep).padStart(6, "0")}`),
      String(r.resumedFrom),
    );
    assert.equal(r.step, savedStep + 10);
    assert.equal(r.log[0]!.step > savedStep, true);
    const state = JSON.parse(readFileSync(join(r.checkpoint!, "trainer_state.json"), "utf8"));
    assert.equal(state.step, savedStep + 10);
    // The trained checkpoint is a LLaMA-MoE export Assay reads back.
    const trained = openMoe(r.checkpoint!);
    assert.equal(trained.format, "llama-moe");
    assert.equal(trained.layers.length, 2);
    trained.ck.close();
  });

  test("dynamic sampling moves the weights towards the domain with the larger loss gap and logs them", async () => {
    const { moe, data } = prepare("dyn", dense, { experts: 4, topK: 2, tokens: 400, length: 24 });
    const out = join(dir, "dyn-out");
    const r = await runTraining(options(moe, data, out, { sampling: "dynamic", steps: 20, evalEvery: 10 }));
    const log = readFileSync(join(out, "domain_weights.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      log.map((e) => e.step),
      [0, 10, 20],
    );
    const ref = readTrainingData(data, 64).referenceLoss;
    // Replay the rule w ← (1 − c)·softmax(log w + η(L − L_ref)) + c/D (η = 1, c = 1e-4) over the evaluations.
    const domains = ["temp-0.8", "temp-1.2"];
    let w = domains.map(() => 0.5);
    for (const e of r.evals) {
      const z = domains.map((d, i) => Math.log(w[i]!) + (e.valid_loss[d]! - ref.get(d)!));
      const m = Math.max(...z);
      const sum = z.reduce((a, v) => a + Math.exp(v - m), 0);
      w = z.map((v) => (1 - 1e-4) * (Math.exp(v - m) / sum) + 1e-4 / domains.length);
      assert.deepEqual(Object.keys(e.weights!).sort(), domains);
      for (const [i, d] of domains.entries())
        assert.ok(Math.abs(e.weights![d]! - w[i]!) < 1e-9, `step ${e.step} ${d}`);
    }
    assert.ok(Math.abs(w[0]! - 0.5) > 1e-3, "the weights did not move");
    for (const [i, d] of domains.entries()) assert.ok(Math.abs(r.weights[d]! - w[i]!) < 1e-9);
    assert.deepEqual(log.at(-1).weights, r.weights);
  });

  test("torchrun with two CPU processes (gloo) trains and checkpoints", async () => {
    const { moe, data } = prepare("ddp", dense, { experts: 4, topK: 2, tokens: 200, length: 24 });
    const out = join(dir, "ddp-out");
    const r = await runTraining(options(moe, data, out, { nproc: 2, steps: 6, saveEvery: 6, evalEvery: 6 }));
    assert.equal(r.command.includes("torch.distributed.run"), true);
    assert.equal(r.step, 6);
    assert.equal(r.tokens, 6 * 2 * 4 * 23); // both processes' batches: 4 sequences of 23 predicted tokens each
    assert.ok(existsSync(join(r.checkpoint!, "model.safetensors")));
  });

  test("gradient importance: split-independent scores, and an importance split that differs from the activation one", async () => {
    const { moe, data } = prepare("imp", dense, { experts: 4, topK: 2, tokens: 300, length: 24 });
    const d = openDense(dense);
    const random = computeSplit(d, { method: "random", experts: 4, seed: 5, remainder: "spread" });
    const moeRandom = join(dir, "imp-random-moe");
    buildMoe(d, random, moeRandom, {
      format: "llama-moe",
      topK: 1,
      gate: "zero",
      gateNetwork: "linear",
      seed: 0,
    });
    const files = [join(dir, "imp-a.json"), join(dir, "imp-b.json")];
    await gradientImportance({ moe, data, out: files[0]!, block: 32, seed: 0, threads: 1 });
    const r = await gradientImportance({
      moe: moeRandom,
      data,
      out: files[1]!,
      block: 32,
      seed: 0,
      threads: 1,
    });
    assert.equal(r.clusters, 4);
    // Both exports run as the same dense model, so per dense neuron the scores agree whatever the split.
    const [a, b] = files.map((f) => JSON.parse(readFileSync(f, "utf8")).scores as number[][][]);
    assert.equal(a!.length, 2);
    assert.equal(a![0]!.length, 4);
    assert.equal(a![0]![0]!.length, 40);
    let max = 0;
    for (const [l, layer] of a!.entries())
      for (const [k, c] of layer.entries())
        for (const [i, x] of c.entries())
          max = Math.max(max, Math.abs(x - b![l]![k]![i]!) / Math.max(1e-6, Math.abs(x)));
    assert.ok(max < 1e-3, `relative difference ${max}`);
    assert.ok(a!.flat(2).some((x) => x > 0));
    const base = {
      method: "importance",
      experts: 4,
      seed: 0,
      remainder: "spread",
      sequences: 4,
      sequenceLength: 24,
    } as const;
    const gradient = computeSplit(d, { ...base, scoresFile: files[0]! });
    const activation = computeSplit(d, base);
    d.ck.close();
    assert.notDeepEqual(
      gradient.layers.map((l) => l.experts),
      activation.layers.map((l) => l.experts),
    );
  });

  test("stories260K, E = 4 top-2: training lowers the routed validation perplexity far below the untrained MoE's", async (t) => {
    const model = sharedPath("models", "stories260K.bin");
    if (!model) return t.skip(SHARED_MISSING);
    const { moe, data } = prepare("s260k", model, { experts: 4, topK: 2, tokens: 4096, length: 64 });
    const out = join(dir, "s260k-out");
    const r = await runTraining(
      options(moe, data, out, {
        steps: 150,
        block: 64,
        warmup: 15,
        saveEvery: 150,
        evalEvery: 150,
        evaluate: true,
      }),
    );
    const p = r.perplexity!;
    assert.ok(p.untrained > 1000, `untrained ${p.untrained}`);
    assert.ok(p.trained < p.untrained / 5, `untrained ${p.untrained} → trained ${p.trained}`);
    assert.ok(p.dense! < p.trained, `dense ${p.dense}`);
    // Python's own (noise-free) validation loss agrees with Assay's engine on the trained checkpoint.
    const py = r.evals.at(-1)!.valid_loss;
    const pyMean = Object.values(py).reduce((a, b) => a + b, 0) / Object.keys(py).length;
    assert.ok(
      Math.abs(Math.exp(pyMean) / p.trained - 1) < 1e-3,
      `torch ${Math.exp(pyMean)} vs Assay ${p.trained}`,
    );
    assert.ok(r.log.every((s) => Number.isFinite(s.balance_loss) && s.tokens_per_s > 0));
  });
});

describe("a trained checkpoint in GGUF and node-llama-cpp", { skip: torch.ok ? false : NO_TORCH }, () => {
  test("stories260K, E = 4 top-2: train a few steps, convert to GGUF, load and generate in node-llama-cpp", async (t) => {
    const model = sharedPath("models", "stories260K.bin");
    if (!model) return t.skip(SHARED_MISSING);
    const { moe, data } = prepare("gguf", model, { experts: 4, topK: 2, tokens: 1024, length: 64 });
    const r = await runTraining(
      options(moe, data, join(dir, "gguf-out"), { steps: 12, block: 64, warmup: 2, saveEvery: 12 }),
    );
    const ckpt = r.checkpoint!;
    const gguf = join(dir, "trained.gguf");
    const conv = await runCli("moe", "convert", ckpt, "--out", gguf, "--json");
    assert.equal(conv.code, 0, conv.stderr);
    assert.equal(JSON.parse(conv.stdout).experts, 4);

    // The GGUF computes what the trained checkpoint computes (scale folded into the down projections).
    const valid = [...readTrainingData(data, 512).valid.values()].flat().slice(0, 3);
    const fromCkpt = validationNll(ckpt, valid).nll;
    const fromGguf = validationNll(gguf, valid).nll;
    assert.ok(Math.abs(fromCkpt - fromGguf) < 1e-4, `checkpoint ${fromCkpt} vs GGUF ${fromGguf}`);
    // Training changed the experts: the GGUF is not the untrained export.
    assert.ok(Math.abs(validationNll(moe, valid).nll - fromGguf) > 0.05);

    // llama.cpp's logits on the converted file equal our engine's.
    const opened = openMoe(gguf);
    try {
      const cmp = await compareWithLlamaCpp(opened, valid[0]!.slice(0, 32));
      assert.ok(cmp.ok, JSON.stringify(cmp));
      assert.equal(cmp.compared, 32);
    } finally {
      opened.ck.close();
    }

    // node-llama-cpp loads it and generates; greedy tokens follow our engine's argmax on the trained MoE.
    const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
    const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    const generated: number[] = [];
    try {
      const lm = await llama.loadModel({ modelPath: gguf });
      const ctx = await lm.createContext({
        contextSize: 64,
        threads: 1,
        flashAttention: false,
        experimentalKvCacheKeyType: "F32",
        experimentalKvCacheValueType: "F32",
      });
      for await (const tok of ctx.getSequence().evaluate([1 as Token], { temperature: 0 })) {
        generated.push(tok);
        if (generated.length >= 24) break;
      }
      await ctx.dispose();
      await lm.dispose();
    } finally {
      await llama.dispose();
    }
    assert.equal(generated.length, 24);
    const trained = openMoe(ckpt);
    try {
      const engine = moeEngine(loadNonFfnWeights(trained.ck, trained.config), trained.layers, 32);
      const ours: number[] = [];
      let prev = 1;
      for (let p = 0; p < 24; p++) {
        const logits = engine.forward(prev, p);
        prev = logits.indexOf(Math.max(...logits));
        ours.push(prev);
      }
      assert.deepEqual(generated, ours);
    } finally {
      trained.ck.close();
    }
  });
});

describe("moe train: bad inputs are one clear error each", () => {
  const dense = join(dir, "bad-dense");
  saveHfModel(dense, randomLlamaWeights(tinyLlamaConfig({ vocabSize: 64 }), 12, 0.4));
  const { moe, data } = prepare("bad", dense, { experts: 4, topK: 2, tokens: 100, length: 16 });
  const train = (...extra: string[]) =>
    runCli("moe", "train", moe, "--data", data, "--out", join(dir, "bad-out"), "--no-eval", ...extra);

  async function fails(r: Promise<{ code: number; stderr: string }>, ...fragments: string[]): Promise<void> {
    const { code, stderr } = await r;
    assert.equal(code, 2, stderr);
    for (const f of fragments) assert.ok(stderr.includes(f), `"${f}" not in: ${stderr}`);
    assert.ok(!stderr.includes("    at "), `stack trace: ${stderr}`);
  }

  test("missing torch", async () => {
    await fails(train("--python", join(dir, "no-python")), "PyTorch not found", "python3-torch");
    const check = await runCli("moe", "train", "--check", "--python", join(dir, "no-python"));
    assert.equal(check.code, 1);
    assert.ok(check.stdout.includes("apt-get install python3-torch"));
  });

  test("a checkpoint that is not LLaMA-MoE", async () => {
    await fails(
      runCli("moe", "train", dense, "--data", data, "--out", join(dir, "x")),
      "bad-dense",
      "not a MoE model",
    );
  });

  test("moe convert: an mlp gate, or a folder that is not MoE", async () => {
    const mlp = prepare("bad-mlp", dense, {
      experts: 4,
      topK: 2,
      tokens: 50,
      length: 16,
      gateNetwork: "mlp",
    });
    await fails(runCli("moe", "convert", mlp.moe, "--out", join(dir, "x.gguf")), "bad-mlp-moe", "mlp gate");
    await fails(
      runCli("moe", "convert", dense, "--out", join(dir, "x.gguf")),
      "bad-dense",
      "not a MoE model",
    );
    await fails(
      runCli("moe", "convert", moe, "--out", join(dir, "x.gguf"), "--dtype", "q4"),
      "--dtype",
      "q4",
    );
  });

  test("an empty corpus", async () => {
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    await fails(
      runCli("moe", "train", moe, "--data", empty, "--out", join(dir, "x")),
      "empty.jsonl",
      "no training sequences",
    );
  });

  test("optimizer flags", async () => {
    await fails(train("--optimizer", "adam"), "--optimizer", "adamw or sgd", '"adam"');
    await fails(train("--momentum", "0.9"), "--momentum", "--optimizer sgd");
    await fails(train("--optimizer", "sgd", "--momentum", "1.5"), "--momentum", "below 1");
    await fails(train("--optimizer", "sgd", "--adam-eps", "1e-3"), "--adam-eps", "adamw");
    await fails(train("--adam-eps", "0"), "--adam-eps", "positive");
  });

  test("an invalid domain weight", async () => {
    await fails(train("--domain-weights", "temp-0.8=-1,temp-1.2=1"), "--domain-weights", "temp-0.8", "≥ 0");
    await fails(train("--domain-weights", "web=1"), "--domain-weights", '"web"', "temp-0.8, temp-1.2");
  });
});
