/**
 * `assay llmeval-med export-scored RUN --out-dir DIR`: a judged run written back in the release
 * Evaluate.py's format, one file per judge run (`<run>_run<k>_score.json`): category → items with the
 * dataset fields, `model_answer`, `model_answer_judgement` (the judge's last reply for that run) and
 * `model_answer_score` (the score as a string of digits, or -1 when the run was invalid, as Evaluate.py
 * records a reply without `[n]`). The release's Aggregate.py can then be run on them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunStore } from "../store/run-store.js";
import { UserError } from "../util/errors.js";
import { ANSWER_FIELD, JUDGEMENT_FIELD, SCORE_FIELD } from "./release-files.js";
import { conversationMeta, TASK_NAME } from "./samples.js";
import { JUDGE_SCORER, type JudgeScoreMetadata } from "./scorer.js";
import { storedAnswers } from "./solver.js";

const ITEM_FIELDS = [
  "category1",
  "category2",
  "scene",
  "round",
  "problem",
  "groupCode",
  "sanswer",
  "difficulty",
  "checklist",
] as const;

/** Stands for Python's float NaN until the text is written (JSON has no NaN; the release's files do). */
const NAN_MARK = "\u0000NaN\u0000";

/** JSON as the release's scripts write it (indent 4), with `NaN` where the dataset had NaN. */
function pythonJson(value: unknown): string {
  return JSON.stringify(value, null, 4).replaceAll(JSON.stringify(NAN_MARK), "NaN");
}

export async function exportScored(store: RunStore, runId: string, outDir: string): Promise<string[]> {
  const run = store.requireRun(runId);
  if (run.task !== TASK_NAME) throw new UserError(`run ${run.id} is a "${run.task}" run, not ${TASK_NAME}`);
  const judged = new Map<string, JudgeScoreMetadata>();
  for (const s of store.scoresFor(run.id)) {
    if (s.scorer === JUDGE_SCORER && s.metadata && s.epoch === 1)
      judged.set(s.sampleId, s.metadata as JudgeScoreMetadata);
  }
  if (judged.size === 0)
    throw new UserError(
      `run ${run.id} has no judged samples yet (judge it with: assay rescore ${run.id} --judge ...)`,
    );
  const runs = Math.max(...[...judged.values()].flatMap((m) => m.turns.map((t) => t.runs.length)));
  const files: Array<Record<string, unknown[]>> = Array.from({ length: runs }, () => ({}));
  for (const sample of store.iterateSamples(run.id)) {
    if (sample.epoch !== 1) continue;
    const meta = conversationMeta(sample.metadata);
    const answers = sample.store ? storedAnswers(sample.store) : [];
    const score = judged.get(sample.sampleId);
    meta.turns.forEach((turn, i) => {
      const base: Record<string, unknown> = { ...turn, category2: turn.category2, groupCode: meta.groupCode };
      const item: Record<string, unknown> = {};
      const nan = new Set(turn.nanFields ?? []);
      for (const f of ITEM_FIELDS) {
        if (base[f] !== undefined) item[f] = base[f];
        else if (nan.has(f)) item[f] = NAN_MARK;
      }
      item[ANSWER_FIELD] = answers[i]?.answer ?? "";
      files.forEach((file, k) => {
        const r = score?.turns[i]?.runs[k];
        const list = file[meta.category] ?? [];
        file[meta.category] = list;
        list.push({
          ...item,
          // A failed sample or a missing run is an API failure in Evaluate.py's terms: "" and "".
          [JUDGEMENT_FIELD]: r ? (r.verdicts.at(-1) ?? "") : "",
          [SCORE_FIELD]: r ? (r.score === null ? -1 : String(r.score)) : "",
        });
      });
    });
  }
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const [k, file] of files.entries()) {
    const path = join(outDir, `${run.id}_run${k + 1}_score.json`);
    await writeFile(path, `${pythonJson(file)}\n`);
    paths.push(path);
  }
  return paths;
}
