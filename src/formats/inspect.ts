/** A summary of a checkpoint for `assay model inspect`: as JSON-ready data and as human text. */
import { formatBytes } from "../util/progress.js";
import type { Checkpoint } from "./checkpoint.js";
import type { GgufMetaValue } from "./gguf.js";
import type { LlamaConfig } from "./hf-config.js";
import { numElements } from "./safetensors.js";
import { describeTokenizer } from "./tokenizer.js";
import { checkpointTokenizer } from "./tokenizer-files.js";

export interface CheckpointSummary {
  path: string;
  format: string;
  architecture: string | null;
  ropeLayout: string;
  config: LlamaConfig | null;
  parameterCount: number;
  tensorBytes: number;
  dtypes: Record<string, number>;
  tensors: {
    name: string;
    dtype: string;
    shape: number[];
    byteOffset: number;
    byteLength: number;
    file: string;
  }[];
  /** The checkpoint's tokenizer (GGUF keys, tokenizer.json beside safetensors), or why it could not be read. */
  tokenizer: ReturnType<typeof describeTokenizer> | { error: string } | null;
  /** Format metadata; long arrays (e.g. a tokenizer vocabulary) are summarised by type and length. */
  metadata: Record<string, unknown>;
}

function summariseMeta(v: GgufMetaValue | string): unknown {
  if (typeof v === "string") return v;
  if (v.type === "array") {
    return v.value.length <= 16 ? v.value.map(String) : { array: v.itemType, length: v.value.length };
  }
  return typeof v.value === "bigint" ? v.value.toString() : v.value;
}

export function summarise(ck: Checkpoint): CheckpointSummary {
  const dtypes: Record<string, number> = {};
  let tensorBytes = 0;
  for (const t of ck.tensors) {
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
    tensorBytes += t.byteLength;
  }
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of ck.metadata) metadata[k] = summariseMeta(v);
  let tokenizer: CheckpointSummary["tokenizer"] = null;
  try {
    const tok = checkpointTokenizer(ck);
    if (tok) tokenizer = describeTokenizer(tok);
  } catch (err) {
    // A broken tokenizer should not hide the rest of the checkpoint.
    tokenizer = { error: (err as Error).message };
  }
  return {
    path: ck.path,
    format: ck.format,
    architecture: ck.architecture ?? null,
    ropeLayout: ck.ropeLayout,
    config: ck.config ?? null,
    parameterCount: ck.parameterCount(),
    tensorBytes,
    dtypes,
    tensors: ck.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      byteOffset: t.byteOffset,
      byteLength: t.byteLength,
      file: t.file,
    })),
    tokenizer,
    metadata,
  };
}

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

/** Human text; tensors repeated across layers with equal dtype and shape are collapsed into one line. */
export function formatSummary(s: CheckpointSummary): string {
  const lines = [
    `${s.path}`,
    `  format        ${s.format}${s.architecture ? ` · architecture ${s.architecture}` : ""} · RoPE layout ${s.ropeLayout}`,
    `  parameters    ${s.parameterCount.toLocaleString("en-US")} (${formatCount(s.parameterCount)}) in ${s.tensors.length} tensors, ${formatBytes(s.tensorBytes)}`,
    `  dtypes        ${Object.entries(s.dtypes)
      .map(([d, n]) => `${d} ×${n}`)
      .join(", ")}`,
  ];
  const c = s.config;
  if (c) {
    lines.push(
      `  config        hidden ${c.hiddenSize} · FFN ${c.intermediateSize} · layers ${c.numLayers} · heads ${c.numHeads} (KV ${c.numKvHeads}, dim ${c.headDim})`,
      `                vocab ${c.vocabSize} · context ${c.maxSeqLen} · rms_eps ${c.rmsNormEps} · rope_theta ${c.ropeTheta} · tied output ${c.tieWordEmbeddings}`,
    );
  }
  if (c?.unsupported)
    lines.push(`  unsupported   ${c.unsupported.join(", ")} (reference engine, GGUF output)`);
  lines.push(`  tokenizer     ${formatTokenizer(s.tokenizer)}`);
  const groups = new Map<string, { pattern: string; dtype: string; shape: number[]; layers: number[] }>();
  for (const t of s.tensors) {
    const m = /^(.*?[._])(\d+)([._].*)$/.exec(t.name);
    const pattern = m ? `${m[1]}{L}${m[3]}` : t.name;
    const key = `${pattern}|${t.dtype}|${t.shape.join("x")}`;
    const g = groups.get(key) ?? { pattern, dtype: t.dtype, shape: t.shape, layers: [] };
    if (m) g.layers.push(Number(m[2]));
    groups.set(key, g);
  }
  lines.push("  tensors");
  const width = Math.max(...[...groups.values()].map((g) => g.pattern.length), 10);
  for (const g of groups.values()) {
    const where = g.layers.length > 0 ? `  L ∈ ${ranges(g.layers)}` : "";
    const n = numElements(g.shape);
    lines.push(
      `    ${g.pattern.padEnd(width)}  ${g.dtype.padEnd(5)} [${g.shape.join(", ")}]  ${formatCount(n)}${where}`,
    );
  }
  return lines.join("\n");
}

function formatTokenizer(t: CheckpointSummary["tokenizer"]): string {
  if (t === null) return "none";
  if ("error" in t) return `unreadable: ${t.error}`;
  const kind = t.model === "llama" ? "SentencePiece-style (llama)" : "byte-level BPE (gpt2)";
  const merges = t.merges > 0 ? ` · ${t.merges} merges` : "";
  const placeholder = t.placeholder ? " · placeholder vocabulary (token ids only, no real text)" : "";
  return `${kind} · ${t.size} pieces${merges} · BOS ${t.bos ?? "none"}${t.addBos ? " (added)" : ""} · EOS ${t.eos ?? "none"} · UNK ${t.unk ?? "none"}${placeholder}`;
}

function ranges(values: number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (const v of [...sorted.slice(1), Number.NaN]) {
    if (v === prev + 1) {
      prev = v;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}–${prev}`);
    start = v;
    prev = v;
  }
  return `{${parts.join(", ")}}`;
}
