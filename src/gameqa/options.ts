import type { Rng } from "./types.js";

/** "A", "B", ... for option index 0, 1, ... */
export function letter(index: number): string {
  if (index < 0 || index >= 26) throw new RangeError(`option index ${index} out of range`);
  return String.fromCharCode(65 + index);
}

/** Index of option letter "A".."Z" (case-insensitive), or -1. */
export function letterIndex(text: string): number {
  const t = text.trim().toUpperCase();
  return /^[A-Z]$/.test(t) ? t.charCodeAt(0) - 65 : -1;
}

export interface Choices {
  /** Option values in display order (no letter prefix). */
  values: string[];
  /** Index of the correct value in `values`. */
  correct: number;
}

/**
 * Multiple-choice options: the correct value plus up to `count - 1` distinct distractors that are
 * never equal to it, in random order. Candidates are deduplicated and taken in the given order
 * after a shuffle, so callers can pass a long list of plausible alternatives.
 */
export function makeChoices(
  rng: Rng,
  correct: string,
  candidates: readonly string[],
  count: number,
): Choices {
  const pool = [...new Set(candidates.filter((c) => c !== correct))];
  const picked = rng.shuffle(pool).slice(0, Math.max(0, count - 1));
  const values = rng.shuffle([correct, ...picked]);
  return { values, correct: values.indexOf(correct) };
}

/**
 * Keep the original order of a fixed option list (e.g. colours "red, green, blue") and find the
 * correct one; throws when the answer is missing, which would be a bug in the task.
 */
export function fixedChoices(values: readonly string[], correct: string): Choices {
  const i = values.indexOf(correct);
  if (i < 0) throw new Error(`fixedChoices: "${correct}" is not among ${JSON.stringify(values)}`);
  return { values: values.slice(), correct: i };
}

/** Strip a leading option key such as "A.", "A:", "A. ", "(A)", "1:" or "[1]" from an option string. */
export function stripOptionKey(option: string): string {
  return option.replace(/^\s*(?:\(?[A-Za-z]\)?\s*[.:)]|\[\d+\]|\d+\s*[.:)])\s*/, "").trim();
}

/**
 * The key (letter for "letter" style, 1-based number for "index1") of the published option whose
 * text equals `value` after stripping the key prefix; undefined when none or several match.
 */
export function findOptionKey(
  options: ReadonlyArray<unknown>,
  value: string,
  style: "letter" | "index1",
  normalise: (s: string) => string = (s) => s.replace(/\s+/g, " ").trim().toLowerCase(),
): string | undefined {
  const target = normalise(value);
  const hits: number[] = [];
  options.forEach((o, i) => {
    if (normalise(stripOptionKey(String(o))) === target) hits.push(i);
  });
  if (hits.length !== 1) return undefined;
  const i = hits[0] as number;
  return style === "letter" ? letter(i) : String(i + 1);
}
