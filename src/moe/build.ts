/**
 * `assay moe build`: slice a dense checkpoint's FFNs into experts following a split, add a gate, and write one
 * of three layouts — LLaMA-MoE (Hugging Face folder), Mixtral (Hugging Face folder) or GGUF (llama.cpp).
 * The output file's header is laid out first; then build-steps.ts streams every tensor in bounded chunks to
 * its place (memory independent of the tensor size), with the writes on a thread of their own overlapping
 * the reads and gathers.
 * The original whole-matrix writer is kept as `reference: true` (tests compare the two byte for byte).
 * Expert slices are stored elements copied unchanged; only the Mixtral/GGUF down projections are multiplied
 * by the scale factor (folded in, exact for powers of two).
 */

import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Checkpoint } from "../formats/checkpoint.js";
import { llamaGgufMetadata } from "../formats/convert.js";
import { planTokenizer } from "../formats/convert-tokenizer.js";
import {
  bytesPerElement,
  decodeToF32,
  encodeFromF32,
  type FloatDType,
  isFloatDType,
} from "../formats/dtype.js";
import { type GgufMetaValue, GgufWriter, gguf } from "../formats/gguf.js";
import { requireSupported } from "../formats/hf-config.js";
import {
  ggufToHfName,
  hfToGgufName,
  type Naming,
  permuteRopeRows,
  type RopeLayout,
} from "../formats/names.js";
import { numElements, SafetensorsWriter } from "../formats/safetensors.js";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import { buildSteps, DEFAULT_CHUNK_BYTES, type OutTensor, type SliceGroup } from "./build-steps.js";
import { type DenseModel, type FfnPart, ffnName } from "./dense.js";
import { type ExportInfo, llamaMoeConfig, mixtralConfig } from "./export-config.js";
import { centroidRows, type GateInit, type GateNetwork, gateRng, initGate } from "./gate-init.js";
import type { GateWeights } from "./layer.js";
import { FfnMatrixReader } from "./source.js";
import { equalExpertSizes, type MoeSplit } from "./split.js";
import { type PositionedFile, positioned, runSteps, SourceFiles, type Step } from "./stream-io.js";

export type MoeFormat = "llama-moe" | "mixtral" | "gguf";
export const MOE_FORMATS: readonly MoeFormat[] = ["llama-moe", "mixtral", "gguf"];

/** File names inside a Hugging Face output folder. */
export const SPLIT_FILE = "moe_split.json";
export const GGUF_SPLIT_KEY = "assay.moe.split";

export interface BuildOptions {
  format: MoeFormat;
  topK: number;
  gate: GateInit;
  gateNetwork: GateNetwork;
  /** score_scale_factor: one value, or one per layer. Default E/k. */
  scale?: number | number[];
  /** Residual experts' scale (LLaMA-MoE residual only); default R so that k = E reproduces the dense FFN. */
  residualScale?: number;
  seed: number;
  name?: string;
  /** Folder holding LLaMA-MoE's configuration/modeling .py files to copy next to the weights. */
  modelingDir?: string;
  progress?: Progress;
  /** Source bytes per streaming step (default 512 KB; tests use tiny chunks to cross every boundary). */
  chunkBytes?: number;
  /**
   * Write on a separate thread, overlapping this thread's reads and gathers (default: for outputs of 64 MB
   * and more; small builds are not worth starting a thread).
   */
  writeThread?: boolean;
  /**
   * Use the original writer: tensors in file order, each source FFN matrix whole in memory. Slower and
   * bigger; kept as the reference the streaming path is tested against.
   */
  reference?: boolean;
}

export interface BuildResult {
  format: MoeFormat;
  out: string;
  files: string[];
  tensors: number;
  bytes: number;
  experts: number;
  topK: number;
  scale: number[];
  sizes: number[][];
}

const MODELING_FILES = ["configuration_llama_moe.py", "modeling_llama_moe_hf.py"];

