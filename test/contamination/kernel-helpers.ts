/** Shared by the scan kernel's shard tests: a pattern table and the kernel held to the JavaScript reference. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { ScanKernel } from "../../src/contamination/scan-kernel.js";
import { scanShard } from "../../src/contamination/scan-kernel-shard.js";
import { ScanSink, type SinkTable } from "../../src/contamination/sink.js";
import { type CountRules, countShard } from "../../src/corpus/shard.js";

/** Each pattern its own gram, the grams dealt to `items` items in turn. */
export function patternTable(patterns: Uint8Array[], items: number): SinkTable {
  return {
    patterns,
    patternStart: Int32Array.from({ length: patterns.length + 1 }, (_, i) => i),
    patternGrams: Int32Array.from(patterns, (_, i) => i),
    gramItem: Int32Array.from(patterns, (_, i) => i % items),
    itemCount: items,
  };
}

/** Documents of the JSONL file that the kernel scans itself (not handed back), counted with calls over the whole file. */
function ownDocuments(k: ScanKernel, file: string): number {
  k.setTextKey(Buffer.from("text"));
  const content = readFileSync(file);
  content.copy(k.reserveIo(content.length));
  let own = 0;
  for (let at = 0; at < content.length; ) {
    k.clearHits();
    const r = k.lines(at, content.length);
    own += r.documents;
    if (r.next === at) break;
    at = r.next;
  }
  return own;
}

/**
 * Scans `file` through the kernel and through the JavaScript window matcher; asserts the same
 * statistics and hits. Returns the documents the kernel scanned itself and the patterns hit.
 */
export async function kernelAgainstReference(
  file: string,
  table: SinkTable,
  rules: CountRules,
): Promise<{ own: number; patternsHit: number }> {
  const kernelSink = new ScanSink(table, 3, "window");
  assert.ok(kernelSink.kernel, "the kernel runs here");
  const own = ownDocuments(kernelSink.kernel, file);
  const jsSink = new ScanSink(table, 3, "window-js");
  const kStats = await scanShard(file, kernelSink, rules);
  const jStats = await countShard(file, jsSink, rules);
  assert.deepEqual(kStats, jStats);
  const kHits = kernelSink.take();
  assert.deepEqual(kHits, jsSink.take());
  return { own, patternsHit: kHits.patternDocs.length };
}
