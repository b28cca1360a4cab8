/**
 * Verifiable scoring of GameQA answers: pull the final answer out of a free-form model response and
 * compare it exactly with the gold answer. Pure functions, no model calls — usable directly as an RL
 * reward (`reward`, `gameqaReward`) and wrapped as the scorer of `assay eval gameqa`.
 *
 * The rules are written out in docs/gameqa.md ("Scorer and RL reward"); the property test
 * test/gameqa/reward-property.test.ts checks them on every registered game and task.
 */
import { letterIndex, stripOptionKey } from "./options.js";
import type { AnswerFormat, GameQASample } from "./types.js";

/**
 * Appended to each question when a model is asked it (eval, GRPO prompts): the answer line the
 * scorer reads. Each question also says which form (option letter/number, value) it wants.
 */
export const ANSWER_INSTRUCTION =
  "\n\nThink step by step, then give your final answer on the last line in the form 'The answer is X' (an option letter, number, coordinate or move list, as the question asks).";

export interface ScoreResult {
  correct: boolean;
  /** The answer we read from the response, normalised; null when nothing usable was found. */
  extracted: string | null;
  /** The gold answer in the same normalised form. */
  expected: string;
  format: AnswerFormat;
}

/**
 * What scoring needs from a sample. `question` (optional) lets the scorer see whether options are
 * numbered from 0 (snake) or 1; `answer_format` (optional, as in `gameqa export --format grpo`)
 * is the task's declared form.
 */
export type ScorableSample = Pick<GameQASample, "answer" | "options"> & {
  question?: string;
  answer_format?: AnswerFormat;
};

const isInteger = (a: string): boolean => /^-?\d+$/.test(a);

/**
 * The answer convention of a sample. Published data does not declare it, so it is inferred:
 * with options, a letter answer names an option by letter and an integer by its number; without
 * options, numbers, "(a, b)" tuples, comma lists and plain text are told apart by shape.
 */
export function inferFormat(sample: ScorableSample): AnswerFormat {
  const a = String(sample.answer).trim();
  if (sample.options && sample.options.length > 0) {
    if (/^[A-Za-z]$/.test(a)) return "option-letter";
    if (isInteger(a)) return "option-index";
    return "text";
  }
  if (/^-?\d+(\.\d+)?$/.test(a)) return "number";
  if (/^[([]\s*-?\d+(\s*,\s*-?\d+)+\s*[)\]]$/.test(a)) return "coordinate";
  if (a.includes(",")) return "sequence";
  return "text";
}

/**
 * The format to score a sample with. A sample with options is scored as multiple choice whatever a
 * task declares for its fill-in variant (space_invaders draws both kinds under one task); an
 * option-text answer ("text" with options) stays "text". Without options the declared format wins.
 */
export function resolveFormat(sample: ScorableSample, declared?: AnswerFormat): AnswerFormat {
  const fmt = declared ?? sample.answer_format;
  const inferred = inferFormat(sample);
  if (sample.options && sample.options.length > 0) {
    if (fmt === "text" || inferred === "text") return "text";
    return inferred;
  }
  if (fmt === undefined || fmt === "option-letter" || fmt === "option-index") return inferred;
  return fmt;
}

/** `\boxed{…}` contents (one level of nested braces, `\text{…}` unwrapped), last one wins. */
function lastBoxed(text: string): string | undefined {
  const all = [...text.matchAll(/\\boxed\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g)];
  const inner = all.at(-1)?.[1];
  return inner?.replace(/\\(?:text|textbf|mathrm|mathbf)\s*\{([^{}]*)\}/g, "$1").trim();
}

const CUE =
  /(?:final answer|answer|correct option|correct choice|option|choice)\s*(?:is|would be|should be|will be|=|:)\s*:?/gi;

/**
 * A line that holds only an answer: an option key with or without its text ("C", "3: 40"), a number
 * or a tuple. Such a line after the last cue is the model's final word ("the answer is 4? Let me
 * recount.\n…\n3").
 */
export function isBareAnswer(line: string): boolean {
  const l = line
    .replace(/[*_`$]/g, "")
    .trim()
    .replace(/[.!。]+$/, "");
  const key = /^(?:(?:option|choice)\s+)?[([]?(?:[A-Za-z]|-?\d+(?:\.\d+)?)[)\]]?(?:\s*[.:)]\s*.*)?$/i;
  return key.test(l) || /^[([]\s*-?\d+(?:\s*,\s*-?\d+)+\s*[)\]]$/.test(l);
}

/**
 * The part of a response that states the final answer: the last `\boxed{}`, else the last
 * `<answer>…</answer>`, else the rest of the line after the last cue ("the answer is", "answer:",
 * "correct option is", …) unless a later line holds only an answer, else the last non-empty line.
 */
export function finalAnswerRegion(response: string): string {
  const text = response.replace(/\r/g, "");
  const boxed = lastBoxed(text);
  if (boxed !== undefined) return boxed;
  const tagged = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/gi)];
  if (tagged.length) return (tagged.at(-1)?.[1] ?? "").trim();
  const lines = text.split("\n");
  const lastLine = lines.map((l) => l.trim()).findLastIndex((l) => l !== "");
  // Cues may repeat on one line ("I thought the answer is A ... the answer is C"): take the last
  // cue whose rest of line is not empty.
  let region: string | undefined;
  let regionLine = -1;
  for (const [i, line] of lines.entries()) {
    for (const m of line.matchAll(CUE)) {
      const rest = line.slice((m.index ?? 0) + m[0].length).trim();
      if (rest.replace(/[*_`]/g, "") !== "") {
        region = rest;
        regionLine = i;
      }
    }
  }
  const last = lines[lastLine]?.trim() ?? "";
  if (region !== undefined && !(lastLine > regionLine && isBareAnswer(last))) return region;
  return last;
}

