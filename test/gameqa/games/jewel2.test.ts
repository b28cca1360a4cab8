import assert from "node:assert/strict";
import { describe, test } from "node:test";
import jewel2 from "../../../src/gameqa/games/jewel2/index.js";
import {
  bestCommand,
  clearAt,
  commandText,
  swapAt,
  UNKNOWN,
} from "../../../src/gameqa/games/jewel2/logic.js";
import type { Jewel2State } from "../../../src/gameqa/games/jewel2/state.js";
import { twoCommands } from "../../../src/gameqa/games/jewel2/tasks.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

// Row 0 holds three B in a row; column 3 three C down; "a" at (3,0) fires every A; "+" at (2,2).
const BOARD = [
  ["B", "B", "B", "C"],
  ["A", "D", "E", "C"],
  ["E", "A", "+", "C"],
  ["a", "D", "A", "E"],
];
const STATE: Jewel2State = { rows: 4, cols: 4, chessboard: BOARD, total_cleared: 10 };

describe("jewel2 rules", () => {
  test("clear: runs of three, special gems, nothing otherwise", () => {
    assert.equal(clearAt(BOARD, 0, 1).cleared, 3, "row run of B");
    assert.equal(clearAt(BOARD, 0, 3).cleared, 3, "column run of C");
    assert.equal(clearAt(BOARD, 3, 0).cleared, 4, "three A and the a itself");
    assert.equal(clearAt(BOARD, 2, 2).cleared, 9, "+ clears its 3x3");
    assert.equal(clearAt(BOARD, 1, 1).cleared, 0);
  });

  test("clearing lets gems fall and leaves unknown gems on top", () => {
    const after = clearAt(BOARD, 0, 3).board;
    assert.deepEqual(
      after.map((r) => r[3]),
      [UNKNOWN, UNKNOWN, UNKNOWN, "E"],
    );
    assert.equal(clearAt(after, 0, 3).cleared, 0, "an unknown gem is never certain to clear");
  });

  test("swap: refused with special gems or off the board, undone without a run", () => {
    assert.equal(swapAt(BOARD, 1, 1, "up").cleared, 0);
    assert.equal(swapAt(BOARD, 2, 1, "right").reason, "special");
    assert.equal(swapAt(BOARD, 0, 0, "up").reason, "out of board");
    // D (3,1) up swaps with A (2,1): neither makes a run of three.
    assert.equal(swapAt(BOARD, 3, 1, "up").reason, "no line");
    const board = [
      ["A", "B", "A", "A"],
      ["C", "A", "D", "E"],
      ["D", "E", "C", "B"],
      ["E", "D", "B", "C"],
    ];
    assert.equal(swapAt(board, 1, 1, "up").cleared, 4, "A moves up into a row of four");
  });

  test("best command: most cleared, first in the original's order", () => {
    const best = bestCommand(BOARD);
    assert.equal(best?.cleared, 9);
    assert.equal(best && commandText(best.command), "clear 2 2");
  });

  test("two commands: at least, and the original's double count after a clearing first command", () => {
    const board = [
      ["A", "B", "A", "A"],
      ["C", "A", "D", "E"],
      ["D", "E", "C", "B"],
      ["E", "D", "E", "E"],
    ];
    const c1 = { kind: "swap" as const, x: 1, y: 1, d: "up" as const };
    const c2 = { kind: "swap" as const, x: 3, y: 0, d: "right" as const };
    const r = twoCommands(board, c1, c2);
    assert.deepEqual(r, { total: 7, first: 4, second: 3 });
    assert.equal(twoCommands(board, c1, c2, true).total, 11);
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => jewel2.parseState({ ...STATE, chessboard: [["X"]] }, "j.json"),
      /j\.json: field "chessboard"\[0\]\[0\]/,
    );
  });
});

describe("jewel2 engine checks", () => {
  test("conformance with the published examples (60 samples)", (t) => {
    expectFullConformance(t, jewel2, "jewel2_dataset_example", 60);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(jewel2, 3));
  test("deterministic output", () => expectDeterministic(jewel2));
  test("PNG at the original 480x640", () => expectPng(jewel2, STATE, 480, 640));
});
