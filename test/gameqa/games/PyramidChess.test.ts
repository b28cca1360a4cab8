import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pyramid from "../../../src/gameqa/games/PyramidChess/index.js";
import {
  blocksCompleted,
  canPlace,
  canTake,
  completingMoves,
  emptyBoard,
  place,
  turnsToPlace,
} from "../../../src/gameqa/games/PyramidChess/logic.js";
import {
  parseState,
  randomPlay,
  SETUP,
  toBoard,
  toState,
} from "../../../src/gameqa/games/PyramidChess/state.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import { UserError } from "../../../src/util/errors.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

/* 3x3 board, level 0 rows [x][y]:
     x=0: P0 P0 P1
     x=1: P0 -- P1
     x=2: P1 P1 P0
   level 1 empty. */
const STATE = {
  "0": [
    ["P0", "P0", "P1"],
    ["P0", "--", "P1"],
    ["P1", "P1", "P0"],
  ],
  "1": [
    ["--", "--"],
    ["--", "--"],
  ],
  "2": [["--"]],
};
const B = toBoard(parseState(STATE, "s.json"));
const task = (id: number) => pyramid.tasks.find((t) => t.id === id) as (typeof pyramid.tasks)[number];
const ask = (id: number, question: string, options?: string[], answer: unknown = "") =>
  task(id).conform?.({
    sample: { question, options, answer } as unknown as GameQASample,
    state: parseState(STATE, "s.json"),
  });

describe("PyramidChess rules", () => {
  test("upper slots need four full bases, and not one colour", () => {
    assert.equal(canPlace(B, [0, 1, 1]), true);
    assert.equal(canPlace(B, [1, 0, 0]), false); // [1, 1] of level 0 is free
    const full = place(B, [0, 1, 1], "P1");
    assert.equal(canPlace(full, [1, 0, 0]), true);
    const mono = place(B, [0, 1, 1], "P0"); // [0,0],[1,0],[0,1],[1,1] all P0
    assert.equal(canPlace(mono, [1, 0, 0]), false);
  });
  test("a ball completing an own-colour block", () => {
    assert.deepEqual(blocksCompleted(B, [0, 1, 1], "P0"), [[1, 0, 0]]);
    assert.deepEqual(
      blocksCompleted(B, [0, 1, 1], "P1"),
      [[1, 1, 1]].filter(() => false),
    );
    assert.deepEqual(completingMoves(B, "P0"), [[0, 1, 1]]);
    assert.deepEqual(completingMoves(B, "P1"), []);
  });
  test("balls with a ball on top cannot be taken", () => {
    const b = place(place(B, [0, 1, 1], "P1"), [1, 0, 0], "P0");
    assert.equal(canTake(b, [0, 0, 0]), false);
    assert.equal(canTake(b, [0, 2, 2]), true);
    assert.equal(canTake(b, [1, 0, 0]), true);
  });
  test("turns to place count every free slot under a slot once", () => {
    const empty = emptyBoard(3);
    assert.equal(turnsToPlace(empty, [2, 0, 0]).turns, 9 + 4 + 1);
    assert.equal(turnsToPlace(empty, [1, 1, 0]).turns, 4 + 1);
    assert.equal(turnsToPlace(B, [2, 0, 0]).turns, 1 + 4 + 1);
  });
  test("random play keeps the pyramid legal", () => {
    for (const level of LEVELS) {
      for (let i = 0; i < 10; i++) {
        const { board } = randomPlay(createRng(i), level, SETUP[level].maxTurns);
        assert.equal(board.length, SETUP[level].size);
        for (const [k, lv] of board.entries())
          for (const [x, row] of lv.entries())
            for (const [y, c] of row.entries()) {
              if (c === "--" || k === 0) continue;
              for (const [dx, dy] of [
                [0, 0],
                [1, 0],
                [0, 1],
                [1, 1],
              ] as const)
                assert.notEqual(
                  board[k - 1]?.[x + dx]?.[y + dy],
                  "--",
                  `${level}: ball on ${k},${x},${y} floats`,
                );
            }
        assert.deepEqual(toBoard(toState(board)), board);
      }
    }
  });
  test("parseState names the level at fault", () => {
    assert.throws(
      () => parseState({ ...STATE, "1": [["--"]] }, "s.json"),
      (e: Error) => e instanceof UserError && /s\.json.*"1"/.test(e.message),
    );
  });
});

