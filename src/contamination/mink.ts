/**
 * Membership scores from per-token log-probabilities (natural log, one per predicted token):
 * - Min-K% Prob (Shi et al. 2023, arXiv 2310.16789): the mean of the k % lowest token
 *   log-probabilities; a text seen in training has few very unlikely tokens, so a higher score
 *   suggests a member.
 * - Perplexity: exp(−mean log p); lower suggests a member (the baseline of both papers).
 * - zlib ratio (Carlini et al. 2021, arXiv 2012.07805): log perplexity / zlib-compressed size of the
 *   text in bytes; it discounts texts that are merely simple. Lower suggests a member.
 * And ROC-AUC of a score against membership labels.
 */
import { deflateSync } from "node:zlib";

/** Mean of the ⌊k·T⌋ lowest of T log-probabilities (at least one of them). */
export function minKProb(logProbs: ArrayLike<number>, k: number): number {
  const sorted = Float64Array.from(logProbs).sort();
  if (sorted.length === 0) return Number.NaN;
  const take = Math.max(1, Math.floor(k * sorted.length));
  let s = 0;
  for (let i = 0; i < take; i++) s += sorted[i]!;
  return s / take;
}

export function perplexity(logProbs: ArrayLike<number>): number {
  if (logProbs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < logProbs.length; i++) s += logProbs[i]!;
  return Math.exp(-s / logProbs.length);
}

/** Bytes of zlib's compression of the text (level 9, with the zlib header, as Python's zlib.compress). */
export function zlibBytes(text: Uint8Array): number {
  return deflateSync(text, { level: 9 }).length;
}

export function zlibRatio(logProbs: ArrayLike<number>, text: Uint8Array): number {
  return Math.log(perplexity(logProbs)) / zlibBytes(text);
}

/**
 * ROC-AUC of scores (higher = member) against labels: the probability that a random member scores
 * above a random non-member, ties counting one half (the Mann–Whitney U statistic / (P·N)).
 */
export function rocAuc(scores: readonly number[], members: readonly boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) j++;
    const midRank = (i + 1 + j) / 2; // 1-based ranks i+1 .. j share their mean
    for (let t = i; t < j; t++) {
      if (members[idx[t]!]) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const neg = scores.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
