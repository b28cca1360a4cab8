/**
 * Open an exported MoE checkpoint (LLaMA-MoE or Mixtral Hugging Face folder, or GGUF with expert tensors) and
 * load it as float32 MoE layers plus the dense (non-FFN) weights the reference engine needs.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Checkpoint, type CheckpointTensor, openCheckpoint } from "../formats/checkpoint.js";
import { metaPlain } from "../formats/gguf.js";
import { type LlamaConfig, parseHfConfig } from "../formats/hf-config.js";
import { readSafetensorsHeader } from "../formats/safetensors.js";
import { LlamaEngine } from "../llama/engine.js";
import type { LayerWeights, LlamaWeights } from "../llama/weights.js";
import { UserError } from "../util/errors.js";
import type { MoeFormat } from "./build.js";
import { GGUF_SPLIT_KEY, SPLIT_FILE } from "./build.js";
import {
  type Expert,
  type GateWeights,
  type MoeLayer,
  moeForward,
  type RoutingObserver,
  scratchFor,
} from "./layer.js";
import { type MoeSplit, validateSplit } from "./split.js";

export interface MoeModel {
  format: MoeFormat;
  path: string;
  ck: Checkpoint;
  config: LlamaConfig;
  /** The raw config.json (HF formats). */
  hfConfig?: Record<string, unknown>;
  numLayers: number;
  /** Load one layer as float32 (not cached: for streaming over large models). */
  layer(l: number): MoeLayer;
  /** Every layer, loaded on first use and kept (small models; what the engine, fit and report use). */
  readonly layers: MoeLayer[];
  /** Scale factor already multiplied into the stored down projections (Mixtral/GGUF; 1 for LLaMA-MoE). */
  foldedScale: number[];
  /** Names of each layer's gate tensor(s), for in-place gate updates. */
  gateNames: string[][];
  split?: MoeSplit;
}

type MoeModelBase = Omit<MoeModel, "numLayers" | "layer" | "layers">;

function moeModel(base: MoeModelBase, loadLayer: (l: number) => MoeLayer): MoeModel {
  let all: MoeLayer[] | undefined;
  return {
    ...base,
    numLayers: base.config.numLayers,
    layer: loadLayer,
    get layers(): MoeLayer[] {
      all ??= Array.from({ length: base.config.numLayers }, (_, l) => loadLayer(l));
      return all;
    },
  };
}

