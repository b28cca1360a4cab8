import assert from "node:assert/strict";
import { describe, test } from "node:test";
import spider from "../../../src/gameqa/games/spider_solitaire/index.js";
import {
  coverStart,
  dealsLeft,
  legalMoves,
  longestRunMove,
  moveOutcome,
  revealTargets,
} from "../../../src/gameqa/games/spider_solitaire/logic.js";
import { generateState, PILES, type SpiderState } from "../../../src/gameqa/games/spider_solitaire/state.js";
import { faceUpAfterDeals } from "../../../src/gameqa/games/spider_solitaire/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

let code = 0;
const up = (rank: number) => ({ code: code++, rank, suit: "spade", faceUp: true });
const down = (rank: number) => ({ code: code++, rank, suit: "spade", faceUp: false });
// Pile 0: hidden 9 under 7-6 (a run that fits on pile 1's 8); pile 1: hidden 4 under 8;
// pile 2: 5 under 3 (broken run); pile 3: all face up, Q.
const STATE: SpiderState = {
  stock: Array.from({ length: 9 }, () => down(1)),
  waste: [[down(9), up(7), up(6)], [down(4), up(8)], [up(5), up(3)], [up(12)]],
};

describe("spider rules", () => {
  test("moving a card with the cards on it", () => {
    assert.equal(moveOutcome(STATE, 1, 0, 1), "A", "7-6 onto 8");
    assert.equal(moveOutcome(STATE, 0, 0, 1), "B", "face down");
    assert.equal(moveOutcome(STATE, 0, 2, 3), "C", "5 under 3");
    assert.equal(moveOutcome(STATE, 1, 0, 3), "D", "7 onto Q");
    assert.equal(moveOutcome(STATE, 5, 0, 1), "E");
    assert.equal(moveOutcome(STATE, -1, 0, 1), "E");
  });

  test("legal moves take each pile's longest run; revealing needs the whole covering run to move", () => {
    assert.deepEqual(legalMoves(STATE), [{ from: 0, to: 1, index: 1 }]);
    assert.equal(coverStart(STATE.waste[0] ?? []), 1);
    assert.deepEqual(revealTargets(STATE, 0), [1]);
    assert.deepEqual(revealTargets(STATE, 1), []);
    assert.equal(coverStart(STATE.waste[3] ?? []), -1);
  });

  test("the longest run move, and the original's face-blind variant", () => {
    assert.deepEqual(longestRunMove(STATE), { from: 0, to: 1, index: 1, length: 2 });
    // Pile 0's hidden 8 continues 7-6: the original's search would move it too (onto nothing here).
    const blind: SpiderState = { stock: [], waste: [[down(8), up(7), up(6)], [up(9)]] };
    assert.deepEqual(longestRunMove(blind), undefined);
    assert.deepEqual(longestRunMove(blind, false), { from: 0, to: 1, index: 0, length: 3 });
  });

  test("deals and face-up counts", () => {
    assert.equal(dealsLeft(STATE), 2);
    assert.equal(faceUpAfterDeals(STATE, 5, 0).answer, 4);
  });

  test("generator: 104 cards, 8 / 9 / 10 piles", () => {
    for (const level of ["Easy", "Medium", "Hard"] as const) {
      const s = generateState(createRng(3), level);
      assert.equal(s.waste.length, PILES[level]);
      assert.equal(s.stock.length + s.waste.flat().length, 104);
      assert.equal(new Set([...s.stock, ...s.waste.flat()].map((c) => c.code)).size, 104);
    }
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => spider.parseState({ stock: [], waste: [[{ rank: 14, faceUp: true }]] }, "s.json"),
      /s\.json: field "waste\[0\]\[0\]"/,
    );
  });
});

describe("spider engine checks", () => {
  test("conformance with the published examples (30 samples)", (t) => {
    expectFullConformance(t, spider, "spider_solitaire_dataset_example", 30);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(spider, 4));
  test("deterministic output", () => expectDeterministic(spider));
  test("PNG at the original 745x410", () => expectPng(spider, STATE, 745, 410));
});
