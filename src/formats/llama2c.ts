/**
 * llama2.c legacy ("version 0") checkpoints, as written by llama2.c's export.py `legacy_export` and read by
 * run.c: a header of seven little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 * seq_len), then float32 arrays, each stacked over layers:
 *   token_embedding [vocab, dim], rms_att [L, dim], wq [L, dim, dim], wk [L, kv_dim, dim], wv [L, kv_dim, dim],
 *   wo [L, dim, dim], rms_ffn [L, dim], w1 [L, hidden, dim], w2 [L, dim, hidden], w3 [L, hidden, dim],
 *   rms_final [dim], freq_cis_real [seq_len, head/2], freq_cis_imag [seq_len, head/2], then wcls [vocab, dim]
 *   only when vocab_size is negative (a negative size signals an unshared classifier).
 * Tensors are exposed under Hugging Face names (mapping below). The q/k rows stay in llama2.c's interleaved
 * RoPE layout (pairs of adjacent rows rotate together), so callers must honour `ropeLayout: "interleaved"`.
 * The two freq_cis tables are not exposed: run.c ignores them and recomputes RoPE.
 */
import { closeSync, fstatSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { readExactly } from "./file.js";
import type { LlamaConfig } from "./hf-config.js";
import { openOrThrow, type StoredTensor } from "./safetensors.js";

export const LLAMA2C_HEADER_BYTES = 28;

export interface Llama2cFile {
  file: string;
  config: LlamaConfig;
  sharedClassifier: boolean;
  tensors: StoredTensor[];
}

/** llama2.c array → HF tensor name (per layer where `{l}` appears). */
export const LLAMA2C_TO_HF: readonly [string, string][] = [
  ["token_embedding_table", "model.embed_tokens.weight"],
  ["rms_att_weight", "model.layers.{l}.input_layernorm.weight"],
  ["wq", "model.layers.{l}.self_attn.q_proj.weight"],
  ["wk", "model.layers.{l}.self_attn.k_proj.weight"],
  ["wv", "model.layers.{l}.self_attn.v_proj.weight"],
  ["wo", "model.layers.{l}.self_attn.o_proj.weight"],
  ["rms_ffn_weight", "model.layers.{l}.post_attention_layernorm.weight"],
  ["w1", "model.layers.{l}.mlp.gate_proj.weight"],
  ["w2", "model.layers.{l}.mlp.down_proj.weight"],
  ["w3", "model.layers.{l}.mlp.up_proj.weight"],
  ["rms_final_weight", "model.norm.weight"],
  ["wcls", "lm_head.weight"],
];

export function readLlama2c(file: string): Llama2cFile {
  const fd = openOrThrow(file);
  try {
    const size = fstatSync(fd).size;
    if (size < LLAMA2C_HEADER_BYTES) {
      throw new UserError(
        `${file}: truncated llama2.c checkpoint (${size} bytes; the header needs ${LLAMA2C_HEADER_BYTES})`,
      );
    }
    const head = readExactly(fd, 0, LLAMA2C_HEADER_BYTES, file);
    if (head.readUInt32LE(0) === 0x616b3432) {
      throw new UserError(
        `${file}: llama2.c export version ${head.readInt32LE(4)} is not supported; export with --version 0 (legacy)`,
      );
    }
    const names = [
      "dim",
      "hidden_dim",
      "n_layers",
      "n_heads",
      "n_kv_heads",
      "vocab_size",
      "seq_len",
    ] as const;
    const v = names.map((_, i) => head.readInt32LE(i * 4));
    const [dim, hidden, layers, heads, kvHeads, vocabSigned, seqLen] = v as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const vocab = Math.abs(vocabSigned);
    for (const [i, n] of names.entries()) {
      const val = i === 5 ? vocab : v[i]!;
      if (val <= 0 || val > 1 << 24)
        throw new UserError(`${file}: header field ${n} = ${v[i]} is not plausible`);
    }
    if (dim % heads !== 0) throw new UserError(`${file}: dim ${dim} is not divisible by n_heads ${heads}`);
    if (heads % kvHeads !== 0)
      throw new UserError(`${file}: n_heads ${heads} is not a multiple of n_kv_heads ${kvHeads}`);
    const headDim = dim / heads;
    if (headDim % 2 !== 0) throw new UserError(`${file}: head size ${headDim} must be even for RoPE`);
    const kvDim = kvHeads * headDim;
    const shared = vocabSigned > 0;
    const tensors: StoredTensor[] = [];
    let offset = LLAMA2C_HEADER_BYTES;
    const stacked = (hfName: string, perLayer: number[], count: number): void => {
      const elems = perLayer.reduce((a, b) => a * b, 1);
      for (let l = 0; l < count; l++) {
        tensors.push({
          name: hfName.replace("{l}", String(l)),
          dtype: "F32",
          shape: perLayer,
          byteOffset: offset,
          byteLength: elems * 4,
        });
        offset += elems * 4;
      }
    };
    const hf = new Map(LLAMA2C_TO_HF);
    stacked(hf.get("token_embedding_table")!, [vocab, dim], 1);
    stacked(hf.get("rms_att_weight")!, [dim], layers);
    stacked(hf.get("wq")!, [dim, dim], layers);
    stacked(hf.get("wk")!, [kvDim, dim], layers);
    stacked(hf.get("wv")!, [kvDim, dim], layers);
    stacked(hf.get("wo")!, [dim, dim], layers);
    stacked(hf.get("rms_ffn_weight")!, [dim], layers);
    stacked(hf.get("w1")!, [hidden, dim], layers);
    stacked(hf.get("w2")!, [dim, hidden], layers);
    stacked(hf.get("w3")!, [hidden, dim], layers);
    stacked(hf.get("rms_final_weight")!, [dim], 1);
    offset += 2 * seqLen * (headDim / 2) * 4; // freq_cis_real, freq_cis_imag
    if (!shared) stacked(hf.get("wcls")!, [vocab, dim], 1);
    if (offset !== size) {
      throw new UserError(
        `${file}: size ${size} bytes does not match the header (expected ${offset} for dim ${dim}, ${layers} layers, vocab ${vocabSigned}): truncated or not a llama2.c v0 file`,
      );
    }
    const config: LlamaConfig = {
      hiddenSize: dim,
      intermediateSize: hidden,
      numLayers: layers,
      numHeads: heads,
      numKvHeads: kvHeads,
      headDim,
      vocabSize: vocab,
      maxSeqLen: seqLen,
      rmsNormEps: 1e-5, // hard-coded in run.c's rmsnorm
      ropeTheta: 10000, // hard-coded in run.c
      tieWordEmbeddings: shared,
      bosTokenId: 1,
      eosTokenId: 2,
      modelType: "llama",
    };
    return { file, config, sharedClassifier: shared, tensors };
  } finally {
    closeSync(fd);
  }
}
