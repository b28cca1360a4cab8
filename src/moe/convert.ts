/**
 * `assay moe convert`: a LLaMA-MoE checkpoint whose experts no longer are slices of a dense model (a
 * checkpoint written by `assay moe train`, or a fitted export) → GGUF that llama.cpp runs. `build --format
 * gguf` slices the dense model; this reads the trained experts and gates as they are. llama.cpp's MoE has no
 * scale factor, so each layer's `score_scale_factor` is folded into its down projections (as `build` does);
 * its routing (softmax over all logits, top k, renormalised) equals LLaMA-MoE's softmax over the top k.
 */

import { existsSync } from "node:fs";
import { openCheckpoint } from "../formats/checkpoint.js";
import { llamaGgufMetadata } from "../formats/convert.js";
import { planTokenizer } from "../formats/convert-tokenizer.js";
import { encodeFromF32, type FloatDType } from "../formats/dtype.js";
import { type GgufMetaValue, GgufWriter, gguf } from "../formats/gguf.js";
import { UserError } from "../util/errors.js";
import { denseTensors, GGUF_SPLIT_KEY } from "./build.js";
import type { OutTensor } from "./build-steps.js";
import { openMoe } from "./model.js";

export interface ConvertOptions {
  /** A checkpoint whose tokenizer the GGUF gets (default: the dense model recorded in config.json, if present). */
  tokenizerFrom?: string;
  /** Storage type of the expert matrices (default: the checkpoint's). */
  dtype?: FloatDType;
  name?: string;
}

export interface ConvertResult {
  out: string;
  experts: number;
  topK: number;
  expertSize: number;
  dtype: FloatDType;
  scale: number[];
  tensors: number;
  tokenizer: string;
  notes: string[];
}

export function moeToGguf(dir: string, out: string, opts: ConvertOptions = {}): ConvertResult {
  const moe = openMoe(dir);
  try {
    if (moe.format !== "llama-moe")
      throw new UserError(`${dir}: not a LLaMA-MoE checkpoint (convert reads the llama_moe layout)`);
    const cfg = moe.hfConfig!;
    if (cfg.model_type !== "llama_moe")
      throw new UserError(`${dir}: residual experts (llama_moe_residual) have no GGUF equivalent`);
    const { config } = moe;
    const L = config.numLayers;
    const d = config.hiddenSize;
    // Checked from the header and config alone: the weights are read once, layer by layer, when written.
    const E = cfg.num_experts as number;
    const topK = cfg.num_selects as number;
    const expertName = (l: number, j: number) => `model.layers.${l}.mlp.calculator.experts.weight_gate.${j}`;
    const m = moe.ck.tensor(expertName(0, 0)).shape[0]!;
    const sf = cfg.score_scale_factor ?? 1;
    const scale = Array.from({ length: L }, (_, l) => (Array.isArray(sf) ? Number(sf[l]) : Number(sf)));
    for (let l = 0; l < L; l++) {
      if (moe.gateNames[l]!.length !== 1)
        throw new UserError(`${dir}: layer ${l} has an mlp gate; GGUF holds only a linear gate`);
      for (let j = 0; j < E; j++)
        if (moe.ck.tensor(expertName(l, j)).shape[0] !== m)
          throw new UserError(`${dir}: layer ${l} has unequal experts; GGUF needs every expert of size ${m}`);
    }
    const upName = "model.layers.0.mlp.calculator.experts.weight_up.0";
    const dtype = opts.dtype ?? (moe.ck.tensor(upName).dtype as FloatDType);
    const tensors: OutTensor[] = denseTensors(moe.ck, "gguf", "interleaved", "gguf", (n) =>
      n.includes(".mlp."),
    );
    for (let l = 0; l < L; l++) tensors.push(...layerTensors(l));

    const notes: string[] = [];
    const recorded = (cfg.assay_moe as { source?: unknown } | undefined)?.source;
    const tokSource =
      opts.tokenizerFrom ?? (typeof recorded === "string" && existsSync(recorded) ? recorded : undefined);
    let tokenizer: Map<string, GgufMetaValue> = new Map();
    if (tokSource) {
      const src = openCheckpoint(tokSource);
      try {
        const plan = planTokenizer(src, { to: "gguf" });
        notes.push(...plan.notes);
        if (plan.ggufKeys) tokenizer = plan.ggufKeys;
      } finally {
        src.close();
      }
    } else notes.push("no tokenizer source (--tokenizer-from): the placeholder vocabulary is written");
    const meta = llamaGgufMetadata(
      { ...config, intermediateSize: m },
      {
        name: opts.name ?? "assay-moe-trained",
        fileType: dtype === "F32" ? 0 : dtype === "F16" ? 1 : 32,
        tokenizer,
      },
    );
    meta.set("llama.expert_count", gguf.u32(E));
    meta.set("llama.expert_used_count", gguf.u32(topK));
    meta.set("assay.moe.scale_factor", gguf.arr("f32", scale));
    if (moe.split) meta.set(GGUF_SPLIT_KEY, gguf.str(JSON.stringify(moe.split)));

    const writer = new GgufWriter(out, meta, tensors);
    try {
      for (const t of tensors) t.produce((b) => writer.write(b));
      writer.close();
    } catch (err) {
      writer.abort();
      throw err;
    }
    return {
      out,
      experts: E,
      topK,
      expertSize: m,
      dtype,
      scale,
      tensors: tensors.length,
      tokenizer: tokSource ?? "placeholder",
      notes,
    };

    /** Gate (F32, as llama.cpp wants it) and the three stacked expert tensors, one layer read at a time. */
    function layerTensors(l: number): OutTensor[] {
      let cached: ReturnType<typeof moe.layer> | undefined;
      const layer = () => {
        cached ??= moe.layer(l);
        return cached;
      };
      const stacked = (part: "gate" | "up" | "down"): Uint8Array => {
        const { experts } = layer();
        const out = new Float32Array(E * m * d);
        const f = part === "down" ? scale[l]! : 1;
        experts.forEach((e, j) => {
          const src = e[part];
          for (let i = 0; i < src.length; i++) out[j * m * d + i] = src[i]! * f;
        });
        if (part === "down") cached = undefined; // the last of the four tensors: free the layer
        return encodeFromF32(out, dtype);
      };
      return [
        {
          name: `blk.${l}.ffn_gate_inp.weight`,
          dtype: "F32",
          shape: [E, d],
          produce: (emit) => emit(encodeFromF32((layer().gate as { w: Float32Array }).w, "F32")),
        },
        {
          name: `blk.${l}.ffn_gate_exps.weight`,
          dtype,
          shape: [E, m, d],
          produce: (e) => e(stacked("gate")),
        },
        { name: `blk.${l}.ffn_up_exps.weight`, dtype, shape: [E, m, d], produce: (e) => e(stacked("up")) },
        {
          name: `blk.${l}.ffn_down_exps.weight`,
          dtype,
          shape: [E, d, m],
          produce: (e) => e(stacked("down")),
        },
      ];
    }
  } finally {
    moe.ck.close();
  }
}
