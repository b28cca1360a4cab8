/**
 * LLMEval-Med's annotation hook (src/tasks/annotation.ts): how physicians validate the checklist judge.
 * A sample is a whole conversation judged turn by turn, so it gives one rating item per question, with
 * the model's own earlier answers as the history and the question's own reference and checklist. The
 * judge value of an item is the question's mean over the judge runs. Medical Text Generation items use
 * the Appendix D form (annotation-form.ts); refinement with per-question checklist files is in
 * annotation-refine.ts.
 */
import type { StoredSample, StoredScore } from "../store/run-store.js";
import type { HistoryTurn, ItemContext, RatingItem, TaskAnnotation } from "../tasks/annotation.js";
import { MTG_FORM_KIND, mtgForm, mtgFormVerdict } from "./annotation-form.js";
import { llmevalMedRefine } from "./annotation-refine.js";
import { type CategoryCode, findCategory } from "./categories.js";
import type { TurnMeta } from "./samples.js";
import { JUDGE_SCORER, type JudgeScoreMetadata, type TurnJudgement } from "./scorer.js";
import { storedAnswers } from "./solver.js";

/** What the judge prompt of one question is filled from; refinement re-renders it. */
export type QuestionJudgeInput = TurnMeta & { category: string; code: CategoryCode };

function judgeReasoning(j: TurnJudgement): string {
  return j.runs
    .map(
      (r, k) => `— judge run ${k + 1}: ${r.score === null ? "invalid" : r.score}\n${r.verdicts.at(-1) ?? ""}`,
    )
    .join("\n\n");
}

export function questionItems(
  sample: StoredSample,
  score: StoredScore | undefined,
  ctx: ItemContext,
): RatingItem[] {
  const meta = sample.metadata as { category?: unknown; turns?: unknown } | undefined;
  if (!meta || typeof meta.category !== "string" || !Array.isArray(meta.turns)) return [];
  const info = findCategory(meta.category);
  if (!info) return [];
  const { groupBy, scale } = ctx.options;
  const form = ctx.scaleForm(scale);
  const turns = meta.turns as TurnMeta[];
  const answers = storedAnswers(sample.store ?? {});
  const judged = (score?.metadata as JudgeScoreMetadata | undefined)?.turns ?? [];
  const out: RatingItem[] = [];
  const history: HistoryTurn[] = [];
  turns.forEach((turn, i) => {
    const answer = answers[i]?.answer;
    if (answer === undefined) return;
    const j = judged.find((t) => t.id === turn.id);
    const judgeInput: QuestionJudgeInput = { ...turn, category: meta.category as string, code: info.code };
    out.push({
      itemId: ctx.itemId(turn.id, sample.epoch),
      sampleId: sample.sampleId,
      epoch: sample.epoch,
      turn: i,
      // The category code by default; --group-by may pick a per-question field such as category2.
      category:
        groupBy && groupBy !== "code" && groupBy !== "category"
          ? String(turn[groupBy as keyof TurnMeta] ?? "")
          : info.code,
      history: [...history],
      question: turn.problem,
      answer,
      ...(turn.sanswer !== undefined ? { reference: turn.sanswer } : {}),
      ...(turn.checklist !== undefined ? { checklist: turn.checklist } : {}),
      form: info.code === "MTG" ? mtgForm(form.fields[0]!) : form,
      ...(j ? { judge: { scorer: JUDGE_SCORER, value: j.mean, explanation: judgeReasoning(j) } } : {}),
      judgeInput,
    });
    history.push({ role: "user", content: turn.problem }, { role: "assistant", content: answer });
  });
  return out;
}

export const llmevalMedAnnotation: TaskAnnotation = {
  judgeScorer: JUDGE_SCORER,
  items: questionItems,
  formVerdict: (item, dims) => (item.form.kind === MTG_FORM_KIND ? mtgFormVerdict(dims) : undefined),
  verdictSummary: {
    key: "appendixD",
    title: "Medical Text Generation, human usability by Appendix D (Safety veto, B–E mapped ≥ 5)",
  },
  refine: llmevalMedRefine,
  // The paper's 92.47%: agreement per category and its mean over the four judge-scored categories.
  headline: { label: "LLMEval-Med judge–expert agreement as the paper reports it", excludeGroups: ["MTG"] },
};
