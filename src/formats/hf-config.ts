/**
 * LLaMA-family model configuration: one normalised shape shared by every format, plus reading and writing
 * Hugging Face `config.json`.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../util/errors.js";

/** Normalised LLaMA architecture hyper-parameters (names are ours; HF names in comments). */
export interface LlamaConfig {
  /** hidden_size */
  hiddenSize: number;
  /** intermediate_size (FFN width) */
  intermediateSize: number;
  /** num_hidden_layers */
  numLayers: number;
  /** num_attention_heads */
  numHeads: number;
  /** num_key_value_heads (= numHeads without grouped-query attention) */
  numKvHeads: number;
  /** head_dim (default hidden_size / num_attention_heads) */
  headDim: number;
  vocabSize: number;
  /** max_position_embeddings */
  maxSeqLen: number;
  rmsNormEps: number;
  ropeTheta: number;
  /** lm_head shares the token embedding matrix */
  tieWordEmbeddings: boolean;
  bosTokenId?: number;
  eosTokenId?: number;
  /** model_type as found (e.g. "llama", "mistral"); informational */
  modelType: string;
  /** Features of this checkpoint the reference engine and GGUF writer do not implement (e.g. rope_scaling). */
  unsupported?: string[];
  /** The original config.json values of those features, written back by `toHfConfig`. */
  extraHfFields?: Record<string, unknown>;
}

const SUPPORTED_MODEL_TYPES = new Set(["llama", "mistral"]);

/** Read and validate `config.json` of a LLaMA-family Hugging Face model. */
export function readHfConfig(file: string): LlamaConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseHfConfig(file, json);
}

export function parseHfConfig(file: string, json: unknown): LlamaConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(`${file}: config must be a JSON object`);
  }
  const c = json as Record<string, unknown>;
  const modelType = typeof c.model_type === "string" ? c.model_type : "";
  const archs = Array.isArray(c.architectures) ? c.architectures.filter((a) => typeof a === "string") : [];
  if (modelType === "llama_moe")
    throw new UserError(
      `${file}: a LLaMA-MoE checkpoint (model_type "llama_moe"); convert it to GGUF with ` +
        "`assay moe convert <checkpoint> --out model.gguf` (it folds the experts' scale into the weights)",
    );
  if (!SUPPORTED_MODEL_TYPES.has(modelType) && !archs.some((a) => /^(Llama|Mistral)ForCausalLM$/.test(a))) {
    throw new UserError(
      `${file}: model_type ${JSON.stringify(c.model_type)} is not a LLaMA-family model (supported: ${[...SUPPORTED_MODEL_TYPES].join(", ")})`,
    );
  }
  const int = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      throw new UserError(
        `${file}: field "${key}" must be a positive integer (got ${JSON.stringify(c[key])})`,
      );
    }
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new UserError(
        `${file}: field "${key}" must be a positive number (got ${JSON.stringify(c[key])})`,
      );
    }
    return v;
  };
  const hiddenSize = int("hidden_size");
  const numHeads = int("num_attention_heads");
  const numKvHeads = int("num_key_value_heads", numHeads);
  const headDim = c.head_dim === undefined || c.head_dim === null ? hiddenSize / numHeads : int("head_dim");
  if (!Number.isInteger(headDim)) {
    throw new UserError(
      `${file}: hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numHeads}`,
    );
  }
  if (headDim % 2 !== 0) throw new UserError(`${file}: head dimension ${headDim} must be even for RoPE`);
  if (numHeads % numKvHeads !== 0) {
    throw new UserError(
      `${file}: num_attention_heads ${numHeads} is not a multiple of num_key_value_heads ${numKvHeads}`,
    );
  }
  // Variants that the reference engine and the GGUF writer do not implement are recorded, not refused, so
  // such checkpoints can still be inspected and converted between safetensors layouts.
  const unsupported: string[] = [];
  const act = c.hidden_act ?? "silu";
  if (act !== "silu") unsupported.push(`hidden_act ${JSON.stringify(act)} (only "silu")`);
  if (c.attention_bias === true) unsupported.push("attention_bias");
  if (c.mlp_bias === true) unsupported.push("mlp_bias");
  const ropeScaling = c.rope_scaling;
  if (ropeScaling !== undefined && ropeScaling !== null) {
    if (typeof ropeScaling !== "object" || Array.isArray(ropeScaling)) {
      throw new UserError(`${file}: field "rope_scaling" must be an object or null`);
    }
    unsupported.push(`rope_scaling ${JSON.stringify(ropeScaling)}`);
  }
  const optionalId = (key: string): number | undefined => {
    const v = c[key];
    return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  };
  const config: LlamaConfig = {
    hiddenSize,
    intermediateSize: int("intermediate_size"),
    numLayers: int("num_hidden_layers"),
    numHeads,
    numKvHeads,
    headDim,
    vocabSize: int("vocab_size"),
    maxSeqLen: int("max_position_embeddings", 2048),
    rmsNormEps: num("rms_norm_eps", 1e-6),
    ropeTheta: num("rope_theta", 10000),
    tieWordEmbeddings: c.tie_word_embeddings === true,
    modelType: modelType || "llama",
  };
  const bos = optionalId("bos_token_id");
  const eos = optionalId("eos_token_id");
  if (bos !== undefined) config.bosTokenId = bos;
  if (eos !== undefined) config.eosTokenId = eos;
  if (unsupported.length > 0) {
    config.unsupported = unsupported;
    config.extraHfFields = Object.fromEntries(
      ["hidden_act", "attention_bias", "mlp_bias", "rope_scaling"]
        .filter((k) => c[k] !== undefined)
        .map((k) => [k, c[k]]),
    );
  }
  return config;
}

/** Throw a UserError when the configuration uses features `what` cannot handle. */
export function requireSupported(config: LlamaConfig, where: string, what: string): void {
  if (config.unsupported && config.unsupported.length > 0) {
    throw new UserError(`${where}: ${what} does not support ${config.unsupported.join(", ")}`);
  }
}

/** The `config.json` object transformers' LlamaForCausalLM expects for this configuration. */
export function toHfConfig(
  config: LlamaConfig,
  torchDtype: "float32" | "float16" | "bfloat16",
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: config.hiddenSize,
    intermediate_size: config.intermediateSize,
    num_hidden_layers: config.numLayers,
    num_attention_heads: config.numHeads,
    num_key_value_heads: config.numKvHeads,
    head_dim: config.headDim,
    hidden_act: "silu",
    max_position_embeddings: config.maxSeqLen,
    rms_norm_eps: config.rmsNormEps,
    rope_theta: config.ropeTheta,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    vocab_size: config.vocabSize,
    tie_word_embeddings: config.tieWordEmbeddings,
    torch_dtype: torchDtype,
  };
  if (config.bosTokenId !== undefined) out.bos_token_id = config.bosTokenId;
  if (config.eosTokenId !== undefined) out.eos_token_id = config.eosTokenId;
  return { ...out, ...config.extraHfFields };
}
