import assert from "node:assert/strict";
import { describe, test } from "node:test";
import rubiksCube from "../../../src/gameqa/games/rubiks_cube/index.js";
import {
  at,
  cubeSolved,
  faceSolved,
  MOVES,
  type Move,
  solvableWithin,
  solveCube,
  solvedCube,
  solveFace,
  turn,
  turnAll,
} from "../../../src/gameqa/games/rubiks_cube/logic.js";
import { fromCube, parseState } from "../../../src/gameqa/games/rubiks_cube/state.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

const YELLOW = 0;
const WHITE = 1;
const ORANGE = 2;
const RED = 3;
const task = (id: number) => rubiksCube.tasks.find((t) => t.id === id) as (typeof rubiksCube.tasks)[number];
const sample = (id: number, question: string, options: string[]): GameQASample => ({
  data_id: "x",
  qa_type: task(id).qaType,
  question_id: id,
  question_description: task(id).description,
  image: "",
  state: "",
  plot_level: "Easy",
  qa_level: "Easy",
  question,
  answer: 1,
  analysis: "",
  options,
});

describe("rubiks_cube turns (the original's definitions)", () => {
  test("F carries U's bottom row (row 2) to R's column 0, unreversed", () => {
    const c = turn(solvedCube(), "F");
    for (let k = 0; k < 3; k++) {
      assert.equal(c[at("R", k, 0)], YELLOW);
      assert.equal(c[at("D", 0, k)], RED);
      assert.equal(c[at("L", k, 2)], WHITE);
      assert.equal(c[at("U", 2, k)], ORANGE);
    }
  });

  test("a turn and its prime cancel, four turns are the identity", () => {
    for (const m of MOVES.slice(0, 6)) {
      const prime = `${m}'` as Move;
      assert.deepEqual(turnAll(solvedCube(), [m, prime]), solvedCube());
      assert.deepEqual(turnAll(solvedCube(), [m, m, m, m]), solvedCube());
      // Clockwise face rotation: new[i][j] = old[2-j][i].
      const marked = solvedCube();
      marked[at(m as "F", 0, 0)] = 9;
      assert.equal(turn(marked, m)[at(m as "F", 0, 2)], 9);
    }
  });

  test("searches find the undoing turns and prove nothing shorter exists", () => {
    const c = turnAll(solvedCube(), ["R", "U"]);
    assert.equal(cubeSolved(c), false);
    assert.deepEqual(solveCube(c)?.moves?.length, 2);
    assert.equal(solvableWithin(c, cubeSolved, 1), false);
    assert.equal(solvableWithin(c, cubeSolved, 2), true);
    const one = turn(solvedCube(), "L");
    assert.deepEqual(solveFace(one, "F")?.moves, ["L'"]);
    assert.ok(faceSolved(one, "R"));
  });

  test("face_states follow the original's fields", () => {
    const s = fromCube(turn(solvedCube(), "F"), ["F"]);
    assert.deepEqual(s.face_states.U.color_counts, { yellow: 6, orange: 3 });
    assert.equal(s.face_states.U.dominant_color, "yellow");
    assert.equal(s.face_states.U.matching_stickers, 6);
    assert.equal(s.is_solved, false);
  });

  test("parseState names the file and field", () => {
    assert.throws(() => parseState({ faces: { U: [[0]] } }, "c.json"), /c\.json.*faces\.U/);
    assert.throws(
      () => parseState({ faces: fromCube(solvedCube(), []).faces, move_history: ["X"] }, "c.json"),
      /c\.json.*move_history/,
    );
  });
});

describe("rubiks_cube tasks on a hand-built cube", () => {
  const state = fromCube(turn(solvedCube(), "F"), ["F"]);
  test("colour at a position (original wording)", () => {
    const q = "...What color is at position (2, 1) on the Upper face face?Options: [1] blue, [2] orange";
    assert.deepEqual(task(1).conform?.({ sample: sample(1, q, ["blue", "orange"]), state }), { answer: 2 });
  });
  test("colour after turns: F' undoes F", () => {
    const q = "...After the sequence F', what color will be at position (2, 1) on the Upper face face?";
    assert.deepEqual(task(2).conform?.({ sample: sample(2, q, ["orange", "yellow"]), state }), { answer: 2 });
  });
  test("fewest turns for a face and for the cube", () => {
    const q3 = "...How many moves are needed to solve the Upper face face?";
    assert.deepEqual(task(3).conform?.({ sample: sample(3, q3, ["2", "1"]), state }), { answer: 2 });
    assert.deepEqual(task(4).conform?.({ sample: sample(4, "...", ["3", "1 turn"]), state }), { answer: 2 });
  });
  test("a solved cube is turned R, U before the full-solve question (the original's rule)", () => {
    const solved = fromCube(solvedCube(), []);
    assert.deepEqual(task(4).conform?.({ sample: sample(4, "...", ["1", "2"]), state: solved }), {
      answer: 2,
    });
    assert.equal(task(4).generate({ state: solved, rng: createRng(1), plotLevel: "Easy" }), null);
  });
  test("after a solved board's full-solve question the original counts on the R, U-turned cube", () => {
    const solved = fromCube(solvedCube(), []);
    const q = "...How many yellow squares are there on the Upper face?";
    const medium = { ...sample(5, q, ["9", "6"]), plot_level: "Medium" as const };
    // R then U leaves 6 yellow stickers on U; at Hard the full-solve question is not asked.
    assert.deepEqual(task(5).conform?.({ sample: medium, state: solved }), { answer: 2 });
    assert.deepEqual(task(5).conform?.({ sample: { ...medium, plot_level: "Hard" }, state: solved }), {
      answer: 1,
    });
    assert.equal(turnAll(solvedCube(), ["R", "U"]).filter((v, k) => k < 9 && v === YELLOW).length, 6);
  });
  test("colour count", () => {
    const q = "...How many orange squares are there on the Upper face?";
    assert.deepEqual(task(5).conform?.({ sample: sample(5, q, ["6", "3"]), state }), { answer: 2 });
  });
});

describe("rubiks_cube rendering and generation", () => {
  test("617 x 465 PNG like the original", () => {
    expectPng(rubiksCube, fromCube(turn(solvedCube(), "R"), ["R"]), 617, 465);
  });
  test("round trips through the conform hooks", () => expectRoundTrips(rubiksCube, 3));
  test("deterministic", () => expectDeterministic(rubiksCube));
  test("published examples: all 18 recomputed", (t) => {
    expectFullConformance(t, rubiksCube, "rubiks_cube_dataset_example", 18);
  });
});
