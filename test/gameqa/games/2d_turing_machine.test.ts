import assert from "node:assert/strict";
import { describe, test } from "node:test";
import turing from "../../../src/gameqa/games/2d_turing_machine/index.js";
import { firstEntry, simulate, symbolTrajectory } from "../../../src/gameqa/games/2d_turing_machine/logic.js";
import {
  generateState,
  SAFE_STEPS,
  type TuringState,
} from "../../../src/gameqa/games/2d_turing_machine/state.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

// rule(state, symbol) = [write, direction (0 up 1 right 2 down 3 left), new state]
const RULES: Record<string, [number, number, number]> = {
  "0,0": [1, 3, 1],
  "0,1": [2, 2, 0],
  "0,2": [0, 3, 1],
  "1,0": [2, 2, 0],
  "1,1": [0, 1, 1],
  "1,2": [1, 2, 0],
};

/* Hand trace from (row 0, col 1) in state 1:
   1: reads 1, writes 0, right -> (0,2) s1   2: reads 2, writes 1, down -> (1,2) s0
   3: reads 0, writes 1, left -> (1,1) s1    4: reads 0, writes 2, down -> (2,1) s0
   5: reads 2, writes 0, left -> (2,0) s1    6: reads 2, writes 1, down -> off the grid */
function handState(): TuringState {
  return {
    rules: Object.entries(RULES).map(([k, [new_symbol, direction, new_state]]) => {
      const [state, symbol] = k.split(",").map(Number) as [number, number];
      return { state, symbol, new_state, new_symbol, direction };
    }),
    head: { x: 1, y: 0, state: 1 },
    grid: [
      [0, 1, 2],
      [1, 0, 0],
      [2, 2, 1],
    ],
  };
}

const task = (id: number) => turing.tasks.find((t) => t.id === id) as (typeof turing.tasks)[number];
const sample = (question: string, options: string[]): GameQASample =>
  ({ question, options, answer: 0 }) as unknown as GameQASample;

describe("2d_turing_machine rules", () => {
  test("simulation follows the hand trace and stops when the head leaves the grid", () => {
    const run = simulate(handState(), 5);
    assert.ok(run);
    assert.deepEqual(
      run.visits.map((v) => [v.y, v.x, v.state, v.symbol]),
      [
        [0, 1, 1, 1],
        [0, 2, 1, 2],
        [1, 2, 0, 0],
        [1, 1, 1, 0],
        [2, 1, 0, 2],
        [2, 0, 1, 2],
      ],
    );
    assert.equal(simulate(handState(), 6), null);
    assert.equal(firstEntry(run, 0), 2);
    assert.equal(firstEntry(run, 1), 1);
    assert.equal(symbolTrajectory(handState(), run, 0, 1), "1->0(at step 1)");
    assert.equal(symbolTrajectory(handState(), run, 1, 2), "0->1(at step 3)");
    assert.equal(symbolTrajectory(handState(), run, 2, 2), "1");
  });

  test("a cell written twice lists both writes, the same symbol included", () => {
    // Two states bouncing between (0,0) and (0,1): state 0 moves right, state 1 moves left.
    const s: TuringState = {
      rules: [
        { state: 0, symbol: 0, new_state: 1, new_symbol: 0, direction: 1 },
        { state: 0, symbol: 1, new_state: 1, new_symbol: 0, direction: 1 },
        { state: 1, symbol: 0, new_state: 0, new_symbol: 1, direction: 3 },
        { state: 1, symbol: 1, new_state: 0, new_symbol: 1, direction: 3 },
      ],
      head: { x: 0, y: 0, state: 0 },
      grid: [[0, 0]],
    };
    const run = simulate(s, 5);
    assert.ok(run);
    assert.equal(symbolTrajectory(s, run, 0, 0), "0->0(at step 1)->0(at step 3)->0(at step 5)");
    assert.equal(symbolTrajectory(s, run, 0, 1), "0->1(at step 2)->1(at step 4)");
  });

  test("generated machines keep the head on the grid for 10 steps, with the original's sizes", () => {
    const cells = { Easy: [9, 12], Medium: [15, 16], Hard: [20, 25] };
    for (const level of LEVELS) {
      for (let i = 0; i < 30; i++) {
        const s = generateState(createRng(i), level);
        assert.ok(simulate(s, SAFE_STEPS), `${level} ${i}`);
        assert.ok(cells[level].includes(s.grid.length * (s.grid[0]?.length ?? 0)));
        assert.ok((s.grid[0]?.length ?? 0) <= s.grid.length, "never wider than tall");
        assert.deepEqual(turing.parseState(JSON.parse(JSON.stringify(s)), "x"), s);
      }
    }
  });
});

describe("2d_turing_machine tasks", () => {
  const s = handState();
  test("conform hooks recompute the hand-traced answers", () => {
    const q = "Question: where will the head be after 5 steps?";
    assert.deepEqual(task(0).conform?.({ sample: sample(q, ["(1, 1)", "(2, 0)"]), state: s }), { answer: 2 });
    const h = "Question: what will be the head state and symbol under it after 5 steps?";
    assert.deepEqual(task(1).conform?.({ sample: sample(h, ["(2)", "[0]", "[2]"]), state: s }), {
      answer: 3,
    });
    const t = "Question: how does the symbol at position (0, 1) change after 5 steps?";
    assert.deepEqual(
      task(2).conform?.({ sample: sample(t, ["1->1(at step 1)", "1->0(at step 1)"]), state: s }),
      { answer: 2 },
    );
    const f =
      "Current head position is (0, 1).\nQuestion: after how many steps will the head first enter state 0?";
    assert.deepEqual(task(3).conform?.({ sample: sample(f, ["1", "3", "2"]), state: s }), { answer: 3 });
  });

  test("first-entry options are the steps 1..8 in order, so option k means k steps", () => {
    const rng = createRng(5);
    for (let i = 0; i < 20; i++) {
      const st = generateState(rng, "Medium");
      const q = task(3).generate({ state: st, rng, plotLevel: "Medium" });
      assert.ok(q);
      assert.deepEqual(q.options, ["1", "2", "3", "4", "5", "6", "7", "8"]);
      const target = Number(/first enter state (\d)/.exec(q.question)?.[1]);
      const run = simulate(st, 8);
      assert.ok(run);
      assert.equal(firstEntry(run, target), q.answer);
    }
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => turing.parseState({ ...s, grid: [[0, 9]] }, "b.json"),
      /b\.json: field "grid"\[0\]\[1\]/,
    );
    assert.throws(
      () => turing.parseState({ ...s, rules: s.rules.slice(1) }, "b.json"),
      /b\.json: field "rules" has no rule for state 0, symbol 0/,
    );
    assert.throws(() => turing.parseState({ ...s, head: { x: 3, y: 0, state: 0 } }, "b.json"), /field "x"/);
  });
});

describe("2d_turing_machine engine checks", () => {
  test("conformance with the published examples (8 samples)", (t) => {
    expectFullConformance(t, turing, "2d_turing_machine_dataset_example", 8);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(turing, 4));
  test("deterministic output", () => expectDeterministic(turing));
  test("PNG at the original 640x480", () => expectPng(turing, handState(), 640, 480));
});
