/**
 * Checks shared by the game tests (tetris, 3DReconstruction, space_invaders, minesweeper,
 * word_search): conformance over the published examples, generate -> recompute round trips,
 * multiple-choice invariants and PNG validity.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { conformGame } from "../../../src/gameqa/conform.js";
import { readPngInfo, svgToPng } from "../../../src/gameqa/render/png.js";
import { buildSample } from "../../../src/gameqa/sample.js";
import type { AnyGame, GameDefinition, Level } from "../../../src/gameqa/types.js";
import { SHARED_MISSING, sharedPath } from "../../helpers/shared.js";

export const LEVELS: Level[] = ["Easy", "Medium", "Hard"];
const erase = <S>(g: GameDefinition<S>): AnyGame => g as unknown as AnyGame;

/** Every published sample of ../shared/data/code2logic/<game>/<dir> is recomputed exactly. */
export function expectFullConformance<S>(
  t: TestContext,
  game: GameDefinition<S>,
  dir: string,
  total: number,
): void {
  const path = sharedPath("data", "code2logic", game.name, dir);
  if (!path) {
    t.skip(SHARED_MISSING);
    return;
  }
  const report = conformGame(erase(game), path);
  assert.equal(report.total, total);
  assert.deepEqual(report.mismatches, []);
  assert.equal(report.matched, total);
}

/**
 * Generate `count` samples per task and plot level, then recompute each from its written state and
 * its question text with the conform hook: the answer must agree, options must be distinct and the
 * answer must name one of them.
 */
export function expectRoundTrips<S>(game: GameDefinition<S>, count: number): void {
  for (const task of game.tasks) {
    for (const plotLevel of LEVELS) {
      for (let index = 0; index < count; index++) {
        const { sample, stateJson } = buildSample(
          erase(game),
          { game: game.name, taskId: task.id, plotLevel, index },
          11,
          false,
        );
        const state = game.parseState(JSON.parse(stateJson), "generated");
        const r = task.conform?.({ sample, state });
        assert.ok(
          r && !("skip" in r),
          `${sample.data_id}: conform skipped (${r && "skip" in r ? r.skip : "no hook"})`,
        );
        assert.equal(String(r.answer), String(sample.answer), sample.data_id);
        assert.equal(sample.qa_type, task.qaType);
        assert.equal(sample.plot_level, plotLevel);
        if (sample.options) {
          const texts = sample.options.map((o) => JSON.stringify(o));
          assert.equal(new Set(texts).size, texts.length, `${sample.data_id}: duplicate options`);
          for (const o of sample.options)
            assert.ok(sample.question.includes(String(o)), `${sample.data_id}: option ${o} not printed`);
        }
      }
    }
  }
}

/** Same seed, same bytes: sample JSON, state and PNG. */
export function expectDeterministic<S>(game: GameDefinition<S>): void {
  for (const task of game.tasks) {
    const job = { game: game.name, taskId: task.id, plotLevel: "Medium" as Level, index: 3 };
    const a = buildSample(erase(game), job, 99);
    const b = buildSample(erase(game), job, 99);
    assert.equal(JSON.stringify(a.sample), JSON.stringify(b.sample));
    assert.equal(a.stateJson, b.stateJson);
    assert.ok(Buffer.from(a.png).equals(Buffer.from(b.png)));
  }
}

/** The rendered PNG decodes with the expected size. */
export function expectPng<S>(game: GameDefinition<S>, state: S, width: number, height: number): void {
  const info = readPngInfo(svgToPng(game.renderSvg(state)));
  assert.equal(info.width, width);
  assert.equal(info.height, height);
}
