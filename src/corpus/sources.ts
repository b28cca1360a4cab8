/**
 * Corpus shards as streams: JSONL (.jsonl/.json/.txt), gzip (.gz), zstd (.zst/.zstd) and Parquet.
 * Compressed shards are decompressed while streaming, so memory does not grow with shard size.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import * as zlib from "node:zlib";
import { UserError } from "../util/errors.js";
import { Xxh64 } from "./xxhash64.js";
import { type FrameEnd, ZstdFrameError, ZstdFramer } from "./zstd-frames.js";

export type ShardFormat = "jsonl" | "jsonl.gz" | "jsonl.zst" | "parquet";

export function shardFormat(path: string): ShardFormat {
  const name = basename(path).toLowerCase();
  if (name.endsWith(".parquet")) return "parquet";
  if (name.endsWith(".gz")) return "jsonl.gz";
  if (name.endsWith(".zst") || name.endsWith(".zstd")) return "jsonl.zst";
  if (
    name.endsWith(".jsonl") ||
    name.endsWith(".json") ||
    name.endsWith(".ndjson") ||
    name.endsWith(".txt")
  ) {
    return "jsonl";
  }
  throw new UserError(`${path}: unknown shard type (expected .jsonl, .jsonl.gz, .jsonl.zst or .parquet)`);
}

/** Counts raw (compressed) bytes as they are read, for progress. */
export interface ByteCounter {
  rawBytes: number;
}

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: () => NodeJS.ReadWriteStream };

