import assert from "node:assert/strict";
import { describe, test } from "node:test";
import tents from "../../../src/gameqa/games/tents/index.js";
import {
  cellsNextToTrees,
  checkNewTent,
  colTarget,
  rowTarget,
  validNewTents,
} from "../../../src/gameqa/games/tents/logic.js";
import { generateState, TENTS_LEVELS, type TentsState } from "../../../src/gameqa/games/tents/state.js";
import {
  cellsByRules13,
  missingInColumn,
  missingInGrid,
  newTentCells,
  tentsInRowAnswer,
} from "../../../src/gameqa/games/tents/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { buildSample } from "../../../src/gameqa/sample.js";
import type { AnyGame } from "../../../src/gameqa/types.js";
import { expectDeterministic, expectFullConformance, expectPng, LEVELS } from "./game-checks.js";

/*
 * 5x5 by hand (T tree, X tent shown, o tent removed from the picture):
 *   row 0:  T X . . .
 *   row 1:  . . . T .
 *   row 2:  . . . o .
 *   row 3:  T . . . .
 *   row 4:  o . . . .
 */
const HAND: TentsState = {
  size: [5, 5],
  tree_positions: [
    [0, 0],
    [1, 3],
    [3, 0],
  ],
  tent_positions: [[0, 1]],
  removed_tents: [
    [2, 3],
    [4, 0],
  ],
};
const task = (id: number) => tents.tasks.find((t) => t.id === id) as (typeof tents.tasks)[number];

describe("tents rules", () => {
  test("targets count shown and removed tents", () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((r) => rowTarget(HAND, r)),
      [1, 0, 1, 0, 1],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((c) => colTarget(HAND, c)),
      [1, 1, 0, 1, 0],
    );
  });

  test("cells next to trees (rules 1 and 3), tents included", () => {
    // (0,0): (0,1) (1,0); (1,3): (1,4) (1,2) (0,3) (2,3); (3,0): (3,1) (2,0) (4,0).
    assert.equal(cellsNextToTrees(HAND).length, 9);
    assert.equal(cellsByRules13(HAND).answer, 9);
  });

  test("new tent checks in the original's order", () => {
    assert.deepEqual(checkNewTent(HAND, [0, 0]), { ok: false, reason: "a tree already stands there" });
    assert.deepEqual(checkNewTent(HAND, [0, 1]), { ok: false, reason: "a tent already stands there" });
    assert.match(String((checkNewTent(HAND, [2, 2]) as { reason: string }).reason), /no tree/);
    assert.match(
      String((checkNewTent(HAND, [1, 0]) as { reason: string }).reason),
      /touches the tent at \(0, 1\)/,
    );
    // (1,4) is next to the tree (1,3) and touches no tent, but row 1 needs no tent.
    assert.match(
      String((checkNewTent(HAND, [1, 4]) as { reason: string }).reason),
      /row 1 already has all 0/,
    );
    // (3,1) is next to (3,0) but row 3 is full (target 0).
    assert.deepEqual(validNewTents(HAND), [
      [2, 0],
      [2, 3],
      [4, 0],
    ]);
    // (0,3): row 0 already has its 1 tent.
    assert.equal(checkNewTent(HAND, [0, 3]).ok, false);
  });

  test("fill-in answers", () => {
    assert.equal(tentsInRowAnswer(HAND, 0).answer, 1);
    assert.equal(tentsInRowAnswer(HAND, 2).answer, 0);
    assert.equal(missingInColumn(HAND, 0).answer, 1);
    assert.equal(missingInColumn(HAND, 1).answer, 0);
    assert.equal(missingInGrid(HAND).answer, 2);
    assert.equal(newTentCells(HAND).answer, 3);
  });

  test("generator: the original's sizes, non-touching tents next to trees, removed tents still placeable", () => {
    for (const level of LEVELS) {
      const { side, trees, removed } = TENTS_LEVELS[level];
      for (let i = 0; i < 10; i++) {
        const s = generateState(createRng(i), level);
        assert.deepEqual(s.size, [side, side]);
        assert.equal(s.tree_positions.length, trees);
        assert.equal(s.removed_tents.length, removed);
        const all = [...s.tent_positions, ...s.removed_tents];
        assert.equal(all.length, trees);
        for (const [i1, a] of all.entries()) {
          assert.ok(cellsNextToTrees(s).some((p) => p[0] === a[0] && p[1] === a[1]));
          for (const b of all.slice(i1 + 1))
            assert.ok(Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1])) > 1);
        }
        for (const p of s.removed_tents) assert.equal(checkNewTent(s, p).ok, true);
      }
    }
  });
});

describe("tents tasks", () => {
  test("multiple choice: [row, col] options, exactly one right, 1-based answer", () => {
    const rng = createRng(5);
    for (let i = 0; i < 20; i++) {
      const s = generateState(rng, "Medium");
      for (const id of [8, 9]) {
        const q = task(id).generate({ state: s, rng, plotLevel: "Medium" });
        if (!q) throw new Error("no question");
        const options = q.options as number[][];
        assert.equal(options.length, 8);
        const right = options.filter((p) =>
          id === 8
            ? s.tree_positions.some((t) => t[0] === p[0] && t[1] === p[1])
            : checkNewTent(s, p as [number, number]).ok,
        );
        assert.equal(right.length, 1);
        assert.deepEqual(options[(q.answer as number) - 1], right[0]);
        for (const [k, p] of options.entries())
          assert.ok(q.question.includes(`${k + 1}: (${p[0]}, ${p[1]})`));
      }
    }
  });

  test("state parsing names the field", () => {
    assert.throws(() => tents.parseState({ ...HAND, size: [5] }, "t.json"), /t\.json: field "size"/);
    assert.throws(
      () => tents.parseState({ ...HAND, tent_positions: [[9, 0]] }, "t.json"),
      /t\.json: field "tent_positions"\[0\]/,
    );
  });
});

describe("tents engine checks", () => {
  test("conformance with the published examples (21 samples)", (t) => {
    expectFullConformance(t, tents, "tents_dataset_example", 21);
  });

  test("generated samples recompute to their answers", () => {
    for (const t of tents.tasks) {
      for (const plotLevel of LEVELS) {
        for (let index = 0; index < 4; index++) {
          const game = tents as unknown as AnyGame;
          const { sample, stateJson } = buildSample(
            game,
            { game: "tents", taskId: t.id, plotLevel, index },
            11,
            false,
          );
          const state = tents.parseState(JSON.parse(stateJson), "generated");
          const r = t.conform?.({ sample, state });
          assert.ok(r && !("skip" in r), sample.data_id);
          assert.equal(String(r.answer), String(sample.answer), sample.data_id);
          assert.equal(sample.qa_type, t.qaType);
        }
      }
    }
  });
  test("deterministic output", () => expectDeterministic(tents));
  test("PNG at 540x540 (the original's are 533-545 square)", () => expectPng(tents, HAND, 540, 540));
});
