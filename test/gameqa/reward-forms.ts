/**
 * Answer renderings for the reward property test: every way a prompt lets a model state a sample's
 * answer (key, text, number, tuple... wrapped bare, with a period, boxed, "The answer is …"), the
 * same for wrong answers, and realistic reasoning text to put in front. Seeded, no library needed.
 */
import { letter, stripOptionKey } from "../../src/gameqa/options.js";
import { isBareAnswer, optionBase, optionString, type ScorableSample } from "../../src/gameqa/scorer.js";
import type { AnswerFormat, Rng } from "../../src/gameqa/types.js";

const isNumeric = (s: string): boolean => /^-?\d+(\.\d+)?$/.test(s.trim());

/** How option i may be named, for a sample whose answer is given in `format`. */
function optionForms(sample: ScorableSample, format: AnswerFormat, i: number, question: string): string[] {
  const opts = sample.options ?? [];
  const raw = optionString(opts[i]);
  const text = stripOptionKey(raw) || raw;
  const textUnique =
    opts.filter((o) => (stripOptionKey(optionString(o)) || optionString(o)) === text).length === 1;
  const forms: string[] = [];
  if (format === "option-letter") {
    const l = letter(i);
    forms.push(l, `${l}.`, `(${l})`, `**${l}**`, `Option ${l}`);
    forms.push(raw === text ? `${l}. ${text}` : raw);
  } else if (format === "option-index") {
    const n = String(i + optionBase(question, sample.options));
    forms.push(n, `${n}.`, `**${n}**`, `Option ${n}`, `${n}: ${text}`);
  } else {
    // Option-text answers: the text as printed, and its letter when the options are lettered.
    forms.push(raw);
    if (/^[A-Z]\s*[.:]/.test(raw)) forms.push(letter(i));
  }
  // The option's text alone names it when it is unique and cannot be read as an option number.
  if (textUnique && text !== raw && format !== "option-index") forms.push(text);
  if (textUnique && format === "option-index" && !isNumeric(text)) forms.push(text);
  return [...new Set(forms)];
}

/** The right answer in every form the task allows. */
export function correctForms(sample: ScorableSample, format: AnswerFormat, question: string): string[] {
  const a = String(sample.answer).trim();
  const opts = sample.options ?? [];
  if (opts.length > 0) return optionForms(sample, format, goldOption(sample, format, question), question);
  switch (format) {
    case "number":
      return [a, `**${a}**`];
    case "coordinate": {
      const parts = a.replace(/[()[\]\s]/g, "").split(",");
      return [a, `(${parts.join(",")})`, `[${parts.join(", ")}]`];
    }
    default:
      return [a];
  }
}

/** Index of the option the gold answer names. */
export function goldOption(sample: ScorableSample, format: AnswerFormat, question: string): number {
  const a = String(sample.answer).trim();
  const opts = sample.options ?? [];
  if (format === "option-letter") return a.toUpperCase().charCodeAt(0) - 65;
  if (format === "option-index") return Number(a) - optionBase(question, sample.options);
  const exact = opts.findIndex((o) => optionString(o).trim() === a);
  return exact >= 0 ? exact : opts.findIndex((o) => stripOptionKey(optionString(o)) === a);
}

/** Wrong answers: every other option in every form, or a perturbed value. */
export function wrongForms(sample: ScorableSample, format: AnswerFormat, question: string): string[] {
  const a = String(sample.answer).trim();
  const opts = sample.options ?? [];
  if (opts.length > 0) {
    const gold = goldOption(sample, format, question);
    return opts.flatMap((_, i) => (i === gold ? [] : optionForms(sample, format, i, question)));
  }
  const bump = (s: string): string => s.replace(/-?\d+(?!.*\d)/, (d) => String(Number(d) + 1));
  switch (format) {
    case "number":
      return [String(Number(a) + 1), String(Number(a) - 1)];
    case "coordinate": {
      const parts = a.replace(/[()[\]\s]/g, "").split(",");
      const swapped = [parts[1], parts[0], ...parts.slice(2)];
      return [swapped.join() === parts.join() ? bump(a) : `(${swapped.join(", ")})`, bump(a)];
    }
    case "sequence": {
      const toks = a.split(/\s*,\s*/);
      const flipped = /\d/.test(a)
        ? bump(a)
        : [...toks.slice(0, -1), toks.at(-1) === "up" ? "down" : "up"].join(", ");
      return [flipped, toks.slice(0, -1).join(", ")].filter((w) => w.trim() !== "");
    }
    default:
      return [/\d/.test(a) ? bump(a) : /^yes\b/i.test(a) ? a.replace(/^yes/i, "No") : `${a} twice`];
  }
}

/** Ways to end a response with an answer form; `bare` only for forms that read as a lone answer. */
export function wrappers(form: string): Array<[string, string]> {
  const w: Array<[string, string]> = [
    ["answer-is", `The answer is ${form}`],
    ["answer-is-period", `The answer is ${form}.`],
    ["boxed", `So the final answer is $\\boxed{${form}}$.`],
    ["answer-colon", `**Answer:** ${form}`],
    ["tagged", `<answer>${form}</answer>`],
  ];
  if (isBareAnswer(form)) w.push(["bare", form], ["bare-period", `${form}.`]);
  return w;
}

/**
 * Reasoning as a model writes it: sentences with other numbers, coordinates and option-like strings,
 * sometimes the sample's own analysis, sometimes a first guess that is later corrected.
 */
export function reasoning(rng: Rng, analysis: string, firstGuess: string | undefined): string {
  const n = (): number => rng.int(0, 12);
  const templates = [
    () => `Looking at row ${n()}, column ${n()}, I count ${n()} cells.`,
    () => `Option ${rng.int(1, 8)} would put it at (${n()}, ${n()}), which does not fit.`,
    () => `${letter(rng.int(0, 3))}. (${n()}, ${n()}) is tempting, but the image shows otherwise.`,
    () => `The cell at [${n()}, ${n()}] is empty, and ${n()} + ${n()} gives a different total.`,
    () => `Step ${n()}: move up, then left; 3: 40 points on that column.`,
    () => `Checking the options one by one:\n1: no\n2: no\nB: unclear`,
  ];
  const parts: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) parts.push((rng.pick(templates) as () => string)());
  if (rng.chance(0.5)) parts.splice(rng.int(0, parts.length), 0, analysis);
  if (firstGuess !== undefined) parts.push(`At first I thought the answer is ${firstGuess}. Let me recount.`);
  return parts.join(rng.chance(0.5) ? "\n\n" : " ");
}
