import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pacman from "../../../src/gameqa/games/pacman/index.js";
import { Board, playMoves, runUntilWall, startSim } from "../../../src/gameqa/games/pacman/logic.js";
import type { PacmanState } from "../../../src/gameqa/games/pacman/state.js";
import {
  beansAhead,
  beansAround,
  bestRun,
  closerGhost,
  nextStep,
  stepChange,
} from "../../../src/gameqa/games/pacman/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { scoreResponse } from "../../../src/gameqa/scorer.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

/**
 * A 7x7 board drawn as text: # wall, . bean, P Pac-Man (no bean), space = eaten.
 * Pinky and Blinky are placed by the caller.
 */
function board(
  rows: string[],
  pinky: [number, number],
  blinky: [number, number],
  direction: PacmanState["direction"],
) {
  const walls: Array<[number, number]> = [];
  const beans: Array<[number, number]> = [];
  let pac: [number, number] = [0, 0];
  rows.forEach((row, r) => {
    [...row].forEach((ch, c) => {
      if (ch === "#") walls.push([r, c]);
      if (ch === ".") beans.push([r, c]);
      if (ch === "P") pac = [r, c];
    });
  });
  return pacman.parseState(
    {
      grid_size: rows.length,
      walls,
      pacman_position: pac,
      direction,
      beans,
      ghosts: [
        { name: "Pinky", position: pinky, color: [255, 105, 180] },
        { name: "Blinky", position: blinky, color: [255, 0, 0] },
      ],
      score: 3,
      game_over: false,
    },
    "hand.json",
  );
}

const OPEN = board(
  ["#######", "#.....#", "#.#.#.#", "#..P..#", "#.#.#.#", "#.....#", "#######"],
  [1, 1],
  [5, 5],
  "RIGHT",
);

const task = (id: number) => pacman.tasks.find((t) => t.id === id) as (typeof pacman.tasks)[number];

describe("pacman rules", () => {
  test("ghost paths break ties UP, DOWN, LEFT, RIGHT", () => {
    const b = new Board(OPEN);
    // From (5,5) to (3,3): up-first and left-first are both 4 long; UP wins.
    assert.deepEqual(b.bfs([5, 5], [3, 3]).slice(0, 2), [
      [5, 5],
      [4, 5],
    ]);
    // Pinky aims up to 4 cells ahead, stopping before a wall: (3,3) facing RIGHT -> (3,5).
    assert.deepEqual(b.pinkyTarget([3, 3], "RIGHT"), [3, 5]);
    assert.deepEqual(b.pinkyTarget([3, 3], "UP"), [1, 3]);
  });

  test("turns: Pac-Man first, then the ghosts; Pinky waits where Pac-Man is heading", () => {
    const sim = startSim(OPEN);
    const r = playMoves(sim, ["UP", "UP", "UP"]);
    assert.deepEqual(r.turns[0]?.pacman, [2, 3]);
    assert.deepEqual(r.turns[0]?.ghosts, [
      [1, 2],
      [4, 5],
    ]);
    // Turn 2: Pac-Man reaches (1,3), Pinky's target is that same cell and it steps onto it.
    assert.equal(r.caughtBy, "Pinky");
    assert.equal(r.turns.length, 2);
    assert.equal(sim.score, 5);
  });

  test("a ghost that ends its step on Pac-Man catches him", () => {
    const near = board(["#####", "#.P.#", "#...#", "#...#", "#####"], [3, 1], [1, 3], "LEFT");
    const r = playMoves(startSim(near), ["RIGHT"]);
    assert.equal(r.caughtBy, "Blinky");
    const run = runUntilWall(startSim(near), "LEFT");
    assert.equal(run.turns.length, 1);
  });
});

