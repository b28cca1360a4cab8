import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { catalog, type GameEntry } from "../../src/gameqa/catalog.js";
import { listGames, loadGames } from "../../src/gameqa/registry.js";
import { runCli, tempDir } from "../helpers/cli.js";

/** The paper's 30 games: category and whether they were used in-domain (Code2Logic README). */
const PAPER: Record<string, [string, "ID" | "OOD"]> = {
  "3d_maze": ["3D Spatial Perception and Understanding", "ID"],
  rubiks_cube: ["3D Spatial Perception and Understanding", "ID"],
  "3DReconstruction": ["3D Spatial Perception and Understanding", "ID"],
  PyramidChess: ["3D Spatial Perception and Understanding", "OOD"],
  minecraft: ["3D Spatial Perception and Understanding", "OOD"],
  tangram: ["Pattern Recognition and Matching", "ID"],
  freecell: ["Pattern Recognition and Matching", "ID"],
  tetris: ["Pattern Recognition and Matching", "ID"],
  zuma: ["Pattern Recognition and Matching", "ID"],
  spider_solitaire: ["Pattern Recognition and Matching", "ID"],
  hue: ["Pattern Recognition and Matching", "ID"],
  jewel2: ["Pattern Recognition and Matching", "OOD"],
  klondike: ["Pattern Recognition and Matching", "OOD"],
  langton_ant: ["Multi-step Reasoning", "ID"],
  "2d_turing_machine": ["Multi-step Reasoning", "ID"],
  word_search: ["Multi-step Reasoning", "ID"],
  tents: ["Multi-step Reasoning", "ID"],
  rhythm_game: ["Multi-step Reasoning", "ID"],
  "star-battle": ["Multi-step Reasoning", "ID"],
  sudoku: ["Multi-step Reasoning", "OOD"],
  lifegame: ["Multi-step Reasoning", "OOD"],
  minesweeper: ["Multi-step Reasoning", "OOD"],
  sokoban: ["Strategic Planning", "ID"],
  maze: ["Strategic Planning", "ID"],
  tictactoe: ["Strategic Planning", "ID"],
  ultra_tictactoe: ["Strategic Planning", "ID"],
  space_invaders: ["Strategic Planning", "ID"],
  snake: ["Strategic Planning", "OOD"],
  chess_ranger: ["Strategic Planning", "OOD"],
  pacman: ["Strategic Planning", "OOD"],
};

await loadGames();

describe("gameqa list", () => {
  test("every registered game has the paper's category and domain; tasks have type, level and forms", () => {
    const games = catalog(listGames());
    assert.ok(games.length >= 10);
    for (const g of games) {
      assert.deepEqual([g.category, g.domain], PAPER[g.name], `${g.name}: category/domain as in the paper`);
      assert.equal(g.in_domain, g.domain === "ID");
      assert.ok(g.tasks.length > 0, g.name);
      const ids = g.tasks.map((t) => t.id);
      assert.equal(new Set(ids).size, ids.length, `${g.name}: task ids unique`);
      for (const t of g.tasks) {
        assert.ok(["Target Perception", "State Prediction", "Strategy Optimization"].includes(t.qa_type));
        assert.ok(["Easy", "Medium", "Hard"].includes(t.qa_level));
        assert.ok(t.answer_forms.includes(t.answer_format), `${g.name}/${t.name}`);
        const mc = t.answer_forms.some((f) => f.startsWith("option-"));
        const fi = t.answer_forms.some((f) => !f.startsWith("option-"));
        assert.equal(t.kind, mc && fi ? "both" : mc ? "multiple-choice" : "fill-in");
      }
    }
    const si = games.find((g) => g.name === "space_invaders");
    assert.ok(
      si?.tasks.every((t) => t.kind === "both"),
      "space_invaders draws fill-in and multiple choice",
    );
  });

  test("`gameqa list --json` prints the catalog; text mode ends with the totals", async () => {
    const r = await runCli(["gameqa", "list", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout) as GameEntry[];
    assert.deepEqual(printed, JSON.parse(JSON.stringify(catalog(listGames()))));
    const text = await runCli(["gameqa", "list"]);
    const tasks = printed.reduce((n, g) => n + g.tasks.length, 0);
    assert.match(text.stdout, new RegExp(`${printed.length} games, ${tasks} tasks\\n$`));
    assert.match(text.stdout, /space_invaders \(Space Invaders\) — Strategic Planning, in-domain/);
  });

  test("`gameqa export --format grpo` from the command line", async () => {
    const dir = tempDir("gameqa-cli-grpo-");
    const data = join(dir, "data");
    const gen = await runCli([
      "gameqa",
      "generate",
      "--games",
      "word_search",
      "--per-task",
      "1",
      "--out",
      data,
    ]);
    assert.equal(gen.code, 0, gen.stderr);
    const out = join(dir, "grpo.json");
    const exp = await runCli(["gameqa", "export", "--data", data, "--format", "grpo", "--out", out]);
    assert.equal(exp.code, 0, exp.stderr);
    const recs = JSON.parse(readFileSync(out, "utf8")) as Array<{ solution: string; answer_format: string }>;
    assert.ok(recs.length > 0 && recs.every((r) => r.answer_format === "option-index"));
    const bad = await runCli(["gameqa", "export", "--data", data, "--format", "grpo2", "--out", out]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /grpo/);
  });
});
