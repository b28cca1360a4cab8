import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { listGames, loadGames } from "../../src/gameqa/registry.js";
import { svgToPng } from "../../src/gameqa/render/png.js";
import { createRng, hashSeed } from "../../src/gameqa/rng.js";
import { type AnyGame, type GridLines, LEVELS } from "../../src/gameqa/types.js";
import { countGridLines } from "./grid-lines.js";
import { decodePng } from "./png-decode.js";

/**
 * Every grid line of every grid game is visible at every plot level: boards are rendered to PNG,
 * decoded, and the straight lines that cross the board are counted in the pixels (a line drawn as
 * a scaled-down hairline that rasterises to nothing, or merges with its neighbour, fails).
 * A game declares its lines with `GameDefinition.gridLines`; the table below covers the games
 * written before that hook existed.
 */
type State = Record<string, unknown> & { grid?: unknown[]; size?: number };
const side = (s: State, key: string): number => (s[key] as unknown[]).length;
const KNOWN: Record<string, (s: State) => GridLines> = {
  sudoku: (s) => ({ vertical: Number(s.size) + 1, horizontal: Number(s.size) + 1 }),
  maze: (s) => ({ vertical: side(s, "maze") + 1, horizontal: side(s, "maze") + 1 }),
  tictactoe: () => ({ vertical: 4, horizontal: 4 }),
  lifegame: (s) => ({ vertical: side(s, "grid") + 1, horizontal: side(s, "grid") + 1 }),
  langton_ant: (s) => ({ vertical: side(s, "grid") + 1, horizontal: side(s, "grid") + 1 }),
  tetris: (s) => ({ vertical: Number(s.cols) + 1, horizontal: Number(s.rows) + 1 }),
  minesweeper: (s) => ({ vertical: Number(s.cols) + 1, horizontal: Number(s.rows) + 1 }),
};

/**
 * Boards that have no grid lines, like the originals' pictures: the skip is right for these, not a
 * gap. Each game's doc says the same.
 */
const GRIDLESS: Record<string, string> = {
  pacman: "walls are filled cells on a black floor, no lines between cells (as the original's pygame board)",
  "2d_turing_machine":
    "cells are coloured blocks without lines between them (as the original's matplotlib imshow)",
};

function linesOf(game: AnyGame): ((state: unknown) => GridLines) | undefined {
  if (game.gridLines) return (s) => (game.gridLines as (st: unknown) => GridLines)(s);
  const known = KNOWN[game.name];
  return known ? (s) => known(s as State) : undefined;
}

await loadGames();

describe("grid lines are visible at every plot level", () => {
  for (const game of listGames()) {
    const expected = linesOf(game);
    test(game.name, (t) => {
      if (!expected) return t.skip(GRIDLESS[game.name] ?? "not a grid game (no gridLines)");
      for (const level of LEVELS) {
        for (const seed of ["lines-a", "lines-b", "lines-c"]) {
          const state = game.generateState(createRng(hashSeed(seed, game.name, level)), level);
          const want = expected(state);
          const img = decodePng(Buffer.from(svgToPng(game.renderSvg(state))));
          const got = countGridLines(img, want.color);
          const { color: _, ...counts } = want;
          assert.deepEqual(got, counts, `${game.name} ${level} ${seed}: ${img.width}x${img.height}`);
        }
      }
    });
  }
});
