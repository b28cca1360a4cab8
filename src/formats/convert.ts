/**
 * Checkpoint conversion between formats, one tensor at a time: GGUF ↔ safetensors (file or Hugging Face
 * folder), and llama2.c → either. Element bytes are copied unchanged unless a different dtype is asked for;
 * q/k rows are permuted when the RoPE layout changes (GGUF and llama2.c: interleaved; HF: halves). The
 * tokenizer travels too (convert-tokenizer.ts): GGUF keys, tokenizer.json in a HF folder, or tokenizer.bin.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../util/errors.js";
import type { Progress } from "../util/progress.js";
import { type Checkpoint, CONFIG_METADATA_KEY } from "./checkpoint.js";
import { planTokenizer, writeTokenizerFiles } from "./convert-tokenizer.js";
import { bytesPerElement, decodeToF32, encodeFromF32, type FloatDType, isFloatDType } from "./dtype.js";
import { type GgufMetaValue, type GgufTensorSpec, GgufWriter, gguf } from "./gguf.js";
import { type LlamaConfig, requireSupported, toHfConfig } from "./hf-config.js";
import { ggufToHfName, hfToGgufName, type Naming, permuteRopeRows, type RopeLayout } from "./names.js";
import { SafetensorsWriter } from "./safetensors.js";
import { describeTokenizer, type Tokenizer } from "./tokenizer.js";

export type ConvertTarget = "gguf" | "safetensors";

export interface ConvertOptions {
  to: ConvertTarget;
  /** Element type of matrices in the output (default: as stored). 1-D tensors stay F32 in GGUF. */
  dtype?: FloatDType;
  /** general.name for GGUF. */
  name?: string;
  progress?: Progress;
  /** A tokenizer to carry instead of the source's own (e.g. a llama2.c tokenizer.bin). */
  tokenizer?: Tokenizer;
  /** Also write the tokenizer here: llama2.c tokenizer.bin, or tokenizer.json when the name ends in .json. */
  tokenizerOut?: string;
}

export interface ConvertResult {
  files: string[];
  tensors: number;
  bytes: number;
  /** The tokenizer carried, or null (then GGUF output has the placeholder vocabulary). */
  tokenizer: ReturnType<typeof describeTokenizer> | null;
  /** What was not carried, or was changed to fit (e.g. no tokenizer, padding to the vocabulary). */
  notes: string[];
}

/** llama.cpp's general.file_type values for the element types we write. */
const FILE_TYPE: Record<FloatDType, number> = { F32: 0, F16: 1, BF16: 32 };

/**
 * Placeholder SentencePiece-style vocabulary: <unk>, <s>, </s>, the 256 byte tokens (as many as fit), then
 * "▁t<id>" pieces. It lets llama.cpp load a model whose real tokenizer is unavailable; token ids are unchanged.
 */
export function placeholderVocab(size: number): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const specials: [string, number][] = [
    ["<unk>", 2],
    ["<s>", 3],
    ["</s>", 3],
  ];
  for (let i = 0; i < size; i++) {
    const special = specials[i];
    if (special) {
      tokens.push(special[0]);
      types.push(special[1]);
      scores.push(0);
    } else if (i < 3 + 256) {
      tokens.push(`<0x${(i - 3).toString(16).toUpperCase().padStart(2, "0")}>`);
      types.push(6);
      scores.push(0);
    } else {
      tokens.push(`\u2581t${i}`);
      types.push(1);
      scores.push(-i);
    }
  }
  return { tokens, scores, types };
}

