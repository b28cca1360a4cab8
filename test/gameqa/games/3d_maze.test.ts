import assert from "node:assert/strict";
import { describe, test } from "node:test";
import maze3d from "../../../src/gameqa/games/3d_maze/index.js";
import {
  GRID,
  growPath,
  heightRelation,
  key,
  midpoint,
  orderedCubes,
  type Pos,
  type Segment,
  unkey,
} from "../../../src/gameqa/games/3d_maze/logic.js";
import { fromAnalysis, fromOptionsOnly } from "../../../src/gameqa/games/3d_maze/published.js";
import {
  generateState,
  type MazeKind,
  type MazeState,
  parseState,
} from "../../../src/gameqa/games/3d_maze/state.js";
import { branchChoices, labelsOnMainPath } from "../../../src/gameqa/games/3d_maze/tasks.js";
import { readDataset } from "../../../src/gameqa/io.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import { SHARED_MISSING, sharedPath } from "../../helpers/shared.js";
import { expectDeterministic, expectPng, expectRoundTrips } from "./game-checks.js";

const walk = (start: Pos, end: Pos): Segment => ({ start, end, type: "walk" });
const ladder = (start: Pos): Segment => ({ start, end: [start[0], start[1], start[2] + 3], type: "ladder" });

// Start (7,7,0) -> walk -x to (5,7,0) -> ladder to (5,7,3) -> walk -y to (5,5,3). Dead end at (7,7,0) going -y.
const MAIN: Segment[] = [walk([7, 7, 0], [5, 7, 0]), ladder([5, 7, 0]), walk([5, 7, 3], [5, 5, 3])];
const SIDE: Segment[] = [walk([7, 7, 0], [7, 5, 0])];

function handState(kind: MazeKind, labels: Array<[Pos, number]>): MazeState {
  const cubes = new Set<number>();
  for (const seg of [...MAIN, ...SIDE]) {
    cubes.add(key(seg.start));
    const m = midpoint(seg);
    if (m) cubes.add(key(m));
    cubes.add(key(seg.end));
  }
  return parseState(
    {
      kind,
      grid_size: GRID,
      cubes: [...cubes].map(unkey),
      start_pos: [7, 7, 0],
      goal_pos: [5, 5, 3],
      ladders: [{ base_pos: [5, 7, 0], direction: "+x", height: 3 }],
      path: MAIN,
      branches: [{ pos: [7, 7, 0], branch_id: 1, path: SIDE }],
      labels: labels.map(([pos, label]) => ({ pos, label })),
    },
    "hand",
  );
}

const task = (id: number) => maze3d.tasks.find((t) => t.id === id) as (typeof maze3d.tasks)[number];
const sampleWith = (id: number, options: string[]): GameQASample => ({
  data_id: "x",
  qa_type: task(id).qaType,
  question_id: id,
  question_description: task(id).description,
  image: "",
  state: "",
  plot_level: "Easy",
  qa_level: "Easy",
  question: "",
  answer: 1,
  analysis: "",
  options,
});

describe("3d_maze rules", () => {
  test("ordered cubes include each walk's middle cube", () => {
    assert.deepEqual(orderedCubes(MAIN), [
      [7, 7, 0],
      [6, 7, 0],
      [5, 7, 0],
      [5, 7, 3],
      [5, 6, 3],
      [5, 5, 3],
    ]);
  });

  test("height relation groups equal heights and sorts labels", () => {
    assert.equal(
      heightRelation([
        { label: 2, z: 3 },
        { label: 1, z: 3 },
        { label: 3, z: 0 },
      ]),
      "3 < 1 = 2",
    );
    assert.equal(
      heightRelation([
        { label: 1, z: 6 },
        { label: 2, z: 0 },
        { label: 3, z: 3 },
      ]),
      "2 < 3 < 1",
    );
  });

  test("grown paths stay in the grid band and side paths keep clear of other cubes", () => {
    for (let seed = 0; seed < 200; seed++) {
      const rng = createRng(seed);
      const cubes = new Set<number>();
      const main = growPath(rng, [7, 7, 0], cubes, 5, 7, false);
      assert.ok(main.length >= 3);
      for (const s of main) {
        assert.ok(s.end.every((v, i) => v >= 0 && v < (GRID[i] as number)));
        assert.ok(s.type === "ladder" ? s.end[2] - s.start[2] === 3 : s.end[2] === s.start[2]);
      }
      const before = new Set(cubes);
      const side = growPath(rng, main[1]?.end as Pos, cubes, 1, 2, true);
      for (const s of side)
        for (let dx = -1; dx <= 1; dx++)
          for (let dy = -1; dy <= 1; dy++)
            for (let dz = -1; dz <= 1; dz++)
              if (dx || dy || dz) assert.ok(!before.has(key([s.end[0] + dx, s.end[1] + dy, s.end[2] + dz])));
    }
  });

  test("generated boards fall in the plot level's cube band and carry enough labels", () => {
    const band = { Easy: [1, 14], Medium: [15, 24], Hard: [25, 999] } as const;
    for (const level of ["Easy", "Medium", "Hard"] as const) {
      for (let seed = 0; seed < 30; seed++) {
        const s = generateState(createRng(seed * 7 + 1), level);
        assert.ok(
          s.cubes.length >= band[level][0] && s.cubes.length <= band[level][1],
          `${level} ${s.cubes.length}`,
        );
        assert.ok(s.labels.length >= 3);
      }
    }
  });

  test("parseState names the file and field", () => {
    assert.throws(() => parseState({ kind: "path_finding", path: [] }, "s.json"), /s\.json.*path/);
    assert.throws(() => parseState({ kind: "nope" }, "s.json"), /s\.json.*"kind"/);
  });
});

