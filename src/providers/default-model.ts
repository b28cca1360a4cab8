/**
 * The model Assay uses when `assay eval` is given no --model (and, for judged tasks, no --judge): a small
 * instruction-tuned GGUF model run in-process by the `gguf` provider, downloaded once from the Hugging
 * Face Hub into the cache (~/.cache/assay/models/huggingface/...). `ASSAY_DEFAULT_MODEL` replaces it with
 * any model id (e.g. `gguf//data/models/qwen2.5-0.5b-instruct-q4_k_m.gguf` on a machine without internet).
 */
import { formatHfReference, type HfDownloadOptions, type HfFileRef } from "./hf-download.js";

/**
 * Qwen2.5-0.5B-Instruct (494M parameters, Apache-2.0, ChatML template in the file), quantised Q4_K_M by
 * the Qwen team in their official GGUF repository.
 */
export const DEFAULT_GGUF_MODEL: Readonly<HfFileRef> = Object.freeze({
  repo: "Qwen/Qwen2.5-0.5B-Instruct-GGUF",
  revision: "main",
  file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
});

/** What Assay fixes about a hub file it downloads by default. */
export interface HfFilePin {
  ref: Readonly<HfFileRef>;
  /** sha256 of the file; undefined when not known (then the hub's announced digest is required). */
  sha256?: string;
  size?: number;
}

/**
 * The default model's pin. Its commit and sha256 could not be looked up when the pin was written (no
 * network, and no public record found): `revision` stays "main" and `sha256` is unset, so the download
 * must carry the hub's own sha256 (refused otherwise), and the commit the hub resolved is recorded beside
 * the file. Set `revision` to that commit and `sha256` to the digest (docs/local-models.md) to freeze it.
 */
export const DEFAULT_GGUF_PIN: Readonly<HfFilePin> = Object.freeze({ ref: DEFAULT_GGUF_MODEL });

/**
 * Download options that enforce the pin of `ref` when it is a pinned file (the default model): the pinned
 * digest and size, a required digest, and a check of an already cached copy. Other files: none.
 */
export function pinnedDownloadOptions(
  ref: HfFileRef,
  pins: readonly HfFilePin[] = [DEFAULT_GGUF_PIN],
): Pick<HfDownloadOptions, "expectedSha256" | "expectedSize" | "requireDigest"> {
  const pin = pins.find(
    (p) => p.ref.repo === ref.repo && p.ref.file === ref.file && p.ref.revision === ref.revision,
  );
  if (!pin) return {};
  return {
    requireDigest: true,
    ...(pin.sha256 ? { expectedSha256: pin.sha256 } : {}),
    ...(pin.size !== undefined ? { expectedSize: pin.size } : {}),
  };
}

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
