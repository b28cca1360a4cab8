import assert from "node:assert/strict";
import { describe, test } from "node:test";
import tetris from "../../../src/gameqa/games/tetris/index.js";
import {
  activeCells,
  bestClear,
  distinctOrientations,
  emptyCellsInRow,
  identifyShape,
  orientation,
  SHAPE_LETTERS,
  simulateBoard,
  stepsUntilCollision,
} from "../../../src/gameqa/games/tetris/logic.js";
import type { TetrisState } from "../../../src/gameqa/games/tetris/state.js";
import { tetrisPlotLevel } from "../../../src/gameqa/games/tetris/state.js";
import { maxClearAnswer } from "../../../src/gameqa/games/tetris/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

const G = (rows: string[]): number[][] => rows.map((r) => [...r].map((ch) => (ch === "." ? 0 : Number(ch))));
// A T pointing down at the top; stack below with a hole at (4,2) and one at (5,3).
const BOARD = G([".222..", "..2...", "....1.", "1.....", "11.111", "111.11"]);
const STATE: TetrisState = { grid: BOARD, rows: 6, cols: 6 };
const task = (id: number) => tetris.tasks.find((t) => t.id === id) as (typeof tetris.tasks)[number];

describe("tetris rules", () => {
  test("shapes: orientations and identification", () => {
    assert.equal(distinctOrientations(orientation("O", 0)).length, 1);
    assert.equal(distinctOrientations(orientation("I", 0)).length, 2);
    assert.equal(distinctOrientations(orientation("S", 0)).length, 2);
    assert.equal(distinctOrientations(orientation("T", 0)).length, 4);
    assert.deepEqual(identifyShape(activeCells(BOARD)), { letter: "T", degrees: 0 });
    // J (foot bottom-left) turned 90° clockwise: foot top-left over a bar of three.
    assert.deepEqual(
      identifyShape([
        [0, 0],
        [1, 0],
        [1, 1],
        [1, 2],
      ]),
      { letter: "J", degrees: 90 },
    );
    assert.deepEqual(
      identifyShape([
        [5, 5],
        [6, 5],
        [6, 6],
        [7, 6],
      ]),
      { letter: "S", degrees: 90 },
    );
    assert.deepEqual(
      identifyShape([
        [0, 0],
        [0, 1],
        [0, 2],
        [0, 3],
      ]),
      { letter: "I", degrees: 90 },
    );
    assert.equal(
      identifyShape([
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 3],
      ]),
      null,
    );
  });

  test("empty cells ignore the red piece", () => {
    assert.equal(emptyCellsInRow(BOARD, 0).length, 3);
    assert.deepEqual(emptyCellsInRow(BOARD, 4), [[4, 2]]);
  });

  test("fall after a sideways move (hand count)", () => {
    const cells = activeCells(BOARD);
    // Left: the stem lands on (3,1) above the block at (4,1) after 2 falls.
    assert.equal(stepsUntilCollision(BOARD, cells, "left").steps, 2);
    // Right: the arm moves to column 4, where the block at (2,4) stops it after 1 fall.
    assert.equal(stepsUntilCollision(BOARD, cells, "right").steps, 1);
    const edge = G(["2...", "2...", "2...", "2..."]);
    assert.deepEqual(stepsUntilCollision(edge, activeCells(edge), "left"), { moved: null, steps: 0 });
    assert.equal(stepsUntilCollision(edge, activeCells(edge), "right").steps, 0);
  });

  test("best clear fills row 4 only", () => {
    const best = bestClear(BOARD, activeCells(BOARD));
    assert.deepEqual(best?.cleared, [4]);
    // An I dropped into a one-wide well clears all four rows it fills.
    const well = G(["2222", "....", "...."].concat(["111.", "111.", "111.", "111."]));
    assert.deepEqual(bestClear(well, activeCells(well))?.cleared, [3, 4, 5, 6]);
  });

  test("the bit-mask placer settles the same blocks as a plain grid-based greedy placer", () => {
    // The rule written out on arrays: each move, every orientation at every column is dropped and
    // scored 100 × lines − 50 × new holes − 30 × height growth; the first best wins; full rows clear.
    const holes = (g: number[][]): number => {
      let n = 0;
      for (let c = 0; c < (g[0]?.length ?? 0); c++) {
        let covered = false;
        for (const row of g) {
          if (row[c] === 1) covered = true;
          else if (covered) n++;
        }
      }
      return n;
    };
    const height = (g: number[][]): number => {
      const top = g.findIndex((row) => row.includes(1));
      return top < 0 ? 0 : g.length - top;
    };
    const fitsAt = (g: number[][], cells: ReadonlyArray<readonly [number, number]>, dr: number, dc: number) =>
      cells.every(([r, c]) => g[r + dr]?.[c + dc] === 0);
    const settle = (seed: number, size: number, moves: number): { grid: number[][]; over: boolean } => {
      const rng = createRng(seed);
      let g = Array.from({ length: size }, () => new Array<number>(size).fill(0));
      for (let m = 0; m < moves; m++) {
        const letter = rng.pick(SHAPE_LETTERS);
        let best: { g: number[][]; score: number } | undefined;
        for (const shape of distinctOrientations(orientation(letter, 0))) {
          for (let dc = 0; dc < size; dc++) {
            if (!fitsAt(g, shape, 0, dc)) continue;
            let dr = 0;
            while (fitsAt(g, shape, dr + 1, dc)) dr++;
            const t = g.map((row) => row.slice());
            for (const [r, c] of shape) (t[r + dr] as number[])[c + dc] = 1;
            const lines = t.filter((row) => row.every((v) => v === 1)).length;
            const score = 100 * lines - 50 * (holes(t) - holes(g)) - 30 * Math.max(0, height(t) - height(g));
            if (!best || score > best.score) best = { g: t, score };
          }
        }
        if (!best) return { grid: g, over: true };
        const kept = best.g.filter((row) => !row.every((v) => v === 1));
        g = [...Array.from({ length: size - kept.length }, () => new Array<number>(size).fill(0)), ...kept];
      }
      return { grid: g, over: false };
    };
    let compared = 0;
    for (const size of [8, 12, 16]) {
      for (let seed = 1; seed <= 25; seed++) {
        const moves = 10 + size + (seed % 7) * 3;
        const ours = simulateBoard(createRng(seed), size, size, moves);
        const plain = settle(seed, size, moves);
        const settled = ours.grid.map((row) => row.map((v) => (v === 1 ? 1 : 0)));
        assert.deepEqual(settled, plain.grid, `size ${size}, seed ${seed}`);
        if (plain.over) assert.ok(ours.gameOver, `size ${size}, seed ${seed}: game over on both`);
        compared++;
      }
    }
    assert.equal(compared, 75);
  });

  test("simulated boards: one tetromino floating above a stack, no full rows", () => {
    for (let seed = 1; seed <= 30; seed++) {
      const { grid, gameOver } = simulateBoard(createRng(seed), 8, 8, 15);
      assert.ok(grid.every((row) => !row.every((v) => v === 1)));
      if (gameOver) continue;
      const act = activeCells(grid);
      assert.ok(identifyShape(act), `seed ${seed}`);
      const lowest = Math.max(...act.map((c) => c[0]));
      const top = grid.findIndex((row) => row.includes(1));
      assert.ok(top < 0 || lowest < top - 1, `seed ${seed}: no empty row under the piece`);
    }
  });
});

