import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { makeCamera, projectPolygon } from "../../../src/gameqa/games/minecraft/camera.js";
import minecraft from "../../../src/gameqa/games/minecraft/index.js";
import { climbBlocks, riverClimbBlocks } from "../../../src/gameqa/games/minecraft/logic.js";
import { renderScene } from "../../../src/gameqa/games/minecraft/render.js";
import { drawScene, riverCells, type Scene } from "../../../src/gameqa/games/minecraft/scene.js";
import { kindOf, levelOf, parseState } from "../../../src/gameqa/games/minecraft/state.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import { UserError } from "../../../src/util/errors.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

const task = (id: number) => minecraft.tasks.find((t) => t.id === id) as (typeof minecraft.tasks)[number];

describe("minecraft rules", () => {
  test("blocks to climb: none on the ground, with ladders or one block up; n - 1 otherwise", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((n) => climbBlocks(n, false)),
      [0, 0, 1, 2, 3],
    );
    assert.equal(climbBlocks(4, true), 0);
    assert.equal(riverClimbBlocks(3, false, 4, false), 6);
    assert.equal(riverClimbBlocks(3, true, 4, false), 3);
  });
  test("river cells: the original's width offsets", () => {
    const widths = (w: number) =>
      [...new Set(riverCells({ axis: "x", at: 0, width: w, grid: true }).map((c) => c[2]))].sort();
    assert.deepEqual(widths(1), [0]);
    assert.deepEqual(widths(2), [0, 1]);
    assert.deepEqual(widths(3), [-1, 0, 1]);
    assert.deepEqual(widths(4), [-1, 0, 1, 2]);
  });
  test("scenes of every kind land on the plot level asked for", () => {
    for (const kind of ["scenery", "cubes", "river", "climb", "river_climb"] as const) {
      for (const level of LEVELS) {
        const s = drawScene(createRng(5), kind, level);
        assert.equal(kindOf(s), kind);
        assert.equal(levelOf(s), level, `${kind} ${level}`);
        assert.ok(s.scene && s.scene.voxels.length > 0);
      }
    }
  });
  test("river + climb: the tower stands on the side the state says", () => {
    for (let i = 0; i < 30; i++) {
      const s = drawScene(createRng(100 + i), "river_climb", LEVELS[i % 3] ?? "Easy");
      const w = s.river_width ?? 0;
      const z = s.pumkin_position?.[2] ?? 0;
      const riverZ = [...new Set(riverCells({ axis: "x", at: 0, width: w, grid: true }).map((c) => c[2]))];
      assert.ok(!riverZ.includes(z));
      assert.equal(z < Math.min(...riverZ), s.player_pumpkin_same_side);
      assert.ok((s.player_position?.[2] ?? 0) < Math.min(...riverZ));
    }
  });
  test("parseState tells the kinds apart and names the field at fault", () => {
    assert.equal(kindOf(parseState({ x_blocks: 2, y_blocks: 1, z_blocks: 3 }, "s.json")), "cubes");
    assert.throws(() => parseState({ x_blocks: 2, y_blocks: 1 }, "s.json"), /s\.json.*z_blocks/);
    assert.throws(
      () => parseState({ sceneries: ["dragon"] }, "s.json"),
      (e: Error) => e instanceof UserError && /sceneries/.test(e.message),
    );
    assert.throws(() => parseState({}, "s.json"), UserError);
  });
});

describe("minecraft picture", () => {
  test("a nearer cube hides a farther one: drawn later, over it", () => {
    const scene: Scene = {
      sky: false,
      ground: null,
      voxels: [
        { p: [0, 0, 0], kind: "cube", color: "#ff0000" },
        { p: [0, 0, 3], kind: "cube", color: "#0000ff" },
      ],
      camera: { eye: [0, 2, 12], target: [0, 0, 0] },
    };
    const fills = [...renderScene(scene).matchAll(/<polygon[^>]* fill="#([0-9a-f]{6})"/g)].map(
      (m) => m[1] as string,
    );
    const red = fills.flatMap((f, k) => (f.endsWith("0000") ? [k] : []));
    const blue = fills.flatMap((f, k) => (f.startsWith("0000") ? [k] : []));
    // The blue cube is nearer the eye (z = 12): all its faces come after the red ones.
    assert.ok(red.length > 0 && blue.length > 0);
    assert.ok(Math.max(...red) < Math.min(...blue));
  });
  test("hidden faces between neighbouring cubes are not drawn", () => {
    const one: Scene = {
      sky: false,
      ground: null,
      voxels: [{ p: [0, 0, 0], kind: "cube", color: "#808080" }],
      camera: { eye: [6, 8, 7], target: [0, 0, 0] },
    };
    const two: Scene = { ...one, voxels: [...one.voxels, { p: [1, 0, 0], kind: "cube", color: "#808080" }] };
    const faces = (s: Scene) => (renderScene(s).match(/<polygon/g) ?? []).length;
    assert.equal(faces(one), 3);
    assert.equal(faces(two), 5); // two tops, two z sides, one x side: the shared face is gone
  });
  test("points behind the eye are clipped, not projected", () => {
    const cam = makeCamera([0, 5, 0], [0, 0, 10]);
    const px = projectPolygon(cam, [
      [-5, 0, -20],
      [5, 0, -20],
      [5, 0, 20],
      [-5, 0, 20],
    ]);
    assert.ok(px?.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  });
});

describe("minecraft tasks", () => {
  test("scenery recognition picks the option with the same names, in any order", () => {
    const r = task(1).conform?.({
      sample: {
        question: "",
        options: ["Brick, TNT, Lava", "Lava, River, TNT"],
        answer: 0,
      } as unknown as GameQASample,
      state: parseState({ sceneries: ["river", "TNT", "lava"] }, "s.json"),
    });
    assert.deepEqual(r, { answer: 2 });
  });
  test("each task answers only on its own kind of scene", () => {
    const s = drawScene(createRng(9), "cubes", "Medium");
    const q = task(2).generate({ state: s, rng: createRng(1), plotLevel: "Medium" });
    assert.ok(q && "answer" in q && q.answer === (s.x_blocks ?? 0) * (s.y_blocks ?? 0) * (s.z_blocks ?? 0));
    const other = task(3).generate({ state: s, rng: createRng(1), plotLevel: "Medium" });
    assert.ok(other && "skip" in other);
  });
});

describe("minecraft samples", () => {
  test("published examples conform", (t) =>
    expectFullConformance(t, minecraft, "minecraft_dataset_example", 30));
  test("generated samples recompute to their answers", () => expectRoundTrips(minecraft, 2));
  test("deterministic output", () => expectDeterministic(minecraft));
  test("PNG at the published 738x415", () =>
    expectPng(minecraft, drawScene(createRng(2), "climb", "Hard"), 738, 415));
});
