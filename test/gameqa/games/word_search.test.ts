import assert from "node:assert/strict";
import { describe, test } from "node:test";
import wordSearch from "../../../src/gameqa/games/word_search/index.js";
import { directionsFrom, letterCells, occurrences } from "../../../src/gameqa/games/word_search/logic.js";
import type { WordSearchState } from "../../../src/gameqa/games/word_search/state.js";
import { letterCount } from "../../../src/gameqa/games/word_search/tasks.js";
import { WORDS } from "../../../src/gameqa/games/word_search/words.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

const GRID = ["CATXQ", "ZOZQW", "PZGPE", "QDOGQ", "WEQPR"].map((r) => [...r]);
const state = (words: WordSearchState["words"]): WordSearchState => ({ grid: GRID, size: 5, words });
const task = (id: number) => wordSearch.tasks.find((t) => t.id === id) as (typeof wordSearch.tasks)[number];

describe("word search rules", () => {
  test("directions and occurrences", () => {
    assert.deepEqual(directionsFrom(GRID, "CAT", [0, 0]), ["right"]);
    assert.deepEqual(directionsFrom(GRID, "COG", [0, 0]), ["diagonal-right-down"]);
    assert.deepEqual(occurrences(GRID, "GOD"), [{ row: 3, col: 3, direction: "left" }]);
    assert.deepEqual(occurrences(GRID, "DOG"), [{ row: 3, col: 1, direction: "right" }]);
    // "OZ" reads three ways from (1,1): Z left, right and below.
    assert.deepEqual(directionsFrom(GRID, "OZ", [1, 1]).sort(), ["down", "left", "right"]);
    assert.equal(letterCells(GRID, "Q").length, 5);
    assert.equal(letterCount(state([]), "Y").count, 0);
  });

  test("word list: uppercase, 3-8 letters, no duplicates", () => {
    assert.ok(WORDS.every((w) => /^[A-Z]{3,8}$/.test(w)));
    assert.equal(new Set(WORDS).size, WORDS.length);
  });
});

describe("word search tasks", () => {
  const rng = createRng(8);
  test("cell letter and letter count", () => {
    for (let i = 0; i < 10; i++) {
      const q = task(0).generate({ state: state([]), rng, plotLevel: "Easy" });
      const [, r, c] = /row (\d), column (\d)\?/.exec(q?.question ?? "") ?? [];
      assert.equal(q?.options?.[Number(q.answer) - 1], GRID[Number(r) - 1]?.[Number(c) - 1]);
      const n = task(1).generate({ state: state([]), rng, plotLevel: "Easy" });
      const letter = /letter '([A-Z])'/.exec(n?.question ?? "")?.[1] ?? "";
      assert.equal(n?.options?.[Number(n.answer) - 1], GRID.flat().filter((x) => x === letter).length);
    }
  });

  test("direction and location of hidden words", () => {
    const dir = task(2).generate({
      state: state([{ word: "CAT", row: 0, col: 0, direction: "right" }]),
      rng,
      plotLevel: "Easy",
    });
    assert.equal(dir?.options?.[Number(dir.answer) - 1], "right");
    assert.equal(dir?.options?.length, 8);
    assert.deepEqual(
      task(2).generate({
        state: state([{ word: "OZ", row: 1, col: 1, direction: "right" }]),
        rng,
        plotLevel: "Easy",
      }),
      { skip: "no hidden word reads in exactly one direction from its start" },
    );
    const loc = task(3).generate({
      state: state([{ word: "DOG", row: 3, col: 1, direction: "right" }]),
      rng,
      plotLevel: "Easy",
    });
    assert.equal(loc?.options?.[Number(loc.answer) - 1], "Row 4, Column 2, Direction: right");
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => wordSearch.parseState({ grid: [["a"]], size: 1 }, "w.json"),
      /w\.json: field "grid"\[0\]\[0\]/,
    );
    assert.throws(
      () =>
        wordSearch.parseState(
          { grid: GRID, size: 5, words: [{ word: "CAT", row: 0, col: 0, direction: "north" }] },
          "w.json",
        ),
      /direction/,
    );
  });
});

describe("word search engine checks", () => {
  test("conformance with the published examples (8 samples)", (t) => {
    expectFullConformance(t, wordSearch, "word_search_dataset_example", 8);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(wordSearch, 4));
  test("deterministic output", () => expectDeterministic(wordSearch));
  test("PNG at the original size ((n + 1) x 50 px)", () => expectPng(wordSearch, state([]), 300, 300));
});
