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
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ModelHandle } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { Progress } from "../util/progress.js";
import { pointwiseMi } from "./mi.js";
import type { CountRow, Triple } from "./rows.js";

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

export interface ProbeOptions {
  samples: number;
  temperature: number;
  maxTokens: number;
  scoring: ProbeScoring;
  /** Raw text continuation (as the original runs base models), or a chat request. */
  completion: boolean;
  /** Triples probed at the same time (each sends templates × samples calls). */
  parallelTriples: number;
  /** JSONL file of finished triples; existing lines are reused (resume). */
  checkpoint?: string;
  progress?: "auto" | "silent";
}

export interface TripleAccuracy {
  idx: number;
  correct: number;
  total: number;
  acc: number;
  error?: string;
}

function readCheckpoint(path: string | undefined): Map<number, TripleAccuracy> {
  const done = new Map<number, TripleAccuracy>();
  if (!path || !existsSync(path)) return done;
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        const r = JSON.parse(line) as TripleAccuracy;
        if (typeof r.idx === "number" && typeof r.acc === "number" && r.error === undefined)
          done.set(r.idx, r);
      } catch {
        throw new UserError(`${path}:${i + 1}: not a JSON line (delete the checkpoint to start over)`);
      }
    });
  return done;
}

async function probeTriple(
  model: ModelHandle,
  triple: Triple,
  templates: string[],
  opts: ProbeOptions,
): Promise<TripleAccuracy> {
  const calls: Array<Promise<boolean>> = [];
  for (const template of templates) {
    const prompt = fillTemplate(template, triple.subj);
    for (let k = 1; k <= opts.samples; k++) {
      calls.push(
        model
          .generate(
            [{ role: "user", content: prompt }],
            {
              temperature: opts.temperature,
              maxTokens: opts.maxTokens,
              ...(opts.completion ? { completion: true } : {}),
            },
            { epoch: k },
          )
          .then((out) => isCorrect(triple.obj, prompt, out.text, opts.scoring)),
      );
    }
  }
  const results = await Promise.all(calls);
  const correct = results.filter(Boolean).length;
  return { idx: triple.idx, correct, total: results.length, acc: correct / results.length };
}

export async function probeTriples(
  model: ModelHandle,
  triples: Triple[],
  templates: Templates,
  opts: ProbeOptions,
): Promise<TripleAccuracy[]> {
  triples.forEach((t, i) => {
    if (!templates[t.rel])
      throw new UserError(`triples row ${i} (idx ${t.idx}): no templates for relation "${t.rel}"`);
  });
  const done = readCheckpoint(opts.checkpoint);
  const results = new Map<number, TripleAccuracy>(done);
  const todo = triples.filter((t) => !done.has(t.idx));
  const progress = new Progress({
    label: `smi probe ${model.id}`,
    total: triples.length,
    unit: "triples",
    mode: opts.progress === "silent" ? "silent" : "auto",
  });
  progress.set(done.size);
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const t = todo[next++];
      if (!t) return;
      let r: TripleAccuracy;
      try {
        r = await probeTriple(model, t, templates[t.rel]!, opts);
      } catch (err) {
        failures++;
        r = { idx: t.idx, correct: 0, total: 0, acc: Number.NaN, error: (err as Error).message };
      }
      results.set(t.idx, r);
      if (opts.checkpoint && r.error === undefined) appendFileSync(opts.checkpoint, `${JSON.stringify(r)}\n`);
      progress.tick();
      progress.setDetail(failures > 0 ? `${failures} failed` : "");
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.parallelTriples) }, worker));
  } finally {
    progress.finish();
  }
  return triples.map((t) => results.get(t.idx)!);
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
