import assert from "node:assert/strict";
import { describe, test } from "node:test";
import sokoban from "../../../src/gameqa/games/sokoban/index.js";
import {
  originalMoveCount,
  simulateLoneBox,
  simulatePlayer,
  solveFewestMoves,
  walkPath,
} from "../../../src/gameqa/games/sokoban/logic.js";
import { numberedOptions } from "../../../src/gameqa/games/sokoban/options.js";
import { generateState, type SokobanState } from "../../../src/gameqa/games/sokoban/state.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { buildSample } from "../../../src/gameqa/sample.js";
import { scoreResponse } from "../../../src/gameqa/scorer.js";
import type { AnyGame, Level } from "../../../src/gameqa/types.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

const state = (grid: number[][]): SokobanState => sokoban.parseState({ grid }, "hand.json");

// The published board 1: player (6, 5), box (3, 3), target (4, 1).
const PUBLISHED_1 = state([
  [1, 1, 1, 1, 1, 1, 1, 1],
  [1, 0, 1, 0, 0, 1, 0, 1],
  [1, 0, 0, 0, 0, 1, 0, 1],
  [1, 0, 0, 2, 0, 0, 0, 1],
  [1, 3, 0, 0, 0, 0, 0, 1],
  [1, 0, 1, 0, 1, 0, 0, 1],
  [1, 0, 1, 0, 0, 5, 0, 1],
  [1, 1, 1, 1, 1, 1, 1, 1],
]);

// Two boxes side by side in a corridor: a push into the second box fails.
const CORRIDOR = state([
  [1, 1, 1, 1, 1, 1, 1],
  [1, 5, 2, 0, 2, 3, 1],
  [1, 1, 1, 1, 1, 3, 1],
  [1, 1, 1, 1, 1, 1, 1],
]);

const task = (id: number) => sokoban.tasks.find((t) => t.id === id) as (typeof sokoban.tasks)[number];

describe("sokoban rules", () => {
  test("the player pushes boxes, stops at walls and at a box with a box behind it", () => {
    const r = simulatePlayer(CORRIDOR, ["Right", "Right", "Right", "Up", "Left"]);
    assert.deepEqual(r.final, [1, 1]);
    assert.deepEqual(r.steps[0]?.push, [
      [1, 2],
      [1, 3],
    ]);
    assert.deepEqual(r.steps[1]?.blocked, { box: [1, 3], behind: "another box" });
    assert.deepEqual(r.steps[4]?.to, [1, 1]);
    assert.equal(r.steps[3]?.blocked, "wall");
  });

  test("a lone box slides through the player and targets, only walls stop it", () => {
    const r = simulateLoneBox(
      PUBLISHED_1,
      [3, 3],
      ["Right", "Up", "Right", "Up", "Right", "Left", "Down", "Up"],
    );
    assert.deepEqual(r.final, [1, 3]); // the published q2 answer
  });

  test("walks treat boxes as walls and prefer Up, Right, Down, Left", () => {
    assert.deepEqual(walkPath(PUBLISHED_1, [6, 5], [5, 6]), ["Up", "Right"]);
    assert.deepEqual(walkPath(PUBLISHED_1, [2, 3], [4, 3]), ["Right", "Down", "Down", "Left"]);
    assert.equal(walkPath(CORRIDOR, [1, 1], [1, 3]), null);
  });

  test("fewest moves: 9 on published board 1, where the original's first fewest-push solution takes 11", () => {
    const best = solveFewestMoves(PUBLISHED_1);
    assert.equal(best?.moves.length, 9);
    assert.equal(best?.pushes, 3);
    assert.equal(originalMoveCount(PUBLISHED_1), 11);
    // Replaying the solution puts the box on the target.
    const last = best?.moves.at(-1);
    assert.deepEqual(last?.push?.[1], [4, 1]);
  });

  test("unsolvable and multi-box boards have no solution; the node cap bounds the search", () => {
    const stuck = state([
      [1, 1, 1, 1, 1],
      [1, 2, 0, 3, 1],
      [1, 0, 5, 0, 1],
      [1, 1, 1, 1, 1],
    ]);
    assert.equal(solveFewestMoves(stuck), null);
    assert.equal(originalMoveCount(stuck), -1);
    assert.equal(solveFewestMoves(CORRIDOR), null);
    assert.equal(solveFewestMoves(PUBLISHED_1, 5), null);
  });

  test("generated one-box boards are solvable and never hang", () => {
    const rng = createRng(3);
    for (const level of ["Easy", "Medium", "Hard"] as Level[]) {
      for (let i = 0; i < 30; i++) {
        const s = generateState(rng, level);
        if (s.boxes.length === 1) assert.ok(solveFewestMoves(s), JSON.stringify(s.grid));
        assert.equal(s.targets.length, s.boxes.length);
      }
    }
  });
});

