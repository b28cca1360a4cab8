import assert from "node:assert/strict";
import { describe, test } from "node:test";
import snake from "../../../src/gameqa/games/snake/index.js";
import {
  bodyOrders,
  OUTCOME_TEXT,
  type Pos,
  shortestPath,
  simulate,
} from "../../../src/gameqa/games/snake/logic.js";
import { generateState, type SnakeState } from "../../../src/gameqa/games/snake/state.js";
import { snakeCandidates } from "../../../src/gameqa/games/snake/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

/** A map from rows of "." empty, "F" food, "B" body, "H" head. */
function mapOf(rows: string[]): number[][] {
  return rows.map((row) => [...row].map((ch) => ".FBH".indexOf(ch)));
}

// 5x5: head (2,2) facing right, body winding left and down; food at (0,4).
const SNAKE: Pos[] = [
  [2, 2],
  [2, 1],
  [3, 1],
  [3, 2],
  [3, 3],
];
const STATE: SnakeState = {
  map: mapOf(["....F", ".....", ".BH..", ".BBB.", "....."]),
  snake: SNAKE,
};
const task = (id: number) => snake.tasks.find((t) => t.id === id) as (typeof snake.tasks)[number];
const sample = (question: string, analysis = ""): GameQASample =>
  ({ question, analysis }) as unknown as GameQASample;

describe("snake rules", () => {
  test("moves: border, body, food, nothing", () => {
    assert.equal(simulate(SNAKE, ["up", "up", "up"], 5, [0, 4]).outcome, 0);
    assert.equal(simulate(SNAKE, ["down"], 5, [0, 4]).outcome, 1);
    assert.equal(simulate(SNAKE, ["up", "up", "right", "right"], 5, [0, 4]).outcome, 2);
    assert.equal(simulate(SNAKE, ["right"], 5, [0, 4]).outcome, 3);
  });

  test("the head may enter the cell the tail is leaving, not any other segment", () => {
    // A 2x2 loop: head (0,0), body (1,0), (1,1), tail (0,1). Moving right enters the tail's cell.
    const loop: Pos[] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    assert.equal(simulate(loop, ["right"], 3, null).outcome, 3);
    assert.equal(simulate(loop, ["down"], 3, null).outcome, 1);
  });

  test("shortest path: straight, detour around the body, trapped", () => {
    assert.equal(shortestPath(SNAKE, [0, 4], 5)?.length, 4);
    // Food below the body (distance 2): right, then down through the tail's freed cell (3,3), down, left.
    assert.equal(shortestPath(SNAKE, [4, 2], 5)?.length, 4);
    // Head in the corner with both neighbours held by the body (the tail is not adjacent).
    const trapped: Pos[] = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
      [2, 0],
    ];
    assert.equal(shortestPath(trapped, [4, 4], 5), null);
  });

  test("body orders of a published map; none for a map with stray cells", () => {
    const orders = bodyOrders(STATE.map);
    assert.deepEqual(orders, [SNAKE]);
    const stray = mapOf(["B...F", ".....", ".BH..", ".BBB.", "....."]);
    assert.deepEqual(bodyOrders(stray), []);
    // The original then falls back to a two-segment snake: head plus its first in-bounds neighbour.
    assert.deepEqual(snakeCandidates(undefined, { map: stray }), [
      [
        [2, 2],
        [1, 2],
      ],
    ]);
  });

  test("generator: snakes are connected walks matching the map, with one food", () => {
    for (const level of LEVELS) {
      for (let i = 0; i < 20; i++) {
        const s = generateState(createRng(i), level);
        const body = s.snake as Pos[];
        assert.ok(body.length === 2 || (body.length >= 10 && body.length <= 20));
        body.forEach(([r, c], k) => {
          assert.equal(s.map[r]?.[c], k === 0 ? 3 : 2);
          if (k > 0) {
            const [pr, pc] = body[k - 1] as Pos;
            assert.equal(Math.abs(pr - r) + Math.abs(pc - c), 1);
          }
        });
        assert.equal(s.map.flat().filter((v) => v === 2 || v === 3).length, body.length);
        assert.equal(s.map.flat().filter((v) => v === 1).length, 1);
      }
    }
  });
});

describe("snake tasks", () => {
  test("positions and length", () => {
    const rng = createRng(1);
    assert.equal(task(0).generate({ state: STATE, rng, plotLevel: "Easy" })?.answer, "(2, 2)");
    assert.equal(task(1).generate({ state: STATE, rng, plotLevel: "Easy" })?.answer, "(0, 4)");
    assert.equal(task(2).generate({ state: STATE, rng, plotLevel: "Easy" })?.answer, 5);
    assert.equal(task(4).generate({ state: STATE, rng, plotLevel: "Easy" })?.answer, 4);
  });

  test("outcome questions never reverse and answer with the 0-based option number", () => {
    const rng = createRng(3);
    for (let i = 0; i < 30; i++) {
      const q = task(3).generate({ state: STATE, rng, plotLevel: "Easy" });
      if (!q) throw new Error("no question");
      const moves = [...q.question.matchAll(/step \d+: (\w+)/g)].map((m) => m[1]);
      assert.notEqual(moves[0], "left", "first move goes back into the neck");
      assert.ok([0, 1, 2, 3].includes(q.answer as number));
      assert.deepEqual(q.options, [...OUTCOME_TEXT]);
      assert.match(q.question, /\n0: The snake hits the bound of the grid\.\n/);
    }
  });

  test("conform reads the body order from a published analysis", () => {
    const published: SnakeState = { map: STATE.map };
    const r = task(3).conform?.({
      state: published,
      sample: sample("step 1: down", "The snake body(blue blocks) is at [(2, 1), (3, 1), (3, 2), (3, 3)]."),
    });
    assert.deepEqual(r, { answer: 1 });
  });

  test("state parsing names the field", () => {
    assert.throws(() => snake.parseState({ map: [[0, 4]] }, "s.json"), /s\.json: field "map"\[0\]\[1\]/);
    assert.throws(() => snake.parseState({ map: mapOf(["..", ".."]) }, "s.json"), /exactly one head/);
    assert.throws(
      () =>
        snake.parseState(
          {
            map: STATE.map,
            snake: [
              [2, 2],
              [0, 0],
            ],
          },
          "s.json",
        ),
      /s\.json: field "snake"\[1\]/,
    );
  });
});

describe("snake engine checks", () => {
  test("conformance with the published examples (10 samples)", (t) => {
    expectFullConformance(t, snake, "snake_dataset_example", 10);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(snake, 4));
  test("deterministic output", () => expectDeterministic(snake));
  test("PNG at the original 480x480 (5, 10 and 15 cells)", () => {
    for (const level of LEVELS) expectPng(snake, generateState(createRng(2), level), 480, 480);
  });
});

describe("snake published-state ambiguity", () => {
  test("a map whose body order decides whether the food is reachable", () => {
    // The doc's example: the same map read as two snakes, one with a path and one boxed in.
    const map = mapOf(["HBB", "BBB", "..F"]);
    const orders = bodyOrders(map) as Pos[][];
    const answers = orders.map((o) => shortestPath(o, [2, 2], 3)?.length ?? -1);
    assert.deepEqual(answers.slice().sort(), [-1, 4, 4]);
    const r = task(4).conform?.({ state: { map }, sample: sample("", "No path!") });
    assert.ok(r && "skip" in r && /ambiguous/.test(r.skip));
  });
});
