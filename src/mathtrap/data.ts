/**
 * Loaders for the MathTrap files and the three problem kinds built from them.
 *
 * - MathTrap_Public.json: array of trap records (trap problem, its original problem and solution, trap
 *   type, human annotation of the flaw). Generated datasets use the same schema plus `verified`.
 * - Concept.jsonl: {query, response: boolean} true/false conceptual questions.
 * - GSM8K-ori.jsonl / MATH-ori.jsonl: {category, question, answer} original problems.
 * - GSM8K_test.jsonl: {query, response} GSM8K test problems (sources for trap generation).
 * Every malformed record gives a UserError naming the file, the line or index and the field.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { referenceAnswer } from "../scorers/math-answer.js";
import { UserError } from "../util/errors.js";

import { TRAP_TYPES, type TrapType } from "./trap-types.js";

export { TRAP_TYPES, type TrapType };

export type SourceDataset = "GSM8K" | "MATH";

/** One record in the MathTrap_Public schema (field names as in the file, camel-cased here). */
export interface TrapRecord {
  /** 0-based position in the file. */
  index: number;
  /** As written: "GSM8K", "MATH_algebra", ... */
  category: string;
  source: SourceDataset;
  /** "GSM8K" or "MATH_<subject>" (the category, normalised). */
  subject: string;
  trapProblem: string;
  humanAnnotation: string;
  trapType: TrapType;
  originalProblem: string;
  originalSolution: string;
  gpt4Annotation?: string;
  /** False for generated records nobody has approved yet; the public file has no field and counts as verified. */
  verified: boolean;
  /** Generation metadata carried through unchanged (model, prompt hash, source row). */
  generation?: Record<string, unknown>;
}

export interface ConceptualProblem {
  kind: "conceptual";
  id: string;
  question: string;
  answer: boolean;
}

export interface OriginalProblem {
  kind: "original";
  id: string;
  question: string;
  solution: string;
  /** Final answer taken from the solution (\boxed{} or "####"). */
  reference: string;
  source: SourceDataset;
  subject: string;
  /** Trap types of the trap problems built on this original (empty for the *-ori files). */
  trapTypes: TrapType[];
  /** Cluster key shared with its trap problems (bootstrap, few-shot exclusion). */
  group: string;
}

export interface TrapProblem {
  kind: "trap";
  id: string;
  question: string;
  annotation: string;
  trapType: TrapType;
  source: SourceDataset;
  subject: string;
  originalId: string;
  group: string;
  verified: boolean;
  /** A response that identifies the flaw (gpt4_annotation), used for few-shot demonstrations. */
  demoResponse?: string;
}

