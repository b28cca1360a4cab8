/**
 * One view over every supported checkpoint: a safetensors file, a Hugging Face model folder (config.json +
 * one or more .safetensors shards), a GGUF file, or a llama2.c v0 .bin. Lists tensors (name, dtype, shape,
 * byte range) and reads one tensor at a time — raw bytes (no conversion) or decoded to float32.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../util/errors.js";
import { decodeToF32, isFloatDType } from "./dtype.js";
import { readExactly } from "./file.js";
import { type GgufFile, type GgufMetaValue, metaPlain, readGguf } from "./gguf.js";
import { type LlamaConfig, parseHfConfig, readHfConfig } from "./hf-config.js";
import { readLlama2c } from "./llama2c.js";
import { type LlamaNames, llamaNames, type Naming, type RopeLayout } from "./names.js";
import { numElements, readSafetensorsHeader, type StoredTensor } from "./safetensors.js";

export type CheckpointFormat = "safetensors" | "gguf" | "llama2c";

export interface CheckpointTensor extends StoredTensor {
  /** The file holding the bytes (shards differ within a Hugging Face folder). */
  file: string;
}

/** Metadata key under which our safetensors writer stores the LLaMA config when no config.json sits beside it. */
export const CONFIG_METADATA_KEY = "assay.llama_config";

export class Checkpoint {
  private readonly byName = new Map<string, CheckpointTensor>();
  private readonly fds = new Map<string, number>();

  constructor(
    readonly path: string,
    readonly format: CheckpointFormat,
    /** "llama" when the tensors and config describe a LLaMA-architecture model. */
    readonly architecture: string | undefined,
    readonly config: LlamaConfig | undefined,
    readonly naming: Naming,
    readonly ropeLayout: RopeLayout,
    readonly tensors: readonly CheckpointTensor[],
    /** Format-level metadata (safetensors __metadata__, GGUF key/values). */
    readonly metadata: ReadonlyMap<string, GgufMetaValue | string>,
  ) {
    for (const t of tensors) this.byName.set(t.name, t);
  }

  get names(): LlamaNames {
    return llamaNames(this.naming);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  tensor(name: string): CheckpointTensor {
    const t = this.byName.get(name);
    if (!t) throw new UserError(`${this.path}: tensor "${name}" not found`);
    return t;
  }

  /** The tensor's stored bytes, unconverted. */
  readRaw(name: string): Buffer {
    const t = this.tensor(name);
    return readExactly(this.fd(t.file), t.byteOffset, t.byteLength, t.file);
  }

  /** `length` bytes starting `start` bytes into the tensor (e.g. a block of rows). */
  readRawRange(name: string, start: number, length: number, into?: Uint8Array): Buffer {
    const t = this.tensor(name);
    if (start < 0 || length < 0 || start + length > t.byteLength) {
      throw new Error(
        `${this.path}: range [${start}, ${start + length}) is outside tensor "${name}" (${t.byteLength} bytes)`,
      );
    }
    return readExactly(this.fd(t.file), t.byteOffset + start, length, t.file, into);
  }

  /** The tensor decoded to float32 (F32, F16 and BF16 only). */
  readF32(name: string): Float32Array {
    const t = this.tensor(name);
    if (!isFloatDType(t.dtype)) {
      throw new UserError(
        `${this.path}: tensor "${name}" has type ${t.dtype}; only F32, F16 and BF16 can be decoded`,
      );
    }
    return decodeToF32(this.readRaw(name), t.dtype);
  }

  parameterCount(): number {
    let n = 0;
    for (const t of this.tensors) n += numElements(t.shape);
    return n;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = openSync(file, "r");
      this.fds.set(file, fd);
    }
    return fd;
  }
}

/** Open any supported checkpoint file or Hugging Face model folder. */
export function openCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new UserError(`${path}: no such file or directory`);
  if (statSync(path).isDirectory()) return openHfDir(path);
  const kind = sniff(path);
  if (kind === "gguf") return fromGguf(readGguf(path));
  if (kind === "safetensors") return openSafetensorsFile(path);
  return fromLlama2c(path);
}

function sniff(file: string): CheckpointFormat {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(9);
    const got = readSync(fd, head, 0, 9, 0);
    if (got >= 4 && head.toString("latin1", 0, 4) === "GGUF") return "gguf";
    if (got >= 9 && head[8] === 0x7b /* { */) return "safetensors";
    if (file.endsWith(".safetensors")) return "safetensors";
    if (file.endsWith(".gguf")) return "gguf";
    return "llama2c";
  } finally {
    closeSync(fd);
  }
}

function fromLlama2c(file: string): Checkpoint {
  let f: ReturnType<typeof readLlama2c>;
  try {
    f = readLlama2c(file);
  } catch (err) {
    // Without a .bin name the file was only guessed to be llama2.c: say what we looked for.
    if (err instanceof UserError && !file.endsWith(".bin")) {
      throw new UserError(
        `${file}: not a GGUF, safetensors or llama2.c v0 checkpoint (${err.message.replace(`${file}: `, "")})`,
      );
    }
    throw err;
  }
  const tensors = f.tensors.map((t) => ({ ...t, file }));
  return new Checkpoint(file, "llama2c", "llama", f.config, "hf", "interleaved", tensors, new Map());
}