/** Check a build request against the model and split; every impossible request gets a clear UserError. */
export function checkBuild(dense: DenseModel, split: MoeSplit, opts: BuildOptions): number[] {
  const { config, ck } = dense;
  requireSupported(config, ck.path, "MoE construction");
  if (
    split.intermediateSize !== config.intermediateSize ||
    split.hiddenSize !== config.hiddenSize ||
    split.numLayers !== config.numLayers
  ) {
    throw new UserError(
      `split was computed for hidden ${split.hiddenSize}, FFN width ${split.intermediateSize}, ${split.numLayers} layers; ${ck.path} has ${config.hiddenSize}, ${config.intermediateSize}, ${config.numLayers}`,
    );
  }
  const E = split.numExperts;
  if (!Number.isSafeInteger(opts.topK) || opts.topK < 1 || opts.topK > E) {
    throw new UserError(`--top-k must be between 1 and the number of experts (${E}), got ${opts.topK}`);
  }
  const L = config.numLayers;
  const scale =
    opts.scale === undefined
      ? new Array<number>(L).fill(E / opts.topK)
      : typeof opts.scale === "number"
        ? new Array<number>(L).fill(opts.scale)
        : opts.scale;
  if (scale.length !== L || !scale.every((s) => Number.isFinite(s) && s > 0)) {
    throw new UserError(
      `--scale-factor must be one positive number or ${L} comma-separated positive numbers (one per layer)`,
    );
  }
  if (opts.format !== "llama-moe") {
    const what = opts.format === "mixtral" ? "Mixtral" : "GGUF (llama.cpp)";
    const m = equalExpertSizes(split);
    if (m === undefined) {
      const sizes = [...new Set(split.layers[0]!.experts.map((e) => e.length))].join("/");
      throw new UserError(
        `${what} needs equal-sized experts, but this split has experts of ${sizes} neurons (FFN width ${config.intermediateSize} is not divisible by ${E}); use --format llama-moe, or a number of experts that divides ${config.intermediateSize}`,
      );
    }
    if (split.numResidual > 0) {
      throw new UserError(`${what} has no slot for residual (shared) experts; use --format llama-moe`);
    }
    if (opts.gateNetwork !== "linear") {
      throw new UserError(
        `${what} routers are a single linear layer; use --gate-network linear (the mlp gate is LLaMA-MoE only)`,
      );
    }
  }
  return scale;
}

/**
 * Build the export, streaming in bounded steps: reads and gathers on this thread, writes (for outputs of
 * 64 MB and more) on a write thread. A plain synchronous function (the write thread is waited for with
 * Atomics.wait).
 */
export function buildMoe(dense: DenseModel, split: MoeSplit, out: string, opts: BuildOptions): BuildResult {
  const plan = planBuild(dense, split, out, opts);
  if (opts.reference) plan.writeReference();
  else {
    const { file, src } = plan.openStreaming();
    try {
      const thread = opts.writeThread ?? plan.bytes >= WRITE_THREAD_BYTES;
      runSteps(plan.steps(file, src), file.descriptor(), plan.onStep, thread);
      file.commit();
    } catch (err) {
      file.abort();
      throw err;
    } finally {
      src.close();
    }
  }
  return plan.finish();
}

/** Outputs from this size on are written on a separate thread by `buildMoe`. */
const WRITE_THREAD_BYTES = 64 << 20;

interface BuildPlan {
  tensors: OutTensor[];
  /** Tensor bytes in the output. */
  bytes: number;
  /** The original writer: every tensor's `produce`, in order, through the sequential writer. */
  writeReference(): void;
  /** Create the output file with its header; tensors then go to their positions. */
  openStreaming(): { file: PositionedFile; src: SourceFiles };
  steps(file: PositionedFile, src: SourceFiles): Iterable<Step>;
  onStep(step: Step): void;
  /** Write the files that follow the tensors (config, split, modelling code) and describe the result. */
  finish(): BuildResult;
}