/** Decompressed chunks of a JSONL shard. */
export async function* jsonlChunks(path: string, counter: ByteCounter): AsyncGenerator<Buffer> {
  const format = shardFormat(path);
  if (format !== "jsonl" && statSync(path).size === 0) {
    // A compressed stream is never 0 bytes; an empty file is a failed write, not an empty shard.
    throw new UserError(`${path}: empty file: not a valid ${format === "jsonl.gz" ? "gzip" : "zstd"} shard`);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  raw.on("data", (c) => {
    counter.rawBytes += c.length;
  });
  if (format === "jsonl") {
    for await (const chunk of raw) yield chunk as Buffer;
    return;
  }
  if (format === "jsonl.gz") {
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
    raw.pipe(gunzip);
    raw.on("error", (err) => gunzip.destroy(err));
    for await (const chunk of gunzip) yield chunk as Buffer;
    return;
  }
  const native = (zlib as ZlibWithZstd).createZstdDecompress;
  if (native) {
    // Node 22.15+ ships zstd in zlib: faster than the pure-JS decoder.
    const dec = native();
    raw.pipe(dec);
    raw.on("error", (err) => (dec as unknown as { destroy(e: Error): void }).destroy(err));
    for await (const chunk of dec) yield chunk as Buffer;
    return;
  }
  yield* verifiedZstdChunks(path, raw);
}

/**
 * zstd through fzstd, which does not check frames: each frame is decoded by its own decompressor, and
 * its content is checked against the frame's XXH64 checksum and declared size as it ends (ZstdFramer).
 * Output is passed on as it is decoded, so a damaged frame is reported when it ends: callers that fail
 * on a bad line first call `verifyRest` to learn whether the shard itself is corrupt.
 */
async function* verifiedZstdChunks(path: string, raw: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  // Loaded here: most corpora are plain or gzip JSONL, and every worker would pay for the import.
  const { Decompress } = await import("fzstd");
  const framer = new ZstdFramer();
  let pending: Buffer[] = [];
  let dec: InstanceType<typeof Decompress> | undefined;
  let hash = new Xxh64();
  let produced = 0;
  let frame = 0;
  const corrupt = (why: string) => new UserError(`${path}: corrupt zstd shard: ${why}`);
  const onSegment = (bytes: Uint8Array, end?: FrameEnd) => {
    if (!dec) {
      hash = new Xxh64();
      produced = 0;
      frame++;
      dec = new Decompress((data) => {
        hash.update(data);
        produced += data.length;
        // Copy: the decoder may reuse its window memory for later output.
        pending.push(Buffer.from(data));
      });
    }
    dec.push(bytes, end !== undefined);
    if (!end) return;
    dec = undefined;
    if (end.contentSize !== undefined && end.contentSize !== produced)
      throw corrupt(`frame ${frame} decodes to ${produced} bytes, its header says ${end.contentSize}`);
    if (end.checksum !== undefined) {
      const got = hash.digest()[1];
      if (got !== end.checksum)
        throw corrupt(
          `frame ${frame} fails its content checksum (0x${got.toString(16)} instead of 0x${end.checksum.toString(16)})`,
        );
    }
  };
  const feed = (chunk: Uint8Array | undefined) => {
    try {
      if (chunk) framer.feed(chunk, onSegment);
      else framer.finish();
    } catch (err) {
      if (err instanceof ZstdFrameError) throw corrupt(err.message);
      if (err instanceof UserError) throw err;
      // fzstd's own errors (invalid data, …): the frame is damaged.
      throw corrupt(`frame ${frame}: ${(err as Error).message}`);
    }
  };
  for await (const chunk of raw) {
    feed(chunk as Buffer);
    if (pending.length > 0) {
      const out = pending;
      pending = [];
      for (const b of out) yield b;
    }
  }
  feed(undefined);
  for (const b of pending) yield b;
}

/**
 * Reads a shard's remaining chunks only to find out whether the file is damaged: throws the shard's
 * corruption error if it is, returns quietly otherwise. Used before blaming a line for a parse error.
 */
export async function verifyRest(chunks: AsyncIterator<Buffer>): Promise<void> {
  for (;;) {
    const next = await chunks.next();
    if (next.done) return;
  }
}

/** A shard's bytes, filled into a caller's buffer (the in-place line scanners read this way). */
export interface ShardFiller {
  read(buf: Buffer, at: number, max: number): Promise<number>;
  close(): Promise<void>;
  /** Reads the rest of a compressed shard to report damage (plain shards: nothing to check). */
  verifyRest(): Promise<void>;
}

/** Plain shards are read straight into the buffer; compressed ones are copied from the decompressor's chunks. */
export function shardFiller(path: string, bytes: ByteCounter): ShardFiller {
  if (shardFormat(path) === "jsonl") {
    // Synchronous reads: a worker has nothing else to do meanwhile, and an asynchronous read left
    // the thread idle while the thread pool copied the buffer (about 9 % of a worker's time). The
    // event loop still gets a turn per read, so timers (progress in --workers 1) keep running.
    const fd = openSync(path, "r");
    return {
      read: async (buf, at, max) => {
        await yieldToEventLoop();
        const bytesRead = readSync(fd, buf, at, max, null);
        bytes.rawBytes += bytesRead;
        return bytesRead;
      },
      close: async () => closeSync(fd),
      verifyRest: async () => {},
    };
  }
  const chunks = jsonlChunks(path, bytes);
  let pending: Buffer | undefined;
  let used = 0;
  return {
    read: async (buf, at, max) => {
      while (!pending || used === pending.length) {
        const next = await chunks.next();
        if (next.done) return 0;
        pending = next.value;
        used = 0;
      }
      const n = Math.min(max, pending.length - used);
      pending.copy(buf, at, used, used + n);
      used += n;
      return n;
    },
    close: async () => {
      await chunks.return(undefined);
    },
    verifyRest: () => verifyRest(chunks),
  };
}

/** What `readShardInPlace` calls: the in-place line scanners of the SMI counter and the scan kernel. */
export interface InPlaceReader {
  /** The buffer to read into (asked every round: a WebAssembly memory may have grown meanwhile). */
  io(): Buffer;
  /** A buffer of at least `size` bytes holding the current one's bytes (for a line longer than the buffer). */
  reserve(size: number): Buffer;
  /** Handles the complete lines of buf[pos, len); returns where the incomplete last one starts. */
  lines(buf: Buffer, pos: number, len: number): number;
  /** The shard's last line, which has no newline. */
  lastLine(buf: Buffer, start: number, end: number): void;
  /** After each read (and at the end): the shard's bytes read so far. */
  progress(rawBytes: number): void;
}

/**
 * Bytes read per fill of the I/O buffer: small enough that the lines just read are still in cache
 * when they are split, decoded and scanned (each pass reads them again).
 */
const READ_CHUNK = 1 << 20;

/**
 * Reads a shard into the reader's own buffer 1 MiB at a time, keeping an incomplete line at the front for
 * the next read: lines are split and handled in place, without per-line copies. Returns the bytes read.
 */
export async function readShardInPlace(path: string, r: InPlaceReader): Promise<number> {
  const bytes: ByteCounter = { rawBytes: 0 };
  const fill = shardFiller(path, bytes);
  try {
    let len = 0;
    let pos = 0;
    for (;;) {
      let buf = r.io();
      if (pos > 0) {
        buf.copyWithin(0, pos, len);
        len -= pos;
        pos = 0;
      }
      if (len === buf.length) buf = r.reserve(buf.length * 2);
      const n = await fill.read(buf, len, Math.min(buf.length - len, READ_CHUNK));
      if (n === 0) {
        if (len > 0) r.lastLine(buf, 0, len);
        break;
      }
      len += n;
      try {
        pos = r.lines(buf, pos, len);
      } catch (err) {
        // A damaged compressed shard shows up as bad lines first: name the damage, not the line.
        if (err instanceof UserError) await fill.verifyRest();
        throw err;
      }
      r.progress(bytes.rawBytes);
    }
  } finally {
    await fill.close();
  }
  r.progress(bytes.rawBytes);
  return bytes.rawBytes;
}
