/**
 * Access to the dense model a MoE is built from: its configuration, per-layer FFN matrices (float32 for the
 * split methods, raw bytes for the builders), the reference engine, and token sequences to run it on.
 */
import type { Checkpoint } from "../formats/checkpoint.js";
import { openCheckpoint } from "../formats/checkpoint.js";
import type { LlamaConfig } from "../formats/hf-config.js";
import { LlamaEngine } from "../llama/engine.js";
import { type LlamaWeights, loadLlamaWeights } from "../llama/weights.js";
import { UserError } from "../util/errors.js";

export interface DenseModel {
  ck: Checkpoint;
  config: LlamaConfig;
}

export function openDense(path: string): DenseModel {
  const ck = openCheckpoint(path);
  if (ck.architecture !== "llama" || !ck.config) {
    ck.close();
    throw new UserError(`${path}: not a LLaMA-architecture checkpoint with a known configuration`);
  }
  const config = ck.config;
  for (let l = 0; l < config.numLayers; l++) {
    const n = ck.names.layer(l);
    for (const [name, shape] of [
      [n.wGate, [config.intermediateSize, config.hiddenSize]],
      [n.wUp, [config.intermediateSize, config.hiddenSize]],
      [n.wDown, [config.hiddenSize, config.intermediateSize]],
    ] as const) {
      if (!ck.has(name)) {
        ck.close();
        throw new UserError(
          `${path}: tensor "${name}" not found (a dense LLaMA FFN needs gate, up and down projections)`,
        );
      }
      const t = ck.tensor(name);
      if (t.shape.length !== 2 || t.shape[0] !== shape[0] || t.shape[1] !== shape[1]) {
        ck.close();
        throw new UserError(
          `${path}: tensor "${name}" has shape [${t.shape.join(", ")}], expected [${shape.join(", ")}]`,
        );
      }
    }
  }
  return { ck, config };
}

export type FfnPart = "gate" | "up" | "down";

export function ffnName(ck: Checkpoint, layer: number, part: FfnPart): string {
  const n = ck.names.layer(layer);
  return part === "gate" ? n.wGate : part === "up" ? n.wUp : n.wDown;
}

export function readFfnF32(ck: Checkpoint, layer: number, part: FfnPart): Float32Array {
  return ck.readF32(ffnName(ck, layer, part));
}

/** Rows scaled to unit L2 norm (zero rows stay zero), as a new array. */
export function normaliseRows(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += m[r * cols + c]! ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < cols; c++) out[r * cols + c] = m[r * cols + c]! * inv;
  }
  return out;
}

/** Refuse models whose full forward would take too long for the reference engine (statistics need it). */
export function requireRunnable(dense: DenseModel, what: string, maxParams = 200e6): void {
  const params = dense.ck.parameterCount();
  if (params > maxParams) {
    throw new UserError(
      `${dense.ck.path}: ${what} runs the reference engine over the whole model; ${(params / 1e6).toFixed(0)}M parameters is too many for the CPU engine (limit ${(maxParams / 1e6).toFixed(0)}M)`,
    );
  }
}

export function loadDenseWeights(dense: DenseModel): LlamaWeights {
  return loadLlamaWeights(dense.ck);
}

/**
 * `count` token sequences of `length` tokens sampled from the model itself (BOS first, temperature 1,
 * seeded): the evaluation and statistics data when no text is supplied.
 */
export function sampleSequences(
  weights: LlamaWeights,
  count: number,
  length: number,
  seed: number,
): number[][] {
  const engine = new LlamaEngine(weights, { maxSeqLen: Math.min(weights.config.maxSeqLen, length) });
  const bos = weights.config.bosTokenId ?? 1;
  const out: number[][] = [];
  for (let s = 0; s < count; s++) {
    const tokens = engine.generate({
      prompt: [bos],
      maxTokens: length - 1,
      temperature: 1,
      seed: seed * 7919 + s + 1,
    });
    out.push([bos, ...tokens]);
  }
  return out;
}

/** Parse supplied token sequences: a JSON array of arrays of token ids, or one comma-separated sequence per line. */
export function parseTokenFile(text: string, file: string, vocab: number): number[][] {
  const trimmed = text.trim();
  let seqs: unknown;
  if (trimmed.startsWith("[")) {
    try {
      seqs = JSON.parse(trimmed);
    } catch (err) {
      throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
    }
  } else {
    seqs = trimmed
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) =>
        l
          .split(/[\s,]+/)
          .filter((x) => x !== "")
          .map(Number),
      );
  }
  if (!Array.isArray(seqs)) throw new UserError(`${file}: expected an array of token sequences`);
  return seqs.map((s: unknown, i: number) => {
    if (!Array.isArray(s) || s.length < 2)
      throw new UserError(`${file}: sequence ${i + 1} must have at least 2 tokens`);
    for (const t of s) {
      if (!Number.isSafeInteger(t) || t < 0 || t >= vocab) {
        throw new UserError(
          `${file}: sequence ${i + 1}: token ${JSON.stringify(t)} outside the vocabulary [0, ${vocab})`,
        );
      }
    }
    return s as number[];
  });
}
