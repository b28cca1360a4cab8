/** Errors in one field of a record; the dataset loader adds the record's location ("file:line"). */
import type { JsonRecord } from "./records.js";

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

/** A short description of a value for messages: "an array", "number 3", "null". */
export function describeValue(v: unknown): string {
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
  return fieldError(field, `expected a string, got ${describeValue(v)}`);
}
