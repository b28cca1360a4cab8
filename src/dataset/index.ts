/**
 * Datasets: records from a file or URL (JSON, JSONL, Parquet) mapped to Samples by a field spec or a
 * function. Every malformed record fails with "<file>:<line>: field "<name>": <problem>".
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ChatMessage, Dataset, Sample } from "../core/types.js";
import { UserError } from "../util/errors.js";
import { countRecords, type JsonRecord, type LocatedRecord, readRecords, resolveSource } from "./records.js";

export { cacheDir, downloadToCache, isUrl } from "./download.js";
export { detectFormat, type JsonRecord, type LocatedRecord, readRecords, resolveSource } from "./records.js";

/** Which record fields become which Sample fields. */
export interface FieldSpec {
  input: string;
  target?: string;
  id?: string;
  choices?: string;
  /** Record fields copied into metadata ("*" = every field not used above). */
  metadata?: string[] | "*";
}

/** Parse "input=question,target=answer,id=qid,metadata=subject|level" (command-line form). */
export function parseFieldSpec(text: string, defaults: FieldSpec): FieldSpec {
  const spec: FieldSpec = { ...defaults };
  for (const part of text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new UserError(`--fields: "${part}" must look like sampleField=recordField`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "metadata") spec.metadata = value === "*" ? "*" : value.split("|").filter(Boolean);
    else if (key === "input" || key === "target" || key === "id" || key === "choices") spec[key] = value;
    else
      throw new UserError(
        `--fields: unknown sample field "${key}" (use input, target, id, choices, metadata)`,
      );
  }
  return spec;
}

/** Thrown by record mappers; the dataset adds the location. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(problem);
  }
}

export function fieldError(field: string, problem: string): never {
  throw new FieldError(field, problem);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

export function requireString(
  record: JsonRecord,
  field: string,
  opts: { allowNumber?: boolean } = {},
): string {
  const v = record[field];
  if (v === undefined || v === null) fieldError(field, "missing");
  if (typeof v === "string") {
    if (v.trim() === "") fieldError(field, "empty string");
    return v;
  }
  if (opts.allowNumber && typeof v === "number") return String(v);
  return fieldError(field, `expected a string, got ${describe(v)}`);
}

function parseInput(record: JsonRecord, field: string): string | ChatMessage[] {
  const v = record[field];
  if (Array.isArray(v)) {
    v.forEach((m, i) => {
      if (!m || typeof m !== "object" || !("role" in m) || !("content" in m)) {
        fieldError(`${field}[${i}]`, "expected a chat message {role, content}");
      }
      const role = (m as { role: unknown }).role;
      if (role !== "system" && role !== "user" && role !== "assistant") {
        fieldError(`${field}[${i}].role`, `expected system, user or assistant, got ${describe(role)}`);
      }
    });
    return v as ChatMessage[];
  }
  return requireString(record, field);
}

/** A record-to-Sample function from a field spec. */
export function fieldMapper(spec: FieldSpec): (record: JsonRecord, index: number) => Sample {
  return (record, index) => {
    const sample: Sample = { id: String(index + 1), input: parseInput(record, spec.input) };
    // A record without an id keeps its 1-based position as id.
    if (spec.id && record[spec.id] !== undefined && record[spec.id] !== null) {
      sample.id = requireString(record, spec.id, { allowNumber: true });
    }
    if (spec.target) {
      const t = record[spec.target];
      if (Array.isArray(t) && t.every((x) => typeof x === "string")) sample.target = t;
      else sample.target = requireString(record, spec.target, { allowNumber: true });
    }
    if (spec.choices) {
      const c = record[spec.choices];
      if (
        !Array.isArray(c) ||
        c.length < 2 ||
        !c.every((x) => typeof x === "string" || typeof x === "number")
      ) {
        fieldError(spec.choices, `expected an array of at least 2 strings, got ${describe(c)}`);
      }
      sample.choices = c.map(String);
    }
    if (spec.metadata) {
      const used = new Set([spec.input, spec.target, spec.id, spec.choices]);
      const keys = spec.metadata === "*" ? Object.keys(record).filter((k) => !used.has(k)) : spec.metadata;
      const md: Record<string, unknown> = {};
      for (const k of keys) if (record[k] !== undefined) md[k] = record[k];
      sample.metadata = md;
    }
    return sample;
  };
}

/**
 * A streaming Dataset over a file or URL. `toSample` throws FieldError (via fieldError/requireString)
 * for bad records; the error is reported with the record's location. Duplicate ids are refused.
 */
export function fileDataset(
  source: string,
  toSample: (record: JsonRecord, index: number) => Sample,
): Dataset {
  let localPath: string | undefined;
  const local = async () => (localPath ??= await resolveSource(source));
  return {
    name: source,
    async count() {
      return countRecords(await local(), source);
    },
    async fingerprint() {
      return sha256File(await local());
    },
    async *samples() {
      const seen = new Set<string>();
      for await (const located of readRecords(await local(), source)) {
        const sample = mapRecord(located, toSample);
        if (seen.has(sample.id)) throw new UserError(`${located.where}: duplicate sample id "${sample.id}"`);
        seen.add(sample.id);
        yield sample;
      }
    },
  };
}

function mapRecord(located: LocatedRecord, toSample: (record: JsonRecord, index: number) => Sample): Sample {
  try {
    return toSample(located.record, located.index);
  } catch (err) {
    if (err instanceof FieldError)
      throw new UserError(`${located.where}: field "${err.field}": ${err.message}`);
    throw err;
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** An in-memory dataset (library use and tests). */
export function memoryDataset(name: string, samples: Sample[]): Dataset {
  return {
    name,
    count: async () => samples.length,
    async *samples() {
      yield* samples;
    },
  };
}
