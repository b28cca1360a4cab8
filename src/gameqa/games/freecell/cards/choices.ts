/**
 * Option lists for the card games: the answer plus distractors taken from a preferred pool first
 * (the plausible confusions), then from the rest, never equal to the answer; and the reverse lookup
 * that conform hooks use on published options.
 */
import { makeChoices } from "../../../options.js";
import type { Rng } from "../../../types.js";

export function pickOptions(
  rng: Rng,
  answer: string,
  preferred: readonly string[],
  others: readonly string[],
  count: number,
): { values: string[]; number: number } {
  const pool = [...new Set([...rng.shuffle(preferred), ...rng.shuffle(others)])].filter((v) => v !== answer);
  const { values, correct } = makeChoices(rng, answer, pool.slice(0, count - 1), count);
  return { values, number: correct + 1 };
}

/** "1: a\n2: b ..." followed by the answer instruction for 1-based option numbers. */
export const numberedOptions = (values: readonly string[]): string =>
  `Options:\n${values.map((v, i) => `${i + 1}: ${v}`).join("\n")}\n\nAnswer with the number of the correct option.`;

/** 1-based number of the option whose text equals `value` (spaces and case ignored), if exactly one. */
export function optionNumberOf(options: readonly unknown[] | undefined, value: string): number | undefined {
  const squash = (v: unknown): string => String(v).replace(/\s+/g, "").toLowerCase();
  const want = squash(value);
  const hits = (options ?? []).flatMap((o, i) => (squash(o) === want ? [i + 1] : []));
  return hits.length === 1 ? hits[0] : undefined;
}