function planBuild(dense: DenseModel, split: MoeSplit, out: string, opts: BuildOptions): BuildPlan {
  const scale = checkBuild(dense, split, opts);
  const { ck, config } = dense;
  const reader = new FfnMatrixReader(ck);
  const streaming = !opts.reference;
  const hf = opts.format !== "gguf";
  const naming: Naming = hf ? "hf" : "gguf";
  const layout: RopeLayout = hf ? "halves" : "interleaved";
  const E = split.numExperts;
  const d = config.hiddenSize;
  const matrixDtype = ck.tensor(ffnName(ck, 0, "up")).dtype as FloatDType;
  const tensors: OutTensor[] = [...denseTensors(ck, naming, layout, opts.format)];
  if (hf && config.tieWordEmbeddings && !ck.has(ck.names.output)) {
    // Tied models also get lm_head (transformers ties it anyway; other loaders find it).
    const embed = ck.names.embed;
    const t = ck.tensor(embed);
    tensors.push({
      name: "lm_head.weight",
      dtype: t.dtype,
      shape: t.shape,
      produce: (emit) => emit(ck.readRaw(embed)),
      stream: { kind: "copy", src: embed },
    });
  }
  for (let l = 0; l < config.numLayers; l++) tensors.push(...layerTensors(l));
  const files: string[] = [];
  let bytes = 0;
  for (const t of tensors) bytes += numElements(t.shape) * bytesPerElement(t.dtype as FloatDType);
  opts.progress?.setTotal(tensors.length);
  if (hf) {
    if (existsSync(out) && !statSync(out).isDirectory())
      throw new UserError(`${out}: exists and is not a folder`);
    mkdirSync(out, { recursive: true });
  }
  const tensorFile = hf ? join(out, "model.safetensors") : out;
  const ggufMeta = (): Map<string, GgufMetaValue> => {
    const m = equalExpertSizes(split)!;
    // The dense model's tokenizer, whatever its format (GGUF keys, or tokenizer.json beside safetensors).
    const tokenizer = planTokenizer(ck, { to: "gguf" }).ggufKeys ?? new Map<string, GgufMetaValue>();
    const fileType = matrixDtype === "F32" ? 0 : matrixDtype === "F16" ? 1 : 32;
    const meta = llamaGgufMetadata(
      { ...config, intermediateSize: m },
      { name: opts.name ?? "assay-moe", fileType, tokenizer },
    );
    meta.set("llama.expert_count", gguf.u32(E));
    meta.set("llama.expert_used_count", gguf.u32(opts.topK));
    meta.set("assay.moe.scale_factor", gguf.arr("f32", scale));
    meta.set("assay.moe.gate_init", gguf.str(opts.gate));
    meta.set(GGUF_SPLIT_KEY, gguf.str(JSON.stringify(split)));
    return meta;
  };
  return {
    tensors,
    bytes,
    writeReference() {
      const writer = hf
        ? new SafetensorsWriter(tensorFile, tensors, { format: "pt" })
        : new GgufWriter(tensorFile, ggufMeta(), tensors);
      try {
        for (const t of tensors) {
          opts.progress?.setDetail(t.name);
          t.produce((b) => writer.write(b));
          opts.progress?.tick();
        }
        writer.close();
      } catch (err) {
        writer.abort();
        throw err;
      }
    },
    openStreaming() {
      const file = hf
        ? positioned(new SafetensorsWriter(tensorFile, tensors, { format: "pt" }))
        : positioned(new GgufWriter(tensorFile, ggufMeta(), tensors));
      return { file, src: new SourceFiles() };
    },
    steps: (file, src) => buildSteps(ck, tensors, file, src, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES),
    onStep(step) {
      if (step.detail !== undefined) opts.progress?.setDetail(step.detail);
      if (step.ticks) opts.progress?.tick(step.ticks);
    },
    finish() {
      files.push(tensorFile);
      if (hf) writeHfFiles();
      return {
        format: opts.format,
        out,
        files,
        tensors: tensors.length,
        bytes,
        experts: E,
        topK: opts.topK,
        scale,
        sizes: split.layers.map((L) => L.experts.map((e) => e.length)),
      };
    },
  };

  function writeHfFiles(): void {
    const info: ExportInfo = {
      config,
      split,
      topK: opts.topK,
      gateInit: opts.gate,
      gateNetwork: opts.gateNetwork,
      gateSeed: opts.seed,
      scale,
      matrixDtype,
      source: ck.path,
    };
    if (opts.residualScale !== undefined) info.residualScale = opts.residualScale;
    const cfg = opts.format === "llama-moe" ? llamaMoeConfig(info) : mixtralConfig(info);
    writeFileSync(join(out, "config.json"), `${JSON.stringify(cfg, null, 2)}\n`);
    files.push(join(out, "config.json"));
    writeFileSync(join(out, SPLIT_FILE), `${JSON.stringify(split)}\n`);
    files.push(join(out, SPLIT_FILE));
    if (opts.modelingDir && opts.format === "llama-moe") {
      for (const f of MODELING_FILES) {
        const src = join(opts.modelingDir, f);
        if (!existsSync(src))
          throw new UserError(`${src}: not found (--modeling-files needs ${MODELING_FILES.join(" and ")})`);
        copyFileSync(src, join(out, f));
        files.push(join(out, f));
      }
    }
  }

  /** Row i of layer l's W_up as float32, read on its own (streaming: no whole matrix in memory). */
  function upRowReader(l: number): (i: number) => Float32Array {
    const name = ffnName(ck, l, "up");
    const t = ck.tensor(name);
    const rb = t.byteLength / t.shape[0]!;
    return (i) => decodeToF32(ck.readRawRange(name, i * rb, rb), t.dtype as FloatDType);
  }

  /** The gate of layer l (computed when its tensor is produced; centroids read W_up rows). */
  function gateOf(l: number): GateWeights {
    const experts = split.layers[l]!.experts;
    return initGate(opts.gateNetwork, opts.gate, E, d, gateRng(opts.seed, l), () => {
      if (streaming) return centroidRows(experts, d, upRowReader(l));
      reader.load(l, "up");
      return centroidRows(experts, d, (i) => reader.rowF32(i));
    });
  }

  function layerTensors(l: number): OutTensor[] {
    const S = split.layers[l]!;
    const res = S.residual ?? [];
    const out: OutTensor[] = [];
    const gateDtype = opts.format === "gguf" ? "F32" : matrixDtype;
    const enc = (v: Float32Array): Uint8Array => encodeFromF32(v, gateDtype as FloatDType);
    const dtypeOf = (p: "gate" | "up" | "down"): string => ck.tensor(ffnName(ck, l, p)).dtype;
    const group = (part: FfnPart, sets: number[][], factor: number, stacked: boolean): SliceGroup => ({
      layer: l,
      part,
      sets,
      factor,
      tensors: [],
      stacked,
    });
    /** Add tensor t to the group that streams it. */
    const member = (g: SliceGroup, t: OutTensor): OutTensor => {
      g.tensors.push(t);
      t.stream = { kind: "slices", group: g };
      return t;
    };
    if (opts.format === "gguf") {
      const m = S.experts[0]!.length;
      out.push({
        name: `blk.${l}.ffn_gate_inp.weight`,
        dtype: "F32",
        shape: [E, d],
        produce: (emit) => emit(enc((gateOf(l) as { w: Float32Array }).w)),
      });
      for (const [part, tname] of [
        ["gate", "ffn_gate_exps"],
        ["up", "ffn_up_exps"],
        ["down", "ffn_down_exps"],
      ] as const) {
        const g = group(part, S.experts, part === "down" ? scale[l]! : 1, true);
        out.push(
          member(g, {
            name: `blk.${l}.${tname}.weight`,
            dtype: dtypeOf(part),
            shape: part === "down" ? [E, d, m] : [E, m, d],
            produce: (emit) => {
              reader.load(l, part);
              for (const e of S.experts) {
                if (part === "down") reader.emitCols(e, emit, scale[l]!);
                else reader.emitRows(e, emit);
              }
            },
          }),
        );
      }
      return out;
    }
    if (opts.format === "mixtral") {
      const p = `model.layers.${l}.block_sparse_moe`;
      out.push({
        name: `${p}.gate.weight`,
        dtype: gateDtype,
        shape: [E, d],
        produce: (emit) => emit(enc((gateOf(l) as { w: Float32Array }).w)),
      });
      for (const [part, w] of [
        ["gate", "w1"],
        ["up", "w3"],
        ["down", "w2"],
      ] as const) {
        const g = group(part, S.experts, part === "down" ? scale[l]! : 1, false);
        S.experts.forEach((e, j) => {
          out.push(
            member(g, {
              name: `${p}.experts.${j}.${w}.weight`,
              dtype: dtypeOf(part),
              shape: part === "down" ? [d, e.length] : [e.length, d],
              produce: (emit) => {
                reader.load(l, part);
                if (part === "down") reader.emitCols(e, emit, scale[l]!);
                else reader.emitRows(e, emit);
              },
            }),
          );
        });
      }
      return out;
    }
    // LLaMA-MoE: calculator experts (ParameterList: no ".weight" suffix), gate network, zero noise weights.
    const moe = res.length > 0 ? `model.layers.${l}.mlp.moe_layer` : `model.layers.${l}.mlp`;
    const sliceTensors = (prefix: string, sets: number[][]): void => {
      for (const part of ["gate", "up", "down"] as const) {
        const g = group(part, sets, 1, false);
        sets.forEach((e, j) => {
          out.push(
            member(g, {
              name: `${prefix}.calculator.experts.weight_${part}.${j}`,
              dtype: dtypeOf(part),
              shape: part === "down" ? [d, e.length] : [e.length, d],
              produce: (emit) => {
                reader.load(l, part);
                if (part === "down") reader.emitCols(e, emit);
                else reader.emitRows(e, emit);
              },
            }),
          );
        });
      }
    };
    sliceTensors(moe, S.experts);
    if (opts.gateNetwork === "linear") {
      out.push({
        name: `${moe}.gate.gate_network.weight`,
        dtype: gateDtype,
        shape: [E, d],
        produce: (emit) => emit(enc((gateOf(l) as { w: Float32Array }).w)),
      });
    } else {
      let cached: GateWeights | undefined;
      const g = (): { w0: Float32Array; w2: Float32Array } => {
        cached ??= gateOf(l);
        return cached as { w0: Float32Array; w2: Float32Array };
      };
      out.push({
        name: `${moe}.gate.gate_network.0.weight`,
        dtype: gateDtype,
        shape: [E, d],
        produce: (emit) => emit(enc(g().w0)),
      });
      out.push({
        name: `${moe}.gate.gate_network.2.weight`,
        dtype: gateDtype,
        shape: [E, E],
        produce: (emit) => emit(enc(g().w2)),
      });
    }
    out.push({
      name: `${moe}.gate.weight_noise.weight`,
      dtype: gateDtype,
      shape: [E, d],
      produce: (emit) => emit(new Uint8Array(E * d * (gateDtype === "F32" ? 4 : 2))),
    });
    if (res.length > 0) {
      const rp = `model.layers.${l}.mlp.residual_block`;
      sliceTensors(rp, res);
      // Residual gate: zero-initialised linear layer → softmax gives 1/R to each residual expert.
      out.push({
        name: `${rp}.gate.gate_network.weight`,
        dtype: gateDtype,
        shape: [res.length, d],
        produce: (emit) => emit(new Uint8Array(res.length * d * (gateDtype === "F32" ? 4 : 2))),
      });
    }
    return out;
  }
}

