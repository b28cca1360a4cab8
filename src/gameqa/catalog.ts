/**
 * What `assay gameqa list` prints: each game's category (the paper's four), whether the paper
 * used it in-domain (training) or out-of-domain (held out), and its tasks with qa_type, qa_level
 * and answer form(s). Plain data, so the CLI, the docs table and the tests read the same thing.
 */
import type { AnswerFormat, AnyGame, Category, Level, QaType } from "./types.js";

export type AnswerKind = "multiple-choice" | "fill-in" | "both";

export interface TaskEntry {
  id: number;
  name: string;
  description: string;
  qa_type: QaType;
  qa_level: Level;
  /** Multiple choice, fill-in, or both (a task that draws either). */
  kind: AnswerKind;
  /** The declared form of the answer (for fill-in samples; MC samples are scored by their options). */
  answer_format: AnswerFormat;
  /** Every form the task's samples can take. */
  answer_forms: AnswerFormat[];
}

export interface GameEntry {
  name: string;
  title: string;
  category: Category;
  domain: "ID" | "OOD";
  in_domain: boolean;
  tasks: TaskEntry[];
}

const isOption = (f: AnswerFormat): boolean => f === "option-letter" || f === "option-index";

export function kindOf(forms: readonly AnswerFormat[]): AnswerKind {
  const mc = forms.some(isOption);
  const fi = forms.some((f) => !isOption(f));
  return mc && fi ? "both" : mc ? "multiple-choice" : "fill-in";
}

export function catalog(games: readonly AnyGame[]): GameEntry[] {
  return games.map((g) => ({
    name: g.name,
    title: g.title,
    category: g.category,
    domain: g.domain,
    in_domain: g.domain === "ID",
    tasks: g.tasks.map((t) => {
      const forms = t.answerForms?.length ? [...new Set(t.answerForms)] : [t.answerFormat];
      return {
        id: t.id,
        name: t.name,
        description: t.description,
        qa_type: t.qaType,
        qa_level: t.qaLevel,
        kind: kindOf(forms),
        answer_format: t.answerFormat,
        answer_forms: forms,
      };
    }),
  }));
}
