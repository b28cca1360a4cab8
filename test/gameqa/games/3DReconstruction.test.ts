import assert from "node:assert/strict";
import { describe, test } from "node:test";
import reconstruction from "../../../src/gameqa/games/3DReconstruction/index.js";
import {
  generatePuzzle,
  isConnected,
  isValidAddition,
  matrixText,
  minimalAddition,
  projections,
  topDown,
  type Voxel,
} from "../../../src/gameqa/games/3DReconstruction/logic.js";
import type { ReconstructionState } from "../../../src/gameqa/games/3DReconstruction/state.js";
import {
  countVoxels,
  fewestVoxels,
  projectionAfter,
  projectionMatch,
} from "../../../src/gameqa/games/3DReconstruction/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectPng, expectRoundTrips } from "./game-checks.js";

// Start (2,2,1); targets: front view lights (y,z) = (2,1),(2,2); side view lights (x,z) = (1,1),(2,1),(3,1),(3,2).
const TARGET = {
  yz: [
    [0, 1, 0],
    [0, 1, 0],
    [0, 0, 0],
  ],
  xz: [
    [1, 1, 1],
    [0, 0, 1],
    [0, 0, 0],
  ],
};
const state = (voxels: Array<[number, number, number]>, remaining = 3): ReconstructionState => ({
  voxel_positions: voxels,
  target_yz_projection: TARGET.yz,
  target_xz_projection: TARGET.xz,
  remaining_voxels: remaining,
  structure: "current",
});
const START = state([[2, 2, 1]]);
const SOLUTION: Voxel[] = [
  [1, 2, 1],
  [3, 2, 1],
  [3, 2, 2],
];
const task = (id: number) =>
  reconstruction.tasks.find((t) => t.id === id) as (typeof reconstruction.tasks)[number];

describe("3D reconstruction rules", () => {
  test("connectivity and projections", () => {
    assert.equal(
      isConnected([
        [1, 1, 1],
        [1, 1, 3],
      ]),
      false,
    );
    assert.equal(
      isConnected([
        [1, 1, 1],
        [1, 1, 2],
        [1, 1, 3],
      ]),
      true,
    );
    assert.equal(isConnected([]), false);
    const p = projections([[2, 2, 1], ...SOLUTION]);
    assert.deepEqual(p, TARGET);
    assert.equal(matrixText(topDown(p.xz)), "[[0, 0, 0], [0, 0, 1], [1, 1, 1]]");
  });

  test("the fewest additions (hand count: x = 1 and both x = 3 cells are forced)", () => {
    assert.deepEqual(minimalAddition([[2, 2, 1]], TARGET, 3)?.added, SOLUTION);
    assert.equal(minimalAddition([[2, 2, 1]], TARGET, 2), null);
    assert.deepEqual(minimalAddition([[2, 2, 1], ...SOLUTION], TARGET, 0)?.added, []);
    // A front-view cell at z = 3 with nothing lit at z = 3 in the side view cannot be reached.
    const impossible = {
      yz: [
        [0, 1, 0],
        [0, 0, 0],
        [0, 0, 1],
      ],
      xz: [
        [0, 1, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    };
    assert.equal(minimalAddition([[2, 2, 1]], impossible, 27), null);
  });

  test("valid additions respect limit, connectivity and the chosen views", () => {
    assert.equal(isValidAddition([[2, 2, 1]], SOLUTION, TARGET, 3, "both"), true);
    assert.equal(isValidAddition([[2, 2, 1]], SOLUTION, TARGET, 2, "both"), false);
    assert.equal(
      isValidAddition(
        [[2, 2, 1]],
        [
          [1, 2, 1],
          [3, 2, 2],
        ],
        TARGET,
        3,
        "yz",
      ),
      false,
    );
    // The front view alone is already matched by one voxel on top.
    assert.equal(isValidAddition([[2, 2, 1]], [[2, 2, 2]], TARGET, 3, "yz"), true);
    assert.equal(isValidAddition([[2, 2, 1]], [[2, 2, 2]], TARGET, 3, "xz"), false);
  });

  test("generated puzzles: connected target with a bottom voxel, connected start inside it", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { target, current } = generatePuzzle(createRng(seed), 9, 5);
      assert.equal(target.length, 9);
      assert.ok(isConnected(target) && isConnected(current));
      assert.ok(target.some((v) => v[2] === 1));
      assert.ok(current.every((c) => target.some((t) => t.join() === c.join())));
    }
  });
});

describe("3D reconstruction tasks", () => {
  test("count, match, projection after adding, fewest voxels", () => {
    assert.equal(countVoxels(START).answer, "1");
    assert.equal(projectionMatch(START).answer, "1");
    assert.equal(
      projectionMatch(
        state([
          [2, 2, 1],
          [2, 2, 2],
        ]),
      ).answer,
      "2",
    );
    assert.equal(
      projectionMatch(
        state([
          [1, 2, 1],
          [2, 2, 1],
          [3, 2, 1],
          [3, 1, 1],
          [3, 1, 2],
        ]),
      ).answer,
      "3",
    );
    assert.equal(
      projectionMatch(state([[2, 2, 1], ...SOLUTION] as Array<[number, number, number]>)).answer,
      "4",
    );
    assert.equal(projectionAfter(START, [[1, 2, 1]], "X-Z").answer, "[[0, 0, 0], [0, 0, 0], [1, 1, 0]]");
    assert.equal(projectionAfter(START, [[2, 2, 2]], "Y-Z").answer, "[[0, 0, 0], [0, 1, 0], [0, 1, 0]]");
    assert.equal(fewestVoxels(START)?.answer, "3");
  });

  test("position and addition questions name exactly the right option", () => {
    const rng = createRng(6);
    const pos = task(1).generate({ state: START, rng, plotLevel: "Easy" });
    assert.equal(pos?.options?.[Number(pos.answer) - 1], "(2, 2, 1)");
    assert.equal(pos?.options?.length, 6);
    const add = task(4).generate({ state: START, rng, plotLevel: "Easy" });
    assert.equal(add?.options?.[Number(add.answer) - 1], "Add voxels at [(1, 2, 1), (3, 2, 1), (3, 2, 2)]");
    // Questions about the puzzle need the start structure.
    assert.equal(
      task(5).generate({ state: { ...START, structure: "solution" }, rng, plotLevel: "Easy" }),
      null,
    );
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => reconstruction.parseState({ ...START, voxel_positions: [[0, 1, 1]] }, "r.json"),
      /r\.json: voxel_positions\[0\]/,
    );
    assert.throws(
      () => reconstruction.parseState({ ...START, target_xz_projection: [[1, 0]] }, "r.json"),
      /target_xz_projection/,
    );
  });
});

describe("3D reconstruction engine checks", () => {
  test("conformance with the published examples (18 samples)", (t) => {
    expectFullConformance(t, reconstruction, "reconstruction_dataset_example", 18);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(reconstruction, 3));
  test("deterministic output", () => expectDeterministic(reconstruction));
  test("PNG size", () => expectPng(reconstruction, START, 620, 520));
});
