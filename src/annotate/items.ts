/**
 * Rating items: what an annotator rates, read from a stored run. Generic tasks give one item per
 * (sample, epoch): the last user message is the question, earlier turns are the history, the output is
 * the answer, the target is the reference and `metadata.checklist` (when present) the checklist.
 * LLMEval-Med samples are whole conversations judged turn by turn, so they give one item per question,
 * with the model's own earlier answers as the history and the per-question reference and checklist.
 *
 * Each item also carries the judge's verdict on it (never sent to the annotation app): the score the
 * agreement report compares, and the judge's reasoning for the disagreement report.
 */
import type { ChatMessage, ContentPart } from "../core/types.js";
import { type CategoryCode, findCategory } from "../llmeval-med/categories.js";
import { TASK_NAME as LLMEVAL_MED, type TurnMeta } from "../llmeval-med/samples.js";
import { JUDGE_SCORER, type JudgeScoreMetadata } from "../llmeval-med/scorer.js";
import { storedAnswers } from "../llmeval-med/solver.js";
import type { RunRow, RunStore, StoredSample, StoredScore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { type FormSpec, mtgForm, scaleForm } from "./forms.js";

export interface HistoryTurn {
  role: "user" | "assistant";
  content: string;
}

export interface JudgeVerdict {
  /** Scorer the value came from. */
  scorer: string;
  /** Raw numeric judge value (e.g. the mean of three judge runs); null when the judge gave none. */
  value: number | null;
  /** The judge's reasoning / replies. */
  explanation: string;
}

export interface RatingItem {
  itemId: string;
  sampleId: string;
  epoch: number;
  /** Index of the question inside a multi-turn sample (LLMEval-Med), else 0. */
  turn: number;
  /** For the per-category breakdown. */
  category?: string;
  history: HistoryTurn[];
  question: string;
  answer: string;
  reference?: string;
  checklist?: string;
  form: FormSpec;
  judge?: JudgeVerdict;
  /** Fields the judge prompt is filled from (LLMEval-Med), used to detect what a refinement changed. */
  judgeInput?: TurnMeta & { category: string; code: CategoryCode };
}

export interface ItemOptions {
  /** Scorer holding the judge's score (default: see pickJudgeScorer). */
  scorer?: string;
  /** Rating scale (default 1–5). */
  scale?: readonly number[];
  /** Metadata key for the category breakdown (default: "category" when samples have it). */
  groupBy?: string;
}

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
  if (run.task === LLMEVAL_MED && names.includes(JUDGE_SCORER)) return JUDGE_SCORER;
  return names.find((n) => /judge/i.test(n)) ?? names[0];
}

export function isTurnTask(run: RunRow): boolean {
  return run.task === LLMEVAL_MED;
}

/** Item id of a sample (or of a question in it) at an epoch; epochs after the first get a suffix. */
export function itemIdOf(base: string, epoch: number): string {
  return epoch === 1 ? base : `${base}@${epoch}`;
}

export function loadItems(store: RunStore, run: RunRow, opts: ItemOptions = {}): RatingItem[] {
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
    if (isTurnTask(run)) items.push(...turnItems(sample, score, opts));
    else items.push(genericItem(sample, score, opts));
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

function turnItems(sample: StoredSample, score: StoredScore | undefined, opts: ItemOptions): RatingItem[] {
  const meta = sample.metadata as { category?: unknown; turns?: unknown } | undefined;
  if (!meta || typeof meta.category !== "string" || !Array.isArray(meta.turns)) return [];
  const info = findCategory(meta.category);
  if (!info) return [];
  const turns = meta.turns as TurnMeta[];
  const answers = storedAnswers(sample.store ?? {});
  const judged = (score?.metadata as JudgeScoreMetadata | undefined)?.turns ?? [];
  const out: RatingItem[] = [];
  const history: HistoryTurn[] = [];
  turns.forEach((turn, i) => {
    const answer = answers[i]?.answer;
    if (answer === undefined) return;
    const j = judged.find((t) => t.id === turn.id);
    const explanation = j
      ? j.runs
          .map(
            (r, k) =>
              `— judge run ${k + 1}: ${r.score === null ? "invalid" : r.score}\n${r.verdicts.at(-1) ?? ""}`,
          )
          .join("\n\n")
      : "";
    out.push({
      itemId: itemIdOf(turn.id, sample.epoch),
      sampleId: sample.sampleId,
      epoch: sample.epoch,
      turn: i,
      // The category code by default; --group-by may pick a per-question field such as category2.
      category:
        opts.groupBy && opts.groupBy !== "code" && opts.groupBy !== "category"
          ? String(turn[opts.groupBy as keyof TurnMeta] ?? "")
          : info.code,
      history: [...history],
      question: turn.problem,
      answer,
      ...(turn.sanswer !== undefined ? { reference: turn.sanswer } : {}),
      ...(turn.checklist !== undefined ? { checklist: turn.checklist } : {}),
      form: info.code === "MTG" ? mtgForm(opts.scale) : scaleForm(opts.scale),
      ...(j ? { judge: { scorer: JUDGE_SCORER, value: j.mean, explanation } } : {}),
      judgeInput: { ...turn, category: meta.category as string, code: info.code },
    });
    history.push({ role: "user", content: turn.problem }, { role: "assistant", content: answer });
  });
  return out;
}