function openSafetensorsFile(file: string): Checkpoint {
  const header = readSafetensorsHeader(file);
  const tensors = header.tensors.map((t) => ({ ...t, file }));
  const metadata = new Map<string, string>(Object.entries(header.metadata));
  let config: LlamaConfig | undefined;
  const beside = join(dirname(file), "config.json");
  if (existsSync(beside)) config = readHfConfig(beside);
  else if (header.metadata[CONFIG_METADATA_KEY]) {
    let json: unknown;
    try {
      json = JSON.parse(header.metadata[CONFIG_METADATA_KEY]);
    } catch {
      throw new UserError(`${file}: __metadata__ "${CONFIG_METADATA_KEY}" is not valid JSON`);
    }
    config = parseHfConfig(`${file} (__metadata__ ${CONFIG_METADATA_KEY})`, json);
  }
  return hfCheckpoint(file, tensors, config, metadata);
}

function openHfDir(dir: string): Checkpoint {
  const configFile = join(dir, "config.json");
  const config = existsSync(configFile) ? readHfConfig(configFile) : undefined;
  const indexFile = join(dir, "model.safetensors.index.json");
  let shards: string[];
  if (existsSync(indexFile)) {
    let index: unknown;
    try {
      index = JSON.parse(readFileSync(indexFile, "utf8"));
    } catch (err) {
      throw new UserError(`${indexFile}: not valid JSON (${(err as Error).message})`);
    }
    const map = (index as { weight_map?: unknown }).weight_map;
    if (typeof map !== "object" || map === null) throw new UserError(`${indexFile}: missing "weight_map"`);
    shards = [...new Set(Object.values(map as Record<string, unknown>).map(String))].sort();
  } else if (existsSync(join(dir, "model.safetensors"))) {
    shards = ["model.safetensors"];
  } else {
    throw new UserError(
      `${dir}: no model.safetensors or model.safetensors.index.json (only safetensors folders are supported)`,
    );
  }
  const tensors: CheckpointTensor[] = [];
  const metadata = new Map<string, string>();
  for (const shard of shards) {
    if (basename(shard) !== shard)
      throw new UserError(`${indexFile}: shard name "${shard}" must be a plain file name`);
    const file = join(dir, shard);
    const header = readSafetensorsHeader(file);
    for (const t of header.tensors) tensors.push({ ...t, file });
    for (const [k, v] of Object.entries(header.metadata)) metadata.set(k, v);
  }
  return hfCheckpoint(dir, tensors, config, metadata);
}

function hfCheckpoint(
  path: string,
  tensors: CheckpointTensor[],
  config: LlamaConfig | undefined,
  metadata: Map<string, string>,
): Checkpoint {
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new UserError(`${path}: tensor "${t.name}" appears in more than one file`);
    names.add(t.name);
  }
  const isLlama = config !== undefined && names.has(llamaNames("hf").embed);
  if (config && !names.has(llamaNames("hf").output)) config.tieWordEmbeddings = true;
  return new Checkpoint(
    path,
    "safetensors",
    isLlama ? "llama" : undefined,
    config,
    "hf",
    "halves",
    tensors,
    metadata,
  );
}

function fromGguf(g: GgufFile): Checkpoint {
  const tensors = g.tensors.map((t) => ({ ...t, file: g.file }));
  const arch = metaPlain(g.metadata.get("general.architecture"));
  const config = arch === "llama" ? ggufLlamaConfig(g) : undefined;
  return new Checkpoint(
    g.file,
    "gguf",
    typeof arch === "string" ? arch : undefined,
    config,
    "gguf",
    "interleaved",
    tensors,
    g.metadata,
  );
}

function ggufLlamaConfig(g: GgufFile): LlamaConfig {
  const get = (key: string): unknown => metaPlain(g.metadata.get(key));
  const int = (key: string, fallback?: number): number => {
    const v = get(key) ?? fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) {
      throw new UserError(`${g.file}: GGUF key "${key}" must be a positive integer (got ${String(v)})`);
    }
    return v;
  };
  const hiddenSize = int("llama.embedding_length");
  const numHeads = int("llama.attention.head_count");
  const embed = g.tensors.find((t) => t.name === "token_embd.weight");
  const tokens = g.metadata.get("tokenizer.ggml.tokens");
  const vocabFallback = embed?.shape[0] ?? (tokens?.type === "array" ? tokens.value.length : undefined);
  const headDim = int("llama.attention.key_length", hiddenSize / numHeads);
  const eps = get("llama.attention.layer_norm_rms_epsilon");
  const theta = get("llama.rope.freq_base");
  const config: LlamaConfig = {
    hiddenSize,
    intermediateSize: int("llama.feed_forward_length"),
    numLayers: int("llama.block_count"),
    numHeads,
    numKvHeads: int("llama.attention.head_count_kv", numHeads),
    headDim,
    vocabSize: int("llama.vocab_size", vocabFallback),
    maxSeqLen: int("llama.context_length", 2048),
    rmsNormEps: typeof eps === "number" ? shortestF32(eps) : 1e-5,
    ropeTheta: typeof theta === "number" ? shortestF32(theta) : 10000,
    tieWordEmbeddings: !g.tensors.some((t) => t.name === "output.weight"),
    modelType: "llama",
  };
  const bos = get("tokenizer.ggml.bos_token_id");
  const eos = get("tokenizer.ggml.eos_token_id");
  if (typeof bos === "number") config.bosTokenId = bos;
  if (typeof eos === "number") config.eosTokenId = eos;
  if (config.numHeads % config.numKvHeads !== 0) {
    throw new UserError(
      `${g.file}: head_count ${config.numHeads} is not a multiple of head_count_kv ${config.numKvHeads}`,
    );
  }
  return config;
}

/** The shortest decimal that rounds to the same float32 (GGUF stores 1e-5 as 9.99999974737875e-6). */
function shortestF32(x: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === Math.fround(x)) return candidate;
  }
  return x;
}
