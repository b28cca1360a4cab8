/**
 * `assay mathtrap check --jsonl FILE`: the rule-based checker over many {response, reference} lines,
 * e.g. answers produced by another harness. Undecided lines (the rule cannot tell) are counted apart:
 * they need a judge, and are never silently scored as right or wrong.
 */
import { table } from "../cli-kit/output.js";
import { readRecords } from "../dataset/records.js";
import { type AnswerCheck, checkMathAnswer } from "../scorers/math-answer.js";
import { UserError } from "../util/errors.js";

export interface BatchVerdict extends AnswerCheck {
  /** "file.jsonl:3" */
  where: string;
  id?: string;
}

export interface BatchResult {
  file: string;
  total: number;
  decided: number;
  correct: number;
  /** correct / total: undecided lines count as not correct. */
  accuracy: number;
  /** correct / decided: the rule's accuracy where it reached a verdict. */
  decidedAccuracy: number;
  verdicts: BatchVerdict[];
}

export async function checkBatch(file: string): Promise<BatchResult> {
  const verdicts: BatchVerdict[] = [];
  for await (const { record, where } of readRecords(file)) {
    const response = record.response;
    const reference = record.reference ?? record.target;
    if (typeof response !== "string") throw new UserError(`${where}: field "response": expected a string`);
    if (typeof reference !== "string" && typeof reference !== "number")
      throw new UserError(`${where}: field "reference": expected a string or number`);
    const id = typeof record.id === "string" || typeof record.id === "number" ? String(record.id) : undefined;
    verdicts.push({
      where,
      ...(id !== undefined ? { id } : {}),
      ...checkMathAnswer(response, String(reference)),
    });
  }
  if (verdicts.length === 0) throw new UserError(`${file}: no lines to check`);
  const decided = verdicts.filter((v) => v.decided).length;
  const correct = verdicts.filter((v) => v.correct === true).length;
  return {
    file,
    total: verdicts.length,
    decided,
    correct,
    accuracy: correct / verdicts.length,
    decidedAccuracy: decided ? correct / decided : Number.NaN,
    verdicts,
  };
}

export function formatBatch(r: BatchResult): string {
  const rows = r.verdicts.map((v) => [
    v.id ?? v.where,
    v.decided ? (v.correct ? "correct" : "wrong") : "undecided",
    v.extracted ?? "",
    v.reason,
  ]);
  const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
  return (
    `${table(["line", "verdict", "extracted", "reason"], rows)}\n\n` +
    `${r.correct}/${r.total} correct (accuracy ${pct(r.accuracy)}); ` +
    `${r.decided} decided by the rule (${pct(r.decidedAccuracy)} of those correct), ${r.total - r.decided} need a judge\n`
  );
}
