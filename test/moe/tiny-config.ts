import type { LlamaConfig } from "../../src/formats/hf-config.js";

/** A tiny LLaMA shape for MoE tests (FFN width 40 = not divisible by 3 or 8, 4 heads, GQA 2). */
export function tinyLlamaConfig(overrides: Partial<LlamaConfig> = {}): LlamaConfig {
  return {
    hiddenSize: 16,
    intermediateSize: 40,
    numLayers: 2,
    numHeads: 4,
    numKvHeads: 2,
    headDim: 4,
    vocabSize: 300,
    maxSeqLen: 64,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    bosTokenId: 1,
    eosTokenId: 2,
    modelType: "llama",
    ...overrides,
  };
}
