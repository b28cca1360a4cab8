import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { colourName, pieceColourName, pieceRgb } from "../../../src/gameqa/games/tangram/colours.js";
import tangram from "../../../src/gameqa/games/tangram/index.js";
import {
  applyView,
  assignCells,
  cellContacts,
  type Mask,
  maskOf,
  neighbours,
  rotate,
  rotationPhrase,
  sourceCell,
  testTurns,
  validTurns,
} from "../../../src/gameqa/games/tangram/logic.js";
import { analysePlacement, placementWorks } from "../../../src/gameqa/games/tangram/placement.js";
import { fromAnalysis } from "../../../src/gameqa/games/tangram/published.js";
import { removedStrip } from "../../../src/gameqa/games/tangram/render.js";
import { rotationAnswer } from "../../../src/gameqa/games/tangram/rotation-task.js";
import {
  generateState,
  pieceMask,
  SIDES,
  type TangramState,
} from "../../../src/gameqa/games/tangram/state.js";
import { adjacencyAnswer, areaAnswer, countAnswer } from "../../../src/gameqa/games/tangram/tasks.js";
import { createRng } from "../../../src/gameqa/rng.js";
import type { GameQASample } from "../../../src/gameqa/types.js";
import {
  expectDeterministic,
  expectFullConformance,
  expectPng,
  expectRoundTrips,
  LEVELS,
} from "./game-checks.js";

const m = (...rows: string[]): Mask => rows.map((r) => [...r].map((ch) => ch === "#"));
const show = (mask: Mask): string[] => mask.map((row) => row.map((v) => (v ? "#" : ".")).join(""));
const task = (id: number) => tangram.tasks.find((t) => t.id === id) as (typeof tangram.tasks)[number];

/*
 * 4x4 board, seeds 1 (0,0), 2 (0,3), 3 (3,0), 4 (3,3): four 2x2 quarters (ties go to the first seed).
 *   1 1 2 2
 *   1 1 2 2
 *   3 3 4 4
 *   3 3 4 4
 */
const QUARTERS: TangramState = {
  grid: [
    [1, 1, 2, 2],
    [1, 1, 2, 2],
    [3, 3, 4, 4],
    [3, 3, 4, 4],
  ],
  seeds: [
    [0, 0],
    [0, 3],
    [3, 0],
    [3, 3],
  ],
  removed_pieces: [],
  config: { grid_size: 4, num_seeds: 4, num_pieces_to_remove: 0 },
};