describe("pacman tasks", () => {
  test("counts, distances and next steps on a hand-built board", () => {
    assert.equal(beansAround(OPEN).count, 18); // 20 beans, two hidden under the ghosts
    assert.equal(beansAhead(OPEN).count, 2);
    assert.equal(closerGhost(OPEN).answer, "C. Both ghosts are equidistant from Pac-Man");
    // Pinky (1,1) -> target (3,5): DOWN and RIGHT are both shortest; DOWN wins.
    assert.equal(nextStep(OPEN, "Pinky").dir, "DOWN");
    // Blinky (5,5) -> Pac-Man (3,3): UP.
    assert.equal(nextStep(OPEN, "Blinky").dir, "UP");
  });

  test("Pinky's step changes when Pac-Man turns; Pac-Man stops at the first wall", () => {
    const ch = stepChange(OPEN, "Pinky", "LEFT", 2);
    assert.deepEqual(ch.pacman, [3, 1]);
    assert.deepEqual(ch.after.target, [3, 1]);
    assert.equal(ch.before.dir, "DOWN");
    assert.equal(ch.after.dir, "DOWN");
    const up = stepChange(OPEN, "Pinky", "UP", 3);
    assert.deepEqual(up.pacman, [1, 3]); // stopped by the wall after two moves
    assert.equal(up.after.dir, "RIGHT");
  });

  test("best run: every direction of the hand board ends caught", () => {
    const { runs, answer } = bestRun(OPEN);
    assert.deepEqual(
      runs.map((r) => [r.dir, r.eaten, r.caughtBy]),
      [
        ["UP", 2, "Pinky"],
        ["DOWN", 2, "Blinky"],
        ["RIGHT", 2, "Blinky"],
        ["LEFT", 2, "Pinky"],
      ],
    );
    assert.equal(answer, "E");
    // Ghosts sealed in one-cell pockets never move. RIGHT and LEFT both eat 2: RIGHT wins, as in the
    // original's code (its prompt claims LEFT > RIGHT).
    const sealed = board(
      ["#######", "#.# #.#", "### ###", "#..P..#", "#######", "#######", "#######"],
      [1, 1],
      [1, 5],
      "RIGHT",
    );
    const best = bestRun(sealed);
    assert.deepEqual(
      best.runs.map((r) => [r.dir, r.eaten, r.caughtBy]),
      [
        ["UP", 0, null],
        ["DOWN", 0, null],
        ["RIGHT", 2, null],
        ["LEFT", 2, null],
      ],
    );
    assert.equal(best.answer, "C");
  });

  test("each task's question recomputes to its answer", () => {
    const rng = createRng(3);
    for (const t of pacman.tasks) {
      const q = t.generate({ state: OPEN, rng, plotLevel: "Easy" });
      if (!q) continue;
      const sample = { question: q.question, options: q.options } as Parameters<
        NonNullable<(typeof t)["conform"]>
      >[0]["sample"];
      assert.deepEqual(t.conform?.({ sample, state: OPEN }), { answer: q.answer }, `task ${t.id}`);
    }
  });

  test("the closer-ghost answer is the full option text", () => {
    const q = task(2).generate({ state: OPEN, rng: createRng(1), plotLevel: "Easy" });
    assert.equal(q?.answer, "C. Both ghosts are equidistant from Pac-Man");
    assert.ok(q?.question.includes(String(q.answer)));
    const sample = { answer: q?.answer ?? "" };
    assert.equal(scoreResponse(sample, `So the answer is ${q?.answer}`, "text").correct, true);
    assert.equal(scoreResponse(sample, "Answer: B. Blinky is closer to Pac-Man", "text").correct, false);
    // The options are on the sample, as published: the letter alone names the option too.
    assert.equal(q?.options?.length, 3);
    const withOptions = { answer: q?.answer ?? "", options: q?.options, question: q?.question };
    assert.equal(scoreResponse(withOptions, "The answer is C", "text").correct, true);
    assert.equal(scoreResponse(withOptions, "The answer is A", "text").correct, false);
  });

  test("state parsing names the file and field", () => {
    assert.throws(
      () => pacman.parseState({ ...OPEN, direction: "NORTH" }, "b.json"),
      /b\.json: field "direction"/,
    );
    assert.throws(
      () => pacman.parseState({ ...OPEN, pacman_position: [9, 9] }, "b.json"),
      /b\.json: field "pacman_position"/,
    );
  });
});

describe("pacman engine checks", () => {
  test("conformance with the published examples (60 samples)", (t) => {
    expectFullConformance(t, pacman, "pacman_dataset_example", 60);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(pacman, 3));
  test("deterministic output", () => expectDeterministic(pacman));
  test("PNG at the original 540x540", () => expectPng(pacman, OPEN, 540, 540));
});
