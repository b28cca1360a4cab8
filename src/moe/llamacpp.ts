/**
 * Cross-check of a GGUF MoE export with llama.cpp (through node-llama-cpp, CPU only): evaluate the same tokens
 * in llama.cpp and in the reference engine running the export's own gate and top-k, compare all logits.
 * The KV cache is kept in F32 (llama.cpp's default F16 cache alone moves logits by ~1e-2).
 */
import type { ControlledEvaluateInputItem, Token } from "node-llama-cpp";
import { loadNonFfnWeights, type MoeModel, moeEngine } from "./model.js";

export async function compareWithLlamaCpp(
  moe: MoeModel,
  tokens: readonly number[],
): Promise<{ tokens: number; maxAbsLogitDiff: number; maxAbsLogit: number; ok: boolean; detail?: string }> {
  let mod: typeof import("node-llama-cpp");
  try {
    mod = await import("node-llama-cpp");
  } catch (err) {
    return {
      tokens: 0,
      maxAbsLogitDiff: Number.NaN,
      maxAbsLogit: 0,
      ok: false,
      detail: `node-llama-cpp unavailable (${(err as Error).message})`,
    };
  }
  const llama = await mod.getLlama({ gpu: false, build: "never", logLevel: mod.LlamaLogLevel.error });
  try {
    const model = await llama.loadModel({ modelPath: moe.path });
    const ctx = await model.createContext({
      contextSize: Math.max(64, tokens.length + 32),
      batchSize: Math.max(64, tokens.length + 32),
      threads: 1,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
      flashAttention: false,
    });
    const seq = ctx.getSequence();
    const out = await seq.controlledEvaluate(
      tokens.map((t): ControlledEvaluateInputItem => [t as Token, { generateNext: { logits: true } }]),
    );
    const engine = moeEngine(loadNonFfnWeights(moe.ck, moe.config), moe.layers, tokens.length);
    let maxDiff = 0;
    let maxLogit = 0;
    for (let p = 0; p < tokens.length; p++) {
      const ours = engine.forward(tokens[p]!, p);
      const theirs = out[p]?.next?.logits;
      if (!theirs) throw new Error(`llama.cpp returned no logits at position ${p}`);
      for (const [tok, v] of theirs) {
        maxDiff = Math.max(maxDiff, Math.abs(v - ours[tok]!));
        maxLogit = Math.max(maxLogit, Math.abs(ours[tok]!));
      }
    }
    await ctx.dispose();
    await model.dispose();
    // llama.cpp's CPU matmuls round the activations to the weights' type (F16/BF16), so 16-bit exports agree
    // less closely than F32 ones: relative tolerance 1e-3 (F32), 1e-2 (F16), 3e-2 (BF16; 8-bit mantissa).
    const name = "blk.0.ffn_up_exps.weight";
    const dtype = moe.ck.has(name) ? moe.ck.tensor(name).dtype : "F32";
    const rel = dtype === "BF16" ? 3e-2 : dtype === "F16" ? 1e-2 : 1e-3;
    return {
      tokens: tokens.length,
      maxAbsLogitDiff: maxDiff,
      maxAbsLogit: maxLogit,
      ok: maxDiff <= rel * Math.max(1, maxLogit),
      ...(dtype !== "F32"
        ? { detail: `${dtype} weights: llama.cpp rounds activations to ${dtype}; tolerance ${rel} relative` }
        : {}),
    };
  } finally {
    await llama.dispose();
  }
}