function readJson(file: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(file, "utf8"));
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${file}: cannot read (${(err as Error).message})`);
  }
}

function numbers(v: unknown, L: number, what: string): number[] {
  if (typeof v === "number") return new Array<number>(L).fill(v);
  if (Array.isArray(v) && v.length === L && v.every((x) => typeof x === "number")) return v as number[];
  throw new UserError(`${what} must be a number or one number per layer (${L})`);
}

export function openMoe(path: string): MoeModel {
  if (!existsSync(path)) throw new UserError(`${path}: no such file or directory`);
  if (statSync(path).isDirectory()) return openHfMoe(path);
  const ck = openCheckpoint(path);
  if (ck.format !== "gguf")
    throw new UserError(`${path}: a MoE export is a folder (LLaMA-MoE, Mixtral) or a .gguf file`);
  return openGgufMoe(ck);
}

function openHfMoe(dir: string): MoeModel {
  const cfgFile = join(dir, "config.json");
  if (!existsSync(cfgFile)) throw new UserError(`${dir}: no config.json`);
  const json = readJson(cfgFile);
  const type = json.model_type;
  const format: MoeFormat | undefined =
    type === "llama_moe" || type === "llama_moe_residual"
      ? "llama-moe"
      : type === "mixtral"
        ? "mixtral"
        : undefined;
  if (!format)
    throw new UserError(
      `${cfgFile}: model_type ${JSON.stringify(type)} is not a MoE model (llama_moe, llama_moe_residual or mixtral)`,
    );
  const config = parseHfConfig(cfgFile, {
    ...json,
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
  });
  const file = join(dir, "model.safetensors");
  if (!existsSync(file)) throw new UserError(`${dir}: no model.safetensors`);
  const header = readSafetensorsHeader(file);
  const tensors: CheckpointTensor[] = header.tensors.map((t) => ({ ...t, file }));
  if (!tensors.some((t) => t.name === "lm_head.weight")) config.tieWordEmbeddings = true;
  const ck = new Checkpoint(
    dir,
    "safetensors",
    "llama",
    config,
    "hf",
    "halves",
    tensors,
    new Map(Object.entries(header.metadata)),
  );
  const L = config.numLayers;
  const d = config.hiddenSize;
  const gateNames: string[][] = [];
  let loadLayer: (l: number) => MoeLayer;
  const int = (key: string): number => {
    const v = json[key];
    if (!Number.isSafeInteger(v) || (v as number) < 1)
      throw new UserError(`${cfgFile}: field "${key}" must be a positive integer`);
    return v as number;
  };
  let folded = new Array<number>(L).fill(1);
  if (format === "llama-moe") {
    const E = int("num_experts");
    const k = int("num_selects");
    const scale = numbers(json.score_scale_factor ?? 1, L, `${cfgFile}: field "score_scale_factor"`);
    const R = type === "llama_moe_residual" ? int("num_experts_residual") : 0;
    const resScale =
      typeof json.score_scale_factor_residual === "number" ? json.score_scale_factor_residual : 1;
    const prefix = (l: number): string =>
      R > 0 ? `model.layers.${l}.mlp.moe_layer` : `model.layers.${l}.mlp`;
    for (let l = 0; l < L; l++) {
      const moe = prefix(l);
      gateNames.push(
        ck.has(`${moe}.gate.gate_network.weight`)
          ? [`${moe}.gate.gate_network.weight`]
          : [`${moe}.gate.gate_network.0.weight`, `${moe}.gate.gate_network.2.weight`],
      );
    }
    loadLayer = (l) => {
      const moe = prefix(l);
      const experts = loadExperts(ck, E, (j, p) => `${moe}.calculator.experts.weight_${p}.${j}`, d);
      const residual =
        R > 0
          ? loadExperts(
              ck,
              R,
              (j, p) => `model.layers.${l}.mlp.residual_block.calculator.experts.weight_${p}.${j}`,
              d,
            )
          : [];
      const names = gateNames[l]!;
      const gate: GateWeights =
        names.length === 1
          ? { kind: "linear", w: shaped(ck, names[0]!, [E, d]) }
          : { kind: "mlp", w0: shaped(ck, names[0]!, [E, d]), w2: shaped(ck, names[1]!, [E, E]) };
      return { dim: d, experts, residual, gate, topK: k, scale: scale[l]!, residualScale: resScale };
    };
  } else {
    const E = int("num_local_experts");
    const k = int("num_experts_per_tok");
    const info = json.assay_moe as { scale_factor?: unknown } | undefined;
    if (info?.scale_factor !== undefined)
      folded = numbers(info.scale_factor, L, `${cfgFile}: field "assay_moe.scale_factor"`);
    for (let l = 0; l < L; l++) gateNames.push([`model.layers.${l}.block_sparse_moe.gate.weight`]);
    loadLayer = (l) => {
      const p = `model.layers.${l}.block_sparse_moe`;
      const experts = loadExperts(
        ck,
        E,
        (j, part) => `${p}.experts.${j}.${part === "gate" ? "w1" : part === "up" ? "w3" : "w2"}.weight`,
        d,
      );
      return {
        dim: d,
        experts,
        residual: [],
        gate: { kind: "linear", w: shaped(ck, `${p}.gate.weight`, [E, d]) },
        topK: k,
        scale: 1,
        residualScale: 0,
      };
    };
  }
  const model = moeModel(
    { format, path: dir, ck, config, hfConfig: json, foldedScale: folded, gateNames },
    loadLayer,
  );
  const splitFile = join(dir, SPLIT_FILE);
  if (existsSync(splitFile)) model.split = parseEmbeddedSplit(readFileSync(splitFile, "utf8"), splitFile);
  return model;
}

function parseEmbeddedSplit(text: string, where: string): MoeSplit {
  let split: MoeSplit;
  try {
    split = JSON.parse(text) as MoeSplit;
  } catch (err) {
    throw new UserError(`${where}: split is not valid JSON (${(err as Error).message})`);
  }
  validateSplit(split, where);
  return split;
}

function openGgufMoe(ck: Checkpoint): MoeModel {
  const config = ck.config;
  if (!config || ck.architecture !== "llama")
    throw new UserError(`${ck.path}: not a llama-architecture GGUF`);
  const get = (k: string): unknown => metaPlain(ck.metadata.get(k) as never);
  const E = get("llama.expert_count");
  const k = get("llama.expert_used_count");
  if (typeof E !== "number" || E < 1 || typeof k !== "number")
    throw new UserError(
      `${ck.path}: GGUF has no llama.expert_count / llama.expert_used_count (not a MoE model)`,
    );
  const L = config.numLayers;
  const d = config.hiddenSize;
  const m = config.intermediateSize;
  const sf = get("assay.moe.scale_factor");
  const folded = Array.isArray(sf) ? (sf as number[]) : new Array<number>(L).fill(1);
  const gateNames = Array.from({ length: L }, (_, l) => [`blk.${l}.ffn_gate_inp.weight`]);
  const loadLayer = (l: number): MoeLayer => {
    const stack = (t: string, shape: number[]): Float32Array => shaped(ck, `blk.${l}.${t}.weight`, shape);
    const g = stack("ffn_gate_exps", [E, m, d]);
    const u = stack("ffn_up_exps", [E, m, d]);
    const dn = stack("ffn_down_exps", [E, d, m]);
    const experts: Expert[] = [];
    for (let j = 0; j < E; j++) {
      experts.push({
        size: m,
        gate: g.subarray(j * m * d, (j + 1) * m * d),
        up: u.subarray(j * m * d, (j + 1) * m * d),
        down: dn.subarray(j * d * m, (j + 1) * d * m),
      });
    }
    return {
      dim: d,
      experts,
      residual: [],
      gate: { kind: "linear", w: stack("ffn_gate_inp", [E, d]) },
      topK: k,
      scale: 1,
      residualScale: 0,
    };
  };
  const model = moeModel(
    { format: "gguf", path: ck.path, ck, config, foldedScale: folded, gateNames },
    loadLayer,
  );
  const s = get(GGUF_SPLIT_KEY);
  if (typeof s === "string") model.split = parseEmbeddedSplit(s, `${ck.path} (${GGUF_SPLIT_KEY})`);
  return model;
}

function shaped(ck: Checkpoint, name: string, shape: number[]): Float32Array {
  if (!ck.has(name)) throw new UserError(`${ck.path}: tensor "${name}" not found`);
  const t = ck.tensor(name);
  if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
    throw new UserError(
      `${ck.path}: tensor "${name}" has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`,
    );
  }
  return ck.readF32(name);
}

function loadExperts(
  ck: Checkpoint,
  E: number,
  name: (j: number, part: "gate" | "up" | "down") => string,
  d: number,
): Expert[] {
  const experts: Expert[] = [];
  for (let j = 0; j < E; j++) {
    const gn = name(j, "gate");
    if (!ck.has(gn)) throw new UserError(`${ck.path}: tensor "${gn}" not found`);
    const m = ck.tensor(gn).shape[0]!;
    experts.push({
      size: m,
      gate: shaped(ck, gn, [m, d]),
      up: shaped(ck, name(j, "up"), [m, d]),
      down: shaped(ck, name(j, "down"), [d, m]),
    });
  }
  return experts;
}

/** The non-FFN weights (embedding, attention, norms, output) as the engine's weight set; FFN arrays are empty. */
export function loadNonFfnWeights(ck: Checkpoint, config: LlamaConfig): LlamaWeights {
  const { hiddenSize: d, numHeads, numKvHeads, headDim, vocabSize } = config;
  const names = ck.names;
  const embed = shaped(ck, names.embed, [vocabSize, d]);
  const layers: LayerWeights[] = [];
  const empty = new Float32Array(0);
  for (let l = 0; l < config.numLayers; l++) {
    const n = names.layer(l);
    layers.push({
      attnNorm: shaped(ck, n.attnNorm, [d]),
      wq: shaped(ck, n.wq, [numHeads * headDim, d]),
      wk: shaped(ck, n.wk, [numKvHeads * headDim, d]),
      wv: shaped(ck, n.wv, [numKvHeads * headDim, d]),
      wo: shaped(ck, n.wo, [d, numHeads * headDim]),
      ffnNorm: shaped(ck, n.ffnNorm, [d]),
      wGate: empty,
      wUp: empty,
      wDown: empty,
    });
  }
  const finalNorm = shaped(ck, names.finalNorm, [d]);
  const output = ck.has(names.output) ? shaped(ck, names.output, [vocabSize, d]) : embed;
  return { config, ropeLayout: ck.ropeLayout, embed, layers, finalNorm, output };
}

/** A reference engine whose FFNs are the given MoE layers. */
export function moeEngine(
  weights: LlamaWeights,
  layers: readonly MoeLayer[],
  maxSeqLen?: number,
  observe?: (layer: number) => RoutingObserver | undefined,
): LlamaEngine {
  const scratch = layers.map(scratchFor);
  return new LlamaEngine(weights, {
    ...(maxSeqLen ? { maxSeqLen } : {}),
    ffnOverride: (l, input, out) => {
      moeForward(layers[l]!, input, out, scratch[l]!, observe?.(l));
      return true;
    },
  });
}
