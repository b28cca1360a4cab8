/**
 * Counting one shard: documents are JSONL lines (the text field of each) or Parquet rows (the text
 * column), as in the original search scripts. The caller owns the sink (a TripleCounter: its matcher is
 * reused across shards) and resets it before each shard.
 */
import { gunzipSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import { UserError } from "../util/errors.js";
import { FIELD_MISSING, FIELD_OTHER, FIELD_STRING, LineError, StringDecoder, scanFields } from "./jsonl.js";
import type { PresenceMatcher } from "./matcher.js";
import { DECODE_ERRORS, LINES_BAD_ESCAPE, LINES_BAIL, SimdMatcher } from "./simd-matcher.js";
import { type ByteCounter, jsonlChunks, readShardInPlace, shardFormat, verifyRest } from "./sources.js";

export interface CountRules {
  /** Top-level field holding the document text (default "text"). */
  textField: string;
  /** Used when the text field is missing, null or empty (the original's SlimPajama rule: text or content). */
  fallbackField?: string;
  /** Documents whose value at this dotted path equals `value` are skipped and not counted (JSONL only). */
  exclude?: { path: string; value: string };
  /** error: a malformed line stops the count with its file and line; skip: it is counted in skippedLines. */
  onBadLine: "error" | "skip";
}

export interface ShardStats {
  documents: number;
  skippedLines: number;
  excludedDocuments: number;
  /** Bytes of document text scanned (after decompression and JSON decoding). */
  textBytes: number;
  /** Bytes of input read (compressed size for compressed shards). */
  rawBytes: number;
}

/**
 * What a shard's documents go to: a TripleCounter, or another consumer (contamination scanning) that
 * has no SIMD matcher to read into and so gets each decoded document with its line number.
 */
export interface DocumentSink {
  readonly matcher?: PresenceMatcher;
  readonly inModule?: SimdMatcher | undefined;
  documents: number;
  /** `line`: 1-based line of a JSONL shard, or row of a Parquet shard. */
  countDocument(text: Uint8Array, start: number, end: number, line: number): void;
}

export type ProgressFn = (rawBytes: number, textBytes: number) => void;

/** A line a reader cannot use: counted when the rules skip bad lines, else an error naming file:line. */
export function badLine(
  rules: Pick<CountRules, "onBadLine">,
  stats: ShardStats,
  where: string,
  message: string,
): void {
  if (rules.onBadLine === "skip") {
    stats.skippedLines++;
    return;
  }
  throw new UserError(`${where}: ${message}`);
}

function valueAt(obj: unknown, path: string[]): unknown {
  let v = obj;
  for (const k of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

class JsonlShardCounter {
  readonly stats: ShardStats = {
    documents: 0,
    skippedLines: 0,
    excludedDocuments: 0,
    textBytes: 0,
    rawBytes: 0,
  };
  private readonly keys: Buffer[];
  private readonly decoder = new StringDecoder();
  private readonly excludeNeedle: Buffer | undefined;
  private readonly excludePath: string[];
  private line = 0;
  /** scanFields output for the text field and the fallback field (reused for every line). */
  private readonly fields = new Int32Array(6);
  /** The SIMD matcher when lines are read into its memory and decoded and scanned there. */
  private readonly inPlace: SimdMatcher | undefined;
  /**
   * Whether whole buffers go through the module's `lines` (it finds, decodes, scans and counts the
   * lines; only lines it does not accept come back here): the SIMD matcher keeps the counts, and
   * there is no fallback field or exclusion rule.
   */
  private readonly byBuffer: boolean;

  constructor(
    private readonly path: string,
    private readonly counter: DocumentSink,
    private readonly rules: CountRules,
  ) {
    this.keys = [Buffer.from(rules.textField, "utf8")];
    if (rules.fallbackField !== undefined) this.keys.push(Buffer.from(rules.fallbackField, "utf8"));
    this.excludeNeedle = rules.exclude
      ? Buffer.from(JSON.stringify(rules.exclude.value).slice(1, -1))
      : undefined;
    this.excludePath = rules.exclude ? rules.exclude.path.split(".") : [];
    this.inPlace = counter.matcher instanceof SimdMatcher ? counter.matcher : undefined;
    this.byBuffer =
      counter.inModule !== undefined &&
      counter.inModule === this.inPlace &&
      rules.fallbackField === undefined &&
      rules.exclude === undefined &&
      counter.inModule.setTextKey(this.keys[0]!);
  }

  private fail(message: string): void {
    badLine(this.rules, this.stats, `${this.path}:${this.line}`, message);
  }

  private excluded(buf: Buffer, start: number, end: number): boolean {
    const needle = this.excludeNeedle;
    if (!needle) return false;
    // Cheap test first: the value's bytes must appear in the line for it to be equal.
    if (buf.subarray(start, end).indexOf(needle) < 0) return false;
    const parsed: unknown = JSON.parse(buf.toString("utf8", start, end));
    return valueAt(parsed, this.excludePath) === this.rules.exclude!.value;
  }

  /** `inPlace`: buf is the SIMD matcher's I/O buffer, so the text is decoded and scanned where it lies. */
  handleLine(buf: Buffer, start: number, end: number, inPlace = false): void {
    this.line++;
    let e = end;
    while (e > start && (buf[e - 1] === 0x0d || buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
    let s = start;
    while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
    if (s === e) return; // blank line: not a document
    const f = this.fields;
    try {
      if (this.excluded(buf, s, e)) {
        this.stats.excludedDocuments++;
        return;
      }
      scanFields(buf, s, e, this.keys, f);
    } catch (err) {
      if (err instanceof LineError || err instanceof SyntaxError) {
        this.fail(`malformed JSON line (${err.message})`);
        return;
      }
      throw err;
    }
    let k = 0;
    let name = this.rules.textField;
    if (this.rules.fallbackField !== undefined && !(f[0] === FIELD_STRING && f[2]! > f[1]!)) {
      k = 3;
      name = this.rules.fallbackField;
    }
    if (f[k] === FIELD_MISSING) {
      this.fail(`field "${name}" is missing`);
      return;
    }
    if (f[k] === FIELD_OTHER) {
      const text = buf.toString("utf8", f[k + 1]!, Math.min(f[k + 2]!, f[k + 1]! + 20));
      this.fail(`field "${name}" is not a string (starts ${JSON.stringify(text)})`);
      return;
    }
    const textStart = f[k + 1]!;
    const textEnd = f[k + 2]!;
    if (inPlace) {
      this.countInPlace(buf, textStart, textEnd, name);
      return;
    }
    let text: [Buffer, number, number];
    try {
      text = this.decoder.decode(buf, textStart, textEnd);
    } catch (err) {
      if (err instanceof LineError) {
        this.fail(`field "${name}": ${err.message}`);
        return;
      }
      throw err;
    }
    this.counter.countDocument(text[0], text[1], text[2], this.line);
    this.stats.documents++;
    this.stats.textBytes += text[2] - text[1];
  }

  private countInPlace(buf: Buffer, start: number, end: number, name: string): void {
    // The decoder finds the escapes itself (16 bytes at a time) and leaves text without any as it is.
    const textEnd = this.inPlace!.decodeInPlace(start, end);
    if (textEnd < 0) {
      this.fail(`field "${name}": ${DECODE_ERRORS[textEnd] ?? "bad escape in string"}`);
      return;
    }
    this.counter.countDocument(buf, start, textEnd, this.line);
    this.stats.documents++;
    this.stats.textBytes += textEnd - start;
  }

  /**
   * Reads the shard into the SIMD matcher's I/O buffer (4 MiB, grown for longer lines), splits lines
   * there and counts each in place: no per-line copies.
   */
  async runInPlace(matcher: SimdMatcher, onProgress: ProgressFn): Promise<ShardStats> {
    await readShardInPlace(this.path, {
      io: () => matcher.io(),
      reserve: (size) => matcher.reserveIo(size),
      lines: (buf, pos, len) => this.countBuffer(matcher, buf, pos, len),
      lastLine: (buf, start, end) => this.handleLine(buf, start, end, true),
      progress: (rawBytes) => {
        this.stats.rawBytes = rawBytes;
        onProgress(rawBytes, this.stats.textBytes);
      },
    });
    return this.stats;
  }

  /** Counts the complete lines of buf[pos, len); returns where the incomplete last line starts. */
  private countBuffer(matcher: SimdMatcher, buf: Buffer, pos: number, len: number): number {
    if (this.byBuffer) return this.countLines(matcher, buf, pos, len);
    for (;;) {
      const nl = buf.indexOf(0x0a, pos);
      if (nl < 0 || nl >= len) return pos;
      this.handleLine(buf, pos, nl, true);
      pos = nl + 1;
    }
  }

  /**
   * Counts the complete lines of buf[pos, len) in the module; returns where the incomplete last line
   * starts. Lines the module hands back take the per-line path, which reports errors.
   */
  private countLines(matcher: SimdMatcher, buf: Buffer, pos: number, len: number): number {
    let at = pos;
    for (;;) {
      const r = matcher.lines(at, len);
      this.line += r.lines;
      this.stats.documents += r.documents;
      this.stats.textBytes += r.textBytes;
      this.counter.documents += r.documents;
      at = r.next;
      if (r.status === LINES_BAIL) {
        this.handleLine(buf, r.bailStart, r.bailEnd, true);
      } else if (r.status === LINES_BAD_ESCAPE) {
        this.fail(`field "${this.rules.textField}": ${DECODE_ERRORS[r.error] ?? "bad escape in string"}`);
      } else {
        return at;
      }
    }
  }

  async run(onProgress: ProgressFn): Promise<ShardStats> {
    if (this.inPlace) return this.runInPlace(this.inPlace, onProgress);
    const bytes: ByteCounter = { rawBytes: 0 };
    const carry: Buffer[] = [];
    const chunks = jsonlChunks(this.path, bytes);
    for await (const chunk of chunks) {
      try {
        this.handleChunk(chunk, carry);
      } catch (err) {
        // A damaged compressed shard shows up as bad lines first: name the damage, not the line.
        if (err instanceof UserError) await verifyRest(chunks);
        throw err;
      }
      this.stats.rawBytes = bytes.rawBytes;
      onProgress(bytes.rawBytes, this.stats.textBytes);
    }
    if (carry.length > 0) {
      const line = Buffer.concat(carry);
      this.handleLine(line, 0, line.length);
    }
    this.stats.rawBytes = bytes.rawBytes;
    onProgress(bytes.rawBytes, this.stats.textBytes);
    return this.stats;
  }

  /** Handles the complete lines of `chunk`; `carry` holds the start of a line that goes on (in and out). */
  private handleChunk(chunk: Buffer, carry: Buffer[]): void {
    let pos = 0;
    if (carry.length > 0) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        carry.push(chunk);
        return;
      }
      carry.push(chunk.subarray(0, nl));
      const line = Buffer.concat(carry);
      carry.length = 0;
      this.handleLine(line, 0, line.length);
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      this.handleLine(chunk, pos, nl);
      pos = nl + 1;
    }
    if (pos < chunk.length) carry.push(chunk.subarray(pos));
  }
}

const PARQUET_COMPRESSORS = {
  ZSTD: (input: Uint8Array, outputLength: number): Uint8Array =>
    zstdDecompress(input, new Uint8Array(outputLength)),
  GZIP: (input: Uint8Array): Uint8Array => gunzipSync(input),
};

async function countParquet(
  path: string,
  counter: DocumentSink,
  rules: CountRules,
  onProgress: ProgressFn,
): Promise<ShardStats> {
  const stats: ShardStats = {
    documents: 0,
    skippedLines: 0,
    excludedDocuments: 0,
    textBytes: 0,
    rawBytes: 0,
  };
  if (rules.exclude) throw new UserError(`${path}: --exclude applies to JSONL shards only`);
  // Loaded on first use: most corpora are JSONL, and every count worker would load it at start.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead } = await import("hyparquet");
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new UserError(`${path}: cannot read Parquet metadata (${(err as Error).message})`);
  }
  const top = new Set(metadata.schema.slice(1).map((s) => s.name));
  const columns = [rules.textField];
  if (rules.fallbackField !== undefined && top.has(rules.fallbackField)) columns.push(rules.fallbackField);
  if (!top.has(rules.textField) && !(rules.fallbackField !== undefined && top.has(rules.fallbackField))) {
    throw new UserError(`${path}: no column "${rules.textField}" (columns: ${[...top].join(", ")})`);
  }
  const present = columns.filter((c) => top.has(c));
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: unknown[][] = [];
    await parquetRead({
      file,
      metadata,
      columns: present,
      rowStart,
      rowEnd,
      compressors: PARQUET_COMPRESSORS,
      onComplete: (r) => {
        rows = r;
      },
    });
    rows.forEach((row, k) => {
      const byName = new Map(present.map((c, i) => [c, row[i]]));
      let value = byName.get(rules.textField);
      let name = rules.textField;
      if (rules.fallbackField !== undefined && !(typeof value === "string" && value.length > 0)) {
        value = byName.get(rules.fallbackField);
        name = rules.fallbackField;
      }
      if (typeof value !== "string") {
        if (rules.onBadLine === "skip") {
          stats.skippedLines++;
          return;
        }
        throw new UserError(`${path}: row ${rowStart + k}: column "${name}" is not a string`);
      }
      const bytes = Buffer.from(value, "utf8");
      counter.countDocument(bytes, 0, bytes.length, rowStart + k + 1);
      stats.documents++;
      stats.textBytes += bytes.length;
    });
    stats.rawBytes += Number(group.total_compressed_size ?? group.total_byte_size);
    onProgress(stats.rawBytes, stats.textBytes);
    rowStart = rowEnd;
  }
  return stats;
}

/** Counts one shard into `counter` (which the caller has reset). */
export async function countShard(
  path: string,
  counter: DocumentSink,
  rules: CountRules,
  onProgress: ProgressFn = () => {},
): Promise<ShardStats> {
  if (shardFormat(path) === "parquet") return countParquet(path, counter, rules, onProgress);
  try {
    return await new JsonlShardCounter(path, counter, rules).run(onProgress);
  } catch (err) {
    // File-system, zlib and zstd errors carry a code: the shard is unreadable or corrupt. Anything
    // else is a bug and keeps its stack.
    const code = (err as { code?: unknown }).code;
    if (err instanceof UserError || code === undefined) throw err;
    throw new UserError(`${path}: cannot read shard (${String(code)}: ${(err as Error).message})`);
  }
}
