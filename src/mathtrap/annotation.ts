/**
 * MathTrap's annotation hook (src/tasks/annotation.ts): people check the trap judge. Each trap problem
 * the judge decided becomes one rating item: the trap problem, the model's response, and the flaw as
 * the data annotates it. The annotator answers the judge's own question, "does the response identify
 * the flaw?", yes (1) or no (0), and writes the reason. The judge value is the majority verdict of the
 * judge samples, so `assay agreement` compares two yes/no raters on the scale 0, 1. Originals and
 * conceptual questions are decided by rule almost always and are not rated. Re-judging goes through the
 * generic path: a new `prompts` folder, with unchanged judge requests answered by the response cache.
 */
import type { StoredSample, StoredScore } from "../store/run-store.js";
import type { FormSpec, ItemContext, RatingItem, TaskAnnotation } from "../tasks/annotation.js";

/** The name `mathtrapScorer` gives its scores. */
export const MATHTRAP_SCORER = "mathtrap";

export const TRAP_FORM: FormSpec = {
  kind: "yes-no",
  fields: [
    {
      key: "score",
      label: "Does the response identify the flaw?",
      values: [0, 1],
      valueLabels: {
        "0": "no: it misses the flaw (e.g. solves the problem as if it were sound)",
        "1": "yes: it points out the flaw or says the problem cannot be solved as posed",
      },
      help: "the question the judge answered",
    },
  ],
  comment: {
    label: "Reason",
    placeholder: "Which flaw does the response name, or what does it do instead?",
  },
};

function judgeReasoning(score: StoredScore): string {
  const meta = (score.metadata ?? {}) as { judge_outputs?: unknown };
  const outputs = Array.isArray(meta.judge_outputs) ? meta.judge_outputs.map(String) : [];
  const head = score.explanation ?? "";
  return [head, ...outputs.map((text, k) => `— judge sample ${k + 1}:\n${text}`)].join("\n\n");
}

function trapItems(sample: StoredSample, score: StoredScore | undefined, ctx: ItemContext): RatingItem[] {
  const meta = (sample.metadata ?? {}) as Record<string, unknown>;
  if (meta.kind !== "trap") return [];
  // Only what the judge decided: an empty response is scored by rule, with nothing to validate.
  if (!score || (score.metadata as { path?: unknown } | undefined)?.path !== "judge") return [];
  const group = meta[ctx.options.groupBy ?? "trap_type"];
  const target = Array.isArray(sample.target) ? sample.target[0] : sample.target;
  return [
    {
      itemId: ctx.itemId(sample.sampleId, sample.epoch),
      sampleId: sample.sampleId,
      epoch: sample.epoch,
      turn: 0,
      ...(group !== undefined && group !== null ? { category: String(group) } : {}),
      history: [],
      question: String(meta.problem ?? ""),
      answer: sample.output ?? "",
      ...(typeof target === "string" ? { reference: target } : {}),
      form: TRAP_FORM,
      judge: { scorer: score.scorer, value: score.value, explanation: judgeReasoning(score) },
    },
  ];
}

export const mathtrapAnnotation: TaskAnnotation = {
  judgeScorer: MATHTRAP_SCORER,
  scale: [0, 1],
  // The binary view counts "yes, identified" as positive.
  threshold: 1,
  items: trapItems,
  promptOption: "prompts",
};
