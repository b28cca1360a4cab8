/**
 * Property-based tests of the dataset loaders (JSONL, JSON, Parquet) and the ratings CSV reader: for any
 * input, a clear error naming the file (and line), or the right records.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { parseCsv } from "../../src/annotate/io.js";
import { type LocatedRecord, readRecords } from "../../src/dataset/records.js";
import { writeParquet } from "../smi/parquet-writer.js";
import { clearErrorOrResult, poisonFiles, tempFile } from "./fuzz-helpers.js";

async function load(path: string): Promise<LocatedRecord[]> {
  const out: LocatedRecord[] = [];
  for await (const r of readRecords(path)) out.push(r);
  return out;
}

const isRecord = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);

/** JSONL-ish text: real records, other JSON values, blank lines and mangled lines. */
const jsonlText = fc
  .array(
    fc.oneof(
      fc.dictionary(fc.string(), fc.jsonValue()).map((o) => JSON.stringify(o)),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
      fc.constantFrom("", "   ", "\r", "{", "}", '{"a":', "\ufeff{}", "[", "nul\u0000l"),
      fc.string({ unit: "binary" }),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join("\n"));

test("JSONL: any text gives its object lines as records, or an error naming file:line", async () => {
  await fc.assert(
    fc.asyncProperty(jsonlText, async (text) => {
      const path = tempFile("jsonl", text);
      await clearErrorOrResult(
        `${path}:`,
        () => load(path),
        (records) => {
          for (const r of records) assert.ok(isRecord(r.record));
        },
      );
    }),
    { numRuns: 150 },
  );
});

test("JSON: any text gives an array's objects as records, or an error naming the file", async () => {
  const jsonText = fc.oneof(
    fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 6 }).map((a) => JSON.stringify(a)),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
    fc.string({ unit: "binary" }),
    fc
      .array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 6 })
      .chain((a) => fc.nat(JSON.stringify(a).length).map((cut) => JSON.stringify(a).slice(0, cut))),
  );
  await fc.assert(
    fc.asyncProperty(jsonText, async (text) => {
      const path = tempFile("json", text);
      await clearErrorOrResult(
        path,
        () => load(path),
        (records) => {
          for (const r of records) assert.ok(isRecord(r.record));
          const parsed = JSON.parse(text) as unknown;
          if (Array.isArray(parsed)) assert.equal(records.length, parsed.length);
        },
      );
    }),
    { numRuns: 150 },
  );
});

// A damaged Parquet file whose metadata still parses fails while its rows are read: the loader turns
// hyparquet's own error into one naming the file and rows.
test("Parquet: a valid file gives its rows; damaged bytes give an error naming the file", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string(), { minLength: 1, maxLength: 20 }),
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.boolean(),
      async (values, where, xor, truncate) => {
        const good = writeParquet("input", values, 7);
        const intact = tempFile("parquet", good);
        const records = await load(intact);
        assert.deepEqual(
          records.map((r) => r.record.input),
          values,
        );
        const at = where % good.length;
        const damaged = Buffer.from(good);
        damaged[at] = damaged[at]! ^ xor;
        const path = tempFile("parquet", truncate ? good.subarray(0, at) : damaged);
        await clearErrorOrResult(path, () => load(path));
      },
    ),
    { numRuns: 100 },
  );
});

test("the poison corpus: records or a clear error naming the file, for every loader", async () => {
  for (const path of poisonFiles(".jsonl", ".json", ".parquet")) {
    await clearErrorOrResult(basename(path), () => load(path));
  }
});

/** RFC 4180 quoting, written independently of the exporter. */
const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

test("ratings CSV: quoted cells round-trip exactly; any text parses or names file:line", async () => {
  const cell = fc.string({ unit: "grapheme" });
  fc.assert(
    fc.property(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
      (rows) => {
        // A row of one empty cell is a blank line, which the reader skips.
        const kept = rows.filter((r) => !(r.length === 1 && r[0] === ""));
        const text = rows.map((r) => r.map(quote).join(",")).join("\r\n");
        assert.deepEqual(
          parseCsv(text, "r.csv").map((p) => p.cells),
          kept,
        );
      },
    ),
    { numRuns: 200 },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: "binary" }), async (text) => {
      await clearErrorOrResult("r.csv:", () => parseCsv(text, "r.csv"));
    }),
    { numRuns: 300 },
  );
  for (const path of poisonFiles(".csv")) {
    await clearErrorOrResult(`${path}:`, () => parseCsv(readFileSync(path, "utf8"), path));
  }
});
