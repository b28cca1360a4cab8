/**
 * Reading the scored files the release's Evaluate.py writes — `{ "<category>": [ {...item,
 * model_answer, model_answer_judgement, model_answer_score}, ... ] }`, one file per judge run — into
 * JudgedQuestions, with exactly the release Aggregate.py's rules:
 * - a score is valid when Python's float() accepts it and 0 ≤ s ≤ 5; None, "", "-1" are invalid;
 * - a question is `(str(groupCode), str(round))` within its category when both keys are present,
 *   else its problem text; the same question in several files (or twice in one) pools its scores;
 * - categories and questions keep their first-seen order across the files.
 */
import { UserError } from "../util/errors.js";
import type { JudgedQuestion } from "./aggregate.js";
import { isPyDict, PyFloat, PyJsonSyntaxError, type PyValue, parsePyJson } from "./pyjson.js";
import { pyFloatFromString, pyStr } from "./pynum.js";

export const SCORE_FIELD = "model_answer_score";
export const JUDGEMENT_FIELD = "model_answer_judgement";
export const ANSWER_FIELD = "model_answer";

/** The release's parse_score: a float in [0, 5], or null. */
export function releaseScore(raw: PyValue | undefined): number | null {
  if (raw === undefined || raw === null || raw === "" || raw === "-1") return null;
  let v: number | undefined;
  if (typeof raw === "string") v = pyFloatFromString(raw);
  else if (typeof raw === "number") v = raw;
  else if (raw instanceof PyFloat) v = raw.value;
  else if (typeof raw === "boolean") v = raw ? 1 : 0; // Python: float(True) == 1.0
  if (v === undefined || !(v >= 0 && v <= 5)) return null;
  return v;
}

/** The release's question_id, as a string key. */
export function releaseQuestionKey(item: Map<string, PyValue>): string {
  const gc = item.get("groupCode");
  const round = item.get("round");
  if (gc !== undefined && round !== undefined) return JSON.stringify(["q", pyStr(gc), pyStr(round)]);
  const problem = item.get("problem") ?? "";
  return JSON.stringify(["p", typeof problem === "string" ? problem : { nonText: pyStr(problem) }]);
}

export interface ScoredFile {
  source: string;
  text: string;
}

/** Parse one scored file into (category → items) with a clear error for anything malformed. */
export function readScoredFile(file: ScoredFile): Array<[string, Array<Map<string, PyValue>>]> {
  let root: PyValue;
  try {
    root = parsePyJson(file.text);
  } catch (err) {
    if (err instanceof PyJsonSyntaxError)
      throw new UserError(`${file.source}: not valid JSON: ${err.message}`);
    throw err;
  }
  if (!isPyDict(root))
    throw new UserError(`${file.source}: expected an object mapping each category to a list of items`);
  const out: Array<[string, Array<Map<string, PyValue>>]> = [];
  for (const [category, list] of root) {
    if (!Array.isArray(list))
      throw new UserError(`${file.source}: category "${category}" must hold a list of items`);
    const items = list.map((item, index) => {
      if (!isPyDict(item))
        throw new UserError(`${file.source}: category "${category}", item ${index}: expected an object`);
      return item;
    });
    out.push([category, items]);
  }
  return out;
}

/** Questions with one entry in `runs` per valid score found across the files (invalid ones as null). */
export function questionsFromScoredFiles(files: readonly ScoredFile[]): JudgedQuestion[] {
  const byCategory = new Map<string, Map<string, JudgedQuestion & { runs: Array<number | null> }>>();
  for (const file of files) {
    for (const [category, items] of readScoredFile(file)) {
      let questions = byCategory.get(category);
      if (!questions) {
        questions = new Map();
        byCategory.set(category, questions);
      }
      for (const item of items) {
        const key = releaseQuestionKey(item);
        let q = questions.get(key);
        if (!q) {
          const c2 = item.get("category2");
          q = { category, key, runs: [], ...(typeof c2 === "string" ? { category2: c2 } : {}) };
          questions.set(key, q);
        }
        q.runs.push(releaseScore(item.get(SCORE_FIELD)));
      }
    }
  }
  return [...byCategory.values()].flatMap((m) => [...m.values()]);
}
