import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { openCheckpoint } from "../../src/formats/checkpoint.js";
import { convertCheckpoint } from "../../src/formats/convert.js";
import type { LlamaConfig } from "../../src/formats/hf-config.js";
import { LlamaEngine } from "../../src/llama/engine.js";
import {
  type LlamaWeights,
  loadLlamaWeights,
  randomLlamaWeights,
  saveHfModel,
} from "../../src/llama/weights.js";
import { tempDir } from "../formats/helpers.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { naiveLogits } from "./naive.js";
import { RUNC_GREEDY, RUNC_SAMPLE_T1_SEED42, RUNC_TOPP_T08_P09_SEED7_PREFIX } from "./runc-reference.js";

const dir = tempDir("engine");

const tiny: LlamaConfig = {
  hiddenSize: 32,
  intermediateSize: 48,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 8,
  vocabSize: 50,
  maxSeqLen: 64,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  bosTokenId: 1,
  modelType: "llama",
};

function loadFile(path: string): LlamaWeights {
  const ck = openCheckpoint(path);
  try {
    return loadLlamaWeights(ck);
  } finally {
    ck.close();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function allLogits(engine: LlamaEngine, tokens: number[]): Float32Array[] {
  return tokens.map((t, pos) => Float32Array.from(engine.forward(t, pos)));
}

describe("conformance with llama2.c run.c on stories260K", () => {
  const file = sharedPath("models", "stories260K.bin");

  test("greedy decoding from BOS reproduces run.c token for token (512 tokens)", (t) => {
    if (!file) return t.skip(SHARED_MISSING);
    const engine = new LlamaEngine(loadFile(file));
    const out = engine.generate({ temperature: 0, maxTokens: 512, stopToken: 1 });
    assert.deepEqual(out.slice(0, 7), [461, 461, 401, 401, 401, 461, 378]);
    assert.deepEqual(out, RUNC_GREEDY);
  });

  test("seeded sampling reproduces run.c (temperature 1, seed 42; nucleus prefix)", (t) => {
    if (!file) return t.skip(SHARED_MISSING);
    const engine = new LlamaEngine(loadFile(file));
    assert.deepEqual(
      engine.generate({ temperature: 1, seed: 42, maxTokens: 512, stopToken: 1 }),
      RUNC_SAMPLE_T1_SEED42,
    );
    const nucleus = engine.generate({ temperature: 0.8, topP: 0.9, seed: 7, maxTokens: 24, stopToken: 1 });
    assert.deepEqual(nucleus, RUNC_TOPP_T08_P09_SEED7_PREFIX);
  });

  test("the same model as HF safetensors (halves RoPE) and as GGUF gives the same logits", (t) => {
    if (!file) return t.skip(SHARED_MISSING);
    const src = openCheckpoint(file);
    convertCheckpoint(src, join(dir, "s260-hf"), { to: "safetensors" });
    convertCheckpoint(src, join(dir, "s260.gguf"), { to: "gguf" });
    src.close();
    const tokens = RUNC_GREEDY.slice(0, 40);
    const ref = allLogits(new LlamaEngine(loadFile(file)), tokens);
    for (const path of ["s260-hf", "s260.gguf"]) {
      const w = loadFile(join(dir, path));
      assert.equal(w.ropeLayout, path.endsWith(".gguf") ? "interleaved" : "halves");
      const got = allLogits(new LlamaEngine(w), tokens);
      for (let p = 0; p < tokens.length; p++)
        assert.ok(maxAbsDiff(got[p]!, ref[p]!) < 1e-4, `${path} position ${p}`);
    }
  });
});

describe("engine against an independent float64 implementation", () => {
  const tokens = [1, 7, 30, 30, 2, 49, 0, 11, 23, 5];
  for (const tied of [false, true]) {
    test(`random model, grouped-query attention, ${tied ? "tied" : "separate"} output`, () => {
      const w = randomLlamaWeights({ ...tiny, tieWordEmbeddings: tied }, tied ? 5 : 6);
      const expected = naiveLogits(w, tokens);
      const got = allLogits(new LlamaEngine(w), tokens);
      for (let p = 0; p < tokens.length; p++) {
        assert.ok(
          maxAbsDiff(got[p]!, expected[p]!) < 1e-4,
          `position ${p}: ${maxAbsDiff(got[p]!, expected[p]!)}`,
        );
      }
    });
  }

  test("written to disk and read back (F32 exact, GGUF permuted, F16 close)", () => {
    const w = randomLlamaWeights(tiny, 8);
    const tokens = [1, 4, 9, 16, 25, 36, 49, 3];
    const ref = allLogits(new LlamaEngine(w), tokens);
    saveHfModel(join(dir, "tiny-hf"), w);
    const fromDisk = allLogits(new LlamaEngine(loadFile(join(dir, "tiny-hf"))), tokens);
    assert.deepEqual(fromDisk, ref);
    const ck = openCheckpoint(join(dir, "tiny-hf"));
    convertCheckpoint(ck, join(dir, "tiny.gguf"), { to: "gguf" });
    convertCheckpoint(ck, join(dir, "tiny-f16.gguf"), { to: "gguf", dtype: "F16" });
    ck.close();
    const gg = allLogits(new LlamaEngine(loadFile(join(dir, "tiny.gguf"))), tokens);
    const f16 = allLogits(new LlamaEngine(loadFile(join(dir, "tiny-f16.gguf"))), tokens);
    for (let p = 0; p < tokens.length; p++) {
      assert.ok(maxAbsDiff(gg[p]!, ref[p]!) < 1e-5, `gguf position ${p}`);
      const d = maxAbsDiff(f16[p]!, ref[p]!);
      assert.ok(d < 2e-2 && d > 0, `f16 position ${p}: ${d}`);
    }
  });
});

describe("log-likelihood, perplexity and generation", () => {
  const w = randomLlamaWeights(tiny, 11);

  test("log-likelihood of the greedy path is the sum of each step's largest log-probability", () => {
    const engine = new LlamaEngine(w);
    const gen = engine.generate({ temperature: 0, maxTokens: 20 });
    const seq = [1, ...gen];
    const ll = engine.logLikelihood(seq);
    assert.equal(ll.perToken.length, seq.length - 1);
    // Independent: log-softmax from the float64 reference at each prefix; the greedy token maximises it.
    const ref = naiveLogits(w, seq);
    let total = 0;
    for (let i = 0; i + 1 < seq.length; i++) {
      const logits = ref[i]!;
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((a, v) => a + Math.exp(v - max), 0));
      assert.equal(logits.indexOf(max), seq[i + 1], `greedy token at step ${i}`);
      assert.ok(Math.abs(ll.perToken[i]! - (max - lse)) < 1e-4, `step ${i}`);
      total += max - lse;
    }
    assert.ok(Math.abs(ll.total - total) < 1e-3);
    const sum = ll.perToken.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(engine.perplexity(seq) - Math.exp(-sum / ll.perToken.length)) < 1e-9);
  });

  test("probabilities of all next tokens sum to one, and sampled paths are no more likely than greedy steps", () => {
    const engine = new LlamaEngine(w);
    const sampled = [1, ...engine.generate({ temperature: 1, seed: 3, maxTokens: 15 })];
    const ll = engine.logLikelihood(sampled);
    for (let pos = 0; pos + 1 < sampled.length; pos++) {
      const logits = engine.forward(sampled[pos]!, pos);
      let z = 0;
      for (const v of logits) z += Math.exp(v);
      let best = Number.NEGATIVE_INFINITY;
      for (const v of logits) best = Math.max(best, v - Math.log(z));
      assert.ok(ll.perToken[pos]! <= best + 1e-9);
      let total = 0;
      for (const v of logits) total += Math.exp(v - Math.log(z));
      assert.ok(Math.abs(total - 1) < 1e-6);
    }
  });

  test("seeded sampling is reproducible and seeds differ", () => {
    const engine = new LlamaEngine(w);
    const a = engine.generate({ temperature: 1, seed: 9, maxTokens: 30 });
    const b = engine.generate({ temperature: 1, seed: 9, maxTokens: 30 });
    const c = engine.generate({ temperature: 1, seed: 10, maxTokens: 30 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(a.length, 30);
  });

  test("prompt tokens are fed before sampling and limits are enforced", () => {
    const engine = new LlamaEngine(w, { maxSeqLen: 16 });
    const out = engine.generate({ prompt: [1, 5, 6], temperature: 0, maxTokens: 100 });
    assert.equal(out.length, 16 - 2);
    assert.throws(() => engine.forward(50, 0), RangeError);
    assert.throws(() => engine.forward(1, 16), RangeError);
  });
});

describe("FFN hooks (for mixture-of-experts work)", () => {
  const w = randomLlamaWeights(tiny, 13);
  const tokens = [1, 2, 3, 5, 8, 13, 21];

  test("observeFfn sees the down projection's input: W_down · hidden is the layer's FFN output", () => {
    const seen: { layer: number; input: Float32Array; hidden: Float32Array }[] = [];
    const engine = new LlamaEngine(w, {
      observeFfn: (layer, input, hidden) =>
        seen.push({ layer, input: Float32Array.from(input), hidden: Float32Array.from(hidden) }),
    });
    allLogits(engine, tokens);
    assert.equal(seen.length, tokens.length * tiny.numLayers);
    const { layer, input, hidden } = seen[seen.length - 1]!;
    const L = w.layers[layer]!;
    for (let i = 0; i < tiny.intermediateSize; i++) {
      let g = 0;
      let u = 0;
      for (let j = 0; j < tiny.hiddenSize; j++) {
        g += L.wGate[i * tiny.hiddenSize + j]! * input[j]!;
        u += L.wUp[i * tiny.hiddenSize + j]! * input[j]!;
      }
      assert.ok(Math.abs(hidden[i]! - (g / (1 + Math.exp(-g))) * u) < 1e-5);
    }
  });

  test("an override that splits the FFN's neurons into two halves and sums them leaves the logits unchanged", () => {
    const d = tiny.hiddenSize;
    const h = tiny.intermediateSize;
    const ffnSplit = (layer: number, input: Float32Array, out: Float32Array): boolean => {
      const L = w.layers[layer]!;
      out.fill(0);
      for (const [from, to] of [
        [0, h / 2],
        [h / 2, h],
      ] as const) {
        for (let i = from; i < to; i++) {
          let g = 0;
          let u = 0;
          for (let j = 0; j < d; j++) {
            g += L.wGate[i * d + j]! * input[j]!;
            u += L.wUp[i * d + j]! * input[j]!;
          }
          const a = (g / (1 + Math.exp(-g))) * u;
          for (let r = 0; r < d; r++) out[r] = out[r]! + L.wDown[r * h + i]! * a;
        }
      }
      return true;
    };
    const ref = allLogits(new LlamaEngine(w), tokens);
    const split = allLogits(new LlamaEngine(w, { ffnOverride: ffnSplit }), tokens);
    for (let p = 0; p < tokens.length; p++) assert.ok(maxAbsDiff(split[p]!, ref[p]!) < 1e-5, `position ${p}`);
    const zeroFfn = (_layer: number, _input: Float32Array, out: Float32Array): boolean => {
      out.fill(0);
      return true;
    };
    const zero = allLogits(new LlamaEngine(w, { ffnOverride: zeroFfn }), tokens);
    assert.ok(maxAbsDiff(zero[3]!, ref[3]!) > 1e-3); // the hook really replaces the FFN
  });
});
