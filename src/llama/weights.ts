/** LLaMA weights as float32 arrays, loaded tensor by tensor from any checkpoint, or created at random. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Checkpoint } from "../formats/checkpoint.js";
import { encodeFromF32, type FloatDType } from "../formats/dtype.js";
import { type LlamaConfig, requireSupported, toHfConfig } from "../formats/hf-config.js";
import type { RopeLayout } from "../formats/names.js";
import { permuteRopeRows } from "../formats/names.js";
import { writeSafetensors } from "../formats/safetensors.js";
import { UserError } from "../util/errors.js";
import { Llama2cRandom } from "./sampler.js";

export interface LayerWeights {
  attnNorm: Float32Array; // [dim]
  wq: Float32Array; // [heads·headDim, dim]
  wk: Float32Array; // [kvHeads·headDim, dim]
  wv: Float32Array; // [kvHeads·headDim, dim]
  wo: Float32Array; // [dim, heads·headDim]
  ffnNorm: Float32Array; // [dim]
  wGate: Float32Array; // [hidden, dim]
  wUp: Float32Array; // [hidden, dim]
  wDown: Float32Array; // [dim, hidden]
}

export interface LlamaWeights {
  config: LlamaConfig;
  /** How q/k rows pair up for RoPE (see src/formats/names.ts). */
  ropeLayout: RopeLayout;
  embed: Float32Array; // [vocab, dim]
  layers: LayerWeights[];
  finalNorm: Float32Array; // [dim]
  /** lm_head [vocab, dim]; the same array as `embed` when tied. */
  output: Float32Array;
}

/** Load every LLaMA tensor of a checkpoint as float32, checking shapes against its configuration. */
export function loadLlamaWeights(ckpt: Checkpoint): LlamaWeights {
  const config = ckpt.config;
  if (!config || ckpt.architecture !== "llama") {
    throw new UserError(`${ckpt.path}: not a LLaMA-architecture checkpoint with a known configuration`);
  }
  requireSupported(config, ckpt.path, "the reference engine");
  const { hiddenSize: d, intermediateSize: h, numHeads, numKvHeads, headDim, vocabSize } = config;
  const names = ckpt.names;
  const load = (name: string, shape: number[]): Float32Array => {
    const t = ckpt.tensor(name);
    if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
      throw new UserError(
        `${ckpt.path}: tensor "${name}" has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`,
      );
    }
    return ckpt.readF32(name);
  };
  const embed = load(names.embed, [vocabSize, d]);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < config.numLayers; l++) {
    const n = names.layer(l);
    layers.push({
      attnNorm: load(n.attnNorm, [d]),
      wq: load(n.wq, [numHeads * headDim, d]),
      wk: load(n.wk, [numKvHeads * headDim, d]),
      wv: load(n.wv, [numKvHeads * headDim, d]),
      wo: load(n.wo, [d, numHeads * headDim]),
      ffnNorm: load(n.ffnNorm, [d]),
      wGate: load(n.wGate, [h, d]),
      wUp: load(n.wUp, [h, d]),
      wDown: load(n.wDown, [d, h]),
    });
  }
  const finalNorm = load(names.finalNorm, [d]);
  const output = ckpt.has(names.output) ? load(names.output, [vocabSize, d]) : embed;
  return { config, ropeLayout: ckpt.ropeLayout, embed, layers, finalNorm, output };
}

/**
 * A randomly initialised model (seeded): matrices N(0, std²), norm weights around 1. Useful for tests and
 * benchmarks that must not depend on downloaded files.
 */
