import assert from "node:assert/strict";
import { describe, test } from "node:test";
import starBattle from "../../../src/gameqa/games/star-battle/index.js";
import {
  blockers,
  type Cell,
  canHoldStar,
  growRegions,
  solve,
} from "../../../src/gameqa/games/star-battle/logic.js";
import {
  GRID_SIZE,
  generateState,
  type StarBattleState,
} from "../../../src/gameqa/games/star-battle/state.js";
import { lastStar } from "../../../src/gameqa/games/star-battle/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

/* Regions drawn by hand:    0 0 1 1 1
                             0 0 1 1 1
                             3 3 2 2 2
                             3 3 4 4 2
                             3 4 4 4 2
   Row by row with the lowest free column: (0,0) r0, (1,2) r1, (2,4) r2, (3,1) r3, (4,3) r4. */
const REGIONS: Cell[][] = [
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  [
    [0, 2],
    [0, 3],
    [0, 4],
    [1, 2],
    [1, 3],
    [1, 4],
  ],
  [
    [2, 2],
    [2, 3],
    [2, 4],
    [3, 4],
    [4, 4],
  ],
  [
    [2, 0],
    [2, 1],
    [3, 0],
    [3, 1],
    [4, 0],
  ],
  [
    [3, 2],
    [3, 3],
    [4, 1],
    [4, 2],
    [4, 3],
  ],
];
const SOLUTION: Cell[] = [
  [0, 0],
  [1, 2],
  [2, 4],
  [3, 1],
  [4, 3],
];
const state = (stars: Cell[]): StarBattleState => ({ regions: REGIONS, stars });
const task = (id: number) => starBattle.tasks.find((t) => t.id === id) as (typeof starBattle.tasks)[number];
const sample = (question: string, options: string[]): GameQASample =>
  ({ question, options, answer: 0 }) as unknown as GameQASample;

describe("star-battle rules", () => {
  test("the solver finds the hand solution", () => {
    assert.deepEqual(solve(REGIONS, 5), SOLUTION);
  });

  test("blockers name every broken rule", () => {
    const stars: Cell[] = [
      [0, 0],
      [3, 1],
    ];
    assert.deepEqual(blockers(REGIONS, stars, [1, 1]), {
      adjacent: [[0, 0]],
      column: [3, 1],
      region: [0, 0],
    });
    assert.equal(canHoldStar(REGIONS, stars, [1, 3]), true);
    assert.equal(canHoldStar(REGIONS, stars, [4, 2]), false);
    assert.equal(canHoldStar(REGIONS, stars, [0, 0]), false, "a star's own cell");
  });

  test("the last star is the crossing of the empty row and column", () => {
    const found = lastStar(state(SOLUTION.filter((s) => s[0] !== 2)));
    assert.deepEqual(found?.cell, [2, 4]);
    assert.equal(lastStar(state(SOLUTION.slice(2))), undefined, "two stars missing");
  });

  test("generated boards: n regions covering the grid, stars taken from a solution", () => {
    for (const level of LEVELS) {
      for (let i = 0; i < 10; i++) {
        const s = generateState(createRng(i), level);
        const n = GRID_SIZE[level];
        assert.equal(s.regions.length, n);
        assert.equal(new Set(s.regions.flat().map(([r, c]) => r * n + c)).size, n * n);
        assert.deepEqual(solve(s.regions, n), s.solution);
        for (const star of s.stars) assert.ok(s.solution?.some((x) => x[0] === star[0] && x[1] === star[1]));
        assert.ok(s.stars.length >= 2 && s.stars.length <= n);
      }
    }
    const regions = growRegions(createRng(1), 6, 6);
    assert.ok(regions?.every((r) => r.length > 0));
  });
});

describe("star-battle tasks", () => {
  const two = state([
    [0, 0],
    [3, 1],
  ]);
  test("conform hooks find the option the rules select", () => {
    const region = "Which cell in the following options belong to region 2?";
    assert.deepEqual(task(2).conform?.({ sample: sample(region, ["(0,0)", "(3,3)", "(3,4)"]), state: two }), {
      answer: 3,
    });
    const star = "In the current puzzle state, region 3 is associated with color peach.";
    assert.deepEqual(task(3).conform?.({ sample: sample(star, ["(2,0)", "(3,1)", "null"]), state: two }), {
      answer: 2,
    });
    const none = "In the current puzzle state, region 1 is associated with color powder blue.";
    assert.deepEqual(task(3).conform?.({ sample: sample(none, ["(0,2)", "null"]), state: two }), {
      answer: 2,
    });
    const valid = "Based on the current puzzle state, which of the following cells can a star be placed in?";
    assert.deepEqual(task(4).conform?.({ sample: sample(valid, ["(1,1)", "(4,2)", "(1,3)"]), state: two }), {
      answer: 3,
    });
    assert.deepEqual(
      task(4).conform?.({ sample: sample(valid, ["(1,1)", "null"]), state: state(SOLUTION) }),
      {
        answer: 2,
      },
    );
  });

  test("star-of-region questions always offer null", () => {
    const rng = createRng(3);
    for (let i = 0; i < 20; i++) {
      const q = task(3).generate({ state: two, rng, plotLevel: "Easy" });
      assert.ok(q?.options?.includes("null"));
    }
  });

  test("a full board has no valid cell, so task 4 declines it", () => {
    assert.equal(task(4).generate({ state: state(SOLUTION), rng: createRng(1), plotLevel: "Easy" }), null);
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => starBattle.parseState({ regions: REGIONS, stars: [[0, 7]] }, "b.json"),
      /b\.json: field "stars"\[0\]/,
    );
    assert.throws(
      () => starBattle.parseState({ regions: REGIONS.slice(0, 4), stars: [] }, "b.json"),
      /b\.json: field "regions(\[\d\])?"/,
    );
  });
});

describe("star-battle engine checks", () => {
  test("conformance with the published examples (12 samples)", (t) => {
    expectFullConformance(t, starBattle, "star-battle_dataset_example", 12);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(starBattle, 4));
  test("deterministic output", () => expectDeterministic(starBattle));
  test("PNG at the original 250x250 for 5x5", () => expectPng(starBattle, state(SOLUTION), 250, 250));
});