/** Lower case, markdown and surrounding quotes/full stops removed, spaces collapsed. */
const clean = (s: string): string =>
  s
    .replace(/[*_`$]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^["'“”‘’]+|["'“”‘’.!。]+$/g, "")
    .trim()
    .toLowerCase();

/** An option as printed: arrays ([r, c] options) as "(r, c)". */
export const optionString = (o: unknown): string => (Array.isArray(o) ? `(${o.join(", ")})` : String(o));

/**
 * Index of the single option the region names by its text: the option as printed or without its key
 * ("A. red" / "red"), compared with the region as written or without a leading key; -1 otherwise.
 */
function matchOptionText(region: string, options: ReadonlyArray<unknown>, skipNumbers = false): number {
  const said = new Set([clean(region), clean(stripOptionKey(region))].filter((x) => x !== ""));
  if (said.size === 0) return -1;
  const hits = options.flatMap((o, i) => {
    const raw = optionString(o);
    const texts = [clean(raw), clean(stripOptionKey(raw))].filter((x) => x !== "");
    if (skipNumbers && texts.some((t) => /^-?\d+(\.\d+)?$/.test(t))) return [];
    return texts.some((t) => said.has(t)) ? [i] : [];
  });
  return hits.length === 1 ? (hits[0] as number) : -1;
}

/** An explicitly named option: "option C", "choice 3", "option #3". */
function namedOption(region: string, kind: "letter" | "number"): string | undefined {
  const re =
    kind === "letter"
      ? /\b(?:option|choice)\s*\(?([A-Za-z])\)?(?![A-Za-z])/i
      : /\b(?:option|choice)\s*#?\s*\(?(\d+)\)?/i;
  return re.exec(region)?.[1];
}

/** Option letter: "Option B" anywhere, a leading key ("B", "(B)", "B.", "B: text"), or the unique option text. */
function extractLetter(region: string, options: ReadonlyArray<unknown>): string | null {
  const r = region.replace(/[*_`]/g, "").trim();
  const n = options.length;
  const inRange = (l: string | undefined): string | null => {
    if (l === undefined) return null;
    const i = letterIndex(l);
    return i >= 0 && i < n ? l.toUpperCase() : null;
  };
  const named = inRange(namedOption(r, "letter"));
  if (named) return named;
  const lead = /^[([]?([A-Za-z])[)\]]?(?=$|[\s.:,)])/.exec(r);
  // A lone lowercase "a" is an article, not option A, unless followed by an option delimiter.
  if (lead?.[1] && !(lead[1] === "a" && !/^a[.:)]/.test(r))) {
    const l = inRange(lead[1]);
    if (l) return l;
  }
  const byText = matchOptionText(r, options);
  return byText >= 0 ? String.fromCharCode(65 + byText) : null;
}

