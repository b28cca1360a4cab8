/**
 * Which presence matcher scans a corpus: the WebAssembly SIMD one, or the plain JavaScript reference it
 * is tested against. Shared by SMI counting and contamination scans.
 */
import { type PresenceMatcher, SpaceAnchoredMatcher } from "./matcher.js";
import { SimdMatcher, simdAvailable } from "./simd-matcher.js";

/**
 * simd: WebAssembly with SIMD and a prefilter, scanning JSONL text in place (default, fastest);
 * js: the reference scanner it is tested against.
 */
export type MatcherEngine = "simd" | "js";

/**
 * ASSAY_SMI_MATCHER=js|simd selects a scanner (for comparisons). Node ≥ 20 always validates SIMD
 * modules, so `js` is only a last resort for runtimes without WebAssembly.
 */
export function defaultEngine(): MatcherEngine {
  const env = process.env.ASSAY_SMI_MATCHER;
  if (env === "js" || env === "simd") return env;
  return simdAvailable() ? "simd" : "js";
}

export function createMatcher(
  patterns: readonly Uint8Array[],
  engine: MatcherEngine = defaultEngine(),
): PresenceMatcher {
  return engine === "simd" ? new SimdMatcher(patterns) : new SpaceAnchoredMatcher(patterns);
}
