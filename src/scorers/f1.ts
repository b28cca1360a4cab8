/**
 * `f1`: SQuAD-style token F1 between the answer and each target, the best one counting. Both sides are
 * normalised the way the SQuAD evaluation does it: lower case, ASCII punctuation removed, the articles
 * a/an/the removed, whitespace collapsed; then split on whitespace. F1 is the harmonic mean of token
 * precision and recall over the multiset of shared tokens; two empty token lists score 1, one empty 0.
 */
import type { Scorer } from "../core/types.js";
import { ScorerArgs, targetsOf } from "./args.js";
import { answerAfterMarker } from "./match.js";

const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Word boundaries as Python 3 sees them (Unicode letters are word characters), not ASCII-only \b.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/** SQuAD's answer normalisation. */
export function squadNormalize(text: string): string {
  return text
    .toLowerCase()
    .replace(PUNCTUATION, "")
    .replace(ARTICLES, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

export function squadTokens(text: string): string[] {
  const n = squadNormalize(text);
  return n === "" ? [] : n.split(" ");
}

/** Token F1 of two token lists (multiset overlap). */
export function tokenF1(prediction: readonly string[], reference: readonly string[]): number {
  if (prediction.length === 0 || reference.length === 0)
    return prediction.length === reference.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of reference) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of prediction) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / prediction.length;
  const recall = same / reference.length;
  return (2 * precision * recall) / (precision + recall);
}

/** SQuAD F1 of a prediction against the best of several references. */
export function squadF1(prediction: string, references: readonly string[]): number {
  const p = squadTokens(prediction);
  let best = 0;
  for (const r of references) best = Math.max(best, tokenF1(p, squadTokens(r)));
  return best;
}

export interface F1Options {
  /** Score the text after an "ANSWER:" marker when there is one (default true); else the whole output. */
  extract?: boolean;
  name?: string;
}

export function f1Scorer(opts: F1Options = {}): Scorer {
  const extract = opts.extract ?? true;
  return {
    name: opts.name ?? "f1",
    metrics: ["mean", "stderr", "bootstrap_ci"],
    async score(state) {
      const output = state.output?.text ?? "";
      const answer = extract ? (answerAfterMarker(output) ?? output) : output;
      const targets = targetsOf(state.sample.target);
      if (targets.length === 0) throw new Error("f1: the sample has no target");
      const p = squadTokens(answer);
      let best = 0;
      let bestTarget = targets[0]!;
      for (const t of targets) {
        const f = tokenF1(p, squadTokens(t));
        if (f > best) {
          best = f;
          bestTarget = t;
        }
      }
      return {
        value: best,
        answer: answer.trim(),
        explanation: `token F1 ${best.toFixed(3)} against ${JSON.stringify(bestTarget)}`,
      };
    },
  };
}

export function f1FromArgs(raw: Record<string, unknown>): Scorer {
  const a = new ScorerArgs("f1", raw);
  const extract = a.boolean("extract");
  const name = a.string("name");
  a.done();
  return f1Scorer({ ...(extract !== undefined ? { extract } : {}), ...(name ? { name } : {}) });
}
