/** Shared by the scan kernel's shard tests: a pattern table and the kernel held to the JavaScript reference. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { normaliseBytes, normaliseText, ScratchSink } from "../../src/contamination/normalize.js";
import type { ScanKernel } from "../../src/contamination/scan-kernel.js";
import { scanShard } from "../../src/contamination/scan-kernel-shard.js";
import { ScanSink, type SinkTable } from "../../src/contamination/sink.js";
import { TokenWindowMatcher } from "../../src/contamination/window-matcher.js";
import { type CountRules, countShard } from "../../src/corpus/shard.js";
import type { Rng } from "../../src/stats/rng.js";

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

/** Distinct windows of 2–7 normalised tokens of random texts (up to `tries` of them), as patterns. */
export function windowPatterns(rng: Rng, texts: string[], tries: number): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (let i = 0; i < tries; i++) {
    const tokens = normaliseText(texts[rng.int(texts.length)]!);
    const len = 2 + rng.int(6);
    if (tokens.length < len) continue;
    const at = rng.int(tokens.length - len + 1);
    const p = ` ${tokens.slice(at, at + len).join(" ")} `;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(Buffer.from(p, "utf8"));
  }
  return out;
}

/** Patterns the JavaScript window matcher finds in the normalised text, sorted. */
function jsMatches(m: TokenWindowMatcher, text: Buffer): number[] {
  m.beginDocument();
  m.beginText();
  normaliseBytes(text, 0, text.length, new ScratchSink(), m);
  return Array.from(m.matched.subarray(0, m.matchedCount)).sort((a, b) => a - b);
}

/** Asserts that `scanText` finds what the JavaScript window matcher finds in each text; returns the hits. */
export function scanTextAgrees(k: ScanKernel, patterns: Uint8Array[], texts: string[]): number {
  const js = new TokenWindowMatcher(patterns);
  let hits = 0;
  for (const t of texts) {
    const b = Buffer.from(t, "utf8");
    k.clearHits();
    k.scanText(b, 0, b.length, 0);
    const got = Array.from({ length: k.hitCount() }, (_, i) => k.hitPattern(i)).sort((a, b) => a - b);
    assert.deepEqual(got, jsMatches(js, b), JSON.stringify(t.slice(0, 2000)));
    hits += got.length;
  }
  return hits;
}
