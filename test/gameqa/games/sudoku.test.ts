import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  candidates,
  countSolutions,
  makePuzzle,
  randomSolution,
} from "../../../src/gameqa/games/sudoku/logic.js";
import {
  colorAt,
  countColor,
  crowdedLines,
  deduce,
  possibleColors,
} from "../../../src/gameqa/games/sudoku/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";

const COLORS = ["#FF0000", "#00FF00", "#0000FF", "#FF00FF"];
const puzzle = (): number[][] => [
  [0, 2, 3, 4],
  [3, 4, 0, 2],
  [2, 0, 4, 3],
  [4, 3, 2, 0],
];
const state = () => ({ size: 4, board: puzzle(), colors: COLORS });

function isValidSolution(b: number[][]): boolean {
  const n = b.length;
  const box = Math.sqrt(n);
  const ok = (cells: number[]): boolean => new Set(cells).size === n && cells.every((v) => v >= 1 && v <= n);
  for (let i = 0; i < n; i++) {
    if (!ok(b[i] as number[]) || !ok(b.map((r) => r[i] as number))) return false;
  }
  for (let r = 0; r < n; r += box) {
    for (let c = 0; c < n; c += box) {
      const cells: number[] = [];
      for (let i = 0; i < box; i++) for (let j = 0; j < box; j++) cells.push(b[r + i]?.[c + j] ?? 0);
      if (!ok(cells)) return false;
    }
  }
  return true;
}

describe("sudoku logic", () => {
  test("candidates exclude row, column and box", () => {
    assert.deepEqual(candidates(puzzle(), 0, 0), [1]);
    const sparse = [
      [1, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    assert.deepEqual(candidates(sparse, 0, 1), [2, 3, 4]);
    assert.deepEqual(candidates(sparse, 1, 1), [2, 3, 4]);
    assert.deepEqual(candidates(sparse, 2, 2), [1, 2, 3, 4]);
  });

  test("solution counting", () => {
    assert.equal(countSolutions(puzzle()), 1);
    assert.equal(
      countSolutions([
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]),
      2,
    );
  });

  test("generated boards are valid and puzzles unique", () => {
    const rng = createRng(11);
    assert.ok(isValidSolution(randomSolution(rng, 9)));
    const p = makePuzzle(rng, 9, 0.3);
    assert.equal(p.flat().filter((v) => v === 0).length, Math.floor(81 * 0.3));
    assert.equal(countSolutions(p), 1);
  });
});

describe("sudoku tasks (hand-built 4x4)", () => {
  const rng = createRng(5);
  test("colour at a filled cell", () => {
    const q = colorAt.generate({ state: state(), rng, plotLevel: "Easy" });
    const m = /Cell \((\d), (\d)\)/.exec(q?.question ?? "");
    assert.ok(m);
    const v = puzzle()[Number(m[1]) - 1]?.[Number(m[2]) - 1] ?? 0;
    assert.equal(q?.answer, String.fromCharCode(64 + v));
  });
  test("count, possibilities, crowded lines", () => {
    const q = countColor.generate({ state: state(), rng, plotLevel: "Easy" });
    const name = /are (\w+)\?/.exec(q?.question ?? "")?.[1];
    const expected = { red: 0, green: 4, blue: 4, magenta: 4 }[name ?? ""];
    assert.equal(q?.answer, expected);
    const p = possibleColors.generate({ state: state(), rng, plotLevel: "Easy" });
    assert.equal(p?.answer, 1); // every empty cell of this board is forced
    const l = crowdedLines.generate({ state: state(), rng, plotLevel: "Easy" });
    assert.equal(l?.answer, 0); // each row and column has exactly one empty cell, and the threshold is 1 or 2
    const sparse = {
      size: 4,
      board: [
        [0, 0, 0, 4],
        [0, 0, 0, 0],
        [1, 0, 0, 3],
        [4, 3, 2, 1],
      ],
      colors: COLORS,
    };
    for (let i = 0; i < 10; i++) {
      const q2 = crowdedLines.generate({ state: sparse, rng, plotLevel: "Easy" });
      const t = Number(/more than (\d) empty/.exec(q2?.question ?? "")?.[1]);
      // empties per row: 3, 4, 2, 0; per column: 2, 3, 3, 1.
      const rows = /How many rows/.test(q2?.question ?? "");
      const expected = rows ? (t === 1 ? 3 : 2) : t === 1 ? 3 : 2;
      assert.equal(q2?.answer, expected);
    }
  });
  test("deduction fills (1,1) then (2,3), then (3,2) must be red", () => {
    const q = deduce.generate({ state: state(), rng, plotLevel: "Easy" });
    assert.match(q?.question ?? "", /cells \(1, 1\) and \(2, 3\)/);
    assert.match(q?.question ?? "", /cell \(3, 2\) have/);
    assert.equal(q?.answer, "A");
  });
});
