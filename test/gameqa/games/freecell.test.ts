import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRank, parseSuit } from "../../../src/gameqa/games/freecell/cards/model.js";
import freecell from "../../../src/gameqa/games/freecell/index.js";
import { boardOf, isLegal, legalMoves, type Move } from "../../../src/gameqa/games/freecell/logic.js";
import { type FreeCellState, generateState } from "../../../src/gameqa/games/freecell/state.js";
import { cardAfterMove, cardAtDepth, parseMove } from "../../../src/gameqa/games/freecell/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

// Three short cascades, listed deepest card first: exposed cards 10♠, A♦ and 9♥.
const STATE: FreeCellState = {
  cascade_piles: [
    ["6 ♥", "Q ♠", "10 ♠"],
    ["Q ♣", "J ♣", "A ♦"],
    ["4 ♠", "9 ♥"],
  ],
  free_cells: [null, "5 ♣", null, null],
  foundation_piles: { HEARTS: null, DIAMONDS: null, CLUBS: ["A ♣", "2 ♣", "3 ♣", "4 ♣"], SPADES: null },
};
const b = boardOf(STATE);
const move = (text: string): Move => parseMove(text) as Move;

describe("freecell rules", () => {
  test("card notation: ranks as letters or numbers, suits as symbols or names", () => {
    assert.deepEqual(["A", "1", "10", "K", "13", "14", "x"].map(parseRank), [
      1,
      1,
      10,
      13,
      13,
      undefined,
      undefined,
    ]);
    assert.deepEqual(["♥", "Heart", "SPADES", "club", "cup"].map(parseSuit), [
      "hearts",
      "hearts",
      "spades",
      "clubs",
      undefined,
    ]);
  });

  test("legality: exposed cards only, alternate colours one rank down, foundations from Ace", () => {
    assert.equal(isLegal(b, move("Move (Heart,9) from Cascade 2 to Cascade 0")), true);
    assert.equal(isLegal(b, move("Move (Spade,4) from Cascade 2 to FreeCell 0")), false, "buried card");
    assert.equal(isLegal(b, move("Move (Heart,9) from Cascade 2 to FreeCell 1")), false, "occupied cell");
    assert.equal(isLegal(b, move("Move (Club,5) from FreeCell 1 to Foundation Club")), true);
    assert.equal(isLegal(b, move("Move (Club,5) from FreeCell 1 to Foundation Heart")), false);
    assert.equal(isLegal(b, move("Move (Diamond,A) from Cascade 1 to Foundation Diamond")), true);
    // The original lets an Ace open any empty foundation; strict mode (our correct answers) does not.
    assert.equal(isLegal(b, move("Move (Diamond,1) from Cascade 1 to Foundation Spade")), true);
    assert.equal(isLegal(b, move("Move (Diamond,1) from Cascade 1 to Foundation Spade"), true), false);
    assert.equal(
      isLegal(b, move("Move (Spade,10) from Cascade 0 to Cascade 2")),
      false,
      "10 is not one below 9",
    );
  });

  test("legal moves list every source and destination", () => {
    const texts = legalMoves(b).map(
      (m) => `${m.from.kind}${"index" in m.from ? m.from.index : ""}>${m.to.kind}`,
    );
    // 3 exposed cards x 3 empty cells, 9♥ onto 10♠, A♦ and 5♣ to their foundations.
    assert.equal(texts.filter((t) => t.endsWith("freecell")).length, 9);
    assert.ok(texts.includes("cascade2>cascade"));
    assert.ok(texts.includes("cascade1>foundation"));
    assert.ok(texts.includes("freecell1>foundation"));
    assert.equal(texts.length, 12);
  });

  test("card at depth and card after a move", () => {
    assert.equal(cardAtDepth(b, 0, 2)?.card.rank, 12);
    assert.equal(cardAtDepth(b, 0, 4), undefined);
    assert.deepEqual(cardAfterMove(b, move("Move (Diamond,A) from Cascade 1 to FreeCell 0"), 1).card, {
      suit: "clubs",
      rank: 11,
    });
  });

  test("a fresh deal per plot level: 8 / 6 / 4 cascades holding all 52 cards", () => {
    for (const [level, n] of [
      ["Easy", 8],
      ["Medium", 6],
      ["Hard", 4],
    ] as const) {
      const s = generateState(createRng(5), level);
      assert.equal(s.cascade_piles.length, n);
      assert.equal(new Set(s.cascade_piles.flatMap((p) => p ?? [])).size, 52);
    }
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => freecell.parseState({ ...STATE, cascade_piles: [["14 ♥"]] }, "s.json"),
      /s\.json: field "cascade_piles\[0\]\[0\]"/,
    );
  });
});

describe("freecell engine checks", () => {
  test("conformance with the published examples (9 samples)", (t) => {
    expectFullConformance(t, freecell, "freecell_dataset_example", 9);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(freecell, 4));
  test("deterministic output", () => expectDeterministic(freecell));
  test("PNG at the original's 630x470", () => expectPng(freecell, STATE, 630, 470));
});
