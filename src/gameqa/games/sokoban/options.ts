/**
 * Numbered options as the original prints them ("[1] (6, 4)"), answer = 1-based option number.
 * Distractors come first from a list of plausible mistakes, then from a fallback pool.
 */
import type { Rng } from "../../types.js";

export const OPTION_COUNT = 8;

export interface Numbered {
  options: string[];
  /** 1-based number of the correct option. */
  answer: number;
}

/**
 * The correct value plus up to count - 1 distinct distractors (plausible ones first), shuffled.
 * When an option's text is itself a number, the option whose text equals the answer's number must
 * be the answer itself (or absent), so a reply giving the option number is never read as another
 * option's text; orders that break this are reshuffled, and as a last resort the clashing
 * distractor is dropped.
 */
export function numberedOptions(
  rng: Rng,
  correct: string,
  plausible: readonly string[],
  fallback: readonly string[],
  count = OPTION_COUNT,
): Numbered {
  const picked: string[] = [];
  for (const pool of [rng.shuffle(plausible), rng.shuffle(fallback)]) {
    for (const v of pool) {
      if (picked.length >= count - 1) break;
      if (v !== correct && !picked.includes(v)) picked.push(v);
    }
  }
  let options = [correct, ...picked];
  for (let attempt = 0; ; attempt++) {
    options = rng.shuffle(options);
    const answer = options.indexOf(correct) + 1;
    const clash = options.indexOf(String(answer));
    if (clash < 0 || clash === answer - 1) return { options, answer };
    if (attempt >= 20) options = options.filter((_, i) => i !== clash);
  }
}

/** "\n\nOptions:\n[1] a\n[2] b..." followed by the answer instruction. */
export function optionsBlock(options: readonly string[]): string {
  return `\n\nOptions:\n${options.map((o, i) => `[${i + 1}] ${o}`).join("\n")}\n\nAnswer with the number of the correct option.`;
}

/** 1-based number of the first published option equal to `value` (spaces ignored), or undefined. */
export function optionNumber(options: readonly unknown[] | undefined, value: string): number | undefined {
  const norm = (v: unknown): string => String(v).replace(/\s+/g, "");
  const i = (options ?? []).findIndex((o) => norm(o) === norm(value));
  return i < 0 ? undefined : i + 1;
}
