/**
 * The rubric judge's prompt. The default is ours: a system message that fixes the grader's stance and a
 * user message with the question, the reference (when there is one), the rubric (when there is one),
 * the answer, the scale and the required last line `GRADE: <value>`. A custom `prompt` template may use
 * {question}, {answer}, {reference}, {rubric} and {scale}; it must contain {answer}.
 */
import type { ChatMessage, ContentPart, Sample } from "../core/types.js";
import { UserError } from "../util/errors.js";
import type { RubricScale } from "./rubric-scale.js";

export const RUBRIC_SYSTEM =
  "You grade one answer to one question. Judge only what the answer says, against the rubric and the " +
  "reference answer you are given. Length, confidence and polish earn nothing by themselves; a wrong or " +
  "unsupported claim that matters to the question counts against the answer. Be brief and decisive.";

const PLACEHOLDERS = ["question", "answer", "reference", "rubric", "scale"] as const;

/** What the scale asks the judge to write, in words. */
export function scaleInstructions(scale: RubricScale): string {
  if (scale.passFail)
    return "PASS if the answer meets the rubric (and agrees with the reference where one is given), FAIL otherwise. Write GRADE: PASS or GRADE: FAIL.";
  return (
    `a whole number from ${scale.lo} to ${scale.hi}: ${scale.lo} means the answer is wrong or misses the rubric entirely, ` +
    `${scale.hi} means it is correct and meets every point of the rubric; use the values between for partly met rubrics. ` +
    `Write GRADE: <number>.`
  );
}

function partText(p: ContentPart): string {
  return p.type === "text" ? p.text : "[image]";
}

function messageText(m: ChatMessage): string {
  return typeof m.content === "string" ? m.content : m.content.map(partText).join("\n");
}

/** The question as the judge sees it: the prompt, or the conversation up to the answer (system prompts left out). */
export function questionText(input: Sample["input"]): string {
  if (typeof input === "string") return input;
  const turns = input.filter((m) => m.role !== "system");
  if (turns.length === 1) return messageText(turns[0]!);
  return turns.map((m) => `${m.role.toUpperCase()}: ${messageText(m)}`).join("\n\n");
}

export interface RubricPromptInput {
  question: string;
  answer: string;
  reference?: string;
  rubric?: string;
}

/** Checks a custom template once, when the scorer is built. */
export function checkTemplate(template: string): void {
  if (!template.includes("{answer}"))
    throw new UserError('scorer rubric: argument "prompt" must contain {answer} (the text to grade)');
  const unknown = [...template.matchAll(/\{([a-z_]+)\}/g)]
    .map((m) => m[1]!)
    .filter((k) => !(PLACEHOLDERS as readonly string[]).includes(k));
  if (unknown.length)
    throw new UserError(
      `scorer rubric: argument "prompt" uses unknown placeholder(s) ${unknown.map((k) => `{${k}}`).join(", ")} (known: ${PLACEHOLDERS.map((k) => `{${k}}`).join(", ")})`,
    );
}

function section(title: string, body: string): string {
  return `[${title}]\n${body.trim()}\n[End of ${title.toLowerCase()}]`;
}

export function rubricMessages(
  input: RubricPromptInput,
  scale: RubricScale,
  template?: string,
): ChatMessage[] {
  if (template !== undefined) {
    const values: Record<string, string> = {
      question: input.question,
      answer: input.answer,
      reference: input.reference ?? "",
      rubric: input.rubric ?? "",
      scale: scaleInstructions(scale),
    };
    // One pass over the template, so text inside a value is never read as a placeholder.
    const text = template.replace(
      /\{(question|answer|reference|rubric|scale)\}/g,
      (_m, k: string) => values[k]!,
    );
    return [{ role: "user", content: text }];
  }
  const parts = [section("Question", input.question)];
  if (input.reference !== undefined) parts.push(section("Reference answer", input.reference));
  if (input.rubric !== undefined) parts.push(section("Rubric", input.rubric));
  parts.push(section("Answer to grade", input.answer));
  parts.push(
    `Grading scale: ${scaleInstructions(scale)}\n\n` +
      "First explain in a few sentences how the answer meets or misses the rubric" +
      (input.reference !== undefined ? " and the reference" : "") +
      ". Then end your reply with the grade alone on its last line, exactly as: GRADE: <value>",
  );
  return [
    { role: "system", content: RUBRIC_SYSTEM },
    { role: "user", content: parts.join("\n\n") },
  ];
}
