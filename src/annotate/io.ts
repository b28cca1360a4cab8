/**
 * Human ratings in and out as CSV or JSONL, so ratings gathered elsewhere (a spreadsheet, another tool)
 * count too. One row per (item, annotator): item_id, annotator, score, dimensions, comment.
 *
 * CSV: dimensions are either one `dimensions` column holding a JSON object, or one `dim.<name>` column
 * per dimension (what export writes). Import checks every row against the item's form and refuses the
 * whole file on the first error, naming file:line and field; nothing is written until all rows pass.
 */
import { readFileSync } from "node:fs";
import { type RatingInput, type StoredRating, validateAnnotatorName } from "../store/ratings.js";
import { UserError } from "../util/errors.js";
import { checkRating } from "./forms.js";
import type { RatingItem } from "./items.js";

export type RatingsFormat = "csv" | "jsonl";

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function exportRatings(rows: StoredRating[], format: RatingsFormat): string {
  if (format === "jsonl") {
    return rows
      .map(
        (r) =>
          `${JSON.stringify({
            item_id: r.itemId,
            annotator: r.annotator,
            score: r.score,
            dimensions: r.dimensions,
            comment: r.comment,
            sample_id: r.sampleId,
            epoch: r.epoch,
            source: r.source,
            updated_at: r.updatedAt,
          })}\n`,
      )
      .join("");
  }
  const dims = [...new Set(rows.flatMap((r) => Object.keys(r.dimensions)))].sort();
  const header = [
    "item_id",
    "annotator",
    "score",
    ...dims.map((d) => `dim.${d}`),
    "comment",
    "sample_id",
    "epoch",
    "source",
    "updated_at",
  ];
  const lines = [header.join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.itemId,
        r.annotator,
        r.score === null ? "" : String(r.score),
        ...dims.map((d) => (r.dimensions[d] === undefined ? "" : String(r.dimensions[d]))),
        r.comment,
        r.sampleId,
        String(r.epoch),
        r.source,
        r.updatedAt,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** RFC 4180 CSV, with the line each record starts on (quoted cells may span lines). */
export function parseCsv(text: string, file: string): Array<{ line: number; cells: string[] }> {
  const out: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = "";
  let inQuotes = false;
  let line = 1;
  let start = 1;
  let sawAny = false;
  const s = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (cell !== "") throw new UserError(`${file}:${line}: a quote inside an unquoted cell`);
      inQuotes = true;
      sawAny = true;
    } else if (ch === ",") {
      cells.push(cell);
      cell = "";
      sawAny = true;
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && s[i + 1] === "\n") i++;
      cells.push(cell);
      if (sawAny || cells.some((c) => c !== "")) out.push({ line: start, cells });
      cells = [];
      cell = "";
      sawAny = false;
      line++;
      start = line;
    } else {
      cell += ch;
      sawAny = true;
    }
  }
  if (inQuotes) throw new UserError(`${file}:${start}: unterminated quoted cell`);
  if (cell !== "" || cells.length) {
    cells.push(cell);
    out.push({ line: start, cells });
  }
  return out;
}

interface RawRow {
  line: number;
  item_id?: unknown;
  annotator?: unknown;
  score?: unknown;
  dimensions?: unknown;
  comment?: unknown;
}