describe("tangram geometry", () => {
  test("nearest-seed cutting, ties to the first seed", () => {
    assert.deepEqual(assignCells(4, QUARTERS.seeds), QUARTERS.grid);
    // (0,1) is 1 from seed 1 and 1 from seed 2: seed 1 wins.
    assert.deepEqual(
      assignCells(3, [
        [0, 0],
        [0, 2],
      ]),
      [
        [1, 1, 2],
        [1, 1, 2],
        [1, 1, 2],
      ],
    );
  });

  test("clockwise turns, mirror and the cell a turn maps back to", () => {
    const L = m("#.", "#.", "##");
    assert.deepEqual(show(rotate(L, 90)), ["###", "#.."]);
    assert.deepEqual(show(rotate(L, 180)), ["##", ".#", ".#"]);
    assert.deepEqual(show(rotate(L, 270)), ["..#", "###"]);
    assert.deepEqual(show(applyView(L, { flipped: true, rotation: 0 })), [".#", ".#", "##"]);
    // Every cell of a turned piece comes from the drawn cell sourceCell names.
    for (const turn of [0, 90, 180, 270] as const) {
      const t = rotate(L, turn);
      t.forEach((row, r) => {
        row.forEach((v, c) => {
          const [pr, pc] = sourceCell([r, c], turn, 3, 2);
          assert.equal(L[pr]?.[pc], v, `turn ${turn} cell ${r},${c}`);
        });
      });
    }
  });

  test("turns that fill a hole: one, a half-turn pair, all four, none when mirrored", () => {
    const hole = m("#.", "#.", "##");
    assert.deepEqual(validTurns(hole, rotate(hole, 90)), [270]);
    assert.deepEqual(validTurns(hole, applyView(hole, { flipped: true, rotation: 0 })), []);
    assert.deepEqual(validTurns(m("##."), m("##.")), [0]);
    assert.deepEqual(validTurns(m("###"), m("#", "#", "#")), [90, 270]);
    assert.deepEqual(validTurns(m("##", "##"), m("##", "##")), [0, 90, 180, 270]);
    const tests = testTurns(hole, applyView(hole, { flipped: true, rotation: 0 }));
    assert.deepEqual(tests, [
      { turn: 0, mismatch: [0, 0] },
      // Turned half way the mirrored L reads "##", "#.", "#.": the hole's (0,1) is filled.
      { turn: 180, mismatch: [0, 1] },
    ]);
    assert.equal(rotationPhrase([]), "can't put inside (flipped)");
    assert.equal(rotationPhrase([270]), "rotate 90 degrees counterclockwise");
    assert.equal(rotationPhrase([0, 180]), "both rotate 0 and 180 degrees");
    assert.equal(rotationPhrase([0, 90, 180, 270]), "no matter what degrees rotated, it always can fit");
  });

  test("edge contacts, not corners", () => {
    assert.deepEqual(neighbours(QUARTERS.grid, 1), [2, 3]);
    assert.deepEqual(neighbours(QUARTERS.grid, 4), [2, 3]);
    const contacts = cellContacts(QUARTERS.grid, 1);
    assert.equal(contacts.length, 4);
    assert.deepEqual(contacts[3], {
      cell: [1, 1],
      contacts: [
        { dir: "down", at: [2, 1], piece: 3 },
        { dir: "right", at: [1, 2], piece: 2 },
      ],
    });
  });

  test("placement: corner search and the general test agree", () => {
    // Pieces 1 (2x2) and 2 (an L) removed from a 3x3 board whose last row is piece 3.
    const grid = [
      [0, 0, 0],
      [0, 0, 0],
      [3, 3, 0],
    ];
    const first = m("##", "##");
    const second = m("#", "#", "#");
    const p = analysePlacement(grid, first, second);
    assert.ok(p);
    assert.deepEqual(p.valid, ["(0,0) to (1,1)"]);
    assert.deepEqual(
      p.corners.map((c) => c.outcome),
      ["fits", "wrong-rest", "blocked", "blocked"],
    );
    assert.equal(placementWorks(grid, first, second, 0, 0), true);
    assert.equal(placementWorks(grid, first, second, 0, 1), false);
    assert.equal(placementWorks(grid, first, second, 1, 0), false);
  });

  test("colour names as the original's analyses print them", () => {
    assert.deepEqual(pieceRgb(1), [31, 119, 180]);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(pieceColourName), [
      "vivid blue",
      "vivid bright orange",
      "green",
      "vivid bright red",
      "purple",
      "brown",
      "pink",
      "dark gray",
    ]);
    assert.equal(colourName([255, 255, 255]), "white");
    assert.equal(colourName([0, 0, 0]), "black");
  });

  test("generator: the original's sides and piece counts, removals by board kind", () => {
    for (const level of LEVELS) {
      for (let i = 0; i < 30; i++) {
        const s = generateState(createRng(i), level);
        assert.ok(SIDES[level].includes(s.config.grid_size));
        assert.ok(s.config.num_seeds >= 4 && s.config.num_seeds <= 8);
        assert.deepEqual(
          assignCells(s.config.grid_size, s.seeds).map((row) =>
            row.map((v) => (s.removed_pieces.includes(v) ? 0 : v)),
          ),
          s.grid,
        );
        assert.equal(s.config.num_pieces_to_remove, s.removed_pieces.length);
        if (s.removed_view) assert.equal(s.removed_pieces.length, 1);
        assert.equal(new Set(s.removed_pieces).size, s.removed_pieces.length);
        assert.ok(s.removed_pieces.length >= 1 && s.removed_pieces.length <= 3);
      }
    }
  });
});

