/**
 * Min-K% through llama.cpp in process (`contamination mink --model gguf/<file>`) against the TypeScript
 * reference engine on stories260K converted to GGUF by our converter: the same per-token log-probabilities,
 * the same per-item scores and the same separation of greedy generations from shuffled ones.
 * Skipped without ../shared, or when node-llama-cpp cannot start llama.cpp on this machine.
 */

// One llama.cpp binding per process: the CLI path must use the CPU one the direct calls use.
process.env.ASSAY_GGUF_GPU = "off";
process.env.ASSAY_GGUF_THREADS = "1";

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { main } from "../../src/cli/program.js";
import { type GgufMinkResult, runGgufMink } from "../../src/contamination/mink-gguf.js";
import { GgufScorer, type GgufScorerOptions } from "../../src/contamination/mink-gguf-engine.js";
import { type MinkRow, runMink, type TokenItem } from "../../src/contamination/mink-run.js";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { encodeText } from "../../src/formats/tokenizer-codec.js";
import { LlamaEngine } from "../../src/llama/engine.js";
import { loadLlamaWeights } from "../../src/llama/weights.js";
import { sharedLlama } from "../../src/providers/gguf-provider.js";
import { buildSentencePiece } from "../formats/tokenizer-fixtures.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { tempDir } from "../providers/gguf-helpers.js";
import { plantedItems } from "./mink-fixtures.js";

/**
 * Largest |Δ log p| per token between the engines. F32 file: both compute in float32 (llama.cpp with an
 * F32 KV cache), summing in different orders; measured 4e-5, and the crosscheck test bounds their logits
 * by 1e-3. F16 file: the reference engine widens the F16 weights to float32 while llama.cpp also rounds
 * the activations to F16 (unit roundoff 2⁻¹¹) before each matmul; over five layers that moves log p by
 * 3e-3 (median) to 9e-2 (largest of 1,968 tokens). Min-K%, mean log p and so log perplexity move by no
 * more than the largest per-token difference (order statistics and means are 1-Lipschitz in the max
 * norm), so the same bounds hold per item.
 */
const TOL_F32 = 1e-3;
const TOL_F16 = 0.15;
/** The summary normaliser (float32 Σ exp in C++) against the full-vocabulary log-softmax in float64. */
const TOL_SUMMARY = 3e-5; // (V − 1)·2⁻²⁴ at V = 512: the float32 sum's worst case

const CPU: GgufScorerOptions = { gpu: false, threads: 1 };
const model = sharedPath("models", "stories260K.bin");
const dir = tempDir("mink-gguf");
const f32 = join(dir, "s260-f32.gguf");
const f16 = join(dir, "s260-f16.gguf");
const tokensFile = join(dir, "items.jsonl");
let items: TokenItem[] = [];
let skipReason: string | undefined;

