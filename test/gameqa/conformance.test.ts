import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { conformGame } from "../../src/gameqa/conform.js";
import { getGame, loadGames } from "../../src/gameqa/registry.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

/** Published example counts per game (from ../shared/data/code2logic/<game>/*_example/data.json). */
const GAMES: Record<string, number> = { sudoku: 15, maze: 18, tictactoe: 30, lifegame: 12, langton_ant: 9 };

describe("conformance with the published GameQA examples", () => {
  for (const [name, total] of Object.entries(GAMES)) {
    test(name, async (t) => {
      const dir = sharedPath("data", "code2logic", name);
      if (!dir) {
        t.skip(SHARED_MISSING);
        return;
      }
      await loadGames();
      const example = readdirSync(dir).find((d) => d.endsWith("_example"));
      assert.ok(example, `no *_example folder in ${dir}`);
      const report = conformGame(getGame(name), join(dir, example));
      assert.equal(report.total, total);
      assert.deepEqual(report.mismatches, []);
      assert.equal(report.matched, total);
    });
  }
});