export function randomLlamaWeights(
  config: LlamaConfig,
  seed = 1,
  std = 0.1,
  ropeLayout: RopeLayout = "halves",
): LlamaWeights {
  const rng = new Llama2cRandom(seed);
  const { hiddenSize: d, intermediateSize: h, numHeads, numKvHeads, headDim, vocabSize } = config;
  const mat = (rows: number, cols: number, scale = std): Float32Array => {
    const a = new Float32Array(rows * cols);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
    return a;
  };
  const norm = (): Float32Array => {
    const a = new Float32Array(d);
    for (let i = 0; i < d; i++) a[i] = 1 + 0.1 * rng.normal();
    return a;
  };
  const embed = mat(vocabSize, d, 1);
  const layers: LayerWeights[] = [];
  for (let l = 0; l < config.numLayers; l++) {
    layers.push({
      attnNorm: norm(),
      wq: mat(numHeads * headDim, d),
      wk: mat(numKvHeads * headDim, d),
      wv: mat(numKvHeads * headDim, d),
      wo: mat(d, numHeads * headDim),
      ffnNorm: norm(),
      wGate: mat(h, d),
      wUp: mat(h, d),
      wDown: mat(d, h),
    });
  }
  const finalNorm = norm();
  const output = config.tieWordEmbeddings ? embed : mat(vocabSize, d);
  return { config, ropeLayout, embed, layers, finalNorm, output };
}

/** Tensors of a weight set under Hugging Face names, row-major shapes (for writing with our writers). */
export function hfTensors(w: LlamaWeights): { name: string; shape: number[]; data: Float32Array }[] {
  const { hiddenSize: d, intermediateSize: h, numHeads, numKvHeads, headDim, vocabSize } = w.config;
  const out: { name: string; shape: number[]; data: Float32Array }[] = [
    { name: "model.embed_tokens.weight", shape: [vocabSize, d], data: w.embed },
  ];
  w.layers.forEach((L, l) => {
    const p = `model.layers.${l}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [d], data: L.attnNorm },
      { name: `${p}.self_attn.q_proj.weight`, shape: [numHeads * headDim, d], data: L.wq },
      { name: `${p}.self_attn.k_proj.weight`, shape: [numKvHeads * headDim, d], data: L.wk },
      { name: `${p}.self_attn.v_proj.weight`, shape: [numKvHeads * headDim, d], data: L.wv },
      { name: `${p}.self_attn.o_proj.weight`, shape: [d, numHeads * headDim], data: L.wo },
      { name: `${p}.post_attention_layernorm.weight`, shape: [d], data: L.ffnNorm },
      { name: `${p}.mlp.gate_proj.weight`, shape: [h, d], data: L.wGate },
      { name: `${p}.mlp.up_proj.weight`, shape: [h, d], data: L.wUp },
      { name: `${p}.mlp.down_proj.weight`, shape: [d, h], data: L.wDown },
    );
  });
  out.push({ name: "model.norm.weight", shape: [d], data: w.finalNorm });
  if (w.output !== w.embed) out.push({ name: "lm_head.weight", shape: [vocabSize, d], data: w.output });
  return out;
}

/**
 * Write weights as a Hugging Face model folder (config.json + model.safetensors). Weights held in the
 * interleaved RoPE layout are permuted to HF's "halves" layout on the way out.
 */
export function saveHfModel(dir: string, w: LlamaWeights, dtype: FloatDType = "F32"): void {
  mkdirSync(dir, { recursive: true });
  const { numHeads, numKvHeads, headDim, hiddenSize } = w.config;
  const tensors = hfTensors(w).map((t) => {
    let data = encodeFromF32(t.data, dtype);
    const heads = t.name.endsWith("q_proj.weight")
      ? numHeads
      : t.name.endsWith("k_proj.weight")
        ? numKvHeads
        : 0;
    if (heads > 0 && w.ropeLayout !== "halves") {
      data = permuteRopeRows(
        data,
        heads,
        headDim,
        hiddenSize * (dtype === "F32" ? 4 : 2),
        w.ropeLayout,
        "halves",
      );
    }
    return { name: t.name, dtype, shape: t.shape, data };
  });
  writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
  const torch = dtype === "F32" ? "float32" : dtype === "F16" ? "float16" : "bfloat16";
  writeFileSync(join(dir, "config.json"), `${JSON.stringify(toHfConfig(w.config, torch), null, 2)}\n`);
}
