/**
 * Cross-check between engines: a GGUF file written by our converter is run by llama.cpp (through
 * node-llama-cpp) and by our TypeScript reference engine (src/llama) on the same token sequence; the
 * logits of every position must agree. This validates the GGUF writer (metadata, tensor layout, RoPE
 * convention, tied/untied output) against llama.cpp itself. The KV cache is kept in F32 and flash
 * attention off: on stories260K llama.cpp's default F16 cache moves the logits by up to ~0.05 and its CPU
 * flash attention by ~0.14, enough to flip near-ties in greedy decoding.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { ControlledEvaluateInputItem, LlamaModel, Token } from "node-llama-cpp";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import { LlamaEngine } from "../../src/llama/engine.js";
import { type LlamaWeights, loadLlamaWeights } from "../../src/llama/weights.js";
import { sharedLlama } from "../../src/providers/gguf-provider.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { RUNC_GREEDY } from "../llama/runc-reference.js";
import { TINY_CONFIG, tempDir, writeTinyGguf } from "./gguf-helpers.js";

/** Largest |Δlogit| allowed: both engines compute in float32 with F32 weights, summing in different orders. */
const TOLERANCE = 1e-3;

async function withModel<T>(path: string, fn: (model: LlamaModel) => Promise<T>): Promise<T> {
  const llama = await sharedLlama(false);
  const model = await llama.loadModel({ modelPath: path });
  try {
    return await fn(model);
  } finally {
    await model.dispose();
  }
}

/** llama.cpp's logits after each token of `tokens` (one full-vocabulary array per position). */
async function llamaCppLogits(path: string, tokens: number[], vocab: number): Promise<Float32Array[]> {
  return withModel(path, async (model) => {
    const context = await model.createContext({
      contextSize: 512,
      sequences: 1,
      threads: 1,
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
    });
    try {
      const sequence = context.getSequence();
      const out = await sequence.controlledEvaluate(
        tokens.map((t): ControlledEvaluateInputItem => [t as Token, { generateNext: { logits: true } }]),
      );
      return tokens.map((_, i) => {
        const logits = out[i]?.next.logits;
        assert.ok(logits, `llama.cpp returned no logits for position ${i}`);
        assert.equal(logits.size, vocab, "llama.cpp returns every token's logit");
        const row = new Float32Array(vocab);
        for (const [token, value] of logits) row[token] = value;
        return row;
      });
    } finally {
      await context.dispose();
    }
  });
}

function engineLogits(weights: LlamaWeights, tokens: number[]): Float32Array[] {
  const engine = new LlamaEngine(weights, { maxSeqLen: tokens.length });
  return tokens.map((t, pos) => Float32Array.from(engine.forward(t, pos)));
}

function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if ((a[i] ?? 0) > (a[best] ?? 0)) best = i;
  return best;
}

function compare(ours: Float32Array[], theirs: Float32Array[]): { maxDiff: number; maxAbs: number } {
  assert.equal(ours.length, theirs.length);
  let maxDiff = 0;
  let maxAbs = 0;
  ours.forEach((row, pos) => {
    const other = theirs[pos] ?? new Float32Array(0);
    assert.equal(row.length, other.length);
    for (let i = 0; i < row.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((row[i] ?? 0) - (other[i] ?? 0)));
      maxAbs = Math.max(maxAbs, Math.abs(row[i] ?? 0));
    }
    assert.equal(argmax(other), argmax(row), `next-token argmax differs at position ${pos}`);
  });
  return { maxDiff, maxAbs };
}

/** A fixed pseudo-random token sequence starting with BOS (an LCG, so both engines get the same ids). */
function tokenSequence(n: number, vocab: number, seed: number): number[] {
  const out = [1];
  let s = seed >>> 0;
  while (out.length < n) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(3 + (s % (vocab - 3)));
  }
  return out;
}

describe("llama.cpp and the reference engine agree on GGUF files we write", () => {
  test("random tiny model (grouped-query attention, untied output)", async (t) => {
    const dir = tempDir("xcheck");
    const { path, weights } = writeTinyGguf(dir, { seed: 31 });
    const tokens = tokenSequence(96, TINY_CONFIG.vocabSize, 5);
    const theirs = await llamaCppLogits(path, tokens, TINY_CONFIG.vocabSize);
    // Our engine on the weights as generated and on the GGUF file as read back.
    const fromMemory = compare(engineLogits(weights, tokens), theirs);
    const ck = openCheckpoint(path);
    const fromFile = compare(engineLogits(loadLlamaWeights(ck), tokens), theirs);
    ck.close();
    t.diagnostic(
      `max |Δlogit| ${fromMemory.maxDiff} (weights), ${fromFile.maxDiff} (file); max |logit| ${fromMemory.maxAbs}`,
    );
    assert.ok(fromMemory.maxAbs > 1, "logits are not trivially small");
    assert.ok(fromMemory.maxDiff < TOLERANCE, `max |Δlogit| ${fromMemory.maxDiff}`);
    assert.ok(fromFile.maxDiff < TOLERANCE, `max |Δlogit| ${fromFile.maxDiff}`);
  });

  test("random tiny model with tied embeddings (no output.weight in the file)", async (t) => {
    const dir = tempDir("xcheck-tied");
    const config = { ...TINY_CONFIG, tieWordEmbeddings: true, numKvHeads: 4 };
    const { path, weights } = writeTinyGguf(dir, { seed: 32, config, name: "tied" });
    const tokens = tokenSequence(48, config.vocabSize, 9);
    const { maxDiff } = compare(
      engineLogits(weights, tokens),
      await llamaCppLogits(path, tokens, config.vocabSize),
    );
    t.diagnostic(`max |Δlogit| ${maxDiff}`);
    assert.ok(maxDiff < TOLERANCE, `max |Δlogit| ${maxDiff}`);
  });

  test("stories260K converted from llama2.c: same logits, and llama.cpp's greedy decoding matches run.c", async (t) => {
    const bin = sharedPath("models", "stories260K.bin");
    if (!bin) {
      t.skip(SHARED_MISSING);
      return;
    }
    const dir = tempDir("xcheck-stories");
    const path = join(dir, "stories260K.gguf");
    const src = openCheckpoint(bin);
    convertCheckpoint(src, path, { to: "gguf" });
    const weights = loadLlamaWeights(src);
    src.close();
    const tokens = [1, ...RUNC_GREEDY.slice(0, 255)];
    const { maxDiff } = compare(engineLogits(weights, tokens), await llamaCppLogits(path, tokens, 512));
    t.diagnostic(`max |Δlogit| ${maxDiff}`);
    assert.ok(maxDiff < TOLERANCE, `max |Δlogit| ${maxDiff}`);

    // llama.cpp decoding greedily from BOS reproduces run.c's tokens over the whole 512-token context.
    const n = Math.min(RUNC_GREEDY.length, 511);
    const generated = await withModel(path, async (model) => {
      const context = await model.createContext({
        contextSize: 512,
        threads: 1,
        flashAttention: false,
        experimentalKvCacheKeyType: "F32",
        experimentalKvCacheValueType: "F32",
      });
      try {
        const out: number[] = [];
        for await (const token of context.getSequence().evaluate([1 as Token], { temperature: 0 })) {
          out.push(token);
          if (out.length >= n) break;
        }
        return out;
      } finally {
        await context.dispose();
      }
    });
    assert.deepEqual(generated, RUNC_GREEDY.slice(0, n));
  });
});
