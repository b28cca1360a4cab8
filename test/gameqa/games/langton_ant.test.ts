import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type LangtonState, simulate } from "../../../src/gameqa/games/langton_ant/logic.js";
import { antAfterSteps, antPosition, cellFlips } from "../../../src/gameqa/games/langton_ant/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";

const white3 = (): LangtonState => ({
  grid: [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ],
  ant: { x: 1, y: 1, direction: "up" },
});

describe("langton ant rules", () => {
  test("five steps from the centre of a white 3x3 grid (hand-traced)", () => {
    const { final, log } = simulate(white3(), 5);
    assert.deepEqual(
      log.map((r) => r.to),
      [
        [1, 2],
        [2, 2],
        [2, 1],
        [1, 1],
        [1, 0],
      ],
    );
    assert.deepEqual(final.ant, { x: 1, y: 0, direction: "left" });
    // Step 5 flips (1,1) back to white; (1,2), (2,2), (2,1) stay black.
    assert.deepEqual(final.grid, [
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 1],
    ]);
  });

  test("moving off the edge wraps around", () => {
    const { final } = simulate(
      {
        grid: [
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
        ],
        ant: { x: 0, y: 2, direction: "up" },
      },
      1,
    );
    assert.deepEqual(final.ant, { x: 0, y: 0, direction: "right" });
    const back = simulate(
      {
        grid: [
          [1, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
        ],
        ant: { x: 0, y: 0, direction: "right" },
      },
      1,
    ).final;
    assert.deepEqual(back.ant, { x: 2, y: 0, direction: "up" });
  });

  test("simulation does not modify the input state", () => {
    const s = white3();
    simulate(s, 4);
    assert.deepEqual(s, white3());
  });
});

describe("langton ant tasks", () => {
  const rng = createRng(7);
  test("position question's answer option describes the ant", () => {
    const q = antPosition.generate({ state: white3(), rng, plotLevel: "Easy" });
    assert.ok(q?.options);
    const i = String(q.answer).charCodeAt(0) - 65;
    assert.equal(q.options[i], `${q.answer}: Position (1, 1), facing up`);
    assert.equal(new Set(q.options).size, q.options.length);
  });

  test("after-steps answer equals the simulated ant", () => {
    const q = antAfterSteps.generate({ state: white3(), rng, plotLevel: "Easy" });
    const steps = Number(/After (\d+) steps/.exec(q?.question ?? "")?.[1]);
    const { final } = simulate(white3(), steps);
    const i = String(q?.answer).charCodeAt(0) - 65;
    assert.ok(
      String(q?.options?.[i]).endsWith(
        `Position (${final.ant.x}, ${final.ant.y}), facing ${final.ant.direction}`,
      ),
    );
  });

  test("flip count of the centre cell in 5 steps is 2 (hand-traced)", () => {
    const r = cellFlips.conform?.({
      sample: {
        question: "After 5 steps, how many times did the cell at position (1, 1) change its color?",
      } as never,
      state: white3(),
    });
    assert.deepEqual(r, { answer: 2 });
    const q = cellFlips.generate({ state: white3(), rng, plotLevel: "Easy" });
    assert.equal(typeof q?.answer, "number");
  });
});
