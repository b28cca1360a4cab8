import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { getGame, loadGames } from "../../src/gameqa/registry.js";
import { buildSample } from "../../src/gameqa/sample.js";
import { LEVELS } from "../../src/gameqa/types.js";

/**
 * Generate samples, then recompute each answer from the written state and the parameters in the
 * question text with the task's conformance hook (the same hook that reproduces the published data).
 * Catches questions whose text disagrees with the state the answer was computed on.
 */
describe("generate → recompute round trip", () => {
  for (const name of ["sudoku", "maze", "tictactoe", "lifegame", "langton_ant"]) {
    test(name, async () => {
      await loadGames();
      const game = getGame(name);
      for (const task of game.tasks) {
        for (const plotLevel of LEVELS) {
          for (let index = 0; index < 4; index++) {
            const { sample, stateJson } = buildSample(
              game,
              { game: name, taskId: task.id, plotLevel, index },
              "rt",
              false,
            );
            const state = game.parseState(JSON.parse(stateJson), sample.state);
            const r = task.conform?.({ sample, state });
            assert.ok(r && "answer" in r, `${sample.data_id}: ${r && "skip" in r ? r.skip : "no hook"}`);
            assert.equal(String(r.answer), String(sample.answer), sample.data_id);
          }
        }
      }
    });
  }
});