describe("sokoban tasks", () => {
  test("numbered options: distinct, and a numeric option never names another option's number", () => {
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) {
      const { options, answer } = numberedOptions(rng, "3", ["1", "2", "4", "5", "6", "7", "8"], []);
      assert.equal(new Set(options).size, options.length);
      assert.equal(options[answer - 1], "3");
      const clash = options.indexOf(String(answer));
      assert.ok(clash < 0 || clash === answer - 1);
    }
  });

  test("each task on the published board answers as the original did", () => {
    const rng = createRng(1);
    for (const id of [1, 2, 4, 5, 6]) {
      const q = task(id).generate({ state: PUBLISHED_1, rng, plotLevel: "Medium" });
      assert.ok(q, `task ${id}`);
      const sample = { question: q.question, options: q.options } as Parameters<
        NonNullable<(typeof sokoban.tasks)[number]["conform"]>
      >[0]["sample"];
      assert.deepEqual(task(id).conform?.({ sample, state: PUBLISHED_1 }), { answer: q.answer });
    }
    const q4 = task(4).generate({ state: PUBLISHED_1, rng, plotLevel: "Medium" });
    assert.equal(q4?.options?.[Number(q4.answer) - 1], "(6, 5)");
    const q5 = task(5).generate({ state: PUBLISHED_1, rng, plotLevel: "Medium" });
    assert.equal(q5?.options?.[Number(q5.answer) - 1], "3 cells");
    // Task 3 is not asked where the original's count (11) is not the true fewest (9).
    assert.equal(task(3).generate({ state: PUBLISHED_1, rng, plotLevel: "Medium" }), null);
  });

  test("shortest-walk distractors are never another shortest walk to the same cell", () => {
    const rng = createRng(9);
    for (let i = 0; i < 40; i++) {
      const q = task(6).generate({ state: PUBLISHED_1, rng, plotLevel: "Medium" });
      assert.ok(q?.options);
      const [, r1, c1, r2, c2] =
        /from position \((\d+), (\d+)\) to position \((\d+), (\d+)\)/.exec(q.question) ?? [];
      const best = walkPath(PUBLISHED_1, [Number(r1), Number(c1)], [Number(r2), Number(c2)]);
      assert.equal(q.options[Number(q.answer) - 1], best?.join(" → "));
    }
  });

  test("the scorer reads an option number as that option, for every task", () => {
    for (const t of sokoban.tasks) {
      for (let index = 0; index < 6; index++) {
        const job = { game: "sokoban", taskId: t.id, plotLevel: "Easy" as Level, index };
        const { sample } = buildSample(sokoban as unknown as AnyGame, job, 21, false);
        const options = sample.options ?? [];
        options.forEach((text, i) => {
          const right = i + 1 === Number(sample.answer);
          for (const reply of [`The answer is ${i + 1}`, `The answer is ${text}`])
            assert.equal(
              scoreResponse(sample, reply, t.answerFormat).correct,
              right,
              `${sample.data_id}: ${reply}`,
            );
        });
      }
    }
  });

  test("tasks 2, 3, 5 and 6 skip boards with several boxes", () => {
    for (const id of [2, 3, 5, 6])
      assert.equal(task(id).generate({ state: CORRIDOR, rng: createRng(1), plotLevel: "Easy" }), null);
  });

  test("state parsing names the file and field", () => {
    assert.throws(() => sokoban.parseState({ grid: [[1, 9]] }, "b.json"), /b\.json: field "grid"\[0\]\[1\]/);
    assert.throws(() => sokoban.parseState({ grid: [[1, 2, 0]] }, "b.json"), /b\.json: .*exactly one player/);
  });
});

describe("sokoban engine checks", () => {
  test("conformance with the published examples (14 samples)", (t) => {
    expectFullConformance(t, sokoban, "sokoban_dataset_example", 14);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(sokoban, 4));
  test("deterministic output", () => expectDeterministic(sokoban));
  test("PNG at the original size (40 + 64 px per cell)", () => {
    expectPng(sokoban, PUBLISHED_1, 552, 552);
    expectPng(sokoban, CORRIDOR, 488, 296);
  });
});
