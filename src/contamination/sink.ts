/**
 * Scanning documents for a benchmark's n-grams: each document (from the SMI shard reader) is
 * normalised into the matcher's memory and scanned once by the SMI matcher; every matched pattern
 * counts one document, and each item it belongs to records the document's line (up to k per item).
 */
import { createMatcher, defaultEngine, type MatcherEngine } from "../corpus/engine.js";
import type { PresenceMatcher } from "../corpus/matcher.js";
import type { DocumentSink } from "../corpus/shard.js";
import { SimdMatcher } from "../corpus/simd-matcher.js";
import type { GramTable } from "./ngrams.js";
import { type ByteSink, normaliseBytes, ScratchSink } from "./normalize.js";
import { type KernelPlan, kernelAvailable, ScanKernel } from "./scan-kernel.js";
import { TokenWindowMatcher } from "./window-matcher.js";

/**
 * window: token-window hashing in the WebAssembly scan kernel (scan-kernel.ts; window-js where the
 * runtime lacks WebAssembly SIMD); window-js: the same in JavaScript (window-matcher.ts, the reference);
 * simd, wasm, js: the SMI matchers.
 */
export type ScanMatcher = "window" | "window-js" | MatcherEngine;

/** What one shard contributes: documents per pattern, and per item its documents and first lines. */
export interface ShardHits {
  /** [pattern, documents] for every pattern found. */
  patternDocs: Array<[number, number]>;
  /** [item, documents, lines] for every item with a pattern found. */
  items: Array<[number, number, number[]]>;
}

/** Normalises into the SIMD matcher's I/O memory, so that its scan reads the text where it lies. */
class IoSink implements ByteSink {
  buf: Uint8Array;
  constructor(private readonly m: SimdMatcher) {
    this.buf = m.io();
  }
  ensure(n: number): Uint8Array {
    if (n > this.buf.length) this.buf = this.m.reserveIo(n);
    return this.buf;
  }
}

/** What the sink needs of the n-gram table (small enough to post to worker threads). */
export interface SinkTable
  extends Pick<GramTable, "patterns" | "patternStart" | "patternGrams" | "gramItem"> {
  itemCount: number;
}

export function sinkTable(t: GramTable): SinkTable {
  const { patterns, patternStart, patternGrams, gramItem } = t;
  return { patterns, patternStart, patternGrams, gramItem, itemCount: t.items.length };
}

export class ScanSink implements DocumentSink {
  /** Hidden from the shard reader on purpose: it must not read shards into the matcher's memory. */
  private readonly scanner: PresenceMatcher | undefined;
  /** The scan kernel (matcher "window"): it reads whole shards itself (scan-kernel-shard.ts). */
  readonly kernel: ScanKernel | undefined;
  private readonly out: ByteSink;
  documents = 0;
  textBytes = 0;
  private readonly patternDocs: Float64Array;
  private readonly itemDocs: Float64Array;
  private readonly itemStamp: Int32Array;
  private readonly itemLines: Map<number, number[]> = new Map();

  constructor(
    private readonly table: SinkTable,
    private readonly maxLocations: number,
    engine: ScanMatcher = defaultEngine(),
    /** The kernel compiled in another thread (matcher "window" in a worker). */
    kernelPlan?: KernelPlan,
  ) {
    if (engine === "window" && kernelAvailable()) this.kernel = new ScanKernel(kernelPlan ?? table.patterns);
    else if (engine === "window" || engine === "window-js")
      this.scanner = new TokenWindowMatcher(table.patterns);
    else this.scanner = createMatcher(table.patterns, engine);
    this.out = this.scanner instanceof SimdMatcher ? new IoSink(this.scanner) : new ScratchSink();
    this.patternDocs = new Float64Array(table.patterns.length);
    this.itemDocs = new Float64Array(table.itemCount);
    this.itemStamp = new Int32Array(table.itemCount).fill(-1);
  }

  countDocument(text: Uint8Array, start: number, end: number, line: number): void {
    this.documents++;
    this.textBytes += end - start;
    if (this.kernel) {
      this.kernel.clearHits();
      this.kernel.scanText(text, start, end, 0);
      this.kernelHits(this.kernel, line - 1);
      return;
    }
    const m = this.scanner!;
    m.beginDocument();
    if (m instanceof TokenWindowMatcher) {
      // Hashed token by token while normalising: one pass over the text instead of two.
      m.beginText();
      normaliseBytes(text, start, end, this.out, m);
    } else {
      const len = normaliseBytes(text, start, end, this.out);
      m.scan(this.out.buf, 0, len);
    }
    for (let k = 0; k < m.matchedCount; k++) this.hit(m.matched[k]!, line);
  }

  /** The kernel's output buffer: (line index, pattern) pairs, lines counted from `lineBase` + 1. */
  kernelHits(k: ScanKernel, lineBase: number): void {
    const n = k.hitCount();
    for (let i = 0; i < n; i++) this.hit(k.hitPattern(i), lineBase + 1 + k.hitLine(i));
  }

  /** Pattern p occurs in the document at `line` (told once per document and pattern; lines identify documents). */
  private hit(p: number, line: number): void {
    const { patternStart, patternGrams, gramItem } = this.table;
    this.patternDocs[p]!++;
    for (let q = patternStart[p]!; q < patternStart[p + 1]!; q++) {
      const item = gramItem[patternGrams[q]!]!;
      if (this.itemStamp[item] === line) continue;
      this.itemStamp[item] = line;
      this.itemDocs[item]!++;
      const lines = this.itemLines.get(item);
      if (!lines) this.itemLines.set(item, this.maxLocations > 0 ? [line] : []);
      else if (lines.length < this.maxLocations) lines.push(line);
    }
  }

  /** This shard's hits; zeroes the sink for the next shard (the matcher is kept). */
  take(): ShardHits {
    const patternDocs: Array<[number, number]> = [];
    this.patternDocs.forEach((d, p) => {
      if (d > 0) patternDocs.push([p, d]);
    });
    const items: Array<[number, number, number[]]> = [];
    this.itemDocs.forEach((d, i) => {
      if (d > 0) items.push([i, d, this.itemLines.get(i) ?? []]);
    });
    this.patternDocs.fill(0);
    this.itemDocs.fill(0);
    this.itemStamp.fill(-1);
    this.itemLines.clear();
    this.documents = 0;
    this.textBytes = 0;
    return { patternDocs, items };
  }
}
