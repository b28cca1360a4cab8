import assert from "node:assert/strict";
import { describe, test } from "node:test";
import minesweeper from "../../../src/gameqa/games/minesweeper/index.js";
import { deduce, floodReveal, isBoundary } from "../../../src/gameqa/games/minesweeper/logic.js";
import type { MinesweeperState } from "../../../src/gameqa/games/minesweeper/state.js";
import {
  bestMove,
  cellState,
  flaggedCount,
  minesLeft,
  revealedCount,
  revealOutcome,
} from "../../../src/gameqa/games/minesweeper/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

// Mines at (0,0) and (3,1); numbers counted by hand.
const BOARD: MinesweeperState["mine_board"] = [
  ["M", 1, 0, 0],
  [1, 1, 0, 0],
  [1, 1, 1, 0],
  [1, "M", 1, 0],
];
const blank = (v: boolean): boolean[][] => Array.from({ length: 4 }, () => new Array<boolean>(4).fill(v));

function handState(): MinesweeperState {
  const s: MinesweeperState = {
    rows: 4,
    cols: 4,
    mines: 2,
    mine_board: BOARD,
    revealed: blank(false),
    flagged: blank(false),
    first_click: false,
  };
  floodReveal(s, 0, 3);
  (s.flagged[3] as boolean[])[1] = true;
  return s;
}
const task = (id: number) => minesweeper.tasks.find((t) => t.id === id) as (typeof minesweeper.tasks)[number];

describe("minesweeper rules", () => {
  test("flood reveal opens the zero region and its border", () => {
    const s = handState();
    const open = s.revealed.map((row) => row.map((v) => (v ? "o" : "#")).join(""));
    assert.deepEqual(open, ["#ooo", "#ooo", "#ooo", "##oo"]);
    assert.equal(isBoundary(s, [1, 0]), true);
    assert.equal(isBoundary(s, [0, 2]), false);
  });

  test("deduction: (2,1) clears the left column, then (1,1) proves the corner mine", () => {
    const d = deduce(handState());
    assert.deepEqual([...d.mines.keys()], ["0,0"]);
    assert.deepEqual([...d.safe.keys()].sort(), ["1,0", "2,0", "3,0"]);
  });
});

describe("minesweeper tasks", () => {
  const s = handState();
  test("counts", () => {
    assert.equal(flaggedCount(s).answer, 1);
    assert.equal(minesLeft(s).answer, 1);
    assert.equal(revealedCount(s).answer, 11);
  });

  test("cell state, reveal outcome and best move follow the rules", () => {
    assert.deepEqual(
      [
        [0, 1],
        [3, 1],
        [0, 0],
        [0, 2],
      ].map(([r, c]) => cellState(s, [r as number, c as number]).answer),
      ["A", "B", "C", "D"],
    );
    assert.equal(revealOutcome(s, [0, 0], 3, 4), "A");
    assert.equal(revealOutcome(s, [1, 0], 1, 4), "C");
    assert.equal(revealOutcome(s, [1, 0], 4, 1), "D");
    assert.equal(revealOutcome(s, [0, 2], 4, 1), "B");
    assert.deepEqual(
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 2],
        [3, 1],
      ].map(([r, c]) => bestMove(s, [r as number, c as number])),
      ["A", "B", "C", "E", "F"],
    );
    const dark: MinesweeperState = { ...s, revealed: blank(false), flagged: blank(false) };
    (dark.revealed[0] as boolean[])[2] = true;
    assert.equal(bestMove(dark, [3, 3]), "D");
  });

  test("reveal questions ask only about cells the board decides", () => {
    const rng = createRng(4);
    for (let i = 0; i < 20; i++) {
      const q = task(4).generate({ state: s, rng, plotLevel: "Easy" });
      if (!q) throw new Error("no question");
      const [, r, c] = /at \((\d),(\d)\)\?/.exec(q.question) ?? [];
      if (r === "0" && c === "0") assert.equal(q.answer, "A");
      else {
        // Every other candidate is a proved-safe cell showing 1.
        assert.ok(["1,0", "2,0", "3,0"].includes(`${r},${c}`));
        assert.match(String(q.options?.["CD".indexOf(String(q.answer)) + 2]), /number 1\.$/);
      }
      const numbers = q.options?.slice(2).map((o) => /number (\d)/.exec(String(o))?.[1]);
      assert.notEqual(numbers?.[0], numbers?.[1]);
      assert.ok(!numbers?.includes("0"));
    }
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => minesweeper.parseState({ ...s, mine_board: [["X"]] }, "b.json"),
      /b\.json: field "mine_board"\[0\]\[0\]/,
    );
    assert.throws(
      () => minesweeper.parseState({ ...s, rows: 5 }, "b.json"),
      /b\.json: field "mine_board" is not 5x4/,
    );
  });
});

describe("minesweeper engine checks", () => {
  test("conformance with the published examples (300 samples)", (t) => {
    expectFullConformance(t, minesweeper, "minesweeper_dataset_example", 300);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(minesweeper, 4));
  test("deterministic output", () => expectDeterministic(minesweeper));
  test("PNG at the original 480x640", () => expectPng(minesweeper, handState(), 480, 640));
});
