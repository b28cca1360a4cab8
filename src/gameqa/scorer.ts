/**
 * Verifiable scoring of GameQA answers: pull the final answer out of a free-form model response and
 * compare it exactly with the gold answer. Pure functions, no model calls — usable directly as an RL
 * reward (`gameqaReward`) and wrapped as the scorer of `assay eval gameqa`.
 */
import { letterIndex, stripOptionKey } from "./options.js";
import type { AnswerFormat, GameQASample } from "./types.js";

export interface ScoreResult {
  correct: boolean;
  /** The answer we read from the response, normalised; null when nothing usable was found. */
  extracted: string | null;
  /** The gold answer in the same normalised form. */
  expected: string;
  format: AnswerFormat;
}

export type ScorableSample = Pick<GameQASample, "answer" | "options">;

/**
 * The answer convention of a sample. Published data does not declare it, so it is inferred:
 * with options, a letter answer names an option by letter and a number by 1-based index; without
 * options, numbers, "(a, b)" tuples, comma lists and plain text are told apart by shape.
 */
export function inferFormat(sample: ScorableSample): AnswerFormat {
  const a = String(sample.answer).trim();
  if (sample.options && sample.options.length > 0) {
    if (/^[A-Za-z]$/.test(a)) return "option-letter";
    if (/^\d+$/.test(a)) return "option-index";
    return "text";
  }
  if (/^-?\d+(\.\d+)?$/.test(a)) return "number";
  if (/^[([]\s*-?\d+(\s*,\s*-?\d+)+\s*[)\]]$/.test(a)) return "coordinate";
  if (a.includes(",")) return "sequence";
  return "text";
}