/** The GGUF key/values llama.cpp reads for a dense LLaMA model (architecture "llama"). */
export function llamaGgufMetadata(
  config: LlamaConfig,
  opts: { name?: string; fileType: number; tokenizer?: Map<string, GgufMetaValue> },
): Map<string, GgufMetaValue> {
  const m = new Map<string, GgufMetaValue>();
  m.set("general.architecture", gguf.str("llama"));
  m.set("general.name", gguf.str(opts.name ?? "assay-converted"));
  m.set("general.file_type", gguf.u32(opts.fileType));
  m.set("general.alignment", gguf.u32(32));
  m.set("llama.context_length", gguf.u32(config.maxSeqLen));
  m.set("llama.embedding_length", gguf.u32(config.hiddenSize));
  m.set("llama.block_count", gguf.u32(config.numLayers));
  m.set("llama.feed_forward_length", gguf.u32(config.intermediateSize));
  m.set("llama.attention.head_count", gguf.u32(config.numHeads));
  m.set("llama.attention.head_count_kv", gguf.u32(config.numKvHeads));
  m.set("llama.attention.key_length", gguf.u32(config.headDim));
  m.set("llama.attention.value_length", gguf.u32(config.headDim));
  m.set("llama.rope.dimension_count", gguf.u32(config.headDim));
  m.set("llama.rope.freq_base", gguf.f32(config.ropeTheta));
  m.set("llama.attention.layer_norm_rms_epsilon", gguf.f32(config.rmsNormEps));
  m.set("llama.vocab_size", gguf.u32(config.vocabSize));
  if (opts.tokenizer && opts.tokenizer.size > 0) {
    for (const [k, v] of opts.tokenizer) m.set(k, v);
  } else {
    const vocab = placeholderVocab(config.vocabSize);
    m.set("tokenizer.ggml.model", gguf.str("llama"));
    m.set("tokenizer.ggml.tokens", gguf.arr("string", vocab.tokens));
    m.set("tokenizer.ggml.scores", gguf.arr("f32", vocab.scores));
    m.set("tokenizer.ggml.token_type", gguf.arr("i32", vocab.types));
    m.set("tokenizer.ggml.unknown_token_id", gguf.u32(0));
    m.set("tokenizer.ggml.bos_token_id", gguf.u32(config.bosTokenId ?? 1));
    m.set("tokenizer.ggml.eos_token_id", gguf.u32(config.eosTokenId ?? 2));
    m.set("tokenizer.ggml.add_bos_token", gguf.bool(true));
  }
  return m;
}

interface PlannedTensor {
  source: string;
  target: string;
  shape: number[];
  srcDtype: FloatDType;
  dtype: FloatDType;
  /** Heads for a q/k projection whose rows must be permuted, else undefined. */
  ropeHeads?: number;
}

function plan(src: Checkpoint, naming: Naming, layout: RopeLayout, opts: ConvertOptions): PlannedTensor[] {
  const config = src.config;
  const qk = new Map<string, number>();
  if (config && src.architecture === "llama" && src.ropeLayout !== layout) {
    for (let l = 0; l < config.numLayers; l++) {
      const names = src.names.layer(l);
      qk.set(names.wq, config.numHeads);
      qk.set(names.wk, config.numKvHeads);
    }
  }
  return src.tensors.map((t) => {
    if (!isFloatDType(t.dtype)) {
      throw new UserError(
        `${src.path}: tensor "${t.name}" is ${t.dtype}; only F32, F16 and BF16 tensors can be converted`,
      );
    }
    let target = t.name;
    if (src.naming !== naming) {
      const mapped = naming === "gguf" ? hfToGgufName(t.name) : ggufToHfName(t.name);
      if (!mapped)
        throw new UserError(
          `${src.path}: tensor "${t.name}" has no ${naming === "gguf" ? "GGUF" : "Hugging Face"} name`,
        );
      target = mapped;
    }
    let dtype: FloatDType = opts.dtype ?? t.dtype;
    if (opts.to === "gguf" && t.shape.length <= 1) dtype = "F32";
    const p: PlannedTensor = { source: t.name, target, shape: t.shape, srcDtype: t.dtype, dtype };
    const heads = qk.get(t.name);
    if (heads !== undefined) p.ropeHeads = heads;
    return p;
  });
}

const CONVERT_CHUNK_ELEMENTS = 1 << 22;

function changeDtype(data: Uint8Array, from: FloatDType, to: FloatDType): Uint8Array {
  // F32 input is viewed in place when aligned (the scratch buffer is); other types are decoded once.
  const values =
    from === "F32" && data.byteOffset % 4 === 0
      ? new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4)
      : decodeToF32(data, from);
  return encodeFromF32(values, to);
}

