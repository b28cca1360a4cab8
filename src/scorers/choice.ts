/**
 * Multiple-choice scoring: find the option letter the model chose in a free-form response and compare
 * it with the target letter. Extraction goes from the most to the least explicit pattern, taking the
 * last explicit statement, so "A is wrong because... ANSWER: C" gives C.
 */
import type { Scorer } from "../core/types.js";
import { choiceLetter } from "../solvers/index.js";

export function extractChoiceLetter(
  text: string,
  nChoices: number,
  choices: readonly string[] = [],
): string | undefined {
  const letters = Array.from({ length: Math.max(1, Math.min(26, nChoices)) }, (_, i) => choiceLetter(i)).join(
    "",
  );
  const L = `[${letters}${letters.toLowerCase()}]`;
  const patterns = [
    new RegExp(`answer\\s*(?:is)?\\s*[:：]?\\s*\\**\\s*[(\\[]?(${L})\\b`, "gi"),
    new RegExp(`(?:option|choice)\\s*[(\\[]?(${L})[)\\]]?\\s*(?:is\\s*)?(?:correct|right)`, "gi"),
    new RegExp(`(?:answer|choose|select|pick)\\w*\\s+(?:is\\s+)?(?:option\\s+)?[(\\[]?(${L})\\b`, "gi"),
    new RegExp(`\\\\boxed\\{\\s*(${L})\\s*\\}`, "g"),
    new RegExp(`\\*\\*\\s*[(\\[]?(${L})[)\\].]?\\s*\\*\\*`, "g"),
  ];
  for (const re of patterns) {
    let found: string | undefined;
    for (let m = re.exec(text); m; m = re.exec(text)) found = m[1];
    if (found) return found.toUpperCase();
  }
  const trimmed = text.trim();
  // A reply that is just the letter, "(B)", "B." or "B) text".
  const lone = new RegExp(`^[(\\[]?(${L})(?:[)\\].:]|\\s|$)`).exec(trimmed);
  if (lone && (trimmed.length <= 3 || /^[([]?[A-Za-z][)\].:]/.test(trimmed))) return lone[1]!.toUpperCase();
  const lastLine = trimmed.split("\n").pop()?.trim() ?? "";
  const lastLone = new RegExp(`^[(\\[]?(${L})[)\\].]?$`).exec(lastLine);
  if (lastLone) return lastLone[1]!.toUpperCase();
  // The reply quotes exactly one option's text.
  const lower = trimmed.toLowerCase();
  const quoted = choices
    .map((c, i) => (c.length > 1 && lower.includes(c.toLowerCase()) ? i : -1))
    .filter((i) => i >= 0);
  if (quoted.length === 1) return choiceLetter(quoted[0]!);
  return undefined;
}

export function choiceScorer(): Scorer {
  return {
    name: "choice",
    metrics: ["accuracy", "stderr", "bootstrap_ci"],
    async score(state) {
      const choices = state.sample.choices ?? [];
      const target = String(([] as string[]).concat(state.sample.target ?? [])[0] ?? "")
        .trim()
        .toUpperCase();
      const answer = extractChoiceLetter(state.output?.text ?? "", choices.length, choices);
      if (!answer) return { value: 0, explanation: "no option letter found in the response" };
      return {
        value: answer === target ? 1 : 0,
        answer,
        explanation: answer === target ? "correct option" : `chose ${answer}, expected ${target}`,
      };
    },
  };
}
