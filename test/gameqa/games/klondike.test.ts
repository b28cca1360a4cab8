import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { conformGame } from "../../../src/gameqa/conform.js";
import klondike from "../../../src/gameqa/games/klondike/index.js";
import {
  boardOf,
  deadlockFacts,
  isEffective,
  isValid,
  type Move,
  parseMove,
} from "../../../src/gameqa/games/klondike/logic.js";
import {
  FACE_DOWN,
  generateState,
  type KlondikeState,
  levelOf,
} from "../../../src/gameqa/games/klondike/state.js";
import { factsText, parseFacts } from "../../../src/gameqa/games/klondike/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { AnyGame } from "../../../src/gameqa/types.js";
import { SHARED_MISSING, sharedPath } from "../../helpers/shared.js";
import { expectDeterministic, expectPng, expectRoundTrips } from "./game-checks.js";

const D = FACE_DOWN;
// Tab1 ends in the red 6 over a hidden card, Tab2 in the black 7 over a face-up card, Tab3 is a lone
// club Ace, Tab4 empty, Tab5 a King over a hidden card; foundation 1 holds heart A-2; the waste shows heart 3.
const STATE: KlondikeState = {
  draw: [D, D],
  dump: ["spade 9", "heart 3"],
  piles: [["heart 1", "heart 2"], [], [], []],
  tableau: [
    [D, "diamond 6"],
    [D, "heart 8", "club 7"],
    ["club 1"],
    [],
    [D, "spade 13"],
    ["diamond 12"],
    [D, D, "club 9"],
  ],
};
const b = boardOf(STATE);
const mv = (t: string): Move => parseMove(t) as Move;

describe("klondike rules", () => {
  test("validity: alternate colours one rank down, Kings to empty piles, foundations from Ace", () => {
    assert.equal(isValid(b, mv("Move from Tab1 to Tab2")), true);
    assert.equal(isValid(b, mv("Move from Tab2 to Tab1")), false);
    assert.equal(isValid(b, mv("Move from Tab5 to Tab4")), true);
    assert.equal(isValid(b, mv("Move from Tab1 to Tab4")), false);
    assert.equal(isValid(b, mv("Move from Waste Pile to Foundation 1")), true);
    assert.equal(isValid(b, mv("Move from Tab3 to Foundation 3")), true);
    assert.equal(isValid(b, mv("Move from Tab3 to Foundation 1")), false);
    assert.equal(isValid(b, mv("Move from Tab4 to Tab6")), false, "empty source");
    assert.equal(isValid(b, mv("Move from Tab6 to Tab6")), false);
  });

  test("effectiveness: reveals a hidden card, empties a pile, or goes to a foundation", () => {
    assert.equal(isEffective(b, mv("Move from Tab1 to Tab2")), true, "reveals");
    assert.equal(isEffective(b, mv("Move from Tab5 to Tab4")), true, "reveals under the King");
    assert.equal(isEffective(b, mv("Move from Tab3 to Foundation 2")), true);
    const open: KlondikeState = { ...STATE, tableau: [["club 8", "diamond 6"], ...STATE.tableau.slice(1)] };
    assert.equal(
      isEffective(boardOf(open), mv("Move from Tab1 to Tab2")),
      false,
      "a face-up card lies under it",
    );
  });

  test("deadlock facts and their option texts", () => {
    const f = deadlockFacts(b);
    assert.deepEqual(f, { stockAndWasteEmpty: false, foundationMove: true, tableauMove: true });
    assert.deepEqual(parseFacts(factsText(f)), f);
    const original =
      "Draw pile and waste pile are both empty AND No cards can be moved to foundation piles AND No tableau pile move can reveal a hidden card or empty a tableau pile, so the game is in a deadlock.";
    assert.deepEqual(parseFacts(original), {
      stockAndWasteEmpty: true,
      foundationMove: false,
      tableauMove: false,
    });
    const stuck: KlondikeState = {
      draw: [],
      dump: [],
      piles: [[], [], [], []],
      tableau: [["club 8", "diamond 6"], [], [], [], [], [], []],
    };
    assert.match(factsText(deadlockFacts(boardOf(stuck))), /in a deadlock\.$/);
  });

  test("plot levels follow the visible-card count", () => {
    for (const level of ["Easy", "Medium", "Hard"] as const) {
      for (let i = 0; i < 5; i++) assert.equal(levelOf(generateState(createRng(i), level)), level);
    }
    assert.equal(levelOf(STATE), "Easy");
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => klondike.parseState({ ...STATE, dump: ["heart 14"] }, "k.json"),
      /k\.json: field "dump\[0\]"/,
    );
    assert.throws(() => klondike.parseState({ ...STATE, tableau: [] }, "k.json"), /k\.json: field "tableau"/);
  });
});

describe("klondike engine checks", () => {
  test("conformance with the published examples: 56 of 60, the rest the original's two-right-options bug", (t) => {
    const path = sharedPath("data", "code2logic", "klondike", "klondike_dataset_example");
    if (!path) return t.skip(SHARED_MISSING);
    const report = conformGame(klondike as unknown as AnyGame, path);
    assert.equal(report.total, 60);
    assert.equal(report.matched, 56);
    assert.deepEqual(
      report.mismatches.map((m) => `${m.data_id} ${m.reason}`),
      [
        "klondike-mcq-004-003 options 2, 4 all qualify",
        "klondike-mcq-013-003 options 2, 6 all qualify",
        "klondike-mcq-014-003 options 4, 7 all qualify",
        "klondike-mcq-016-003 options 5, 6 all qualify",
      ],
    );
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(klondike, 4));
  test("deterministic output", () => expectDeterministic(klondike));
  test("PNG at the original 640x480", () => expectPng(klondike, STATE, 640, 480));
});