/** 0 when the question prints the first option as "0: …" (snake numbers its options from 0), else 1. */
export function optionBase(question: string | undefined, options: ReadonlyArray<unknown> = []): 0 | 1 {
  if (!question || options.length === 0) return 1;
  const first = stripOptionKey(optionString(options[0]));
  const escaped = first.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|\\n)\\s*\\[?0\\]?\\s*[:.)]\\s*${escaped}\\s*(?:$|\\n)`).test(question) ? 0 : 1;
}

/**
 * Option number: "option 3" anywhere, the unique option text when it is not itself a number, or a
 * leading number. A bare number is always the option's number, never its text: with options
 * 3..10, "3" names option 3 (whose text is 5), as the prompt asks.
 */
function extractIndex(region: string, sample: ScorableSample): string | null {
  const r = region.replace(/[*_`]/g, "").trim();
  const named = namedOption(r, "number");
  if (named !== undefined) return String(Number(named));
  const byText = matchOptionText(r, sample.options ?? [], true);
  if (byText >= 0) return String(byText + optionBase(sample.question, sample.options));
  if (/^[([]\s*-?\d+\s*,/.test(r)) return null; // a tuple that is no option's text
  const lead = /^[([]?\s*(-?\d+)(?![\d.]\d)/.exec(r);
  return lead?.[1] !== undefined ? String(Number(lead[1])) : null;
}

const NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split(" ");

/** The first number in the region (thousands separators and a Unicode minus accepted), or a number word. */
function extractNumber(region: string): string | null {
  const r = region.replace(/(\d),(\d{3})\b/g, "$1$2").replace(/\u2212/g, "-");
  const m = /-?\d+(?:\.\d+)?/.exec(r);
  if (m) return String(Number(m[0]));
  const w = NUMBER_WORDS.indexOf(clean(r));
  return w >= 0 ? String(w) : null;
}

/** The first tuple in the region, "(a, b)" or "[a, b]", normalised to "(a, b)". */
function extractTuple(region: string): string | null {
  const m = /[([]\s*(-?\d+)\s*,\s*(-?\d+)(?:\s*,\s*(-?\d+))*\s*[)\]]/.exec(region.replace(/\u2212/g, "-"));
  return m ? normTuple(m[0]) : null;
}

const normTuple = (s: string): string =>
  `(${s
    .replace(/[()[\]\s]/g, "")
    .split(",")
    .map(Number)
    .join(", ")})`;

function sequenceTokens(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[*_`[\]()"'.]/g, " ")
    .split(/\s*(?:,|->|→|;|\band then\b|\bthen\b|\s)\s*/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Tokens of the expected vocabulary (and the four directions), in order. */
function extractSequence(region: string, expected: string[]): string | null {
  const vocab = new Set(expected);
  const toks = sequenceTokens(region).filter((t) => vocab.has(t) || /^(up|down|left|right)$/.test(t));
  return toks.length ? toks.join(", ") : null;
}

/** Index of the option an option-text answer names ("A. Pinky is closer" or "yellow"), or -1. */
function answerOption(sample: ScorableSample): number {
  const a = String(sample.answer).trim();
  const opts = sample.options ?? [];
  const exact = opts.findIndex((o) => String(o).trim() === a);
  return exact >= 0 ? exact : matchOptionText(a, opts);
}

function normaliseExpected(sample: ScorableSample, format: AnswerFormat): string {
  const a = String(sample.answer).trim();
  switch (format) {
    case "option-letter":
      return a.toUpperCase();
    case "option-index":
    case "number":
      return String(Number(a));
    case "coordinate":
      return normTuple(a);
    case "sequence":
      return sequenceTokens(a).join(", ");
    case "text":
      return clean(a);
  }
}

/** Option-text answer: the response names the option by its text (with or without key) or its letter. */
function extractOptionText(region: string, sample: ScorableSample): string | null {
  const options = sample.options ?? [];
  const byText = matchOptionText(region, options);
  const i = byText >= 0 ? byText : letterIndex(extractLetter(region, options) ?? "");
  return i >= 0 ? clean(String(options[i])) : clean(region) || null;
}

/**
 * Score one response against a sample. `format` defaults to the sample's `answer_format` or the
 * inferred convention (see resolveFormat).
 */
export function scoreResponse(sample: ScorableSample, response: string, format?: AnswerFormat): ScoreResult {
  const fmt = resolveFormat(sample, format);
  const region = finalAnswerRegion(response);
  const options = sample.options ?? [];
  let expected = normaliseExpected(sample, fmt);
  let extracted: string | null = null;
  switch (fmt) {
    case "option-letter":
      extracted = extractLetter(region, options);
      break;
    case "option-index":
      extracted = extractIndex(region, sample);
      break;
    case "number":
      extracted = extractNumber(region);
      break;
    case "coordinate":
      extracted = extractTuple(region);
      break;
    case "sequence":
      extracted = extractSequence(region, expected.split(", "));
      break;
    case "text": {
      const gold = options.length ? answerOption(sample) : -1;
      if (gold >= 0) {
        // Compare which option is named, so "A", "A. Pinky…" and "Pinky…" all name option A.
        expected = clean(String(options[gold]));
        extracted = extractOptionText(region, sample);
      } else extracted = clean(region) || null;
      break;
    }
  }
  return { correct: extracted !== null && extracted === expected, extracted, expected, format: fmt };
}

/** RL reward: 1 when the response's final answer is exactly right, else 0. */
export function gameqaReward(sample: ScorableSample, response: string, format?: AnswerFormat): number {
  return scoreResponse(sample, response, format).correct ? 1 : 0;
}

/**
 * The reward for GRPO-style training: 1 when `response` states the sample's answer in any form its
 * prompt allows, else 0. `sample` is a GameQA sample or a `gameqa export --format grpo` record
 * (`solution` is read when `answer` is absent).
 */
export function reward(
  sample: ScorableSample | (Omit<ScorableSample, "answer"> & { solution: string | number }),
  response: string,
): 0 | 1 {
  const s: ScorableSample = "answer" in sample ? sample : { ...sample, answer: sample.solution };
  return scoreResponse(s, response).correct ? 1 : 0;
}