/** The part of a response that states the final answer (falls back to the last non-empty line). */
export function finalAnswerRegion(response: string): string {
  const text = response.replace(/\r/g, "");
  const boxed = [...text.matchAll(/\\boxed\{([^{}]*)\}/g)];
  if (boxed.length) return (boxed[boxed.length - 1]?.[1] ?? "").trim();
  const tagged = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/gi)];
  if (tagged.length) return (tagged[tagged.length - 1]?.[1] ?? "").trim();
  // Cue phrases may repeat on one line ("I thought the answer is A ... the answer is C"): take the
  // last cue whose rest of line is not empty.
  const cue = /(?:final answer|answer|correct option|option)\s*(?:is|would be|should be|will be|=|:)\s*:?/gi;
  let region: string | undefined;
  for (const m of text.matchAll(cue)) {
    const start = (m.index ?? 0) + m[0].length;
    const end = text.indexOf("\n", start);
    const rest = text.slice(start, end < 0 ? undefined : end).trim();
    if (rest.replace(/[*_`]/g, "") !== "") region = rest;
  }
  if (region !== undefined) return region;
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? "";
}

const clean = (s: string): string =>
  s
    .replace(/[*_`$]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^["'“”]+|["'“”.!。]+$/g, "")
    .trim()
    .toLowerCase();

/** Option letter at the start of the region ("B", "(B)", "B.", "**B**", "Option B"), or via unique option text. */
function extractLetter(region: string, options: ReadonlyArray<unknown>): string | null {
  const r = region.replace(/[*_`]/g, "").trim();
  const lead = /^(?:option\s+)?[([]?([A-Za-z])[)\]]?(?=$|[\s.:,)])/i.exec(r);
  const n = options.length;
  if (lead?.[1]) {
    const i = letterIndex(lead[1]);
    // A lone lowercase "a" is an article, not option A, unless followed by an option delimiter.
    const isArticle = lead[1] === "a" && !/^a[.:)]/.test(r);
    if (i >= 0 && i < n && !isArticle) return lead[1].toUpperCase();
  }
  const byText = matchOptionText(r, options);
  if (byText >= 0) return String.fromCharCode(65 + byText);
  const anywhere = /(?:^|[\s(*[])([A-Z])(?=$|[\s.:,)\]*])/.exec(r);
  if (anywhere?.[1]) {
    const i = letterIndex(anywhere[1]);
    if (i >= 0 && i < n) return anywhere[1];
  }
  return null;
}

/** Index of the single option whose text (key stripped) the region equals or starts with; -1 otherwise. */
function matchOptionText(region: string, options: ReadonlyArray<unknown>): number {
  const r = clean(stripOptionKey(region));
  if (!r) return -1;
  const texts = options.map((o) => clean(stripOptionKey(Array.isArray(o) ? `(${o.join(", ")})` : String(o))));
  const exact = texts.flatMap((t, i) => (t === r ? [i] : []));
  if (exact.length === 1) return exact[0] as number;
  return -1;
}

function extractNumber(region: string, whole: string): string | null {
  const pick = (s: string): string | null => {
    const m = /-?\d+(?:\.\d+)?/.exec(s.replace(/(\d),(\d{3})\b/g, "$1$2"));
    return m ? String(Number(m[0])) : null;
  };
  return (
    pick(region) ??
    (() => {
      const all = [...whole.matchAll(/-?\d+(?:\.\d+)?/g)];
      return all.length ? String(Number(all[all.length - 1]?.[0])) : null;
    })()
  );
}

function extractTuple(region: string, whole: string): string | null {
  const re = /[([]\s*(-?\d+)\s*,\s*(-?\d+)(?:\s*,\s*(-?\d+))*\s*[)\]]/g;
  const norm = (m: RegExpMatchArray): string =>
    `(${m[0]
      .replace(/[()[\]\s]/g, "")
      .split(",")
      .map(Number)
      .join(", ")})`;
  const inRegion = [...region.matchAll(re)];
  if (inRegion.length) return norm(inRegion[0] as RegExpMatchArray);
  const all = [...whole.matchAll(re)];
  return all.length ? norm(all[all.length - 1] as RegExpMatchArray) : null;
}

function sequenceTokens(s: string): string[] {
  return s
    .toLowerCase()
    .replace(/[*_`[\]()"'.]/g, " ")
    .split(/\s*(?:,|->|→|;|\band then\b|\bthen\b|\s)\s*/)
    .map((t) => t.trim())
    .filter(Boolean);
}

function extractSequence(region: string, expected: string[]): string | null {
  const vocab = new Set(expected);
  const toks = sequenceTokens(region).filter((t) => vocab.has(t) || /^(up|down|left|right)$/.test(t));
  return toks.length ? toks.join(", ") : null;
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
      return `(${a
        .replace(/[()[\]\s]/g, "")
        .split(",")
        .map(Number)
        .join(", ")})`;
    case "sequence":
      return sequenceTokens(a).join(", ");
    case "text":
      return clean(a);
  }
}

/**
 * Score one response against a sample. `format` defaults to the inferred convention; generated
 * samples can pass their task's declared AnswerFormat.
 */
export function scoreResponse(
  sample: ScorableSample,
  response: string,
  format: AnswerFormat = inferFormat(sample),
): ScoreResult {
  const expected = normaliseExpected(sample, format);
  const region = finalAnswerRegion(response);
  const options = sample.options ?? [];
  let extracted: string | null = null;
  switch (format) {
    case "option-letter":
      extracted = extractLetter(region, options);
      break;
    case "option-index": {
      const byText = matchOptionText(region, options);
      extracted = byText >= 0 ? String(byText + 1) : extractNumber(region, region);
      break;
    }
    case "number":
      extracted = extractNumber(region, response);
      break;
    case "coordinate":
      extracted = extractTuple(region, response);
      break;
    case "sequence":
      extracted = extractSequence(region, expected.split(", "));
      break;
    case "text": {
      // Option-text answers (e.g. zuma) and free strings: accept the region itself or a letter naming the option.
      const c = clean(region);
      const letter = options.length ? extractLetter(region, options) : null;
      const viaLetter = letter ? clean(stripOptionKey(String(options[letterIndex(letter)] ?? ""))) : null;
      extracted = c === expected || viaLetter === null ? c : viaLetter;
      break;
    }
  }
  return { correct: extracted !== null && extracted === expected, extracted, expected, format };
}

/** RL reward: 1 when the response's final answer is exactly right, else 0. */
export function gameqaReward(sample: ScorableSample, response: string, format?: AnswerFormat): number {
  return scoreResponse(sample, response, format).correct ? 1 : 0;
}
