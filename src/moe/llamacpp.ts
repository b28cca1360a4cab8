/**
 * Cross-check of a GGUF MoE export with llama.cpp (through node-llama-cpp, CPU only): evaluate the same tokens
 * in llama.cpp and in the reference engine running the export's own gate and top-k, compare all logits.
 * The KV cache is kept in F32 (llama.cpp's default F16 cache alone moves logits by ~1e-2).
 *
 * 16-bit exports: llama.cpp rounds activations to the weights' type before each matmul, so its gate logits
 * differ slightly from ours. Where two experts are nearly tied for the last top-k place, that is enough to
 * route a token differently, and the logits of that position and every later one (through attention) then
 * differ by far more than rounding. Such near ties are found in our pass (the gap between the k-th and the
 * best unselected logit against a bound on the rounding error of those logits); the tokens are evaluated
 * in short windows with fresh contexts, and in each window only the positions before its first near tie
 * are compared. A correct export then passes whatever the seed; a wrong one still fails on the rest.
 */
import type { ControlledEvaluateInputItem, Token } from "node-llama-cpp";
import type { MoeLayer } from "./layer.js";
import { loadNonFfnWeights, type MoeModel, moeEngine } from "./model.js";

/** Unit roundoff of the activations llama.cpp multiplies with weights of each type. */
const ROUNDOFF: Record<string, number> = { BF16: 2 ** -8, F16: 2 ** -11 };
/** Standard deviations of the gate matmul's rounding error, plus margin for drift from the layers before it. */
const SAFETY = 8;
/** Tokens per window: each starts a fresh context on both sides, so a near tie costs one window's tail. */
const WINDOW = 16;

export interface LlamaCppComparison {
  tokens: number;
  /** Tokens whose logits were compared (all of them for F32 exports). */
  compared: number;
  /** (position, layer) routing decisions within rounding distance of a tie (16-bit exports). */
  nearTies: number;
  maxAbsLogitDiff: number;
  maxAbsLogit: number;
  ok: boolean;
  detail?: string;
}

/** True when rounding at unit `u` could swap the k-th selected expert with the best unselected one. */
export function nearTie(
  layer: MoeLayer,
  selected: Int32Array,
  k: number,
  logits: Float32Array,
  x: Float32Array,
  u: number,
): boolean {
  const E = logits.length;
  if (u === 0 || k >= E) return false;
  const last = selected[k - 1]!;
  let rival = -1;
  for (let j = 0; j < E; j++) {
    let used = false;
    for (let r = 0; r < k; r++) if (selected[r] === j) used = true;
    if (!used && (rival < 0 || logits[j]! > logits[rival]!)) rival = j;
  }
  const gap = logits[last]! - logits[rival]!;
  // Rounding each x_i moves Σ w·x by a sum of independent errors of size ≤ u·|w_i·x_i|: its spread is about
  // u·sqrt(Σ (w_i·x_i)²). An MLP gate gets a bound from its logits instead.
  const spread = (e: number): number => {
    if (layer.gate.kind !== "linear") return Math.abs(logits[e]!) + 1;
    const d = x.length;
    let s = 0;
    for (let i = 0; i < d; i++) s += (layer.gate.w[e * d + i]! * x[i]!) ** 2;
    return Math.sqrt(s);
  };
  return gap <= SAFETY * u * Math.hypot(spread(last), spread(rival));
}

export async function compareWithLlamaCpp(
  moe: MoeModel,
  tokens: readonly number[],
): Promise<LlamaCppComparison> {
  let mod: typeof import("node-llama-cpp");
  try {
    mod = await import("node-llama-cpp");
  } catch (err) {
    return {
      tokens: 0,
      compared: 0,
      nearTies: 0,
      maxAbsLogitDiff: Number.NaN,
      maxAbsLogit: 0,
      ok: false,
      detail: `node-llama-cpp unavailable (${(err as Error).message})`,
    };
  }
  const name = "blk.0.ffn_up_exps.weight";
  const dtype = moe.ck.has(name) ? moe.ck.tensor(name).dtype : "F32";
  const u = ROUNDOFF[dtype] ?? 0;
  // Without near ties to avoid, one window holds everything (F32 exports are compared token for token).
  const window = u === 0 ? tokens.length : WINDOW;
  const llama = await mod.getLlama({ gpu: false, build: "never", logLevel: mod.LlamaLogLevel.error });
  try {
    const model = await llama.loadModel({ modelPath: moe.path });
    const ctx = await model.createContext({
      contextSize: Math.max(64, window + 32),
      batchSize: Math.max(64, window + 32),
      threads: 1,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
      flashAttention: false,
    });
    const seq = ctx.getSequence();
    const weights = loadNonFfnWeights(moe.ck, moe.config);
    let maxDiff = 0;
    let maxLogit = 0;
    let compared = 0;
    let nearTies = 0;
    for (let start = 0; start < tokens.length; start += window) {
      const chunk = tokens.slice(start, start + window);
      await seq.clearHistory();
      const out = await seq.controlledEvaluate(
        chunk.map((t): ControlledEvaluateInputItem => [t as Token, { generateNext: { logits: true } }]),
      );
      let tied = false;
      const engine = moeEngine(weights, moe.layers, chunk.length, (l) => (selected, k, _p, logits, x) => {
        if (nearTie(moe.layers[l]!, selected, k, logits, x, u)) {
          nearTies++;
          tied = true;
        }
      });
      for (let p = 0; p < chunk.length; p++) {
        const ours = engine.forward(chunk[p]!, p);
        // From a near tie on, llama.cpp may have routed this position (and so every later one) differently.
        if (tied) continue;
        const theirs = out[p]?.next?.logits;
        if (!theirs) throw new Error(`llama.cpp returned no logits at position ${start + p}`);
        for (const [tok, v] of theirs) {
          maxDiff = Math.max(maxDiff, Math.abs(v - ours[tok]!));
          maxLogit = Math.max(maxLogit, Math.abs(ours[tok]!));
        }
        compared++;
      }
    }
    await ctx.dispose();
    await model.dispose();
    // llama.cpp's CPU matmuls round the activations to the weights' type (F16/BF16), so 16-bit exports agree
    // less closely than F32 ones: relative tolerance 1e-3 (F32), 1e-2 (F16), 3e-2 (BF16; 8-bit mantissa).
    const rel = dtype === "BF16" ? 3e-2 : dtype === "F16" ? 1e-2 : 1e-3;
    const details: string[] = [];
    if (dtype !== "F32")
      details.push(`${dtype} weights: llama.cpp rounds activations to ${dtype}; tolerance ${rel} relative`);
    if (nearTies > 0)
      details.push(
        `${nearTies} routing decision(s) within rounding distance of a tie; ${compared} of ${tokens.length} tokens compared (those before the first near tie of each ${window}-token window)`,
      );
    return {
      tokens: tokens.length,
      compared,
      nearTies,
      maxAbsLogitDiff: maxDiff,
      maxAbsLogit: maxLogit,
      // Comparing nothing proves nothing: at least a quarter of the tokens must be compared.
      ok: maxDiff <= rel * Math.max(1, maxLogit) && compared * 4 >= tokens.length,
      ...(details.length ? { detail: details.join("; ") } : {}),
    };
  } finally {
    await llama.dispose();
  }
}
