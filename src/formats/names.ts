/**
 * Tensor names of the LLaMA architecture in the two naming schemes we use (Hugging Face and GGUF/llama.cpp),
 * translation between them, and the q/k row permutation between RoPE layouts.
 *
 * RoPE layouts: "interleaved" (llama2.c, Meta, GGUF/llama.cpp) rotates adjacent pairs (2i, 2i+1) of each head;
 * "halves" (Hugging Face transformers) rotates (i, i + head_dim/2). Both use frequency theta^(-2i/head_dim) for
 * pair i. A checkpoint converted between the two must permute the rows of q_proj and k_proj within each head.
 */

export type Naming = "hf" | "gguf";
export type RopeLayout = "interleaved" | "halves";

export interface LlamaLayerNames {
  attnNorm: string;
  wq: string;
  wk: string;
  wv: string;
  wo: string;
  ffnNorm: string;
  wGate: string;
  wUp: string;
  wDown: string;
}

export interface LlamaNames {
  embed: string;
  finalNorm: string;
  output: string;
  layer(l: number): LlamaLayerNames;
}

export function llamaNames(naming: Naming): LlamaNames {
  if (naming === "hf") {
    return {
      embed: "model.embed_tokens.weight",
      finalNorm: "model.norm.weight",
      output: "lm_head.weight",
      layer: (l) => ({
        attnNorm: `model.layers.${l}.input_layernorm.weight`,
        wq: `model.layers.${l}.self_attn.q_proj.weight`,
        wk: `model.layers.${l}.self_attn.k_proj.weight`,
        wv: `model.layers.${l}.self_attn.v_proj.weight`,
        wo: `model.layers.${l}.self_attn.o_proj.weight`,
        ffnNorm: `model.layers.${l}.post_attention_layernorm.weight`,
        wGate: `model.layers.${l}.mlp.gate_proj.weight`,
        wUp: `model.layers.${l}.mlp.up_proj.weight`,
        wDown: `model.layers.${l}.mlp.down_proj.weight`,
      }),
    };
  }
  return {
    embed: "token_embd.weight",
    finalNorm: "output_norm.weight",
    output: "output.weight",
    layer: (l) => ({
      attnNorm: `blk.${l}.attn_norm.weight`,
      wq: `blk.${l}.attn_q.weight`,
      wk: `blk.${l}.attn_k.weight`,
      wv: `blk.${l}.attn_v.weight`,
      wo: `blk.${l}.attn_output.weight`,
      ffnNorm: `blk.${l}.ffn_norm.weight`,
      wGate: `blk.${l}.ffn_gate.weight`,
      wUp: `blk.${l}.ffn_up.weight`,
      wDown: `blk.${l}.ffn_down.weight`,
    }),
  };
}

/** HF name pattern ↔ GGUF name pattern; `{l}` is the layer index. Extend here for new tensor kinds. */
export const HF_GGUF_NAME_PAIRS: readonly [string, string][] = (() => {
  const hf = llamaNames("hf");
  const gg = llamaNames("gguf");
  const pairs: [string, string][] = [
    [hf.embed, gg.embed],
    [hf.finalNorm, gg.finalNorm],
    [hf.output, gg.output],
  ];
  const hl = hf.layer(-1);
  const gl = gg.layer(-1);
  for (const key of Object.keys(hl) as (keyof LlamaLayerNames)[]) {
    pairs.push([hl[key].replace("-1", "{l}"), gl[key].replace("-1", "{l}")]);
  }
  return pairs;
})();

function translate(name: string, from: 0 | 1): string | undefined {
  for (const pair of HF_GGUF_NAME_PAIRS) {
    const src = pair[from];
    const dst = pair[from === 0 ? 1 : 0];
    if (!src.includes("{l}")) {
      if (src === name) return dst;
      continue;
    }
    const [pre, post] = src.split("{l}") as [string, string];
    if (name.startsWith(pre) && name.endsWith(post)) {
      const mid = name.slice(pre.length, name.length - post.length);
      if (/^\d+$/.test(mid)) return dst.replace("{l}", mid);
    }
  }
  return undefined;
}

export function hfToGgufName(name: string): string | undefined {
  return translate(name, 0);
}
export function ggufToHfName(name: string): string | undefined {
  return translate(name, 1);
}

/**
 * Reorder the rows of a q or k projection between RoPE layouts, on raw bytes (any element type; no
 * conversion). `raw` holds `heads * headDim` rows of `rowBytes` bytes each.
 * interleaved row 2j+c of a head ↔ halves row c·headDim/2 + j  (c ∈ {0, 1}, j < headDim/2).
 */
export function permuteRopeRows(
  raw: Uint8Array,
  heads: number,
  headDim: number,
  rowBytes: number,
  from: RopeLayout,
  to: RopeLayout,
): Uint8Array {
  if (from === to) return raw;
  if (raw.byteLength !== heads * headDim * rowBytes) {
    throw new Error(
      `RoPE permutation: ${raw.byteLength} bytes is not ${heads} heads × ${headDim} rows × ${rowBytes} bytes`,
    );
  }
  const out = new Uint8Array(raw.byteLength);
  permuteRopeInto(raw, out, headDim, rowBytes, from);
  return out;
}

/**
 * The same permutation written into `out` (no allocation; `raw` holds whole heads), for callers that
 * stream a tensor a few heads at a time. `from` is the layout of `raw`; `out` gets the other one.
 */
export function permuteRopeInto(
  raw: Uint8Array,
  out: Uint8Array,
  headDim: number,
  rowBytes: number,
  from: RopeLayout,
): void {
  const half = headDim / 2;
  const heads = raw.byteLength / (headDim * rowBytes);
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < half; j++) {
      for (let c = 0; c < 2; c++) {
        const inter = h * headDim + 2 * j + c;
        const halves = h * headDim + c * half + j;
        const src = from === "interleaved" ? inter : halves;
        const dst = from === "interleaved" ? halves : inter;
        out.set(raw.subarray(src * rowBytes, (src + 1) * rowBytes), dst * rowBytes);
      }
    }
  }
}
