/**
 * Trap generation and approval. An LLM edits well-posed problems so they contain a flaw of a given
 * type and explains the flaw; the results are written in the MathTrap_Public schema with
 * `verified: false`, so evaluation ignores them until a person approves them (`approveRecords`).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { ModelHandle } from "../core/types.js";
import { referenceAnswer } from "../scorers/math-answer.js";
import { Rng } from "../stats/rng.js";
import { UserError } from "../util/errors.js";
import { parseTrapRecord, readJsonl, type TrapType } from "./data.js";
import { type PromptSet, renderPrompt } from "./prompts.js";

export { parseTrapTypes } from "./trap-types.js";

export interface GenerationSource {
  /** "file:line" or "file[index]" of the source problem. */
  where: string;
  category: string;
  problem: string;
  solution: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim().length > 0 ? v : undefined;
}

/**
 * Source problems from GSM8K_test.jsonl ({query, response}), *-ori.jsonl ({category, question, answer})
 * or trap-record files (their original problems, deduplicated). Each must have a final answer.
 */
export function loadGenerationSources(path: string): GenerationSource[] {
  const name = basename(path);
  let rows: { where: string; value: unknown }[];
  if (/\.jsonl$/i.test(path))
    rows = readJsonl(path).map((r) => ({ where: `${name}:${r.line}`, value: r.value }));
  else {
    if (!existsSync(path)) throw new UserError(`${path}: cannot read file (ENOENT)`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new UserError(`${name}: invalid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new UserError(`${name}: expected a JSON array`);
    rows = parsed.map((value, i) => ({ where: `${name}[${i}]`, value }));
  }
  const seen = new Set<string>();
  const out: GenerationSource[] = [];
  for (const { where, value } of rows) {
    const o = (value ?? {}) as Record<string, unknown>;
    let source: GenerationSource;
    if (str(o.query) && str(o.response)) {
      source = { where, category: "GSM8K", problem: o.query as string, solution: o.response as string };
    } else if (str(o.question) && str(o.answer)) {
      source = {
        where,
        category: str(o.category) ?? "GSM8K",
        problem: o.question as string,
        solution: o.answer as string,
      };
    } else if (str(o.original_problem) && str(o.original_solution)) {
      source = {
        where,
        category: str(o.category) ?? "GSM8K",
        problem: o.original_problem as string,
        solution: o.original_solution as string,
      };
    } else {
      throw new UserError(
        `${where}: expected fields query+response, question+answer, or original_problem+original_solution`,
      );
    }
    if (referenceAnswer(source.solution) === undefined)
      throw new UserError(`${where}: the solution has no final answer (\\boxed{...} or "#### ...")`);
    if (seen.has(source.problem.trim())) continue;
    seen.add(source.problem.trim());
    out.push(source);
  }
  return out;
}

/** The JSON object in a model's reply (bare, in a ```json fence, or embedded in prose), or undefined. */
export function replyObject(text: string): Record<string, unknown> | undefined {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidates = [fenced?.[1], text, text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)];
  for (const c of candidates) {
    if (!c?.includes("{")) continue;
    try {
      const obj: unknown = JSON.parse(c.trim());
      if (obj && typeof obj === "object" && !Array.isArray(obj)) return obj as Record<string, unknown>;
    } catch {}
  }
  return undefined;
}

/** The generator's reply: the edited problem and the explanation of its flaw. */
export function parseGeneratedTrap(
  text: string,
): { trapProblem: string; humanAnnotation: string } | { error: string } {
  const o = replyObject(text);
  if (!o) return { error: "no JSON object in the reply" };
  const trapProblem = str(o.trap_problem);
  const humanAnnotation = str(o.human_annotation);
  if (!trapProblem || !humanAnnotation) return { error: "JSON reply lacks trap_problem or human_annotation" };
  return { trapProblem: trapProblem.trim(), humanAnnotation: humanAnnotation.trim() };
}

export interface GenerationJob {
  source: GenerationSource;
  trapType: TrapType;
}

/** Jobs for the chosen sources: each problem gets one type in turn, or every type with `allTypes`. */
export function planJobs(
  sources: readonly GenerationSource[],
  types: readonly TrapType[],
  opts: { limit?: number; seed?: number; allTypes?: boolean },
): GenerationJob[] {
  let chosen = [...sources];
  if (opts.seed !== undefined) chosen = new Rng(opts.seed).shuffle(chosen);
  if (opts.limit !== undefined) chosen = chosen.slice(0, opts.limit);
  const jobs: GenerationJob[] = [];
  chosen.forEach((source, i) => {
    if (opts.allTypes) for (const t of types) jobs.push({ source, trapType: t });
    else jobs.push({ source, trapType: types[i % types.length]! });
  });
  return jobs;
}

export interface GeneratedRecord {
  category: string;
  trap_problem: string;
  human_annotation: string;
  trap_type: TrapType;
  original_problem: string;
  original_solution: string;
  verified: false;
  generation: { model: string; prompt_hash: string; source: string; created_at: string };
}

export interface GenerationFailure {
  source: string;
  trapType: TrapType;
  error: string;
}

export async function generateTraps(
  jobs: readonly GenerationJob[],
  model: ModelHandle,
  prompts: PromptSet,
  opts: { concurrency: number; temperature?: number; onDone?: () => void },
): Promise<{ records: GeneratedRecord[]; failures: GenerationFailure[] }> {
  const results: Array<GeneratedRecord | GenerationFailure> = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      const prompt = renderPrompt(prompts, "generate.txt", {
        trap_type: job.trapType,
        trap_definition: prompts.trapDefinitions[job.trapType],
        problem: job.source.problem,
        solution: job.source.solution,
      });
      try {
        const out = await model.generate(
          [{ role: "user", content: prompt }],
          opts.temperature === undefined ? {} : { temperature: opts.temperature },
        );
        const parsed = parseGeneratedTrap(out.text);
        if ("error" in parsed)
          results[i] = { source: job.source.where, trapType: job.trapType, error: parsed.error };
        else if (parsed.trapProblem.trim() === job.source.problem.trim()) {
          results[i] = {
            source: job.source.where,
            trapType: job.trapType,
            error: "the edited problem is identical to the original",
          };
        } else {
          results[i] = {
            category: job.source.category,
            trap_problem: parsed.trapProblem,
            human_annotation: parsed.humanAnnotation,
            trap_type: job.trapType,
            original_problem: job.source.problem,
            original_solution: job.source.solution,
            verified: false,
            generation: {
              model: model.id,
              prompt_hash: prompts.hash,
              source: job.source.where,
              created_at: new Date().toISOString(),
            },
          };
        }
      } catch (err) {
        results[i] = {
          source: job.source.where,
          trapType: job.trapType,
          error: err instanceof Error ? err.message : String(err),
        };
      }
      opts.onDone?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, jobs.length)) }, worker));
  const records: GeneratedRecord[] = [];
  const failures: GenerationFailure[] = [];
  for (const r of results) {
    if ("error" in r) failures.push(r);
    else records.push(r);
  }
  return { records, failures };
}

