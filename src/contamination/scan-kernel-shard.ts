/**
 * Reading one JSONL shard through the scan kernel: the shard is read 1 MiB at a time straight into the
 * kernel's I/O area and each buffer's lines are split, decoded, normalised and scanned there in one
 * call (`ScanKernel.lines`); JavaScript only sees the hits and the lines the kernel hands back. Those
 * take the reader's per-line path (trim, `scanFields`, `StringDecoder`, the same errors and line
 * numbers as src/corpus/shard.ts), then `ScanKernel.scanText`. Shards the kernel's line scan does not
 * cover (Parquet, a fallback field, an exclusion rule, a key over 64 bytes) go through `countShard`
 * with the sink, whose documents the kernel scans one by one.
 */
import { FIELD_MISSING, FIELD_OTHER, LineError, StringDecoder, scanFields } from "../corpus/jsonl.js";
import { badLine, type CountRules, countShard, type ProgressFn, type ShardStats } from "../corpus/shard.js";
import { readShardInPlace, shardFormat } from "../corpus/sources.js";
import { UserError } from "../util/errors.js";
import { type ScanKernel, STATUS_BAIL, STATUS_FULL } from "./scan-kernel.js";
import type { ScanSink } from "./sink.js";

class KernelShardReader {
  readonly stats: ShardStats = {
    documents: 0,
    skippedLines: 0,
    excludedDocuments: 0,
    textBytes: 0,
    rawBytes: 0,
  };
  private line = 0;
  private readonly key: Buffer;
  private readonly fields = new Int32Array(3);
  private readonly decoder = new StringDecoder();

  constructor(
    private readonly path: string,
    private readonly kernel: ScanKernel,
    private readonly sink: ScanSink,
    private readonly rules: CountRules,
  ) {
    this.key = Buffer.from(rules.textField, "utf8");
  }

  private fail(message: string): void {
    badLine(this.rules, this.stats, `${this.path}:${this.line}`, message);
  }

  /** A line the kernel handed back: the reader's per-line rules, then the kernel on normalised text. */
  private handleLine(buf: Buffer, start: number, end: number): void {
    this.line++;
    let e = end;
    while (e > start && (buf[e - 1] === 0x0d || buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
    let s = start;
    while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
    if (s === e) return;
    const f = this.fields;
    const name = this.rules.textField;
    try {
      scanFields(buf, s, e, [this.key], f);
    } catch (err) {
      if (err instanceof LineError || err instanceof SyntaxError) {
        this.fail(`malformed JSON line (${err.message})`);
        return;
      }
      throw err;
    }
    if (f[0] === FIELD_MISSING) {
      this.fail(`field "${name}" is missing`);
      return;
    }
    if (f[0] === FIELD_OTHER) {
      const text = buf.toString("utf8", f[1]!, Math.min(f[2]!, f[1]! + 20));
      this.fail(`field "${name}" is not a string (starts ${JSON.stringify(text)})`);
      return;
    }
    let text: [Buffer, number, number];
    try {
      text = this.decoder.decode(buf, f[1]!, f[2]!);
    } catch (err) {
      if (err instanceof LineError) {
        this.fail(`field "${name}": ${err.message}`);
        return;
      }
      throw err;
    }
    this.sink.countDocument(text[0], text[1], text[2], this.line);
    this.stats.documents++;
    this.stats.textBytes += text[2] - text[1];
  }

  /** Scans the complete lines of io[pos, len) in the kernel; returns where the incomplete last line starts. */
  private scanLines(pos: number, len: number): number {
    const k = this.kernel;
    let at = pos;
    for (;;) {
      k.clearHits();
      const r = k.lines(at, len);
      this.sink.kernelHits(k, this.line);
      this.line += r.lines;
      this.stats.documents += r.documents;
      this.stats.textBytes += r.textBytes;
      this.sink.documents += r.documents;
      at = r.next;
      if (r.status === STATUS_BAIL) this.handleLine(k.io(), r.bailStart, r.bailEnd);
      else if (r.status !== STATUS_FULL) return at;
    }
  }

  async run(onProgress: ProgressFn): Promise<ShardStats> {
    await readShardInPlace(this.path, {
      io: () => this.kernel.io(),
      reserve: (size) => this.kernel.reserveIo(size),
      lines: (_buf, pos, len) => this.scanLines(pos, len),
      lastLine: (buf, start, end) => this.handleLine(buf, start, end),
      progress: (rawBytes) => {
        this.stats.rawBytes = rawBytes;
        onProgress(rawBytes, this.stats.textBytes);
      },
    });
    return this.stats;
  }
}

/** Scans one shard into `sink` (which holds `kernel`), as countShard does for the other matchers. */
export async function scanShardKernel(
  path: string,
  kernel: ScanKernel,
  sink: ScanSink,
  rules: CountRules,
  onProgress: ProgressFn = () => {},
): Promise<ShardStats> {
  const byLines =
    shardFormat(path) !== "parquet" &&
    rules.fallbackField === undefined &&
    rules.exclude === undefined &&
    kernel.setTextKey(Buffer.from(rules.textField, "utf8"));
  if (!byLines) return countShard(path, sink, rules, onProgress);
  try {
    return await new KernelShardReader(path, kernel, sink, rules).run(onProgress);
  } catch (err) {
    // As countShard: file-system, zlib and zstd errors carry a code (an unreadable or corrupt shard).
    const code = (err as { code?: unknown }).code;
    if (err instanceof UserError || code === undefined) throw err;
    throw new UserError(`${path}: cannot read shard (${String(code)}: ${(err as Error).message})`);
  }
}

/** One shard into `sink`: through its scan kernel when it has one, else countShard with its matcher. */
export function scanShard(
  path: string,
  sink: ScanSink,
  rules: CountRules,
  onProgress: ProgressFn = () => {},
): Promise<ShardStats> {
  return sink.kernel
    ? scanShardKernel(path, sink.kernel, sink, rules, onProgress)
    : countShard(path, sink, rules, onProgress);
}
