import assert from "node:assert/strict";
import { describe, test } from "node:test";
import rhythm from "../../../src/gameqa/games/rhythm_game/index.js";
import {
  type Block,
  cellMap,
  play,
  snakePoints,
  snakeSpan,
} from "../../../src/gameqa/games/rhythm_game/logic.js";
import {
  GRID,
  generateState,
  parseState,
  type RhythmState,
} from "../../../src/gameqa/games/rhythm_game/state.js";
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

/* 8 rows x 3 columns, row 1 at the bottom:
   col 1: Click r1, Reverse r2, snake head r5 body r6 tail r7
   col 3: Click r3, Reverse r4, Click r6, Click r8; col 2 empty. */
const B = (row: number, col: number, color: Block["color"]): Block => ({ row, col, color });
const STATE: RhythmState = {
  rows: 8,
  cols: 3,
  blocked_cell_num: 9,
  block_info: [
    B(5, 1, "pink"),
    B(6, 1, "blue"),
    B(7, 1, "grey"),
    B(1, 1, "yellow"),
    B(3, 3, "yellow"),
    B(6, 3, "yellow"),
    B(8, 3, "yellow"),
    B(2, 1, "green"),
    B(4, 3, "green"),
  ],
};
const M = cellMap(STATE);
const task = (id: number) => rhythm.tasks.find((t) => t.id === id) as (typeof rhythm.tasks)[number];
const ask = (id: number, question: string, options?: string[]) =>
  task(id).conform?.({ sample: { question, options, answer: "" } as unknown as GameQASample, state: STATE });

describe("rhythm_game rules", () => {
  test("snake span from the head is the length; from a body cell, the rows left", () => {
    assert.equal(snakeSpan(M, 8, 5, 1), 3);
    assert.equal(snakeSpan(M, 8, 6, 1), 2);
    assert.equal(snakePoints(3), 39);
  });
  test("a finger follows reversals", () => {
    // col 1: Click r1 (10), Reverse r2 (15) -> col 3: Click r3 (10), Reverse r4 (15) -> col 1: snake at r5 (39), then r8 empty.
    const r = play(STATE, M, 1);
    assert.deepEqual(
      r.hits.map((h) => [h.row, h.col, h.type, h.points]),
      [
        [1, 1, "Click", 10],
        [2, 1, "Reverse", 15],
        [3, 3, "Click", 10],
        [4, 3, "Reverse", 15],
        [5, 1, "Snake Head", 39],
      ],
    );
    assert.equal(r.total, 89);
  });
  test("a 1-second reversal skips the next row", () => {
    // col 1: Click r1, Reverse r2 -> skip r3 -> col 3: Reverse r4 -> skip r5 -> col 1: body r6 (0, skip to r8) -> r8 col 1 empty.
    const r = play(STATE, M, 1, 1);
    assert.deepEqual(
      r.hits.map((h) => [h.row, h.col, h.type]),
      [
        [1, 1, "Click"],
        [2, 1, "Reverse"],
        [4, 3, "Reverse"],
        [6, 1, "Snake Body"],
      ],
    );
    assert.equal(r.total, 40);
  });
  test("boards hold rows*cols/2 blocks split 7:4:3, snakes of 2-5 cells", () => {
    for (const level of LEVELS) {
      const s = generateState(createRng(3), level);
      const { rows, cols } = GRID[level];
      const total = Math.floor((rows * cols) / 2);
      const count = (c: string) => s.block_info.filter((b) => b.color === c).length;
      assert.equal(count("yellow"), Math.floor((total * 7) / 14));
      assert.equal(count("green"), Math.floor((total * 4) / 14));
      assert.equal(count("pink"), total - count("yellow") - count("green"));
      assert.equal(count("pink"), count("grey"));
      assert.equal(s.blocked_cell_num, s.block_info.length);
      const m = cellMap(s);
      for (const h of s.block_info.filter((b) => b.color === "pink")) {
        const len = snakeSpan(m, rows, h.row, h.col);
        assert.ok(len >= 2 && len <= 5 && h.row <= rows - 4);
        assert.equal(m.get((h.row + len - 1) * 100 + h.col), "grey");
      }
    }
  });
  test("parseState names the field at fault", () => {
    assert.throws(
      () => parseState({ ...STATE, block_info: [{ row: 1, col: 9, color: "pink" }] }, "s.json"),
      (e: Error) => e instanceof UserError && /s\.json.*col/.test(e.message),
    );
    assert.throws(() => parseState({ ...STATE, block_info: [B(1, 1, "red" as never)] }, "s.json"), /color/);
  });
});

describe("rhythm_game tasks on a hand-built board", () => {
  test("each task recomputes its answer", () => {
    const types = ["Non-type", "Click", "Reverse", "Snake Head", "Snake Body", "Snake Tail"];
    assert.deepEqual(ask(1, "Which type of block does row 7 and column 1 in the image belong to?", types), {
      answer: "6",
    });
    assert.deepEqual(ask(2, "What percentage"), { answer: "0.375" });
    assert.deepEqual(
      ask(3, "headed (which means being the lower end) by (2, 1) after 3 second(s)?", ["2", "3", "4", "5"]),
      {
        answer: "2",
      },
    );
    assert.deepEqual(ask(4, "While selecting column 1 to click, how many points", ["40", "89"]), {
      answer: "2",
    });
    assert.deepEqual(ask(5, "While selecting column 1 to click, how many points", ["40", "89"]), {
      answer: "1",
    });
    // col 2: nothing (0); col 3: Click r3, Reverse r4 -> col 1: snake r5 -> Click r8? col 1 r8 empty: 10+15+39 = 64.
    assert.deepEqual(ask(6, "Which column(s)", ["1", "2", "3"]), { answer: "1" });
  });
});

describe("rhythm_game samples", () => {
  test("published examples conform", (t) =>
    expectFullConformance(t, rhythm, "rhythm_game_dataset_example", 21));
  test("generated samples recompute to their answers", () => expectRoundTrips(rhythm, 3));
  test("deterministic output", () => expectDeterministic(rhythm));
  test("PNG at the original 430x530", () => expectPng(rhythm, STATE, 430, 530));
});
