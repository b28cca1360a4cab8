/**
 * The row formats of the SMI pipeline and their loaders.
 *
 * A triple is {idx, subj, rel, obj, qus?} (pararel_15classes.json). A count row adds the seven
 * `time_*` document counts (the original's search/<corpus>/merge.json). A scored row adds `acc`
 * (and usually `mi`), as in the original's infer/merge_outputs/<model>.json.
 */
import { readFileSync } from "node:fs";
import { UserError } from "../util/errors.js";

export interface Triple {
  idx: number;
  subj: string;
  rel: string;
  obj: string;
  qus?: string;
}

export const COUNT_FIELDS = [
  "time_seqs",
  "time_subj",
  "time_obj",
  "time_s1j1",
  "time_s1j0",
  "time_s0j1",
  "time_s0j0",
] as const;
export type CountField = (typeof COUNT_FIELDS)[number];

export type CountRow = Triple & Record<CountField, number>;

export interface ScoredRow extends CountRow {
  acc: number;
  /** Stored by the original's 1_merge_outputs.py; recomputed from the counts when absent. */
  mi?: number;
}

/** Reads a JSON file whose top level must be an array; errors name the file. */
export function readJsonArray(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value)) throw new UserError(`${path}: expected a JSON array of rows at the top level`);
  return value;
}

function rowLabel(path: string, i: number, row: Record<string, unknown>): string {
  const idx = typeof row.idx === "number" ? ` (idx ${row.idx})` : "";
  return `${path}: row ${i}${idx}`;
}

function asObject(path: string, i: number, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`${path}: row ${i}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function parseTripleFields(path: string, i: number, row: Record<string, unknown>): Triple {
  const where = rowLabel(path, i, row);
  if (typeof row.idx !== "number" || !Number.isInteger(row.idx)) {
    throw new UserError(`${where}: field "idx" must be an integer`);
  }
  for (const f of ["subj", "rel", "obj"] as const) {
    if (typeof row[f] !== "string") throw new UserError(`${where}: field "${f}" must be a string`);
  }
  if (row.qus !== undefined && typeof row.qus !== "string") {
    throw new UserError(`${where}: field "qus" must be a string when present`);
  }
  const t: Triple = {
    idx: row.idx,
    subj: row.subj as string,
    rel: row.rel as string,
    obj: row.obj as string,
  };
  if (typeof row.qus === "string") t.qus = row.qus;
  return t;
}

function checkUniqueIdx(path: string, rows: Triple[]): void {
  const seen = new Map<number, number>();
  rows.forEach((r, i) => {
    const prev = seen.get(r.idx);
    if (prev !== undefined)
      throw new UserError(`${path}: row ${i}: duplicate idx ${r.idx} (also row ${prev})`);
    seen.set(r.idx, i);
  });
}

export function parseTriples(path: string, data: unknown[]): Triple[] {
  const rows = data.map((v, i) => parseTripleFields(path, i, asObject(path, i, v)));
  checkUniqueIdx(path, rows);
  return rows;
}

export function loadTriples(path: string): Triple[] {
  const rows = parseTriples(path, readJsonArray(path));
  if (rows.length === 0) throw new UserError(`${path}: no triples`);
  return rows;
}

function parseCountFields(path: string, i: number, row: Record<string, unknown>): CountRow {
  const t = parseTripleFields(path, i, row) as CountRow;
  const where = rowLabel(path, i, row);
  for (const f of COUNT_FIELDS) {
    const v = row[f];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new UserError(`${where}: field "${f}" must be a non-negative integer`);
    }
    t[f] = v;
  }
  if (t.time_subj > t.time_seqs || t.time_obj > t.time_seqs) {
    throw new UserError(`${where}: "time_subj"/"time_obj" exceed "time_seqs"`);
  }
  if (t.time_s1j1 > Math.min(t.time_subj, t.time_obj)) {
    throw new UserError(`${where}: field "time_s1j1" exceeds "time_subj" or "time_obj"`);
  }
  return t;
}

export function parseCountRows(path: string, data: unknown[]): CountRow[] {
  const rows = data.map((v, i) => parseCountFields(path, i, asObject(path, i, v)));
  checkUniqueIdx(path, rows);
  return rows;
}

export function loadCountRows(path: string): CountRow[] {
  const rows = parseCountRows(path, readJsonArray(path));
  if (rows.length === 0) throw new UserError(`${path}: no rows`);
  return rows;
}

export function parseScoredRows(path: string, data: unknown[]): ScoredRow[] {
  const rows = data.map((v, i) => {
    const raw = asObject(path, i, v);
    const row = parseCountFields(path, i, raw) as ScoredRow;
    const where = rowLabel(path, i, raw);
    if (typeof raw.acc !== "number" || !(raw.acc >= 0 && raw.acc <= 1)) {
      throw new UserError(`${where}: field "acc" must be a number in [0, 1]`);
    }
    row.acc = raw.acc;
    if (raw.mi !== undefined) {
      if (typeof raw.mi !== "number" || !Number.isFinite(raw.mi)) {
        throw new UserError(`${where}: field "mi" must be a finite number when present`);
      }
      row.mi = raw.mi;
    }
    return row;
  });
  checkUniqueIdx(path, rows);
  return rows;
}

export function loadScoredRows(path: string): ScoredRow[] {
  const rows = parseScoredRows(path, readJsonArray(path));
  if (rows.length === 0) throw new UserError(`${path}: no rows`);
  return rows;
}
