/**
 * `npm run bench:engine-llama`: decoding speed of the TypeScript reference engine (one thread).
 *  - stories260K (../shared/models/stories260K.bin): greedy decoding of a full 512-token context from BOS;
 *  - a synthetic random model, 4 layers × 512 dims (8 heads, FFN 1376, vocab 2048), 256 tokens.
 * Each measurement is repeated and the best run is reported (the machine is shared).
 */
import { openCheckpoint } from "../src/formats/checkpoint.js";
import type { LlamaConfig } from "../src/formats/hf-config.js";
import { LlamaEngine } from "../src/llama/engine.js";
import { type LlamaWeights, loadLlamaWeights, randomLlamaWeights } from "../src/llama/weights.js";
import { sharedPath } from "../test/helpers/shared.js";

function measure(label: string, weights: LlamaWeights, tokens: number, repeats: number): void {
  const engine = new LlamaEngine(weights, { maxSeqLen: tokens });
  engine.generate({ temperature: 0, maxTokens: Math.min(32, tokens) }); // warm-up (JIT)
  let best = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let produced = 0;
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    produced = engine.generate({ temperature: 0, maxTokens: tokens }).length;
    const cpu = process.cpuUsage(cpu0);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
  }
  const c = weights.config;
  // On a busy shared machine wall time understates one core's speed; CPU time shows what a free core does.
  console.log(
    `${label.padEnd(36)} dim ${c.hiddenSize}, ${c.numLayers} layers, vocab ${c.vocabSize}: ${produced} tokens → ` +
      `${(produced / best).toFixed(0)} tokens/s wall, ${(produced / bestCpu).toFixed(0)} tokens per CPU-second (best of ${repeats})`,
  );
}

const stories = sharedPath("models", "stories260K.bin");
if (stories) {
  const ck = openCheckpoint(stories);
  const w = loadLlamaWeights(ck);
  ck.close();
  measure("stories260K, 512-token context", w, 512, 5);
} else {
  console.log("stories260K: skipped (../shared/models/stories260K.bin is absent)");
}

// Same shape as stories260K with random weights: the speed depends only on the shape, and this runs anywhere.
const storiesShape: LlamaConfig = {
  hiddenSize: 64,
  intermediateSize: 172,
  numLayers: 5,
  numHeads: 8,
  numKvHeads: 4,
  headDim: 8,
  vocabSize: 512,
  maxSeqLen: 512,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  modelType: "llama",
};
measure("random model shaped like stories260K", randomLlamaWeights(storiesShape, 2), 512, 5);

const synthetic: LlamaConfig = {
  hiddenSize: 512,
  intermediateSize: 1376,
  numLayers: 4,
  numHeads: 8,
  numKvHeads: 8,
  headDim: 64,
  vocabSize: 2048,
  maxSeqLen: 256,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  modelType: "llama",
};
measure("synthetic 4-layer 512-dim model", randomLlamaWeights(synthetic, 1, 0.05), 256, 3);