export type MathtrapProblem = ConceptualProblem | OriginalProblem | TrapProblem;
export type ProblemKind = MathtrapProblem["kind"];

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Parsed JSON lines with their 1-based line numbers; blank lines are skipped. */
export function readJsonl(path: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  const lines = readText(path).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text.length === 0) continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(text) });
    } catch (err) {
      throw new UserError(`${path}:${i + 1}: invalid JSON (${(err as Error).message})`);
    }
  }
  return out;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(`${where}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function requireString(obj: Record<string, unknown>, field: string, where: string): string {
  const v = obj[field];
  if (typeof v !== "string")
    throw new UserError(`${where}: field "${field}" must be a string${v === undefined ? " (missing)" : ""}`);
  if (v.trim().length === 0) throw new UserError(`${where}: field "${field}" is empty`);
  return v;
}

/** "GSM8K" → GSM8K; "MATH_algebra" / "algebra" / "counting and probability" → MATH_<subject>. */
export function subjectOf(category: string): { source: SourceDataset; subject: string } {
  const c = category.trim();
  if (/^gsm8k$/i.test(c)) return { source: "GSM8K", subject: "GSM8K" };
  const bare = c
    .replace(/^MATH[_ ]/i, "")
    .trim()
    .replace(/\s+/g, "_");
  return { source: "MATH", subject: `MATH_${bare}` };
}

export function parseTrapType(value: unknown, where: string): TrapType {
  const found = TRAP_TYPES.find(
    (t) => typeof value === "string" && t.toLowerCase() === value.trim().toLowerCase(),
  );
  if (!found) {
    throw new UserError(
      `${where}: field "trap_type" must be one of ${TRAP_TYPES.join(", ")} (got ${JSON.stringify(value)})`,
    );
  }
  return found;
}

/** One trap record from a parsed object; `where` is "file[index]" or "file:line". */
export function parseTrapRecord(value: unknown, index: number, where: string): TrapRecord {
  const obj = asObject(value, where);
  const category = requireString(obj, "category", where);
  const { source, subject } = subjectOf(category);
  const record: TrapRecord = {
    index,
    category,
    source,
    subject,
    trapProblem: requireString(obj, "trap_problem", where),
    humanAnnotation: requireString(obj, "human_annotation", where),
    trapType: parseTrapType(obj.trap_type, where),
    originalProblem: requireString(obj, "original_problem", where),
    originalSolution: requireString(obj, "original_solution", where),
    verified: true,
  };
  if (obj.gpt4_annotation !== undefined) {
    if (typeof obj.gpt4_annotation !== "string")
      throw new UserError(`${where}: field "gpt4_annotation" must be a string`);
    record.gpt4Annotation = obj.gpt4_annotation;
  }
  if (obj.verified !== undefined) {
    if (typeof obj.verified !== "boolean")
      throw new UserError(`${where}: field "verified" must be true or false`);
    record.verified = obj.verified;
  }
  if (obj.generation !== undefined)
    record.generation = asObject(obj.generation, `${where}: field "generation"`);
  if (referenceAnswer(record.originalSolution) === undefined) {
    throw new UserError(
      `${where}: field "original_solution" has no final answer (\\boxed{...} or "#### ...")`,
    );
  }
  return record;
}

/** MathTrap_Public.json (a JSON array) or the same records one per line (.jsonl). */
export function loadTrapRecords(path: string): TrapRecord[] {
  const name = basename(path);
  if (/\.jsonl$/i.test(path)) {
    return readJsonl(path).map((row, i) => parseTrapRecord(row.value, i, `${name}:${row.line}`));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${name}: invalid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new UserError(`${name}: expected a JSON array of trap records`);
  return parsed.map((v, i) => parseTrapRecord(v, i, `${name}[${i}]`));
}

/** Concept.jsonl: {query, response: true|false}. */
export function loadConceptual(path: string): ConceptualProblem[] {
  const name = basename(path);
  return readJsonl(path).map((row) => {
    const where = `${name}:${row.line}`;
    const obj = asObject(row.value, where);
    const question = requireString(obj, "query", where);
    let answer = obj.response;
    if (typeof answer === "string" && /^(true|false)$/i.test(answer.trim()))
      answer = answer.trim().toLowerCase() === "true";
    if (typeof answer !== "boolean") throw new UserError(`${where}: field "response" must be true or false`);
    return { kind: "conceptual", id: `concept-${row.line}`, question, answer };
  });
}

/** GSM8K-ori.jsonl / MATH-ori.jsonl: {category, question, answer}. */
export function loadOriginalFile(
  path: string,
  idPrefix = basename(path).replace(/\.jsonl$/i, ""),
): OriginalProblem[] {
  const name = basename(path);
  return readJsonl(path).map((row) => {
    const where = `${name}:${row.line}`;
    const obj = asObject(row.value, where);
    const { source, subject } = subjectOf(requireString(obj, "category", where));
    const solution = requireString(obj, "answer", where);
    const reference = referenceAnswer(solution);
    if (reference === undefined)
      throw new UserError(`${where}: field "answer" has no final answer (\\boxed{...} or "#### ...")`);
    const id = `${idPrefix}-${row.line}`;
    return {
      kind: "original",
      id,
      question: requireString(obj, "question", where),
      solution,
      reference,
      source,
      subject,
      trapTypes: [],
      group: id,
    };
  });
}

export interface Gsm8kTestProblem {
  line: number;
  question: string;
  solution: string;
  reference: string;
}

/** GSM8K_test.jsonl: {query, response} with the final answer after "####". */
export function loadGsm8kTest(path: string): Gsm8kTestProblem[] {
  const name = basename(path);
  return readJsonl(path).map((row) => {
    const where = `${name}:${row.line}`;
    const obj = asObject(row.value, where);
    const solution = requireString(obj, "response", where);
    const reference = referenceAnswer(solution);
    if (reference === undefined)
      throw new UserError(`${where}: field "response" has no final answer after "####"`);
    return { line: row.line, question: requireString(obj, "query", where), solution, reference };
  });
}

/**
 * Trap and original problems from trap records. Originals are deduplicated by problem text (the 104
 * public traps are built on 40 originals); each original lists the trap types built on it and shares
 * its group key with those traps.
 */
export function problemsFromRecords(records: readonly TrapRecord[]): {
  originals: OriginalProblem[];
  traps: TrapProblem[];
} {
  const byText = new Map<string, OriginalProblem>();
  const originals: OriginalProblem[] = [];
  const traps: TrapProblem[] = [];
  for (const r of records) {
    const key = r.originalProblem.trim();
    let original = byText.get(key);
    if (!original) {
      const id = `original-${r.index}`;
      original = {
        kind: "original",
        id,
        question: r.originalProblem,
        solution: r.originalSolution,
        reference: referenceAnswer(r.originalSolution) ?? "",
        source: r.source,
        subject: r.subject,
        trapTypes: [],
        group: id,
      };
      byText.set(key, original);
      originals.push(original);
    }
    if (!original.trapTypes.includes(r.trapType)) original.trapTypes.push(r.trapType);
    const trap: TrapProblem = {
      kind: "trap",
      id: `trap-${r.index}`,
      question: r.trapProblem,
      annotation: r.humanAnnotation,
      trapType: r.trapType,
      source: r.source,
      subject: r.subject,
      originalId: original.id,
      group: original.group,
      verified: r.verified,
    };
    if (r.gpt4Annotation) trap.demoResponse = r.gpt4Annotation;
    traps.push(trap);
  }
  return { originals, traps };
}

/** A problem dropped as a repeat of an earlier one (same text up to whitespace). */
export interface RepeatedProblem {
  id: string;
  sameAs: string;
}

/**
 * The originals files repeat some problems verbatim (GSM8K-ori.jsonl and MATH-ori.jsonl: 9 extra rows of 9
 * problems in the public release). Counting them twice weights those problems double in Original accuracy.
 */
export function dedupeProblems<T extends { id: string; question: string }>(
  items: readonly T[],
): { kept: T[]; repeats: RepeatedProblem[] } {
  const first = new Map<string, string>();
  const kept: T[] = [];
  const repeats: RepeatedProblem[] = [];
  for (const item of items) {
    const key = item.question.replace(/\s+/g, " ").trim();
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, item.id);
      kept.push(item);
    } else repeats.push({ id: item.id, sameAs: seen });
  }
  return { kept, repeats };
}
