/**
 * The annotation hook for any task judged by the generic `rubric` scorer (src/scorers/rubric.ts), so
 * people can rate the same answers in `assay annotate` and `assay agreement` compares them with the
 * judge, as for LLMEval-Med. One item per (sample, epoch): the conversation before the answer, the
 * answer, the reference, and as checklist the rubric the judge was given. The form is a score on the
 * judge's own scale (read from the stored score, so pass-fail items get a 0/1 form); the judge value is
 * the aggregate of its runs, and the judge's replies are the item's reasoning for the disagreement report.
 *
 * Use it as `annotation: rubricAnnotation({ scale: "0-10" })` in a task definition. Runs of tasks without
 * a hook whose scorers include one named `rubric` get `rubricAnnotation()` automatically (src/annotate/hook.ts).
 */
import type { ChatMessage, ContentPart } from "../core/types.js";
import { RUBRIC_SCORER, type RubricScoreMetadata } from "../scorers/rubric.js";
import { defaultThreshold, parseScale } from "../scorers/rubric-scale.js";
import type { StoredSample, StoredScore } from "../store/run-store.js";
import type { HistoryTurn, ItemContext, RatingItem, TaskAnnotation } from "./annotation.js";

export interface RubricAnnotationOptions {
  /** Name of the rubric scorer in the task (default "rubric"). */
  scorer?: string;
  /** The rubric scorer's scale, as given to it (default "1-5"): the agreement scale. */
  scale?: string;
  /** Binary view's threshold (default: PASS, or the lowest value ¾ of the way up: 4 on 1–5, 8 on 0–10). */
  threshold?: number;
  /** Metadata key for the per-category breakdown (default "category"). */
  groupBy?: string;
}

function text(m: ChatMessage): string {
  return typeof m.content === "string"
    ? m.content
    : m.content.map((p: ContentPart) => (p.type === "text" ? p.text : "[image]")).join("\n");
}

/** The question and the turns before it, from the stored transcript (the answer itself left out). */
function conversation(sample: StoredSample): { question: string; history: HistoryTurn[] } {
  const stored = Array.isArray(sample.messages) ? (sample.messages as ChatMessage[]) : [];
  const input = typeof sample.input === "string" ? [{ role: "user" as const, content: sample.input }] : [];
  const msgs = (
    stored.length ? stored : Array.isArray(sample.input) ? (sample.input as ChatMessage[]) : input
  ).filter((m) => m.role !== "system");
  if (msgs[msgs.length - 1]?.role === "assistant") msgs.pop();
  const q = msgs.map((m) => m.role).lastIndexOf("user");
  return {
    question: q >= 0 ? text(msgs[q]!) : "",
    history: msgs
      .slice(0, Math.max(0, q))
      .map((m) => ({ role: m.role as "user" | "assistant", content: text(m) })),
  };
}

function referenceOf(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target) && target.every((t) => typeof t === "string")) return target.join("\n— or —\n");
  return undefined;
}

export function rubricAnnotation(opts: RubricAnnotationOptions = {}): TaskAnnotation {
  const scale = parseScale(opts.scale ?? "1-5");
  const judgeScorer = opts.scorer ?? RUBRIC_SCORER;
  const items = (sample: StoredSample, score: StoredScore | undefined, ctx: ItemContext): RatingItem[] => {
    const meta = (score?.metadata ?? undefined) as Partial<RubricScoreMetadata> | undefined;
    const values = Array.isArray(meta?.scale_values)
      ? meta.scale_values
      : (ctx.options.scale ?? scale.values);
    const groupKey = ctx.options.groupBy ?? opts.groupBy ?? "category";
    const category = sample.metadata?.[groupKey];
    const reference = referenceOf(sample.target);
    return [
      {
        itemId: ctx.itemId(sample.sampleId, sample.epoch),
        sampleId: sample.sampleId,
        epoch: sample.epoch,
        turn: 0,
        ...(category !== undefined && category !== null ? { category: String(category) } : {}),
        ...conversation(sample),
        answer: sample.output ?? "",
        ...(reference !== undefined ? { reference } : {}),
        ...(typeof meta?.rubric === "string" ? { checklist: meta.rubric } : {}),
        form: ctx.scaleForm(values),
        ...(score
          ? { judge: { scorer: score.scorer, value: score.value, explanation: score.explanation ?? "" } }
          : {}),
      },
    ];
  };
  return {
    judgeScorer,
    scale: scale.values,
    threshold: opts.threshold ?? defaultThreshold(scale),
    items,
  };
}
