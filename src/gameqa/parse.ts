import { UserError } from "../util/errors.js";

/** Helpers for games' parseState(): every failure names the file and the field. */

export function expectObject(json: unknown, where: string): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new UserError(`${where}: state is not a JSON object`);
  return json as Record<string, unknown>;
}

export function expectInt(
  obj: Record<string, unknown>,
  key: string,
  where: string,
  min?: number,
  max?: number,
): number {
  const v = obj[key];
  // Some published states store integers as floats (e.g. 1.0); accept integral numbers only.
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new UserError(`${where}: field "${key}" must be an integer`);
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    throw new UserError(`${where}: field "${key}" = ${v} is outside [${min ?? "-inf"}, ${max ?? "inf"}]`);
  }
  return v;
}

/** A rectangular matrix whose cells pass `cell` (which returns the typed value or undefined). */
export function expectMatrix<T>(
  obj: Record<string, unknown>,
  key: string,
  where: string,
  cell: (v: unknown) => T | undefined,
  expected?: string,
): T[][] {
  const m = obj[key];
  if (!Array.isArray(m) || m.length === 0)
    throw new UserError(`${where}: field "${key}" must be a non-empty 2D array`);
  const width = Array.isArray(m[0]) ? m[0].length : -1;
  return m.map((row, r) => {
    if (!Array.isArray(row) || row.length !== width || width === 0) {
      throw new UserError(`${where}: field "${key}" row ${r} is not an array of length ${width}`);
    }
    return row.map((v, c) => {
      const t = cell(v);
      if (t === undefined) {
        throw new UserError(
          `${where}: field "${key}"[${r}][${c}] = ${JSON.stringify(v)} is not ${expected ?? "valid"}`,
        );
      }
      return t;
    });
  });
}

/** Cell checker for integer matrices with values in [min, max] (integral floats accepted). */
export function intCell(min: number, max: number): (v: unknown) => number | undefined {
  return (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined);
}

/**
 * The last match of the first pattern that matches `text` (global flag required). Last, because
 * rule preambles contain example coordinates; several patterns, so a hook can read both the
 * original's question wording and ours.
 */
export function lastMatch(text: string, ...patterns: RegExp[]): RegExpExecArray | undefined {
  for (const re of patterns) {
    let last: RegExpExecArray | undefined;
    for (const m of text.matchAll(re)) last = m as RegExpExecArray;
    if (last) return last;
  }
  return undefined;
}