function csvRows(text: string, file: string): RawRow[] {
  const records = parseCsv(text, file);
  const head = records.shift();
  if (!head) throw new UserError(`${file}: empty file`);
  const cols = head.cells.map((c) => c.trim());
  for (const need of ["item_id", "annotator", "score"])
    if (!cols.includes(need))
      throw new UserError(`${file}:${head.line}: header has no "${need}" column (found: ${cols.join(", ")})`);
  return records.map(({ line, cells }) => {
    if (cells.length !== cols.length)
      throw new UserError(`${file}:${line}: ${cells.length} cells, but the header has ${cols.length}`);
    const row: RawRow = { line };
    const dims: Record<string, string> = {};
    cols.forEach((c, k) => {
      const v = cells[k] ?? "";
      if (c.startsWith("dim.")) {
        if (v.trim() !== "") dims[c.slice(4)] = v;
      } else if (c === "dimensions") {
        if (v.trim() !== "") {
          try {
            row.dimensions = JSON.parse(v);
          } catch {
            throw new UserError(`${file}:${line}: field dimensions: not a JSON object: ${v.slice(0, 60)}`);
          }
        }
      } else if (c === "item_id" || c === "annotator" || c === "score" || c === "comment") row[c] = v;
    });
    if (Object.keys(dims).length) {
      if (row.dimensions !== undefined)
        throw new UserError(`${file}:${line}: both a dimensions column and dim.* columns`);
      row.dimensions = dims;
    }
    return row;
  });
}

function jsonlRows(text: string, file: string): RawRow[] {
  const rows: RawRow[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (err) {
      throw new UserError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new UserError(`${file}:${i + 1}: expected a JSON object per line`);
    rows.push({ ...(v as Record<string, unknown>), line: i + 1 });
  });
  return rows;
}

export function formatOf(file: string, given?: string): RatingsFormat {
  const f =
    given ??
    (file.toLowerCase().endsWith(".csv")
      ? "csv"
      : file.toLowerCase().endsWith(".jsonl")
        ? "jsonl"
        : undefined);
  if (f !== "csv" && f !== "jsonl")
    throw new UserError(
      `${file}: cannot tell the format; name it .csv or .jsonl, or pass --format csv|jsonl`,
    );
  return f;
}

/** Reads and checks a ratings file against the run's items. Throws UserError at the first bad row. */
export function readRatingsFile(
  file: string,
  items: RatingItem[],
  opts: { format?: string; source?: string } = {},
): RatingInput[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as Error).message}`);
  }
  // Spreadsheet programs often save UTF-8 with a byte-order mark: it is not part of the first field.
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const format = formatOf(file, opts.format);
  const raw = format === "csv" ? csvRows(text, file) : jsonlRows(text, file);
  const byId = new Map(items.map((it) => [it.itemId, it]));
  const seen = new Map<string, number>();
  const out: RatingInput[] = [];
  for (const r of raw) {
    const at = `${file}:${r.line}`;
    const itemId = typeof r.item_id === "number" ? String(r.item_id) : r.item_id;
    if (typeof itemId !== "string" || itemId.trim() === "")
      throw new UserError(`${at}: field item_id: missing`);
    const item = byId.get(itemId.trim());
    if (!item) {
      const hint = items
        .slice(0, 3)
        .map((x) => x.itemId)
        .join(", ");
      throw new UserError(
        `${at}: field item_id: "${itemId}" is not an item of this run (ids look like: ${hint})`,
      );
    }
    if (typeof r.annotator !== "string" || r.annotator.trim() === "")
      throw new UserError(`${at}: field annotator: missing`);
    const annotator = validateAnnotatorName(r.annotator.trim(), `${at}: field annotator`);
    const key = `${item.itemId}\u0000${annotator}`;
    if (seen.has(key))
      throw new UserError(
        `${at}: item ${item.itemId} rated twice by ${annotator} (first on line ${seen.get(key)})`,
      );
    seen.set(key, r.line);
    const checked = checkRating(item.form, r);
    if (!checked.ok) throw new UserError(`${at}: field ${checked.field}: ${checked.message}`);
    if (
      checked.rating.score === null &&
      checked.rating.comment === "" &&
      !Object.keys(checked.rating.dimensions).length
    )
      throw new UserError(`${at}: field score: missing (a row needs a score, dimensions or a comment)`);
    out.push({
      itemId: item.itemId,
      annotator,
      sampleId: item.sampleId,
      epoch: item.epoch,
      ...checked.rating,
      source: opts.source ?? `import:${file}`,
    });
  }
  return out;
}