describe("PyramidChess tasks on a hand-built board", () => {
  test("each task recomputes its answer", () => {
    assert.deepEqual(ask(0, "What is the status of the ball on Level 0, which has coordinate ([2, 0])?"), {
      answer: 2,
    });
    assert.deepEqual(ask(0, "What is the status of the ball on Level 7, which has coordinate ([0, 0])?"), {
      answer: 4,
    });
    assert.deepEqual(
      ask(1, "Can a ball be placed at coordinate [1, 1] on Level 0? If a blue ball is placed there"),
      { answer: 2 },
    );
    assert.deepEqual(
      ask(1, "Can a ball be placed at coordinate [1, 1] on Level 0? If a red ball is placed there"),
      { answer: 1 },
    );
    assert.deepEqual(
      ask(1, "Can a ball be placed at coordinate [0, 0] on Level 1? If a red ball is placed there"),
      { answer: 4 },
    );
    assert.deepEqual(ask(2, "placed at coordinate [0, 0] on Level 2? (including"), { answer: "6" });
    assert.deepEqual(ask(3, "It is PLAYER_0's turn.(which uses the blue ball)"), {
      answer: "[1, 1] at level 0",
    });
    assert.deepEqual(ask(3, "It is PLAYER_1's turn.(which uses the red ball)"), {
      answer: "[1, 1] at level 0",
    });
    assert.deepEqual(ask(4, "How many balls"), { answer: "8" });
    assert.deepEqual(ask(5, "the ball on Level 0, which has coordinate ([1, 1])?"), { answer: 4 });
    assert.deepEqual(ask(5, "the ball on Level 1, which has coordinate ([0, 0])?"), { answer: 5 });
    assert.deepEqual(ask(5, "the ball on Level 0, which has coordinate ([0, 0])?"), { answer: 3 });
  });
  test("the best slot of task 3 on our own boards is unique", () => {
    const q = task(3).generate({ state: parseState(STATE, "s.json"), rng: createRng(4), plotLevel: "Easy" });
    assert.ok(q && "answer" in q);
    assert.equal(q.answer, "[1, 1] at level 0");
  });
});

test("the documented task-3 case: own block before blocking the opponent", () => {
  const row = (s: string) => s.split(" ") as Array<"P0" | "P1" | "--">;
  const state = parseState(
    {
      "0": [row("P0 P0 -- --"), row("P0 -- -- --"), row("-- -- P1 P1"), row("-- -- P1 --")],
      "1": [row("-- -- --"), row("-- -- --"), row("-- -- --")],
      "2": [row("-- --"), row("-- --")],
      "3": [row("--")],
    },
    "s.json",
  );
  const b = toBoard(state);
  assert.deepEqual(completingMoves(b, "P0"), [[0, 1, 1]]);
  assert.deepEqual(completingMoves(b, "P1"), [[0, 3, 3]]);
  const r = task(3).conform?.({
    sample: { question: "It is PLAYER_0's turn.", answer: "[3, 3] at level 0" } as unknown as GameQASample,
    state,
  });
  assert.deepEqual(r, { answer: "[1, 1] at level 0" });
});

describe("PyramidChess samples", () => {
  test("published examples conform", (t) =>
    expectFullConformance(t, pyramid, "pyramidchess_dataset_example", 18));
  test("generated samples recompute to their answers", () => expectRoundTrips(pyramid, 3));
  test("deterministic output", () => expectDeterministic(pyramid));
  test("PNG at the original 550x550", () => expectPng(pyramid, parseState(STATE, "s.json"), 550, 550));
});
