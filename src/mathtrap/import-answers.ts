/**
 * `assay mathtrap import-answers FILE --model NAME`: answers produced elsewhere (JSON or JSONL records with
 * a `response`, and the item's `id` as Assay names it or its `problem` text) become a stored mathtrap run
 * without any model call. Originals and conceptual questions are then scored by the rules, traps by the
 * judge: `assay rescore <run> --judge <provider/model>`.
 */
import type { Sample, TaskArgs } from "../core/types.js";
import { readRecords } from "../dataset/records.js";
import { type ImportedAnswer, importRun } from "../engine/import-run.js";
import type { RunStore } from "../store/run-store.js";
import { createTask } from "../tasks/registry.js";
import { UserError } from "../util/errors.js";
import "./task.js";

const RESPONSE_FIELDS = ["response", "model_answer", "output"] as const;

export interface MathtrapImportResult {
  runId: string;
  imported: number;
  /** Items of the task without an answer in the file (not stored; a rescore covers only what is there). */
  unanswered: string[];
}

function problemKey(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export async function importMathtrapAnswers(
  store: RunStore,
  file: string,
  opts: { model: string; taskArgs: TaskArgs; runId?: string },
): Promise<MathtrapImportResult> {
  const { task, args } = await createTask("mathtrap", opts.taskArgs);
  const byId = new Map<string, Sample>();
  const byProblem = new Map<string, Sample>();
  for await (const s of task.dataset.samples()) {
    byId.set(s.id, s);
    const problem = s.metadata?.problem;
    if (typeof problem === "string") byProblem.set(problemKey(problem), s);
  }
  const answered = new Map<string, ImportedAnswer>();
  for await (const { record, where } of readRecords(file)) {
    const field = RESPONSE_FIELDS.find((f) => typeof record[f] === "string");
    if (!field) throw new UserError(`${where}: field "response": expected the model's answer as a string`);
    let sample: Sample | undefined;
    if (record.id !== undefined) {
      sample = byId.get(String(record.id));
      if (!sample) throw new UserError(`${where}: field "id": no item "${record.id}" in this mathtrap task`);
    } else {
      const problem = record.problem ?? record.question;
      if (typeof problem !== "string")
        throw new UserError(`${where}: give field "id" (the item's id) or "problem" (its text)`);
      sample = byProblem.get(problemKey(problem));
      if (!sample)
        throw new UserError(`${where}: field "problem": no item of this mathtrap task has this problem text`);
    }
    if (answered.has(sample.id)) throw new UserError(`${where}: a second answer for item "${sample.id}"`);
    answered.set(sample.id, { sample, output: record[field] as string });
  }
  if (answered.size === 0) throw new UserError(`${file}: no answers`);
  // Stored in the task's own order, so reports list items as a live run does.
  const ordered = [...byId.values()].flatMap((s) => answered.get(s.id) ?? []);
  const runId = importRun(
    store,
    { task, taskArgs: args, model: opts.model, source: file, ...(opts.runId ? { runId: opts.runId } : {}) },
    ordered,
  );
  return { runId, imported: ordered.length, unanswered: [...byId.keys()].filter((id) => !answered.has(id)) };
}
