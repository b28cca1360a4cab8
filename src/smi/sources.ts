/**
 * Corpus shards as streams: JSONL (.jsonl/.json/.txt), gzip (.gz), zstd (.zst/.zstd) and Parquet.
 * Compressed shards are decompressed while streaming, so memory does not grow with shard size.
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import * as zlib from "node:zlib";
import { UserError } from "../util/errors.js";

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
  // Loaded here: most corpora are plain or gzip JSONL, and every worker would pay for the import.
  const { Decompress } = await import("fzstd");
  let pending: Buffer[] = [];
  const dec = new Decompress((data) => {
    // Copy: the decoder may reuse its window memory for later output.
    pending.push(Buffer.from(data));
  });
  for await (const chunk of raw) {
    dec.push(chunk as Buffer);
    if (pending.length > 0) {
      const out = pending;
      pending = [];
      for (const b of out) yield b;
    }
  }
  dec.push(new Uint8Array(0), true);
  for (const b of pending) yield b;
}
