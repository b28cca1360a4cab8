import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TokenWindowMatcher } from "../../src/contamination/window-matcher.js";
import { SpaceAnchoredMatcher } from "../../src/corpus/matcher.js";
import { Rng } from "../../src/stats/rng.js";

function matchedSet(m: { matched: Int32Array; matchedCount: number }): number[] {
  return Array.from(m.matched.subarray(0, m.matchedCount)).sort((a, b) => a - b);
}

describe("token-window matcher", () => {
  test("matches exactly what the SMI matcher matches on normalised text", () => {
    const rng = new Rng(3);
    // A small vocabulary with shared prefixes (a, ab, abc…), so that partial-token matches would show.
    const vocab = ["a", "ab", "abc", "b", "ba", "bab", "c", "ca", "x1", "x12", "日", "本"];
    const sentence = (k: number): string[] => Array.from({ length: k }, () => vocab[rng.int(vocab.length)]!);
    const docs = Array.from({ length: 200 }, () => sentence(5 + rng.int(60)));
    const seen = new Set<string>();
    const patterns: Uint8Array[] = [];
    const add = (tokens: string[]): void => {
      const text = ` ${tokens.join(" ")} `;
      if (seen.has(text)) return;
      seen.add(text);
      patterns.push(Buffer.from(text, "utf8"));
    };
    for (let i = 0; i < 300; i++) {
      const len = 2 + rng.int(5);
      const doc = docs[rng.int(docs.length)]!;
      if (doc.length >= len) {
        const at = rng.int(doc.length - len + 1);
        add(doc.slice(at, at + len));
      }
      add(sentence(len)); // mostly absent
    }
    const ref = new SpaceAnchoredMatcher(patterns);
    const win = new TokenWindowMatcher(patterns);
    let hits = 0;
    for (const doc of docs) {
      const text = Buffer.from(` ${doc.join(" ")} `, "utf8");
      ref.beginDocument();
      win.beginDocument();
      ref.scan(text, 0, text.length);
      win.scan(text, 0, text.length);
      assert.deepEqual(matchedSet(win), matchedSet(ref));
      hits += ref.matchedCount;
    }
    assert.ok(hits > 300, `the test exercises matches (${hits})`);
  });

  test("a window never matches across a partial token", () => {
    const m = new TokenWindowMatcher([Buffer.from(" ab c "), Buffer.from(" b c ")]);
    const text = Buffer.from(" xab c bb c ab cd ");
    m.beginDocument();
    m.scan(text, 0, text.length);
    assert.deepEqual(matchedSet(m), []);
    const yes = Buffer.from(" q ab c ");
    m.beginDocument();
    m.scan(yes, 0, yes.length);
    assert.deepEqual(matchedSet(m), [0]);
  });
});
