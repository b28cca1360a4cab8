/** `assay/llama`: the TypeScript reference LLaMA forward pass (checked against llama2.c and llama.cpp). */
export { type EngineOptions, type GenerateOptions, LlamaEngine, type LogLikelihood } from "./engine.js";
export { Sampler, type SamplingOptions } from "./sampler.js";
export { type LlamaWeights, loadLlamaWeights } from "./weights.js";