/** Convert `src` to `out` (a .gguf file; a .safetensors file; or, for safetensors, a folder). */
export function convertCheckpoint(src: Checkpoint, out: string, opts: ConvertOptions): ConvertResult {
  const naming: Naming = opts.to === "gguf" ? "gguf" : "hf";
  const layout: RopeLayout = opts.to === "gguf" ? "interleaved" : "halves";
  if (opts.to === "gguf" && (!src.config || src.architecture !== "llama")) {
    throw new UserError(
      `${src.path}: GGUF output needs a LLaMA-architecture model with a known configuration`,
    );
  }
  if (opts.to === "gguf") requireSupported(src.config!, src.path, "the GGUF writer");
  if (src.ropeLayout !== layout && !src.config) {
    throw new UserError(
      `${src.path}: the model configuration is unknown, so q/k cannot be re-ordered for ${opts.to}`,
    );
  }
  const planned = plan(src, naming, layout, opts);
  const matrixDtype = opts.dtype ?? planned.find((p) => p.shape.length > 1)?.srcDtype ?? "F32";
  const tokenizerPlan = planTokenizer(src, opts);
  const tok = tokenizerPlan.tokenizer;
  // The tokenizer's special ids are the model's (llama2.c's fixed 1/2 may differ from the tokenizer's).
  const config: LlamaConfig | undefined = src.config && {
    ...src.config,
    ...(tok?.bosId !== undefined ? { bosTokenId: tok.bosId } : {}),
    ...(tok?.eosId !== undefined ? { eosTokenId: tok.eosId } : {}),
  };
  const files: string[] = [];
  let hfFolder: string | undefined;
  let writer: SafetensorsWriter | GgufWriter;
  if (opts.to === "gguf") {
    const meta = llamaGgufMetadata(config!, {
      name: opts.name,
      fileType: FILE_TYPE[matrixDtype],
      ...(tokenizerPlan.ggufKeys ? { tokenizer: tokenizerPlan.ggufKeys } : {}),
    });
    const specs: GgufTensorSpec[] = planned.map((p) => ({ name: p.target, dtype: p.dtype, shape: p.shape }));
    writer = new GgufWriter(out, meta, specs);
    files.push(out);
  } else {
    const torchDtype = matrixDtype === "F32" ? "float32" : matrixDtype === "F16" ? "float16" : "bfloat16";
    const metadata: Record<string, string> = { format: "pt" };
    let file = out;
    if (!out.endsWith(".safetensors")) {
      if (existsSync(out) && !statSync(out).isDirectory())
        throw new UserError(`${out}: exists and is not a folder`);
      mkdirSync(out, { recursive: true });
      file = join(out, "model.safetensors");
      hfFolder = out;
      if (config) {
        const cfgFile = join(out, "config.json");
        writeFileSync(cfgFile, `${JSON.stringify(toHfConfig(config, torchDtype), null, 2)}\n`);
        files.push(cfgFile);
      }
    } else if (config) {
      metadata[CONFIG_METADATA_KEY] = JSON.stringify(toHfConfig(config, torchDtype));
    }
    writer = new SafetensorsWriter(
      file,
      planned.map((p) => ({ name: p.target, dtype: p.dtype, shape: p.shape })),
      metadata,
    );
    files.unshift(file);
  }
  let bytes = 0;
  opts.progress?.setTotal(planned.length);
  // One read buffer, sized for the largest tensor and reused: writes are synchronous, so peak memory stays
  // near one tensor (plus conversion buffers when the dtype changes) instead of waiting on the GC.
  const scratch = Buffer.allocUnsafe(Math.max(0, ...src.tensors.map((t) => t.byteLength)));
  try {
    for (const p of planned) {
      const stored = src.tensor(p.source);
      const raw = src.readRawRange(p.source, 0, stored.byteLength, scratch);
      if (p.ropeHeads !== undefined) {
        // q/k: convert whole (they are small next to the FFN and embedding), then permute rows.
        const data = p.dtype === p.srcDtype ? raw : changeDtype(raw, p.srcDtype, p.dtype);
        const rowBytes = (p.shape[1] ?? 1) * bytesPerElement(p.dtype);
        writer.writeTensor(
          p.target,
          permuteRopeRows(data, p.ropeHeads, src.config!.headDim, rowBytes, src.ropeLayout, layout),
        );
      } else if (p.dtype === p.srcDtype) {
        writer.writeTensor(p.target, raw);
      } else {
        // Element-wise conversion in bounded chunks, so memory does not grow with the tensor.
        if (raw.byteLength > 0 && writer.current !== p.target) {
          throw new Error(`${out}: writer expects "${writer.current}", not "${p.target}"`);
        }
        const step = CONVERT_CHUNK_ELEMENTS * bytesPerElement(p.srcDtype);
        for (let at = 0; at < raw.byteLength; at += step) {
          writer.write(
            changeDtype(raw.subarray(at, Math.min(raw.byteLength, at + step)), p.srcDtype, p.dtype),
          );
        }
      }
      bytes += (stored.byteLength / bytesPerElement(p.srcDtype)) * bytesPerElement(p.dtype);
      opts.progress?.tick();
    }
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
  files.push(
    ...writeTokenizerFiles(tokenizerPlan, {
      ...(hfFolder ? { hfFolder } : {}),
      ...(opts.tokenizerOut ? { tokenizerOut: opts.tokenizerOut } : {}),
      singleSafetensors: opts.to === "safetensors" && !hfFolder,
    }),
  );
  return {
    files,
    tensors: planned.length,
    bytes,
    tokenizer: tok ? describeTokenizer(tok) : null,
    notes: tokenizerPlan.notes,
  };
}
