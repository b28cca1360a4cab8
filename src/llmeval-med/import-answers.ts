/**
 * `assay llmeval-med import-answers FILE --model NAME`: turn the answers file written by the release's
 * Answer.py (the dataset with a `model_answer` on every item) into a stored `llmeval-med` run with one
 * sample per conversation, holding the transcript and answers exactly as the judge scorer expects and
 * no scores yet. `assay rescore <run-id> --judge <provider/model>` then judges it.
 *
 * The file is also the run's dataset (`-T dataset=FILE`): it carries every field of the release.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ChatMessage } from "../core/types.js";
import { importRun } from "../engine/import-run.js";
import type { RunStore } from "../store/run-store.js";
import { createTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import { parseDataset } from "./dataset.js";
import { isPyDict, isPyNaN, parsePyJson } from "./pyjson.js";
import { ANSWER_FIELD } from "./release-files.js";
import { ANSWER_SYSTEM, conversationSample, TASK_NAME } from "./samples.js";
import type { TurnAnswer } from "./solver.js";
import "./task.js";

export interface ImportResult {
  runId: string;
  conversations: number;
  questions: number;
}

/** The model answers by item, keyed `<category>\0<index>`, with an error for any missing one. */
function readAnswers(text: string, source: string): Map<string, string> {
  const root = parsePyJson(text);
  const out = new Map<string, string>();
  if (!isPyDict(root)) return out; // parseDataset reports the shape problem
  for (const [category, list] of root) {
    if (!Array.isArray(list)) continue;
    list.forEach((item, index) => {
      if (!isPyDict(item)) return;
      const v = item.get(ANSWER_FIELD);
      if (v === undefined || v === null || isPyNaN(v)) {
        throw new UserError(
          `${source}: category "${category}", item ${index}: field "${ANSWER_FIELD}" is missing`,
        );
      }
      if (typeof v !== "string")
        throw new UserError(
          `${source}: category "${category}", item ${index}: field "${ANSWER_FIELD}" must be text`,
        );
      out.set(`${category}\u0000${index}`, v);
    });
  }
  return out;
}

export async function importAnswers(
  store: RunStore,
  file: string,
  opts: { model: string; runId?: string; judgePrompts?: string; judgeLang?: string },
): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const ds = parseDataset(text, file);
  const answers = readAnswers(text, file);
  const args: Record<string, string> = { dataset: resolve(file) };
  if (opts.judgePrompts) args.judge_prompts = resolve(opts.judgePrompts);
  if (opts.judgeLang) args.judge_lang = opts.judgeLang;
  const { task, args: taskArgs } = await createTask(TASK_NAME, args);

  const system = String(taskArgs.system ?? ANSWER_SYSTEM);
  const answered = ds.conversations.map((conv) => {
    const sample = conversationSample(conv, system);
    const messages: ChatMessage[] = [{ role: "system", content: system }];
    const turnAnswers: TurnAnswer[] = conv.turns.map((turn) => {
      const answer = answers.get(`${turn.category}\u0000${turn.index}`) ?? "";
      messages.push({ role: "user", content: turn.problem }, { role: "assistant", content: answer });
      return { id: turn.id, round: turn.round, answer };
    });
    return { sample, output: turnAnswers.at(-1)?.answer ?? "", messages, store: { answers: turnAnswers } };
  });
  const runId = importRun(
    store,
    { task, taskArgs, model: opts.model, source: file, ...(opts.runId ? { runId: opts.runId } : {}) },
    answered,
  );
  return { runId, conversations: ds.conversations.length, questions: ds.items.length };
}