describe("3d_maze tasks on a hand-built board", () => {
  test("path finding: main way at each branch", () => {
    const s = handState("path_finding", [[[7, 7, 0], 1]]);
    assert.deepEqual(branchChoices(s), [{ id: 1, main: "right-forward", side: "left-forward" }]);
    const r = task(0).conform?.({ sample: sampleWith(0, ["1-left-forward", "1-right-forward"]), state: s });
    assert.deepEqual(r, { answer: 2 });
  });

  test("sequence: checkpoints in walking order", () => {
    const s = handState("sequence_finding", [
      [[5, 5, 3], 1],
      [[6, 7, 0], 2],
      [[5, 7, 3], 3],
    ]);
    const r = task(1).conform?.({
      sample: sampleWith(1, ["Start -> 1 -> 2 -> 3 -> Goal", "Start -> 2 -> 3 -> 1 -> Goal"]),
      state: s,
    });
    assert.deepEqual(r, { answer: 2 });
  });

  test("heights: levels of the labelled cubes", () => {
    const s = handState("height_comparison", [
      [[5, 5, 3], 1],
      [[6, 7, 0], 2],
      [[5, 7, 3], 3],
    ]);
    const r = task(2).conform?.({ sample: sampleWith(2, ["1 < 2 = 3", "2 < 1 = 3"]), state: s });
    assert.deepEqual(r, { answer: 2 });
  });

  test("main path: a block on the dead end is not passed", () => {
    const s = handState("main_path", [
      [[7, 5, 0], 1],
      [[5, 7, 3], 2],
      [[5, 5, 3], 3],
    ]);
    assert.deepEqual(labelsOnMainPath(s), [2, 3]);
    const r = task(3).conform?.({ sample: sampleWith(3, ["Blocks 1, 2", "2, 3", "None"]), state: s });
    assert.deepEqual(r, { answer: 2 });
  });

  test("a task refuses boards made for another question", () => {
    const s = handState("main_path", [[[7, 5, 0], 1]]);
    assert.equal(task(0).generate({ state: s, rng: createRng(1), plotLevel: "Easy" }), null);
  });
});

describe("3d_maze rendering", () => {
  test("540 x 540 PNG like the original", () => {
    expectPng(maze3d, handState("path_finding", [[[7, 7, 0], 1]]), 540, 540);
  });

  test("painter's order: the nearer cube's faces come after the farther cube's", () => {
    const svg = maze3d.renderSvg(handState("path_finding", [[[7, 7, 0], 1]]));
    const fills = [...svg.matchAll(/<polygon[^>]*fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    // Goal (5,5,3) is behind start (7,7,0), which is behind the upper ladder cube (5,7,3) drawn last.
    assert.ok(fills.lastIndexOf("#ff6969") < fills.indexOf("#6969ff"));
    assert.ok(fills.lastIndexOf("#6969ff") < fills.length - 1);
    assert.equal(fills[0], "#ebebeb");
  });
});

describe("3d_maze generation", () => {
  test("round trips through the conform hooks", () => expectRoundTrips(maze3d, 3));
  test("deterministic", () => expectDeterministic(maze3d));
});

describe("3d_maze published examples (no states/ in the folder)", () => {
  test("every answer follows from the facts in its analysis", (t) => {
    const dir = sharedPath("data", "code2logic", "3d_maze", "3d_maze_dataset_example");
    if (!dir) {
      t.skip(SHARED_MISSING);
      return;
    }
    const { samples } = readDataset(dir);
    assert.equal(samples.length, 15);
    for (const s of samples) assert.deepEqual(fromAnalysis(s), { answer: s.answer }, s.data_id);
    // Four-branch path_finding questions are decided by their options alone.
    const four = samples.filter((s) => s.question_id === 0 && "answer" in fromOptionsOnly(s));
    assert.equal(four.length, 2);
    for (const s of four) assert.deepEqual(fromOptionsOnly(s), { answer: s.answer }, s.data_id);
  });
});
