/**
 * The model Assay uses when `assay eval` is given no --model (and, for judged tasks, no --judge): a small
 * instruction-tuned GGUF model run in-process by the `gguf` provider, downloaded once from the Hugging
 * Face Hub into the cache (~/.cache/assay/models/huggingface/...). `ASSAY_DEFAULT_MODEL` replaces it with
 * any model id (e.g. `gguf//data/models/qwen2.5-0.5b-instruct-q4_k_m.gguf` on a machine without internet).
 */
import { formatHfReference, type HfFileRef } from "./hf-download.js";

/**
 * Qwen2.5-0.5B-Instruct (494M parameters, Apache-2.0, ChatML template in the file), quantised Q4_K_M by
 * the Qwen team in their official GGUF repository. The download is checked against the sha256 and size
 * the hub announces for the file. Pin `revision` to a commit to freeze the bytes.
 */
export const DEFAULT_GGUF_MODEL: Readonly<HfFileRef> = Object.freeze({
  repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
  revision: "main",
  file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
});

/** Model id of the embedded default, e.g. "gguf/hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf". */
export function defaultModelId(): string {
  const override = process.env.ASSAY_DEFAULT_MODEL?.trim();
  return override || `gguf/${formatHfReference(DEFAULT_GGUF_MODEL)}`;
}

/**
 * The default judge: the same small model (loaded once and shared with the answerer when both are the
 * default). `ASSAY_DEFAULT_JUDGE` replaces it. See docs/local-models.md for what a 0.5B judge can and
 * cannot be trusted with.
 */
export function defaultJudgeId(): string {
  const override = process.env.ASSAY_DEFAULT_JUDGE?.trim();
  return override || defaultModelId();
}
