/**
 * Raw records from JSON, JSONL and Parquet files, each with its location ("file:line" or "file row N")
 * so every later error can point at the exact record. JSONL and Parquet are streamed.
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { errorMessage, UserError } from "../util/errors.js";
import { downloadToCache, isUrl } from "./download.js";
import { checkRecordBounds } from "./limits.js";

export type JsonRecord = Record<string, unknown>;

export interface LocatedRecord {
  record: JsonRecord;
  /** "data.jsonl:12", "data.json[3]" or "data.parquet row 7" */
  where: string;
  index: number;
}

export type RecordFormat = "jsonl" | "json" | "parquet";

export function detectFormat(path: string): RecordFormat {
  const p = path.toLowerCase().replace(/\?.*$/, "");
  if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) return "jsonl";
  if (p.endsWith(".json")) return "json";
  if (p.endsWith(".parquet")) return "parquet";
  throw new UserError(`${path}: unknown dataset format (expected .jsonl, .ndjson, .json or .parquet)`);
}

/** Local path for a path or URL; checks that a local file exists. */
export async function resolveSource(source: string): Promise<string> {
  if (isUrl(source)) return downloadToCache(source, { what: "dataset" });
  if (!existsSync(source)) throw new UserError(`dataset file not found: ${source}`);
  if (statSync(source).isDirectory())
    throw new UserError(`dataset path is a directory, not a file: ${source}`);
  return source;
}

export async function* readRecords(
  path: string,
  displayName = path,
  format: RecordFormat = detectFormat(displayName),
): AsyncGenerator<LocatedRecord> {
  if (format === "jsonl") yield* readJsonl(path, displayName);
  else if (format === "json") yield* readJson(path, displayName);
  else yield* readParquet(path, displayName);
}

async function* readJsonl(path: string, name: string): AsyncGenerator<LocatedRecord> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNo = 0;
  let index = 0;
  for await (const raw of lines) {
    lineNo++;
    // Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the first record.
    const line = lineNo === 1 ? withoutBom(raw) : raw;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new UserError(`${name}:${lineNo}: invalid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new UserError(
        `${name}:${lineNo}: expected a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
      );
    }
    checkRecordBounds(value, `${name}:${lineNo}`);
    yield { record: value as JsonRecord, where: `${name}:${lineNo}`, index: index++ };
  }
}

async function* readJson(path: string, name: string): AsyncGenerator<LocatedRecord> {
  const text = withoutBom(readFileSync(path, "utf8"));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${name}:${lineOfJsonError(text, err as Error)}: invalid JSON (${(err as Error).message})`,
    );
  }
  // Accept a top-level array, or an object holding the array under a conventional key.
  let items: unknown = value;
  if (!Array.isArray(items) && items && typeof items === "object") {
    const obj = items as Record<string, unknown>;
    const key = ["data", "samples", "items", "examples", "rows"].find((k) => Array.isArray(obj[k]));
    if (key) items = obj[key];
  }
  if (!Array.isArray(items))
    throw new UserError(`${name}: expected a JSON array of records (or {"data": [...]})`);
  for (let i = 0; i < items.length; i++) {
    const rec = items[i];
    if (rec === null || typeof rec !== "object" || Array.isArray(rec))
      throw new UserError(`${name}[${i}]: expected a JSON object`);
    checkRecordBounds(rec, `${name}[${i}]`);
    yield { record: rec as JsonRecord, where: `${name}[${i}]`, index: i };
  }
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Line number of a JSON.parse error, from the "position N" in V8's message. */
function lineOfJsonError(text: string, err: Error): number {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return 1;
  const pos = Number(m[1]);
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parquet is read one row group at a time (the unit its pages are compressed in), from byte ranges of
 * the file, so memory holds one row group rather than the whole file.
 */
async function* readParquet(path: string, name: string): AsyncGenerator<LocatedRecord> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import("hyparquet");
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new UserError(`${name}: not a readable Parquet file (${errorMessage(err)})`);
  }
  let start = 0;
  for (const group of parquetChunks(metadata)) {
    const end = start + group;
    let objects: JsonRecord[];
    try {
      objects = (await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end })) as JsonRecord[];
    } catch (err) {
      // A truncated or corrupted file passes the footer check and fails in its pages.
      throw new UserError(
        `${name} rows ${start + 1}-${end}: not a readable Parquet file (${errorMessage(err)})`,
      );
    }
    for (let i = 0; i < objects.length; i++) {
      const where = `${name} row ${start + i + 1}`;
      const record = normaliseParquetValue(objects[i]);
      if (record === null || typeof record !== "object" || Array.isArray(record))
        throw new UserError(`${where}: expected a record`);
      checkRecordBounds(record, where);
      yield { record: record as JsonRecord, where, index: start + i };
    }
    start = end;
  }
}

/** Row counts to read at a time: the row groups (a file without any: its rows in one go). */
function parquetChunks(metadata: { num_rows: bigint; row_groups: Array<{ num_rows: bigint }> }): number[] {
  const groups = metadata.row_groups.map((g) => Number(g.num_rows)).filter((n) => n > 0);
  const total = Number(metadata.num_rows);
  return groups.reduce((a, b) => a + b, 0) === total ? groups : total > 0 ? [total] : [];
}

/** Parquet INT64 arrives as BigInt; JSON and our scorers want numbers. */
function normaliseParquetValue(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(normaliseParquetValue);
  if (v && typeof v === "object" && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = normaliseParquetValue(x);
    return out;
  }
  return v;
}

/** Count records without keeping them (a streaming pass). */
export async function countRecords(
  path: string,
  displayName = path,
  format: RecordFormat = detectFormat(displayName),
): Promise<number> {
  if (format === "jsonl") {
    let n = 0;
    const lines = createInterface({
      input: createReadStream(path, { encoding: "utf8" }),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) if (line.trim() !== "") n++;
    return n;
  }
  let n = 0;
  for await (const _ of readRecords(path, displayName, format)) n++;
  return n;
}
