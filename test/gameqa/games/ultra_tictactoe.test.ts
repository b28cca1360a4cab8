import assert from "node:assert/strict";
import { describe, test } from "node:test";
import uttt from "../../../src/gameqa/games/ultra_tictactoe/index.js";
import {
  deduceNextGrid,
  emptyMarks,
  type Mark,
  pointsAfter,
  pointsIn,
} from "../../../src/gameqa/games/ultra_tictactoe/logic.js";
import {
  generateState,
  marksOf,
  parseState,
  STEP_RANGE,
  type UtttState,
} from "../../../src/gameqa/games/ultra_tictactoe/state.js";
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

const grid = (rows: string): Mark[] =>
  [...rows.replace(/\s/g, "")].map((ch) => (ch === "." ? "" : ch) as Mark);

/* A legal 5-move game: X (2,2,1,1) -> O (1,1,2,2) -> X (2,2,2,2) -> O (2,2,1,3) -> X (1,3,3,3);
   O must now play in Nine-grid (3, 3). */
const GAME: UtttState = {
  rows: 3,
  cols: 3,
  middle_cell_count: 2,
  last_step: [1, 3, 3, 3],
  best_next_step: [3, 3, 1, 1],
  total_steps: 5,
  piece_info: [
    { nine_grid: "(1, 1)", position: "(2, 2)", type: "O" },
    { nine_grid: "(1, 3)", position: "(3, 3)", type: "X" },
    { nine_grid: "(2, 2)", position: "(1, 1)", type: "X" },
    { nine_grid: "(2, 2)", position: "(2, 2)", type: "X" },
    { nine_grid: "(2, 2)", position: "(1, 3)", type: "O" },
  ],
};
const task = (id: number) => uttt.tasks.find((t) => t.id === id) as (typeof uttt.tasks)[number];
const ask = (id: number, question: string, options?: string[]) =>
  task(id).conform?.({
    sample: { question, options, answer: "" } as unknown as GameQASample,
    state: GAME,
  });

describe("ultra_tictactoe rules", () => {
  test("points count rows, columns and both diagonals", () => {
    assert.deepEqual(pointsIn(grid("XXX XXX XXX"), "X"), { total: 8, rows: 3, cols: 3, diags: 2 });
    assert.deepEqual(pointsIn(grid("X.O .XO ..X"), "X"), { total: 1, rows: 0, cols: 0, diags: 1 });
    assert.equal(pointsIn(grid("X.O .XO ..X"), "O").total, 0);
  });
  test("points after each free cell", () => {
    const marks = emptyMarks();
    marks[0] = grid("XX. ... X..");
    const after = pointsAfter(marks, 0, "X");
    assert.equal(after.length, 6);
    assert.deepEqual(
      after.filter((o) => o.points.total > 0).map((o) => [o.cell, o.points.total]),
      [
        [2, 1],
        [3, 1],
      ],
    );
  });
  test("the Nine-grid to play is deduced from piece counts alone", () => {
    const marks = marksOf(GAME);
    assert.equal(deduceNextGrid(marks, "O").grid, 8);
    // X to move after O's (2, 2, 1, 3) at move 4 would go to (1, 3): drop X's last piece.
    const earlier = marksOf({ ...GAME, piece_info: GAME.piece_info.filter((p) => p.nine_grid !== "(1, 3)") });
    assert.equal(deduceNextGrid(earlier, "X").grid, 2);
  });
  test("generated games respect the step limits and stop on a unique scoring reply", () => {
    for (const level of LEVELS) {
      const rng = createRng(7 + LEVELS.indexOf(level));
      for (let k = 0; k < 5; k++) {
        const s = generateState(rng, level);
        const { low, high } = STEP_RANGE[level];
        assert.ok(s.total_steps >= low - 1 && s.total_steps <= high, `${level}: ${s.total_steps} pieces`);
        assert.equal(s.piece_info.length, s.total_steps);
        const marks = marksOf(s);
        const [i, j, r, c] = s.best_next_step;
        assert.deepEqual([i, j], [s.last_step[2], s.last_step[3]]);
        const mover =
          marks[(s.last_step[0] - 1) * 3 + s.last_step[1] - 1]?.[
            (s.last_step[2] - 1) * 3 + s.last_step[3] - 1
          ] === "X"
            ? "O"
            : "X";
        const opts = pointsAfter(marks, (i - 1) * 3 + j - 1, mover);
        const top = Math.max(...opts.map((o) => o.points.total));
        const best = opts.filter((o) => o.points.total === top);
        assert.deepEqual(
          best.map((o) => o.cell),
          [(r - 1) * 3 + c - 1],
        );
        assert.ok(top > pointsIn(marks[(i - 1) * 3 + j - 1] as Mark[], mover).total);
        assert.equal(deduceNextGrid(marks, mover).grid, (i - 1) * 3 + j - 1);
      }
    }
  });
  test("parseState names the field at fault", () => {
    assert.throws(
      () => parseState({ ...GAME, last_step: [1, 2, 3] }, "b.json"),
      (e: Error) => e instanceof UserError && /b\.json.*last_step/.test(e.message),
    );
    const twice = { ...GAME, piece_info: [...GAME.piece_info, GAME.piece_info[0]] };
    assert.throws(() => parseState(twice, "b.json"), /twice/);
  });
});