/** Every non-FFN tensor of the dense model under the target naming, q/k rows permuted when layouts differ
 * (`skip`: further tensors to leave out, e.g. a MoE checkpoint's expert and gate tensors). */
export function denseTensors(
  ck: Checkpoint,
  naming: Naming,
  layout: RopeLayout,
  format: MoeFormat,
  skip?: (name: string) => boolean,
): OutTensor[] {
  const config = ck.config!;
  const ffn = new Set<string>();
  const qk = new Map<string, number>();
  for (let l = 0; l < config.numLayers; l++) {
    const n = ck.names.layer(l);
    ffn.add(n.wGate);
    ffn.add(n.wUp);
    ffn.add(n.wDown);
    qk.set(n.wq, config.numHeads);
    qk.set(n.wk, config.numKvHeads);
  }
  const out: OutTensor[] = [];
  for (const t of ck.tensors) {
    if (ffn.has(t.name) || skip?.(t.name)) continue;
    if (!isFloatDType(t.dtype))
      throw new UserError(
        `${ck.path}: tensor "${t.name}" is ${t.dtype}; only F32, F16 and BF16 checkpoints are supported`,
      );
    let name = t.name;
    if (ck.naming !== naming) {
      const mapped = naming === "gguf" ? hfToGgufName(t.name) : ggufToHfName(t.name);
      if (!mapped)
        throw new UserError(
          `${ck.path}: tensor "${t.name}" has no ${naming === "gguf" ? "GGUF" : "Hugging Face"} name`,
        );
      name = mapped;
    }
    const heads = ck.ropeLayout !== layout ? qk.get(t.name) : undefined;
    const toF32 = format === "gguf" && t.shape.length <= 1 && t.dtype !== "F32";
    const dtype: FloatDType = toF32 ? "F32" : t.dtype;
    const src = t.name;
    const srcDtype = t.dtype;
    out.push({
      name,
      dtype,
      shape: t.shape,
      ...(toF32
        ? {}
        : {
            stream:
              heads === undefined
                ? { kind: "copy", src }
                : { kind: "rope", src, headDim: config.headDim, from: ck.ropeLayout },
          }),
      produce: (emit) => {
        if (heads === undefined && !toF32) {
          // Untouched tensors stream through in 4 MB pieces.
          const total = ck.tensor(src).byteLength;
          const piece = new Uint8Array(Math.min(total, 4 << 20));
          for (let at = 0; at < total; at += piece.byteLength) {
            const n = Math.min(piece.byteLength, total - at);
            emit(ck.readRawRange(src, at, n, piece.subarray(0, n)).subarray(0, n));
          }
          return;
        }
        if (heads !== undefined) {
          // q/k rows are permuted inside each head: read, permute and write one head at a time.
          const rowBytes = t.shape[1]! * (srcDtype === "F32" ? 4 : 2);
          const headBytes = config.headDim * rowBytes;
          for (let h = 0; h < heads; h++) {
            emit(
              permuteRopeRows(
                ck.readRawRange(src, h * headBytes, headBytes),
                1,
                config.headDim,
                rowBytes,
                ck.ropeLayout,
                layout,
              ),
            );
          }
          return;
        }
        emit(encodeFromF32(decodeToF32(ck.readRaw(src), srcDtype), "F32"));
      },
    });
  }
  return out;
}
