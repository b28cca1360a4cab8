import assert from "node:assert/strict";
import { describe, test } from "node:test";
import spaceInvaders from "../../../src/gameqa/games/space_invaders/index.js";
import {
  bestTwoShots,
  borderGaps,
  driftColumns,
  shotPoints,
  target,
} from "../../../src/gameqa/games/space_invaders/logic.js";
import type { Enemy, SpaceInvadersState } from "../../../src/gameqa/games/space_invaders/state.js";
import {
  bestSingleShot,
  countAll,
  countColumn,
  countRow,
  driftVolley,
  moveAndShoot,
  shootHere,
  twoShots,
} from "../../../src/gameqa/games/space_invaders/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

const E = (x: number, y: number, color: Enemy["color"]): Enemy => ({ x, y, color });
// Column 2: purple/blue/green (rows 1-3); column 3: purple/blue; column 4: purple. Ship under column 2.
const STATE: SpaceInvadersState = {
  enemy_rows: 3,
  enemy_cols: 3,
  enemy_area_rows: 5,
  total_cols: 6,
  ship_col: 2,
  enemies: [
    E(1, 2, "purple"),
    E(2, 2, "blue"),
    E(3, 2, "green"),
    E(1, 3, "purple"),
    E(2, 3, "blue"),
    E(1, 4, "purple"),
  ],
};

describe("space invaders rules", () => {
  test("a shot hits the lowest enemy of its column", () => {
    assert.deepEqual(target(STATE, 2), E(3, 2, "green"));
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((c) => shotPoints(STATE, c)),
      [0, 10, 20, 30, 0],
    );
    assert.deepEqual(borderGaps(STATE), { left: 1, right: 2 });
  });

  test("drifting enemies bring other columns over the ship", () => {
    assert.deepEqual(driftColumns(STATE, "left", 2), [2, 3, 4]);
    // Drifting right, the third shot would meet column 0, which does not exist.
    assert.deepEqual(driftColumns(STATE, "right", 2), [2, 1]);
  });

  test("two shots: same column vs two columns", () => {
    assert.equal(bestTwoShots(STATE).sameColumn.points, 50);
    assert.equal(bestTwoShots(STATE).twoColumns.points, 50);
    const stack: SpaceInvadersState = {
      ...STATE,
      enemies: [E(1, 1, "purple"), E(2, 1, "green"), E(1, 2, "blue")],
    };
    const plan = bestTwoShots(stack);
    assert.deepEqual([plan.sameColumn.points, plan.twoColumns.points, plan.best], [40, 30, 40]);
  });
});

describe("space invaders tasks", () => {
  test("hand-counted answers", () => {
    assert.equal(countColumn(STATE, 2).value, 3);
    assert.equal(countColumn(STATE, 5).value, 0);
    assert.equal(countRow(STATE, 1).value, 3);
    assert.equal(countAll(STATE).value, 6);
    assert.deepEqual(
      ["purple", "blue", "green"].map((c) => countAll(STATE, c as Enemy["color"]).value),
      [3, 2, 1],
    );
    assert.equal(shootHere(STATE).value, 10);
    assert.equal(moveAndShoot(STATE, 4).value, 30);
    assert.equal(driftVolley(STATE, "left", 2).value, 60);
    assert.equal(driftVolley(STATE, "right", 2).value, 10);
    assert.equal(bestSingleShot(STATE).value, 30);
    assert.match(bestSingleShot(STATE).analysis, /column 4\./);
    assert.equal(twoShots(STATE).value, 50);
  });

  test("fill-in and multiple-choice variants", () => {
    const rng = createRng(2);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const q = spaceInvaders.tasks
        .find((t) => t.id === 3)
        ?.generate({ state: STATE, rng, plotLevel: "Easy" });
      if (!q) throw new Error("no question");
      if (q.options) {
        seen.add("mc");
        assert.equal(q.options[Number(q.answer) - 1], 6);
        assert.equal(q.options.length, 8);
      } else {
        seen.add("fill");
        assert.equal(q.answer, 6);
      }
    }
    assert.deepEqual([...seen].sort(), ["fill", "mc"]);
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => spaceInvaders.parseState({ ...STATE, enemies: [{ x: 1, y: 1, color: "red" }] }, "s.json"),
      /s\.json: enemies\[0\].*color/,
    );
    assert.throws(() => spaceInvaders.parseState({ ...STATE, ship_col: 9 }, "s.json"), /ship_col/);
  });
});

describe("space invaders engine checks", () => {
  test("conformance with the published examples (100 samples)", (t) => {
    expectFullConformance(t, spaceInvaders, "space_invaders_dataset_example", 100);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(spaceInvaders, 4));
  test("deterministic output", () => expectDeterministic(spaceInvaders));
  test("PNG scaled like the original (at most 640x480 in area)", () => {
    // 6 columns: 460 x 390 fits; 15 columns x 8 rows: 1090 x 555 is scaled by sqrt(307200 / 604950).
    expectPng(spaceInvaders, STATE, 460, 390);
    const wide: SpaceInvadersState = { ...STATE, total_cols: 15, enemy_area_rows: 8 };
    const s = Math.sqrt((640 * 480) / (1090 * 555));
    expectPng(spaceInvaders, wide, Math.round(1090 * s), Math.round(555 * s));
  });
});