describe("tangram tasks", () => {
  const removed: TangramState = {
    ...QUARTERS,
    grid: [
      [0, 0, 2, 2],
      [0, 0, 2, 2],
      [3, 3, 4, 4],
      [3, 3, 4, 4],
    ],
    removed_pieces: [1],
    config: { ...QUARTERS.config, num_pieces_to_remove: 1 },
  };

  test("count, area and adjacency on a hand-built board", () => {
    assert.equal(countAnswer(removed).count, 3);
    assert.equal(areaAnswer(removed, 4).area, 4);
    assert.equal(adjacencyAnswer(removed, 2).count, 1);
    assert.equal(adjacencyAnswer(removed, 4).count, 2);
  });

  test("rotation: the drawn piece turned back", () => {
    const hole = maskOf(removed.grid, 0);
    assert.ok(hole);
    const a = rotationAnswer(1, hole.mask, hole.box, pieceMask(removed, 1));
    assert.deepEqual(a.turns, [0, 90, 180, 270]);
  });

  test("multiple choice: distinct options, one right, answer is its number", () => {
    const rng = createRng(3);
    let made = 0;
    for (let i = 0; i < 60; i++) {
      const s = generateState(rng, "Medium");
      for (const t of tangram.tasks) {
        const q = t.generate({ state: s, rng, plotLevel: "Medium" });
        if (!q || "skip" in q) continue;
        made++;
        const options = q.options as string[];
        assert.equal(new Set(options).size, options.length);
        assert.ok(options.length >= 2);
        assert.ok(Number(q.answer) >= 1 && Number(q.answer) <= options.length);
        for (const [k, o] of options.entries()) assert.ok(q.question.includes(`${k + 1}: ${o}`));
      }
    }
    assert.ok(made > 150);
  });

  test("placement distractors never solve the puzzle", () => {
    for (let i = 0; i < 80; i++) {
      const s = generateState(createRng(100 + i), "Hard");
      const q = task(5).generate({ state: s, rng: createRng(i), plotLevel: "Hard" });
      if (!q || "skip" in q) continue;
      const [a, b] = s.removed_pieces as [number, number];
      const first = pieceMask(s, a);
      const second = pieceMask(s, b);
      (q.options as string[]).forEach((o, k) => {
        const [top, left] = (/\((\d+),(\d+)\)/.exec(o) as RegExpExecArray).slice(1).map(Number) as [
          number,
          number,
        ];
        assert.equal(placementWorks(s.grid, first, second, top, left), k + 1 === q.answer, o);
      });
    }
  });

  test("rotation without removed_view (the original's states): the drawing is recovered from the turn tests", () => {
    let checked = 0;
    for (let i = 0; checked < 25 && i < 400; i++) {
      const s = generateState(createRng(500 + i), "Medium");
      if (!s.removed_view) continue;
      const q = task(2).generate({ state: s, rng: createRng(i), plotLevel: "Medium" });
      if (!q || "skip" in q) continue;
      const hole = maskOf(s.grid, 0);
      assert.ok(hole);
      const drawn = applyView(pieceMask(s, s.removed_pieces[0] as number), s.removed_view);
      // The facts in the original's wording: drawn dimensions, then each turn's fit or first mismatch.
      const analysis =
        `   - Piece dimensions: ${drawn.length}x${drawn[0]?.length}\n` +
        testTurns(hole.mask, drawn)
          .map(({ turn, mismatch }) =>
            mismatch
              ? `\n   ${turn}° rotation:\n   - Failed: First mismatch at row ${mismatch[0]}, column ${mismatch[1]} (mapped ...)`
              : `\n   ${turn}° rotation:\n   - Success! Piece fits perfectly`,
          )
          .join("\n");
      const { removed_view: _, ...published } = s;
      const sample = { ...q, analysis, question_id: 2 } as unknown as GameQASample;
      assert.deepEqual(task(2).conform?.({ sample, state: published }), { answer: q.answer });
      checked++;
    }
    assert.equal(checked, 25);
  });

  test("removed pieces drawn side by side, one column apart", () => {
    const strip = removedStrip([
      { id: 1, mask: m("##", "#.") },
      { id: 2, mask: m("#") },
    ]);
    assert.deepEqual(strip, [
      [1, 1, 0, 2],
      [1, 0, 0, 0],
    ]);
  });

  test("published samples without a state: answers from the analysis facts", () => {
    const base = { options: ["0", "1", "2", "3"], question: "", answer: 0 } as unknown as GameQASample;
    const r = fromAnalysis({
      ...base,
      question_id: 4,
      analysis:
        "Cell (1,1):\n   - up: Piece 4 (red) at (0,1)\n   - left: Piece 2 (x) at (1,0)\n- Piece 4 (red): 1 contact sides",
    });
    assert.deepEqual(r, { answer: 3 });
  });

  test("state parsing names the field", () => {
    assert.throws(
      () => tangram.parseState({ ...QUARTERS, seeds: [[0, 0]] }, "t.json"),
      /t\.json: field "seeds"/,
    );
    assert.throws(
      () => tangram.parseState({ ...QUARTERS, grid: [[9, 1, 1, 1]] }, "t.json"),
      /t\.json: field "grid"/,
    );
    assert.throws(
      () => tangram.parseState({ ...QUARTERS, grid: [[1, 2, 2, 2], ...QUARTERS.grid.slice(1)] }, "t.json"),
      /t\.json: field "grid"\[0\]\[1\] = 2 disagrees with the seeds/,
    );
    assert.throws(
      () => tangram.parseState({ ...QUARTERS, grid: [[0, 0, 2, 2], ...QUARTERS.grid.slice(1)] }, "t.json"),
      /t\.json: field "grid"\[0\]\[0\] = 0 disagrees/,
    );
    assert.throws(
      () => tangram.parseState({ ...QUARTERS, removed_view: { flipped: 1, rotation: 45 } }, "t.json"),
      /t\.json: field "removed_view"/,
    );
  });
});

describe("tangram engine checks", () => {
  test("conformance with the published examples (15 samples)", (t) => {
    expectFullConformance(t, tangram, "tengram_dataset_example", 15);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(tangram, 3));
  test("deterministic output", () => expectDeterministic(tangram));
  test("PNG at 500x600 (the original's size)", () => expectPng(tangram, QUARTERS, 500, 600));
});
