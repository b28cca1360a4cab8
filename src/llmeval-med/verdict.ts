/**
 * Reading the 1–5 score out of a judge's free text.
 *
 * The release takes the first `[n]` (regex `\[(\d+)\]`) and records -1 when there is none. Real judge
 * output is messier: full-width brackets 【4】［４］, "Score: 4", "评分：4分", markdown bold, JSON
 * with the score as a string, checklist references such as "[1]" in the reasoning before the score.
 * Our rule, applied to the text after normalisation:
 *
 *   0. Normalise: NFKC (full-width digits, brackets and colons become ASCII), 【】〔〕〖〗 become [],
 *      markdown emphasis and code marks (`*`, `__`, backticks) are dropped.
 *   1. Labelled score. A label — 最终得分, 最终评分, 得分, 评分, 分数, 打分, 总分, score, rating, grade
 *      (any case) — followed, after optional quotes, spaces, ":"/"=" / 为 / 是 and an optional "[", by a
 *      number. The LAST labelled score wins (judges reason first and restate at the end). If that last
 *      labelled value is not a whole number from 1 to 5, or is a range ("3-4"), the verdict is
 *      unparseable: the judge did answer, just not validly, so we do not guess from other numbers.
 *   2. Otherwise a bracketed number `[n]` / `[n分]`: the LAST one wins (the prompts ask for the score in
 *      brackets at the end; earlier brackets are usually checklist references). It must be 1–5.
 *   3. Otherwise "n分", "n/5", "n out of 5" mentions: all must name the same value in 1–5.
 *   4. Otherwise the whole reply is a single digit 1–5 (optionally with punctuation).
 *   5. Otherwise unparseable: `null`. The scorer retries the judge call, then records the run invalid.
 *
 * On the format our prompts ask for (one bracketed score at the end) this agrees with the release.
 * `parseVerdictRelease` gives the release's own rule for exact comparisons.
 */

export type VerdictRule = "labelled" | "bracket" | "unit" | "bare";

export interface ParsedVerdict {
  /** A whole number 1–5, or null when the text holds no usable score. */
  score: number | null;
  /** Which step of the rule produced the score (or rejected the text). */
  rule: VerdictRule | null;
  /** Why the text was rejected, for the stored explanation. */
  problem?: string;
}

const LABEL =
  "(?:最终得分|最终评分|得分|评分|分数|打分|总分|final\\s+score|overall\\s+score|score|rating|grade)";
// label, then filler, then a number, optionally a range's second number.
const LABELLED_RE = new RegExp(
  `${LABEL}["'\\s]*(?:[:=]|为|是)?["'\\s]*\\[?\\s*(\\d+(?:\\.\\d+)?)(?:\\s*(?:-|~|–|—|至|到)\\s*(\\d+(?:\\.\\d+)?))?`,
  "giu",
);
const BRACKET_RE = /\[\s*(\d+(?:\.\d+)?)\s*(?:分)?\s*\]/g;
const UNIT_RE = /(?<![\d.])(\d+(?:\.\d+)?)\s*(?:分(?!之)|\/\s*5(?!\d)|out\s+of\s+5)/giu;

export function normaliseVerdictText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/[【〔〖]/g, "[")
    .replace(/[】〕〗]/g, "]")
    .replace(/\*+|__|`+/g, "");
}

function asScore(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 5 ? n : null;
}

export function parseVerdict(raw: string): ParsedVerdict {
  const text = normaliseVerdictText(raw);

  const labelled = [...text.matchAll(LABELLED_RE)];
  const lastLabelled = labelled.at(-1);
  if (lastLabelled) {
    if (lastLabelled[2] !== undefined) {
      return { score: null, rule: "labelled", problem: `a range of scores (${lastLabelled[0].trim()})` };
    }
    const score = asScore(lastLabelled[1]);
    if (score === null) {
      return {
        score: null,
        rule: "labelled",
        problem: `score ${lastLabelled[1]} is not a whole number from 1 to 5`,
      };
    }
    return { score, rule: "labelled" };
  }

  const lastBracket = [...text.matchAll(BRACKET_RE)].at(-1);
  if (lastBracket) {
    const score = asScore(lastBracket[1]);
    if (score === null) {
      return {
        score: null,
        rule: "bracket",
        problem: `[${lastBracket[1]}] is not a whole number from 1 to 5`,
      };
    }
    return { score, rule: "bracket" };
  }

  const units = [...text.matchAll(UNIT_RE)].map((m) => m[1]);
  if (units.length > 0) {
    const distinct = [...new Set(units)];
    if (distinct.length > 1)
      return { score: null, rule: "unit", problem: `several scores (${distinct.join(", ")})` };
    const score = asScore(distinct[0]);
    if (score === null)
      return { score: null, rule: "unit", problem: `${distinct[0]} is not a whole number from 1 to 5` };
    return { score, rule: "unit" };
  }

  const bare = /^\s*["'([]?\s*(\d)\s*["')\].。!]?\s*$/u.exec(text);
  if (bare) {
    const score = asScore(bare[1]);
    if (score !== null) return { score, rule: "bare" };
  }
  return { score: null, rule: null, problem: "no score found" };
}

/**
 * The release's rule: the digits of the first `[n]`, or -1 when there is none. Returned as the release
 * stores it (a string of digits, or the number -1) so files written with it aggregate identically.
 */
export function parseVerdictRelease(text: string): string | -1 {
  const m = /\[(\d+)\]/.exec(text);
  return m?.[1] ?? -1;
}
