import assert from "node:assert/strict";
import { describe, test } from "node:test";
import zuma from "../../../src/gameqa/games/zuma/index.js";
import {
  canReach,
  clearableGroups,
  groupsInDirection,
  hitMarble,
  type Marble,
  shoot,
} from "../../../src/gameqa/games/zuma/logic.js";
import { generateState, type ZumaState } from "../../../src/gameqa/games/zuma/state.js";
import { bestShot, countColour, groupsAt, hitColour } from "../../../src/gameqa/games/zuma/tasks.js";
import { readPngInfo, svgToPng } from "../../../src/gameqa/render/png.js";
import { createRng } from "../../../src/gameqa/rng.js";
import { expectDeterministic, expectFullConformance, expectRoundTrips, LEVELS } from "./game-checks.js";

/* Five marbles on a straight piece of track at y = 3, the track running from x = 1.2 (marble 0,
   the far end) to x = -1.2 (marble 4, nearest the hole). */
const line = (colours: string[]): Marble[] =>
  colours.map((color, i) => ({ position: { x: 1.2 - 0.6 * i, y: 3 }, color }));
const RRBGG = line(["red", "red", "blue", "green", "green"]);
const O = { x: 0, y: 0 };

function state(balls: Marble[], colour = "red", angle = 80): ZumaState {
  return {
    track: { plot_level: "Easy", hole_position: { x: -2, y: 2 } },
    frog: { position: O, angle, next_ball_color: colour, after_next_ball_color: "blue" },
    balls,
  };
}

describe("zuma rules", () => {
  test("a shot hits the nearest marble within a diameter of its ray", () => {
    // At 80 degrees the ray passes 0.52 from marble 2 and 0.07 from marble 1; marble 2 is nearer.
    assert.equal(hitMarble(O, RRBGG, 80), 2);
    assert.equal(hitMarble(O, RRBGG, -90), undefined);
  });

  test("the shot goes in on the side it comes from and clears two or more of its colour", () => {
    // From the lower right it lands between marbles 1 and 2.
    assert.deepEqual(shoot(O, RRBGG, 80, "red"), {
      kind: "removed",
      hit: 2,
      neighbour: 1,
      count: 2,
      from: 0,
      to: 1,
    });
    assert.deepEqual(shoot(O, RRBGG, 80, "green"), { kind: "stayed", hit: 2, neighbour: 1 });
    assert.deepEqual(shoot(O, RRBGG, 80, "blue"), { kind: "stayed", hit: 2, neighbour: 1 });
    assert.deepEqual(shoot(O, RRBGG, -90, "red"), { kind: "missed" });
  });

  test("a shot beyond the far end marble only meets the marbles from that end", () => {
    // From (3, 0) straight at marble 0: the contact point lies outside the line, so marble 0 is an end.
    const frog = { x: 3, y: 0 };
    const angle = (Math.atan2(3, -1.8) * 180) / Math.PI;
    assert.deepEqual(shoot(frog, RRBGG, angle, "red"), { kind: "removed", hit: 0, count: 2, from: 0, to: 1 });
    assert.deepEqual(shoot(frog, RRBGG, angle, "blue"), { kind: "stayed", hit: 0 });
  });

  test("reachability, groups in a sector and the best shot", () => {
    const blocked: Marble[] = [
      { position: { x: 0, y: 3 }, color: "red" },
      { position: { x: 0, y: 1.5 }, color: "blue" },
    ];
    assert.equal(canReach(O, blocked, 0), false);
    assert.equal(canReach(O, blocked, 1), true);
    assert.equal(groupsInDirection(O, RRBGG, "up").length, 2);
    assert.equal(groupsInDirection(O, RRBGG, "up-right").length, 0);
    assert.deepEqual(
      clearableGroups(O, RRBGG, "green").map((c) => [c.group.first, c.group.last, c.aim]),
      [[3, 4, 3]],
    );
    assert.equal(bestShot(state(RRBGG, "green")).answer, "Yes, 2, 1");
    assert.equal(bestShot(state(RRBGG, "blue")).answer, "No, 0, 0");
    assert.equal(bestShot(state(line(["red", "red", "blue", "red", "red"]))).answer, "Yes, 2, 2");
  });
});

describe("zuma tasks", () => {
  test("answers on the hand-built line", () => {
    const s = state(RRBGG);
    assert.equal(countColour(s.balls, "green").answer, 2);
    assert.equal(countColour(s.balls, "yellow").answer, 0);
    assert.equal(groupsAt(s, "up").answer, 2);
    assert.equal(hitColour(s, 80).answer, "blue");
    assert.equal(hitColour(s, -90).answer, "none");
    const t5 = zuma.tasks
      .find((t) => t.id === 5)
      ?.generate({ state: s, rng: createRng(1), plotLevel: "Easy" });
    assert.equal(t5?.answer, "2 marbles on the track were removed.");
  });

  test("colour questions carry the published options, the answer being one option's text", () => {
    const s = state(RRBGG);
    const ask = (id: number) =>
      zuma.tasks.find((t) => t.id === id)?.generate({ state: s, rng: createRng(1), plotLevel: "Easy" });
    const q1 = ask(1);
    assert.deepEqual(q1?.options, ["red", "yellow", "blue", "green"]);
    assert.ok(q1?.options?.includes(String(q1.answer)));
    const q4 = ask(4);
    assert.deepEqual(q4?.options, ["red", "yellow", "blue", "green", "none"]);
    assert.ok(q4?.options?.includes(String(q4.answer)));
  });

  test("generated tracks: marble counts by plot level, marbles a diameter apart", () => {
    const ranges = { Easy: [10, 30], Medium: [20, 75], Hard: [40, 134] } as const;
    for (const level of LEVELS) {
      for (let i = 0; i < 10; i++) {
        const s = generateState(createRng(i), level);
        assert.ok(
          s.balls.length >= ranges[level][0] && s.balls.length <= ranges[level][1],
          `${level}: ${s.balls.length}`,
        );
        for (let k = 1; k < s.balls.length; k++) {
          const a = s.balls[k - 1]?.position as { x: number; y: number };
          const b = s.balls[k]?.position as { x: number; y: number };
          assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= 0.6 - 1e-9);
        }
        assert.deepEqual(zuma.parseState(JSON.parse(JSON.stringify(s)), "x"), s);
      }
    }
  });

  test("state parsing names the field", () => {
    assert.throws(
      () =>
        zuma.parseState({ ...state(RRBGG), balls: [{ position: { x: 0, y: 0 }, color: "pink" }] }, "b.json"),
      /b\.json: field "balls\[0\]\.color"/,
    );
    assert.throws(() => zuma.parseState({ ...state(RRBGG), balls: [] }, "b.json"), /field "balls"/);
  });
});

describe("zuma engine checks", () => {
  test("conformance with the published examples (18 samples)", (t) => {
    expectFullConformance(t, zuma, "zuma_dataset_example", 18);
  });
  test("generated samples recompute to their answers", () => expectRoundTrips(zuma, 4));
  test("deterministic output", () => expectDeterministic(zuma));
  test("PNG cropped like the original: 369 px high, at most 496 px wide", () => {
    for (const level of LEVELS) {
      const info = readPngInfo(svgToPng(zuma.renderSvg(generateState(createRng(7), level))));
      assert.ok(info.height <= 369 && info.width <= 496, `${info.width}x${info.height}`);
      assert.ok(info.height === 369 || info.width === 496, `${info.width}x${info.height}`);
    }
  });
});
