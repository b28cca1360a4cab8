import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  evolve,
  liveCount,
  liveNeighbours,
  region,
  regionStabilitySteps,
} from "../../../src/gameqa/games/lifegame/logic.js";
import {
  cellStates,
  historyText,
  liveAfter,
  liveNow,
  regionStability,
} from "../../../src/gameqa/games/lifegame/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";

const blinker = (): number[][] => [
  [0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0],
  [0, 1, 1, 1, 0],
  [0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0],
];

const optionValue = (options: unknown[] | undefined, answer: unknown): string =>
  String(options?.[String(answer).charCodeAt(0) - 65]).replace(/^[A-Z]: /, "");

describe("lifegame rules", () => {
  test("blinker oscillates", () => {
    const next = evolve(blinker());
    assert.deepEqual(
      next.map((r) => r[2]),
      [0, 1, 1, 1, 0],
    );
    assert.equal(liveCount(next), 3);
    assert.deepEqual(evolve(next), blinker());
  });

  test("neighbours wrap around the edges", () => {
    const g = [
      [1, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 1],
    ];
    assert.equal(liveNeighbours(g, 0, 0), 1); // (3,3) is the wrapped top-left neighbour
    assert.equal(liveNeighbours(g, 3, 0), 2);
  });

  test("on a 3x3 torus three live cells fill the grid", () => {
    assert.equal(
      liveCount(
        evolve([
          [0, 0, 0],
          [0, 1, 0],
          [1, 1, 0],
        ]),
      ),
      9,
    );
  });

  test("region stability: a block is stable at once, a lone cell after one iteration", () => {
    const block = [
      [0, 0, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ];
    assert.deepEqual(region(block, 1, 1), [
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    assert.equal(regionStabilitySteps(block, 1, 1).steps, 0);
    assert.equal(
      regionStabilitySteps(
        [
          [0, 0, 0],
          [0, 1, 0],
          [0, 0, 0],
        ],
        0,
        0,
      ).steps,
      1,
    );
  });
});

describe("lifegame tasks", () => {
  const rng = createRng(3);
  const state = { grid: blinker() };
  test("live counts now and next", () => {
    const now = liveNow.generate({ state, rng, plotLevel: "Hard" });
    assert.equal(optionValue(now?.options, now?.answer), "3");
    const next = liveAfter.generate({ state, rng, plotLevel: "Hard" });
    assert.equal(optionValue(next?.options, next?.answer), "3");
  });

  test("cell history of the blinker's top cell", () => {
    assert.equal(historyText([0, 1, 0]), "Initially: dead → Step 1: alive → Step 2: dead");
    const q = cellStates.generate({ state, rng, plotLevel: "Hard" });
    const m = /cell at \((\d+), (\d+)\)/.exec(q?.question ?? "");
    assert.ok(m);
    const [r, c] = [Number(m[1]), Number(m[2])];
    const seq = [blinker(), evolve(blinker()), blinker()].map((g) => g[r]?.[c] ?? 0);
    assert.equal(optionValue(q?.options, q?.answer), historyText(seq));
  });

  test("region stability answer matches the procedure", () => {
    const q = regionStability.generate({ state, rng, plotLevel: "Hard" });
    const m = /top-left cell is \((\d+), (\d+)\)/.exec(q?.question ?? "");
    assert.ok(m && q);
    assert.equal(
      optionValue(q.options, q.answer),
      String(regionStabilitySteps(blinker(), Number(m[1]), Number(m[2])).steps),
    );
  });
});
