/**
 * Prompt formats for `assay sweep`: semantically equivalent ways to lay out the same question, drawn from
 * a small grammar the way FormatSpread (Sclar et al. 2023, "Quantifying Language Models' Sensitivity to
 * Spurious Features in Prompt Design") does: field names and their casing, the separator after a field
 * name, the space between fields, option labels and how options are joined. Format 0 is always the
 * plain default; the rest are distinct draws for a seed, so a sweep is reproducible and recorded.
 */
import { Rng } from "../stats/rng.js";

/** One choice per slot of the grammar; stored with the run as JSON. */
export interface PromptFormat {
  question: string;
  options: string;
  answer: string;
  /** Between a field name and its text. */
  separator: string;
  /** Between fields. */
  space: string;
  /** Option label style: upper/lower letters, numbers, roman numerals. */
  labels: "A" | "a" | "1" | "I";
  /** How a label is wrapped, `{}` standing for the label. */
  wrap: string;
  /** Between options. */
  join: string;
}

const QUESTION_NAMES = ["Question", "QUESTION", "question", "Q", "Problem", "Input"];
const OPTION_NAMES = ["Options", "OPTIONS", "Choices", "Answer choices", "options"];
const ANSWER_NAMES = ["Answer", "ANSWER", "A", "Response", "answer"];
const SEPARATORS = [": ", ":\n", " - ", " = ", ":: ", ":  "];
const SPACES = ["\n", "\n\n", " ", "\n\n\n"];
const LABELS = ["A", "a", "1", "I"] as const;
const WRAPS = ["{}.", "({})", "{})", "[{}]", "{}:", "{} -"];
const JOINS = ["\n", "; ", " | ", "\n\n", ", "];

export const DEFAULT_FORMAT: PromptFormat = {
  question: "Question",
  options: "Options",
  answer: "Answer",
  separator: ": ",
  space: "\n",
  labels: "A",
  wrap: "{}.",
  join: "\n",
};

const key = (f: PromptFormat) => JSON.stringify(f);

/**
 * `n` distinct formats for `seed`: the default first, then random draws (each slot independently, as
 * FormatSpread samples its grammar). For question-answer tasks the option slots are irrelevant, so
 * formats are distinct in the slots that show.
 */
export function generateFormats(n: number, seed: number, kind: "mcq" | "qa"): PromptFormat[] {
  const rng = new Rng(seed);
  const pick = <T>(list: readonly T[]) => list[rng.int(list.length)]!;
  const out = [DEFAULT_FORMAT];
  const seen = new Set([visibleKey(DEFAULT_FORMAT, kind)]);
  for (let tries = 0; out.length < n && tries < n * 200; tries++) {
    const f: PromptFormat = {
      question: pick(QUESTION_NAMES),
      options: pick(OPTION_NAMES),
      answer: pick(ANSWER_NAMES),
      separator: pick(SEPARATORS),
      space: pick(SPACES),
      labels: pick(LABELS),
      wrap: pick(WRAPS),
      join: pick(JOINS),
    };
    const k = visibleKey(f, kind);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out;
}

function visibleKey(f: PromptFormat, kind: "mcq" | "qa"): string {
  return kind === "mcq" ? key(f) : key({ ...f, options: "", labels: "A", wrap: "", join: "" });
}

const ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"];

/** The label of option i (0-based) in a format. */
export function optionLabel(f: PromptFormat, i: number): string {
  switch (f.labels) {
    case "A":
      return String.fromCharCode(65 + i);
    case "a":
      return String.fromCharCode(97 + i);
    case "1":
      return String(i + 1);
    case "I":
      return ROMAN[i] ?? String(i + 1);
  }
}

/** The prompt for a question (and its options) in a format; it ends with the answer field name. */
export function renderPrompt(f: PromptFormat, question: string, choices?: readonly string[]): string {
  const parts = [`${f.question}${f.separator}${question}`];
  if (choices?.length) {
    const options = choices.map((c, i) => `${f.wrap.replace("{}", optionLabel(f, i))} ${c}`).join(f.join);
    parts.push(`${f.options}${f.separator}${options}`);
  }
  parts.push(`${f.answer}${f.separator.trimEnd()}`);
  return parts.join(f.space);
}

/** A one-line description for tables: the visible choices of each slot. */
export function describeFormat(f: PromptFormat, kind: "mcq" | "qa"): string {
  const show = (s: string) => JSON.stringify(s);
  const base = `${show(f.question)}${show(f.separator)} space ${show(f.space)} ${show(f.answer)}`;
  return kind === "mcq"
    ? `${base} ${show(f.options)} labels ${show(f.wrap.replace("{}", optionLabel(f, 0)))} join ${show(f.join)}`
    : base;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The option the response picks (0-based), or undefined. A response that starts with a label (bare or
 * wrapped as in the prompt) picks it; otherwise "answer is X" / "answer: X" anywhere; otherwise a response
 * that is exactly an option's text. Labels match case-sensitively and as whole tokens; lower-case letter
 * labels must be closed by punctuation or the end of the text, so the article "a" is not option a.
 */
export function extractOption(
  f: PromptFormat,
  response: string,
  choices: readonly string[],
): number | undefined {
  const labels = choices.map((_, i) => optionLabel(f, i));
  // Longest first so "II" is tried before "I".
  const order = labels.map((l, i) => [l, i] as const).sort((a, b) => b[0].length - a[0].length);
  const text = response.trim();
  // Lower-case letters must be closed by punctuation or the end: "a dog" is an article, "a)" a label.
  const end = f.labels === "a" ? "(?=\\s*[-).:\\]*,]|$)" : "(?![\\p{L}\\p{N}])";
  for (const [label, i] of order) {
    if (new RegExp(`^[\\s*([(]*${escapeRegExp(label)}${end}`, "u").test(text)) return i;
  }
  for (const [label, i] of order) {
    if (new RegExp(`[Aa]nswer\\s*(?:is|:)?\\s*[*([(]*${escapeRegExp(label)}${end}`, "u").test(text)) return i;
  }
  const exact = choices.findIndex((c) => c.trim().toLowerCase() === text.toLowerCase());
  return exact >= 0 ? exact : undefined;
}