// ---------- reading and writing record files (JSON array or JSONL, by extension) ----------

/** Raw objects of a trap-record file, validated, with unknown fields kept for writing back. */
export function readRecordObjects(path: string): Record<string, unknown>[] {
  const name = basename(path);
  if (/\.jsonl$/i.test(path)) {
    return readJsonl(path).map((r, i) => {
      parseTrapRecord(r.value, i, `${name}:${r.line}`);
      return r.value as Record<string, unknown>;
    });
  }
  if (!existsSync(path)) throw new UserError(`${path}: cannot read file (ENOENT)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new UserError(`${name}: invalid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new UserError(`${name}: expected a JSON array of trap records`);
  parsed.forEach((v, i) => {
    parseTrapRecord(v, i, `${name}[${i}]`);
  });
  return parsed as Record<string, unknown>[];
}

/** Write records atomically (temp file + rename): a JSON array for .json, one per line otherwise. */
export function writeRecordObjects(path: string, records: readonly object[]): void {
  const text = /\.json$/i.test(path)
    ? `${JSON.stringify(records, null, 4)}\n`
    : records.map((r) => `${JSON.stringify(r)}\n`).join("");
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Parse "0,3,5-7" into indices, checking the range. */
export function parseIndexList(text: string, count: number, flag: string): number[] {
  const out = new Set<number>();
  for (const part of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UserError(`${flag}: "${part}" is not an index or a range like 3-7`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UserError(`${flag}: range "${part}" runs backwards`);
    for (let i = a; i <= b; i++) {
      if (i >= count)
        throw new UserError(
          `${flag}: index ${i} is out of range (the file has ${count} records, 0–${count - 1})`,
        );
      out.add(i);
    }
  }
  return [...out].sort((x, y) => x - y);
}

/** Mark records verified and drop rejected ones; returns the new list and what changed. */
export function approveRecords(
  records: readonly Record<string, unknown>[],
  approve: readonly number[],
  reject: readonly number[],
  approvedBy?: string,
): { records: Record<string, unknown>[]; approved: number; rejected: number } {
  const rejectSet = new Set(reject);
  for (const i of approve)
    if (rejectSet.has(i)) throw new UserError(`index ${i} is both approved and rejected`);
  const approveSet = new Set(approve);
  const out: Record<string, unknown>[] = [];
  let approved = 0;
  records.forEach((r, i) => {
    if (rejectSet.has(i)) return;
    if (approveSet.has(i) && r.verified !== true) {
      const generation = (r.generation ?? {}) as Record<string, unknown>;
      out.push({
        ...r,
        verified: true,
        generation: {
          ...generation,
          approved_at: new Date().toISOString(),
          ...(approvedBy ? { approved_by: approvedBy } : {}),
        },
      });
      approved++;
    } else out.push(r);
  });
  return { records: out, approved, rejected: rejectSet.size };
}