describe("tetris tasks", () => {
  const rng = createRng(5);
  test("empty cells per asked row", () => {
    const expected = [3, 5, 5, 5, 1, 1];
    for (let i = 0; i < 15; i++) {
      const q = task(0).generate({ state: STATE, rng, plotLevel: "Easy" });
      const row = Number(/row (\d+)\?/.exec(q?.question ?? "")?.[1]);
      assert.equal(q?.answer, expected[row]);
    }
  });

  test("shape, fall time and best clear", () => {
    const shape = task(1).generate({ state: STATE, rng, plotLevel: "Easy" });
    assert.equal(shape?.answer, 3);
    assert.equal(shape?.options?.[2], "T");
    for (let i = 0; i < 10; i++) {
      const q = task(2).generate({ state: STATE, rng, plotLevel: "Easy" });
      assert.equal(q?.answer, /to the left/.test(q?.question ?? "") ? 2 : 1);
    }
    const best = task(3).generate({ state: STATE, rng: createRng(1), plotLevel: "Easy" });
    assert.equal(best?.answer, 1);
    assert.match(best?.analysis ?? "", /row 4\b/);
  });

  test("no active piece: option 8, -1 and 0", () => {
    const over: TetrisState = { grid: G(["....", "1...", "11.1"]), rows: 3, cols: 4 };
    assert.equal(task(1).generate({ state: over, rng, plotLevel: "Easy" })?.answer, 8);
    assert.equal(task(2).generate({ state: over, rng, plotLevel: "Easy" })?.answer, -1);
    assert.equal(maxClearAnswer(over).answer, 0);
  });

  test("plot level and state parsing", () => {
    assert.deepEqual([8, 12, 16].map(tetrisPlotLevel), ["Easy", "Medium", "Hard"]);
    assert.throws(() => tetris.parseState({ grid: [[0, 3]], rows: 1, cols: 2 }, "s.json"), /s\.json.*grid/);
    assert.throws(() => tetris.parseState({ grid: [[0, 1]], rows: 2, cols: 2 }, "s.json"), /rows/);
    assert.deepEqual(tetris.parseState({ grid: [[0.0, 2.0]], rows: 1, cols: 2 }, "s.json").grid, [[0, 2]]);
  });
});

describe("tetris engine checks", () => {
  test("conformance with the published examples (32 samples)", (t) => {
    expectFullConformance(t, tetris, "tetris_dataset_example", 32);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(tetris, 3));
  test("deterministic output", () => expectDeterministic(tetris));
  test("PNG at the original size (30 px cells + 35 px margins)", () => {
    expectPng(tetris, STATE, 6 * 30 + 70, 6 * 30 + 70);
    expectPng(tetris, tetris.generateState(createRng(3), "Hard"), 16 * 30 + 70, 16 * 30 + 70);
  });
});