describe("ultra_tictactoe tasks on a hand-built game", () => {
  test("each task reads its parameters and recomputes the answer", () => {
    const digits = [...Array(10).keys()].map(String);
    assert.deepEqual(
      ask(1, "Which player marked the cell at (2, 2, 1, 3) in the image?", [
        "First Player",
        "Second Player",
        "Not Marked",
      ]),
      { answer: "2" },
    );
    assert.deepEqual(
      ask(1, "Which player marked the cell at (3, 3, 1, 3) in the image?", [
        "First Player",
        "Second Player",
        "Not Marked",
      ]),
      { answer: "3" },
    );
    assert.deepEqual(ask(2, "Now your opponent place a piece at (1, 3, 3, 3). What is the number", digits), {
      answer: "10",
    });
    assert.deepEqual(ask(3, "How many middle cells", digits), { answer: "3" });
    assert.deepEqual(ask(4, "How many pieces", ["3", "5", "9"]), { answer: "2" });
    assert.deepEqual(
      ask(5, "How many points has the First Player got within the Nine-grid (2, 2)?", ["1", "0"]),
      { answer: "2" },
    );
    const grids = [...Array(9).keys()].map((g) => `Nine-grid (${Math.floor(g / 3) + 1}, ${(g % 3) + 1})`);
    assert.deepEqual(ask(6, "If you are Second Player, from the image", grids), { answer: "9" });
    assert.deepEqual(ask(7, "Now your opponent place a piece at (1, 3, 3, 3). At which coordinate"), {
      skip: "several cells tie for the most points",
    });
  });
  test("the best reply completes a line", () => {
    const s: UtttState = {
      ...GAME,
      last_step: [2, 2, 1, 3],
      piece_info: [
        { nine_grid: "(1, 3)", position: "(1, 1)", type: "X" },
        { nine_grid: "(1, 3)", position: "(2, 2)", type: "X" },
        { nine_grid: "(2, 2)", position: "(1, 3)", type: "O" },
      ],
    };
    const q = task(7).generate({ state: s, rng: createRng(1), plotLevel: "Easy" });
    assert.ok(q && "answer" in q);
    assert.equal(q.answer, "(1, 3, 3, 3)");
  });
});

describe("ultra_tictactoe samples", () => {
  test("published examples conform", (t) =>
    expectFullConformance(t, uttt, "ultra_tictactoe_dataset_example", 21));
  test("generated samples recompute to their answers", () => expectRoundTrips(uttt, 3));
  test("deterministic output", () => expectDeterministic(uttt));
  test("PNG at the original 500x500", () => expectPng(uttt, GAME, 500, 500));
});
