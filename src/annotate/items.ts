/**
 * Rating items: what an annotator rates, read from a stored run. Generic tasks give one item per
 * (sample, epoch): the last user message is the question, earlier turns are the history, the output is
 * the answer, the target is the reference and `metadata.checklist` (when present) the checklist. A task
 * with an annotation hook builds its own items (LLMEval-Med: one per question of a conversation).
 *
 * Each item also carries the judge's verdict on it (never sent to the annotation app): the score the
 * agreement report compares, and the judge's reasoning for the disagreement report.
 */
import type { ChatMessage, ContentPart } from "../core/types.js";
import type { RunRow, RunStore, StoredSample, StoredScore } from "../store/run-store.js";
import type { HistoryTurn, ItemContext, ItemOptions, RatingItem } from "../tasks/annotation.js";
import { UserError } from "../util/errors.js";
import { scaleForm } from "./forms.js";
import { annotationOf } from "./hook.js";

export type { HistoryTurn, ItemOptions, JudgeVerdict, RatingItem } from "../tasks/annotation.js";

function partText(p: ContentPart): string {
  return p.type === "text" ? p.text : "[image]";
}

export function messageText(m: ChatMessage | undefined): string {
  if (!m) return "";
  return typeof m.content === "string" ? m.content : m.content.map(partText).join("\n");
}

function targetText(t: unknown): string | undefined {
  if (typeof t === "string") return t;
  if (Array.isArray(t) && t.every((x) => typeof x === "string")) return t.join("\n— or —\n");
  return undefined;
}

/** Which stored scorer is "the judge": --scorer, else the task's known judge, else a name with "judge", else the first. */
export function pickJudgeScorer(run: RunRow, explicit?: string): string | undefined {
  const names = run.manifest.scorers.map((s) => s.name);
  if (explicit) {
    if (!names.includes(explicit))
      throw new UserError(
        `--scorer: run ${run.id} has no scorer "${explicit}" (it has: ${names.join(", ") || "none"})`,
      );
    return explicit;
  }
  const known = annotationOf(run.task, run.manifest?.scorers)?.judgeScorer;
  if (known !== undefined && names.includes(known)) return known;
  return names.find((n) => /judge/i.test(n)) ?? names[0];
}

/** Item id of a sample (or of a question in it) at an epoch; epochs after the first get a suffix. */
export function itemIdOf(base: string, epoch: number): string {
  return epoch === 1 ? base : `${base}@${epoch}`;
}

export function loadItems(store: RunStore, run: RunRow, opts: ItemOptions = {}): RatingItem[] {
  const hook = annotationOf(run.task, run.manifest?.scorers);
  const scale = opts.scale ?? hook?.scale;
  const options: ItemOptions = { ...opts, ...(scale ? { scale } : {}) };
  const ctx: ItemContext = { options, scaleForm, itemId: itemIdOf };
  const scorer = pickJudgeScorer(run, opts.scorer);
  const scores = new Map<string, StoredScore>();
  if (scorer) {
    for (const s of store.scoresFor(run.id))
      if (s.scorer === scorer) scores.set(`${s.sampleId}\u0000${s.epoch}`, s);
  }
  const items: RatingItem[] = [];
  for (const sample of store.iterateSamples(run.id)) {
    if (sample.error !== null || sample.output === null) continue;
    const score = scores.get(`${sample.sampleId}\u0000${sample.epoch}`);
    if (hook?.items) items.push(...hook.items(sample, score, ctx));
    else items.push(genericItem(sample, score, options));
  }
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.itemId))
      throw new UserError(
        `run ${run.id}: two items share the id "${it.itemId}"; the run cannot be annotated`,
      );
    seen.add(it.itemId);
  }
  return items;
}

function genericItem(sample: StoredSample, score: StoredScore | undefined, opts: ItemOptions): RatingItem {
  const transcript = Array.isArray(sample.messages) ? (sample.messages as ChatMessage[]) : [];
  const input =
    typeof sample.input === "string" ? [{ role: "user", content: sample.input } as ChatMessage] : [];
  const msgs = transcript.length ? transcript : [...input, ...((sample.input as ChatMessage[]) ?? [])];
  // The answer is the output; the question is the last user message before it.
  let end = msgs.length;
  if (msgs[end - 1]?.role === "assistant") end--;
  let q = end - 1;
  while (q >= 0 && msgs[q]?.role !== "user") q--;
  const history: HistoryTurn[] = msgs
    .slice(0, Math.max(0, q))
    .filter((m) => m.role !== "system")
    .map((m) => ({ role: m.role as "user" | "assistant", content: messageText(m) }));
  const meta = sample.metadata ?? {};
  const groupKey = opts.groupBy ?? "category";
  const category = meta[groupKey];
  const checklist = meta.checklist;
  const reference = targetText(sample.target);
  return {
    itemId: itemIdOf(sample.sampleId, sample.epoch),
    sampleId: sample.sampleId,
    epoch: sample.epoch,
    turn: 0,
    ...(category !== undefined && category !== null ? { category: String(category) } : {}),
    history,
    question: q >= 0 ? messageText(msgs[q]) : typeof sample.input === "string" ? sample.input : "",
    answer: sample.output ?? "",
    ...(reference !== undefined ? { reference } : {}),
    ...(typeof checklist === "string" ? { checklist } : {}),
    form: scaleForm(opts.scale),
    ...(score
      ? { judge: { scorer: score.scorer, value: score.value, explanation: score.explanation ?? "" } }
      : {}),
  };
}
