/**
 * The binary "usable" view that LLMEval-Med reports: a rating counts as usable (1) when it is
 * at least the threshold (default 4 on a 1–5 scale), else 0. Every statistic is then computed
 * on the 0/1 ratings; consensus ratings are formed *after* mapping (the human majority is the
 * majority of the humans' usable decisions).
 */
import { isPresent, type Rating } from "./pairing.js";

export const DEFAULT_USABLE_THRESHOLD = 4;
export const BINARY_SCALE: readonly number[] = [0, 1];

export function toUsable(rating: Rating, threshold = DEFAULT_USABLE_THRESHOLD): 0 | 1 | undefined {
  if (!isPresent(rating)) return undefined;
  return rating >= threshold ? 1 : 0;
}

export function toUsableAll(
  ratings: readonly Rating[],
  threshold = DEFAULT_USABLE_THRESHOLD,
): (0 | 1 | undefined)[] {
  return ratings.map((r) => toUsable(r, threshold));
}
