/** Question text pieces and option helpers shared by the tangram tasks. */
import { lastMatch } from "../../parse.js";
import type { ConformResult, GameQASample, GeneratedQuestion } from "../../types.js";
import type { TangramState } from "./state.js";

const RULES = [
  "Every numbered region of the main board is one piece; the number is the piece's id.",
  "Two pieces are adjacent when they share at least one cell edge.",
  "Pieces that meet only at a corner are not adjacent.",
];

/** The rules block, with the task's own extra rules appended, then the question and the options. */
export function questionText(extra: string[], ask: string, options: readonly string[]): string {
  const rules = [...RULES, ...extra].map((r, i) => `${i + 1}. ${r}`).join("\n");
  const list = options.map((o, i) => `${i + 1}: ${o}`).join("\n");
  return (
    `Rules:\n${rules}\nRows and columns are numbered from 0, starting at the top-left corner.\n\n` +
    `Question:\n${ask}\n\nOptions:\n${list}\n\nAnswer with the number of the correct option.`
  );
}

/** A multiple-choice question whose answer is the 1-based number of `values[correct]`. */
export function choice(
  question: string,
  values: string[],
  correct: number,
  analysis: string,
): GeneratedQuestion {
  return {
    question,
    answer: correct + 1,
    analysis: `${analysis}\nSo the answer is option ${correct + 1}.`,
    options: values,
  };
}

/** The 1-based number of the published option equal to `value`, as a conform result. */
export function optionResult(sample: GameQASample, value: string | number): ConformResult {
  const at = (sample.options ?? []).findIndex((o) => String(o).trim() === String(value));
  return at < 0 ? { skip: `no option equals ${value}` } : { answer: at + 1 };
}

/** The piece a question is about ("Piece 3"; the last mention wins). */
export function pieceInQuestion(question: string): number | undefined {
  const m = lastMatch(question, /Piece (\d+)/g);
  return m ? Number(m[1]) : undefined;
}

export const removedList = (s: TangramState): string =>
  s.removed_pieces.length ? s.removed_pieces.map((id) => `Piece ${id}`).join(", ") : "none";
