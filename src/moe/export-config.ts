/** config.json of the Hugging Face exports: LLaMA-MoE (incl. residual) and Mixtral. */
import type { FloatDType } from "../formats/dtype.js";
import { type LlamaConfig, toHfConfig } from "../formats/hf-config.js";
import type { GateInit, GateNetwork } from "./gate-init.js";
import { equalExpertSizes, type MoeSplit } from "./split.js";

export interface ExportInfo {
  config: LlamaConfig;
  split: MoeSplit;
  topK: number;
  gateInit: GateInit;
  gateNetwork: GateNetwork;
  gateSeed: number;
  /** Score scale factor per layer. */
  scale: number[];
  residualScale?: number;
  matrixDtype: FloatDType;
  source: string;
}

function torchDtype(d: FloatDType): "float32" | "float16" | "bfloat16" {
  return d === "F32" ? "float32" : d === "F16" ? "float16" : "bfloat16";
}

function assayInfo(x: ExportInfo): Record<string, unknown> {
  return {
    method: x.split.method,
    variant: x.split.variant,
    seed: x.split.seed,
    gate_init: x.gateInit,
    gate_seed: x.gateSeed,
    scale_factor: x.scale,
    source: x.source,
  };
}

/**
 * The fields LLaMA-MoE's modelling code reads (names and defaults as in the released checkpoints'
 * configuration), plus `assay_moe` with how the export was made.
 */
export function llamaMoeConfig(x: ExportInfo): Record<string, unknown> {
  const { split, scale } = x;
  const E = split.numExperts;
  const R = split.numResidual;
  const sizes = split.layers.map((L) => L.experts.map((e) => e.length));
  const moeWidth = sizes[0]!.reduce((a, b) => a + b, 0);
  const sf = scale.every((s) => s === scale[0]) ? scale[0] : scale;
  const cfg: Record<string, unknown> = {
    ...toHfConfig(x.config, torchDtype(x.matrixDtype)),
    architectures: [R > 0 ? "LlamaMoEResidualForCausalLM" : "LlamaMoEForCausalLM"],
    model_type: R > 0 ? "llama_moe_residual" : "llama_moe",
    num_experts: E,
    num_selects: x.topK,
    size_experts: sizes,
    gate_type: "TopKBalancedNoisyGate",
    gate_network: x.gateNetwork,
    gate_use_softmax: true,
    gate_use_balance: true,
    gate_balance_loss_weight: 0.01,
    gate_add_noise: true,
    gate_noise_epsilon: 0.01,
    calculator_type: "UniversalCalculator",
    multiply_gate_scores: true,
    score_scale_factor: sf,
    add_weight_norm: false,
    drop_tokens: true,
    dropped_padding: "zero",
    capacity_factor: 1.25,
  };
  if (R > 0) {
    const resSizes = split.layers.map((L) => (L.residual ?? []).map((e) => e.length));
    const resWidth = resSizes[0]!.reduce((a, b) => a + b, 0);
    Object.assign(cfg, {
      num_experts_residual: R,
      size_experts_residual: resSizes,
      intermediate_size_moe: moeWidth,
      intermediate_size_residual: resWidth,
      intermediate_size: moeWidth + resWidth,
      score_scale_factor_residual: x.residualScale ?? R,
      use_weighting: false,
    });
  } else {
    cfg.intermediate_size = moeWidth;
    cfg.auto_map = {
      AutoConfig: "configuration_llama_moe.LlamaMoEConfig",
      AutoModel: "modeling_llama_moe_hf.LlamaMoEModel",
      AutoModelForCausalLM: "modeling_llama_moe_hf.LlamaMoEForCausalLM",
    };
  }
  cfg.assay_moe = assayInfo(x);
  return cfg;
}

/** transformers' MixtralForCausalLM configuration (one expert width; the scale is folded into w2). */
export function mixtralConfig(x: ExportInfo): Record<string, unknown> {
  return {
    ...toHfConfig(x.config, torchDtype(x.matrixDtype)),
    architectures: ["MixtralForCausalLM"],
    model_type: "mixtral",
    intermediate_size: equalExpertSizes(x.split),
    num_local_experts: x.split.numExperts,
    num_experts_per_tok: x.topK,
    router_aux_loss_coef: 0.02,
    output_router_logits: false,
    sliding_window: null,
    assay_moe: { ...assayInfo(x), scale_folded_into_w2: true },
  };
}
