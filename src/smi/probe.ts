/**
 * `smi probe`: a model's closed-book accuracy per triple, measured as the original does
 * (infer/infer_transformers.py + analysis/tools/1_merge_outputs.py): each of the relation's prompt
 * templates, with [S] replaced by the subject, is sampled `samples` times (temperature 0.7, 32 new
 * tokens); a sample is correct when the object string occurs in the text, case-sensitively.
 * accuracy = correct samples / (templates × samples).
 *
 * Scoring "exact" checks prompt + continuation, as the original's transformers path did (it decoded
 * the prompt together with the answer, so a subject containing its object is always correct);
 * "completion" checks the continuation only (the corrected rule).
 *
 * This file holds the rules; `probe-task.ts` is the task the engine runs, `probe-run.ts` runs it and
 * folds the scores per triple.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { UserError } from "../util/errors.js";
import { pointwiseMi } from "./mi.js";
import type { CountRow } from "./rows.js";

export type ProbeScoring = "exact" | "completion";

export type Templates = Record<string, string[]>;

export function loadTemplates(path: string): Templates {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UserError(`${path}: cannot read templates (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`${path}: expected an object mapping each relation to a list of templates`);
  }
  const out: Templates = {};
  for (const [rel, list] of Object.entries(value)) {
    if (!Array.isArray(list) || list.length === 0)
      throw new UserError(`${path}: relation "${rel}": expected a non-empty list`);
    list.forEach((t, i) => {
      if (typeof t !== "string" || !t.includes("[S]")) {
        throw new UserError(`${path}: relation "${rel}", template ${i}: must be a string containing [S]`);
      }
    });
    out[rel] = list as string[];
  }
  return out;
}

export function fillTemplate(template: string, subject: string): string {
  return template.split("[S]").join(subject); // Python's str.replace replaces every occurrence
}

export function isCorrect(
  object: string,
  prompt: string,
  continuation: string,
  scoring: ProbeScoring,
): boolean {
  return (scoring === "exact" ? prompt + continuation : continuation).includes(object);
}

/** A triple's measured accuracy; `error` when some of its samples failed (it is then left out). */
export interface TripleAccuracy {
  idx: number;
  correct: number;
  total: number;
  acc: number;
  error?: string;
}

/** merge_outputs-style rows: the count rows plus `acc` and `mi` (the original's 1_merge_outputs.py). */
export function mergeOutputs(
  counts: CountRow[],
  accuracies: TripleAccuracy[],
): Array<CountRow & { acc: number; mi: number }> {
  const byIdx = new Map(accuracies.map((a) => [a.idx, a]));
  return counts.flatMap((row) => {
    const a = byIdx.get(row.idx);
    if (!a || a.error !== undefined) return [];
    return [{ ...row, acc: a.acc, mi: pointwiseMi(row) }];
  });
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value));
}