before(async () => {
  if (!model) {
    skipReason = SHARED_MISSING;
    return;
  }
  try {
    await sharedLlama(false);
  } catch (err) {
    skipReason = `node-llama-cpp cannot start llama.cpp here (${(err as Error).message})`;
    return;
  }
  const ck = openCheckpoint(model);
  try {
    items = plantedItems(new LlamaEngine(loadLlamaWeights(ck)));
    convertCheckpoint(ck, f32, { to: "gguf" });
    convertCheckpoint(ck, f16, { to: "gguf", dtype: "F16" });
  } finally {
    ck.close();
  }
  writeFileSync(tokensFile, items.map((x) => JSON.stringify(x)).join("\n"));
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Per-token log-probabilities of every item (BOS first) by the reference engine and by llama.cpp. */
async function perTokenDiffs(path: string, opts: GgufScorerOptions): Promise<number> {
  const ck = openCheckpoint(path);
  const engine = new LlamaEngine(loadLlamaWeights(ck));
  ck.close();
  const scorer = await GgufScorer.open(path, opts);
  let worst = 0;
  try {
    for (const item of items) {
      const seq = [1, ...item.tokens];
      worst = Math.max(worst, maxAbsDiff(engine.logLikelihood(seq).perToken, await scorer.logProbs(seq)));
    }
  } finally {
    await scorer.close();
  }
  return worst;
}

/** Rows agree within `tol` (see TOL_F32); returns the largest Min-K% difference. */
function assertSameRows(ours: readonly MinkRow[], ref: readonly MinkRow[], tol: number): number {
  assert.equal(ours.length, ref.length);
  let worst = 0;
  ours.forEach((r, i) => {
    const q = ref[i]!;
    assert.equal(r.id, q.id);
    assert.equal(r.tokens, q.tokens);
    assert.ok(Math.abs(r.minK - q.minK) <= tol, `item ${r.id}: min-k ${r.minK} vs ${q.minK}`);
    // perplexity = exp(−mean log p): a log-probability shift of tol moves it by a factor ≤ e^tol
    assert.ok(Math.abs(Math.log(r.perplexity / q.perplexity)) <= tol, `item ${r.id}: perplexity`);
    assert.ok(Math.abs(r.zlibRatio - q.zlibRatio) <= tol, `item ${r.id}: zlib ratio`);
    worst = Math.max(worst, Math.abs(r.minK - q.minK));
  });
  return worst;
}

describe("Min-K% through llama.cpp (gguf/) on stories260K", () => {
  test("per-token log-probabilities equal the reference engine's (F32 and F16 files)", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const d32 = await perTokenDiffs(f32, CPU);
    const d16 = await perTokenDiffs(f16, CPU);
    const full = await perTokenDiffs(f32, { ...CPU, normaliser: "full" });
    t.diagnostic(`max |Δ log p| over 48 × 41 tokens: F32 ${d32}, F16 ${d16}, F32 full-vocabulary ${full}`);
    assert.ok(d32 < TOL_F32, `F32: ${d32}`);
    assert.ok(d16 < TOL_F16, `F16: ${d16}`);
    assert.ok(full < TOL_F32, `F32 full: ${full}`);
    // the two normalisers on the same logits
    const a = await GgufScorer.open(f32, CPU);
    const b = await GgufScorer.open(f32, { ...CPU, normaliser: "full" });
    try {
      for (const item of items.slice(0, 6)) {
        const seq = [1, ...item.tokens];
        const d = maxAbsDiff(await a.logProbs(seq), await b.logProbs(seq));
        assert.ok(d < TOL_SUMMARY, `item ${item.id}: summary vs full ${d}`);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("separates greedy generations from shuffled ones with the reference engine's scores", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const ref = runMink({ model: f32, tokens: tokensFile, k: 0.2, bos: true, progress: "silent" });
    const gguf: GgufMinkResult = await runGgufMink({
      model: `gguf/${f32}`,
      tokens: tokensFile,
      k: 0.2,
      bos: true,
      progress: "silent",
      scorer: CPU,
    });
    assert.equal(gguf.engine, "llama.cpp");
    const item32 = assertSameRows(gguf.rows, ref.rows, TOL_F32);
    assert.ok(gguf.auc && ref.auc);
    t.diagnostic(`AUC llama.cpp ${JSON.stringify(gguf.auc)} reference ${JSON.stringify(ref.auc)}`);
    assert.ok(gguf.auc.minK > 0.9, `Min-K% AUC ${gguf.auc.minK}`);
    assert.ok(gguf.auc.perplexity > 0.9, `perplexity AUC ${gguf.auc.perplexity}`);
    assert.equal(gguf.auc.minK, ref.auc.minK);
    assert.equal(gguf.auc.perplexity, ref.auc.perplexity);
    assert.equal(gguf.auc.zlibRatio, ref.auc.zlibRatio);

    const ref16 = runMink({ model: f16, tokens: tokensFile, k: 0.2, bos: true, progress: "silent" });
    const gguf16 = await runGgufMink({
      model: `gguf/${f16}`,
      tokens: tokensFile,
      k: 0.2,
      bos: true,
      progress: "silent",
      scorer: CPU,
    });
    const item16 = assertSameRows(gguf16.rows, ref16.rows, TOL_F16);
    t.diagnostic(
      `max |Δ Min-K%| per item: F32 ${item32}, F16 ${item16}; F16 AUC ${JSON.stringify(gguf16.auc)}`,
    );
    assert.ok(gguf16.auc!.minK > 0.9, `F16 Min-K% AUC ${gguf16.auc!.minK}`);

    // the command line gives the same rows
    const rowsFile = join(dir, "cli-rows.jsonl");
    const argv = ["contamination", "mink", "--model", `gguf/${f32}`, "--tokens", tokensFile];
    assert.equal(await main(["node", "assay", ...argv, "--json", "--out", rowsFile]), 0);
    const cliRows = readFileSync(rowsFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as MinkRow);
    assertSameRows(cliRows, gguf.rows, 1e-9);
  });

  test("--task: llama.cpp tokenises with the file's vocabulary, as the reference engine does", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const tok = buildSentencePiece(512);
    const withTok = join(dir, "s260-tok.gguf");
    const ck = openCheckpoint(model!);
    convertCheckpoint(ck, withTok, { to: "gguf", tokenizer: tok });
    ck.close();
    const texts = [
      { id: "q1", text: "once upon a time there was a cat\nit sat", member: true },
      { id: "q2", text: "zq xv kj\nwp", member: false },
      { id: "q3", text: "The little girl went to the park. She saw a big dog.", member: true },
    ];
    const ref = runMink({ model: withTok, texts, k: 0.2, bos: true, progress: "silent" });
    const gguf = await runGgufMink({
      model: `gguf/${withTok}`,
      texts,
      k: 0.2,
      bos: true,
      progress: "silent",
      scorer: CPU,
    });
    texts.forEach((x, i) => {
      assert.equal(gguf.rows[i]!.tokens, encodeText(tok, x.text, { specials: false }).length);
    });
    assertSameRows(gguf.rows, ref.rows, TOL_F32);
    assert.ok(gguf.rows[0]!.tokens > 5);
  });

  test("the context grows for longer items; one beyond the model's context is a user error", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const long = Array.from({ length: 300 }, (_, i) => items[i % items.length]!.tokens[i % 41]!);
    const file = join(dir, "long.jsonl");
    const rows = [items[0]!, { id: "long", tokens: long }, items[1]!];
    writeFileSync(file, rows.map((x) => JSON.stringify(x)).join("\n"));
    const opts = { tokens: file, k: 0.2, bos: true, progress: "silent" } as const;
    const ref = runMink({ ...opts, model: f32 });
    const gguf = await runGgufMink({ ...opts, model: `gguf/${f32}`, scorer: CPU });
    assert.deepEqual(
      gguf.rows.map((r) => r.tokens),
      [41, 300, 41],
    );
    assertSameRows(gguf.rows, ref.rows, TOL_F32);
    writeFileSync(file, JSON.stringify({ id: "too-long", tokens: [...long, ...long] }));
    await assert.rejects(
      runGgufMink({ ...opts, model: `gguf/${f32}`, scorer: CPU }),
      /item "too-long" has 601 tokens, more than the model's 512/,
    );
  });

  test("a missing or non-GGUF file and --tokenizer are user errors", async () => {
    const base = { k: 0.2, bos: true, tokens: tokensFile, progress: "silent" } as const;
    await assert.rejects(
      runGgufMink({ ...base, model: `gguf/${join(dir, "nope.gguf")}` }),
      /nope\.gguf does not exist/,
    );
    const notGguf = join(dir, "not.gguf");
    writeFileSync(notGguf, "hello world");
    await assert.rejects(runGgufMink({ ...base, model: `gguf/${notGguf}` }), /is not a GGUF file/);
    await assert.rejects(
      runGgufMink({ ...base, model: `gguf/${f32}`, tokenizer: "tok.bin" }),
      /--tokenizer applies to the reference engine/,
    );
    await assert.rejects(runGgufMink({ ...base, model: `gguf/${f32}`, k: 0 }), /--k must be in/);
  });
});
