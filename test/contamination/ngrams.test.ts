import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { BenchItem } from "../../src/contamination/items.js";
import { buildGramTable, type GramSettings } from "../../src/contamination/ngrams.js";

const settings = (n: number, minTokens: number): GramSettings => ({
  n,
  minTokens,
  fields: ["input"],
  normalisation: 1,
});

/** Every gram of every item as the plain definition has it: " t1 … tn " per position. */
function naiveGrams(items: BenchItem[], n: number, minTokens: number): string[][] {
  return items.map((item) =>
    item.segments.flatMap((tokens) => {
      if (tokens.length < minTokens) return [];
      const len = Math.min(n, tokens.length);
      return Array.from(
        { length: tokens.length - len + 1 },
        (_, pos) => ` ${tokens.slice(pos, pos + len).join(" ")} `,
      );
    }),
  );
}

describe("buildGramTable", () => {
  test("patterns, grams per item and the pattern → grams index equal the plain definition", () => {
    const words = ["中", "国", "the", "ß", "naïve", "12", "x", "医", "学"];
    let state = 11;
    const pick = () => {
      state = (state * 48271) % 2147483647;
      return words[state % words.length] as string;
    };
    const items: BenchItem[] = Array.from({ length: 40 }, (_, i) => ({
      id: `i${i}`,
      segments: Array.from({ length: 1 + (i % 3) }, (_, s) =>
        Array.from({ length: (i * 7 + s * 5) % 23 }, pick),
      ),
    }));
    for (const [n, minTokens] of [
      [4, 2],
      [13, 8],
      [1, 1],
    ] as const) {
      const table = buildGramTable(items, settings(n, minTokens));
      const expected = naiveGrams(items, n, minTokens);
      const text = (p: number) => Buffer.from(table.patterns[p] as Uint8Array).toString("utf8");
      items.forEach((_, i) => {
        const got: string[] = [];
        for (let g = table.itemStart[i]!; g < table.itemStart[i + 1]!; g++)
          got.push(text(table.gramPattern[g]!));
        assert.deepEqual(got, expected[i], `item ${i}, n = ${n}`);
      });
      const distinct = new Set(expected.flat());
      assert.equal(table.patterns.length, distinct.size, "patterns are distinct");
      for (let p = 0; p < table.patterns.length; p++)
        for (let k = table.patternStart[p]!; k < table.patternStart[p + 1]!; k++)
          assert.equal(table.gramPattern[table.patternGrams[k]!], p);
    }
  });
});
