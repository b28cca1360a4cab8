/**
 * Document counts for a set of triples: per document, whether each subject and object name occurs
 * (the original's rule: `' ' + name` is a case-sensitive substring of the document text) and whether
 * both do. Names shared by many triples are matched once; co-occurrence is checked only for the
 * subjects that matched, so the cost per document follows the matches, not the number of triples.
 */
import { createHash } from "node:crypto";
import { createMatcher, defaultEngine, type MatcherEngine } from "../corpus/engine.js";
import type { PresenceMatcher } from "../corpus/matcher.js";
import { SimdMatcher } from "../corpus/simd-matcher.js";
import type { Triple } from "./rows.js";

export interface PatternSet {
  /** Distinct pattern strings (' ' + name), as UTF-8 bytes. */
  patterns: Uint8Array[];
  subjPattern: Int32Array;
  objPattern: Int32Array;
  /** Triples whose subject is pattern p: subjTriples[subjStart[p] .. subjStart[p+1]). */
  subjStart: Int32Array;
  subjTriples: Int32Array;
}

export function buildPatternSet(triples: readonly Pick<Triple, "subj" | "obj">[]): PatternSet {
  const ids = new Map<string, number>();
  const patterns: Uint8Array[] = [];
  const idOf = (name: string): number => {
    const text = ` ${name}`;
    let id = ids.get(text);
    if (id === undefined) {
      id = patterns.length;
      ids.set(text, id);
      patterns.push(Buffer.from(text, "utf8"));
    }
    return id;
  };
  const subjPattern = new Int32Array(triples.length);
  const objPattern = new Int32Array(triples.length);
  triples.forEach((t, i) => {
    subjPattern[i] = idOf(t.subj);
    objPattern[i] = idOf(t.obj);
  });
  const subjStart = new Int32Array(patterns.length + 1);
  for (const p of subjPattern) subjStart[p + 1]!++;
  for (let p = 0; p < patterns.length; p++) subjStart[p + 1]! += subjStart[p]!;
  const fill = subjStart.slice(0, patterns.length);
  const subjTriples = new Int32Array(triples.length);
  subjPattern.forEach((p, i) => {
    subjTriples[fill[p]!++] = i;
  });
  return { patterns, subjPattern, objPattern, subjStart, subjTriples };
}

/** A stable digest of the triples' names and order, so partial results of different triple files never mix. */
export function triplesDigest(triples: readonly Triple[]): string {
  const h = createHash("sha256");
  for (const t of triples) h.update(`${t.idx}\u0000${t.subj}\u0000${t.obj}\u0001`);
  return h.digest("hex");
}

export interface TripleCounts {
  documents: number;
  subj: number[];
  obj: number[];
  s1j1: number[];
}

export class TripleCounter {
  readonly matcher: PresenceMatcher;
  /** The SIMD matcher when it keeps the counts itself (planned with this set's triples). */
  readonly inModule: SimdMatcher | undefined;
  documents = 0;
  private readonly patternDocs: Float64Array;
  private readonly s1j1: Float64Array;

  /**
   * `matcher`: one made already (e.g. from a SimdPlan built in the main thread, with this set's
   * triples so that it counts them itself); otherwise built here.
   */
  constructor(
    private readonly set: PatternSet,
    engine: MatcherEngine = defaultEngine(),
    matcher?: PresenceMatcher,
  ) {
    this.matcher =
      matcher ??
      (engine === "simd"
        ? new SimdMatcher(SimdMatcher.plan(set.patterns, set))
        : createMatcher(set.patterns, engine));
    const m = this.matcher;
    this.inModule = m instanceof SimdMatcher && m.tripleCount === set.objPattern.length ? m : undefined;
    this.patternDocs = new Float64Array(this.matcher.patternCount);
    this.s1j1 = new Float64Array(set.subjPattern.length);
  }

  /** Counts one document given as one contiguous byte range of UTF-8 text. */
  countDocument(text: Uint8Array, start: number, end: number): void {
    const m = this.matcher;
    m.beginDocument();
    m.scan(text, start, end);
    this.documents++;
    if (this.inModule) {
      this.inModule.tally();
      return;
    }
    const { subjStart, subjTriples, objPattern } = this.set;
    const matched = m.matched;
    for (let k = 0; k < m.matchedCount; k++) {
      const p = matched[k]!;
      this.patternDocs[p]!++;
      for (let q = subjStart[p]!; q < subjStart[p + 1]!; q++) {
        const t = subjTriples[q]!;
        if (m.seen(objPattern[t]!)) this.s1j1[t]!++;
      }
    }
  }

  /** Zeroes the counts (the matcher is kept: building it is the expensive part). */
  reset(): void {
    this.documents = 0;
    this.inModule?.resetCounts();
    this.patternDocs.fill(0);
    this.s1j1.fill(0);
  }

  counts(): TripleCounts {
    const { subjPattern, objPattern } = this.set;
    const { patternDocs, s1j1 } = this.inModule?.tripleCounts() ?? {
      patternDocs: this.patternDocs,
      s1j1: this.s1j1,
    };
    return {
      documents: this.documents,
      subj: Array.from(subjPattern, (p) => patternDocs[p]!),
      obj: Array.from(objPattern, (p) => patternDocs[p]!),
      s1j1: Array.from(s1j1),
    };
  }
}
