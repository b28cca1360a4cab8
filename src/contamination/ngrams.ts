/**
 * The n-gram table of a benchmark: every n-gram of every item segment, deduplicated into matcher
 * patterns " t1 … tn " (normalised documents have a space around every token, so a pattern matches
 * exactly a run of whole tokens). A segment shorter than n but at least `minTokens` long is one gram
 * of its own length; shorter segments (one-word answers, labels) are not checked at all.
 */

import { UserError } from "../util/errors.js";
import { sha256 } from "../util/hash.js";
import type { BenchItem, ItemField } from "./items.js";

export interface GramSettings {
  n: number;
  minTokens: number;
  fields: ItemField[];
  /** Bumped when normalisation changes, so part files of another rule are not mixed. */
  normalisation: 1;
}

export interface GramTable {
  settings: GramSettings;
  items: BenchItem[];
  /** Distinct patterns, UTF-8. */
  patterns: Uint8Array[];
  /** Grams in item, segment, position order; item i owns grams itemStart[i] .. itemStart[i+1]. */
  itemStart: Int32Array;
  gramItem: Int32Array;
  gramSegment: Int32Array;
  gramPos: Int32Array;
  gramLen: Int32Array;
  gramPattern: Int32Array;
  /** Grams of pattern p: patternGrams[patternStart[p] .. patternStart[p+1]). */
  patternStart: Int32Array;
  patternGrams: Int32Array;
  /** Digest of settings and items: part files of other benchmarks or settings never mix. */
  digest: string;
}

export function buildGramTable(items: BenchItem[], settings: GramSettings): GramTable {
  if (settings.n < 1) throw new UserError(`--n must be at least 1, got ${settings.n}`);
  const ids = new Map<string, number>();
  const patterns: Uint8Array[] = [];
  const gi: number[] = [];
  const gs: number[] = [];
  const gp: number[] = [];
  const gl: number[] = [];
  const gpat: number[] = [];
  const itemStart = new Int32Array(items.length + 1);
  items.forEach((item, i) => {
    item.segments.forEach((tokens, s) => {
      if (tokens.length < settings.minTokens) return;
      const len = Math.min(settings.n, tokens.length);
      // The segment as one pattern-shaped string; each gram is a substring of it (joining each
      // gram's tokens anew cost most of the table's time on a benchmark with 235,000 grams).
      const joined = ` ${tokens.join(" ")} `;
      const start = new Int32Array(tokens.length + 1);
      for (let k = 0, o = 0; k <= tokens.length; k++) {
        start[k] = o;
        o += (tokens[k]?.length ?? 0) + 1;
      }
      for (let pos = 0; pos + len <= tokens.length; pos++) {
        const text = joined.slice(start[pos], start[pos + len]! + 1);
        let id = ids.get(text);
        if (id === undefined) {
          id = patterns.length;
          ids.set(text, id);
          patterns.push(Buffer.from(text, "utf8"));
        }
        gi.push(i);
        gs.push(s);
        gp.push(pos);
        gl.push(len);
        gpat.push(id);
      }
    });
    itemStart[i + 1] = gi.length;
  });
  const gramPattern = Int32Array.from(gpat);
  const patternStart = new Int32Array(patterns.length + 1);
  for (const p of gramPattern) patternStart[p + 1]!++;
  for (let p = 0; p < patterns.length; p++) patternStart[p + 1]! += patternStart[p]!;
  const fill = patternStart.slice(0, patterns.length);
  const patternGrams = new Int32Array(gramPattern.length);
  gramPattern.forEach((p, g) => {
    patternGrams[fill[p]!++] = g;
  });
  const digest = sha256(JSON.stringify({ settings, items: items.map((it) => [it.id, it.segments]) }));
  return {
    settings,
    items,
    patterns,
    itemStart,
    gramItem: Int32Array.from(gi),
    gramSegment: Int32Array.from(gs),
    gramPos: Int32Array.from(gp),
    gramLen: Int32Array.from(gl),
    gramPattern,
    patternStart,
    patternGrams,
    digest,
  };
}
