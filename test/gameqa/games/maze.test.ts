import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  availableMoves,
  countTurns,
  generateMaze,
  type MazeState,
  pathMoves,
  reachesGoal,
  shortestPath,
} from "../../../src/gameqa/games/maze/logic.js";
import { pathToGoal, positionAfterMove, turnCount } from "../../../src/gameqa/games/maze/tasks.js";
import { cellsWhere } from "../../../src/gameqa/grid.js";
import { createRng } from "../../../src/gameqa/rng.js";

const small = (): MazeState => ({
  maze: [
    [1, 1, 1, 1, 1],
    [1, 2, 0, 0, 1],
    [1, 1, 1, 0, 1],
    [1, 3, 0, 0, 1],
    [1, 1, 1, 1, 1],
  ],
  size: [5, 5],
  playerPosition: [1, 1],
  endPosition: [3, 1],
});

describe("maze logic", () => {
  test("path, turns and directions on a hand-built maze", () => {
    const path = shortestPath(small());
    assert.ok(path);
    assert.deepEqual(pathMoves(path), ["right", "right", "down", "down", "left", "left"]);
    assert.equal(countTurns(pathMoves(path)), 2);
    assert.deepEqual(availableMoves(small()), ["right"]);
    assert.equal(reachesGoal(small(), ["right", "right", "down", "down", "left", "left"]), true);
    assert.equal(reachesGoal(small(), ["down"]), false);
    assert.equal(reachesGoal(small(), ["right", "right", "down", "down", "left"]), false);
  });

  test("generated mazes are perfect: every free cell reachable, cells - 1 passages", () => {
    const s = generateMaze(createRng(2), 11);
    const free = cellsWhere(s.maze, (v) => v !== 1);
    let edges = 0;
    for (const [r, c] of free) {
      if (s.maze[r + 1]?.[c] !== undefined && s.maze[r + 1]?.[c] !== 1) edges++;
      if (s.maze[r]?.[c + 1] !== undefined && s.maze[r]?.[c + 1] !== 1) edges++;
    }
    assert.equal(edges, free.length - 1);
    assert.ok(shortestPath(s));
    assert.equal(s.maze[s.playerPosition[0]]?.[s.playerPosition[1]], 2);
    assert.equal(s.maze[s.endPosition[0]]?.[s.endPosition[1]], 3);
  });
});

describe("maze tasks", () => {
  const rng = createRng(9);
  test("path options: exactly the correct one reaches the goal", () => {
    const q = pathToGoal.generate({ state: small(), rng, plotLevel: "Easy" });
    assert.ok(q?.options);
    const values = q.options.map((o) => String(o).slice(3).split(", ") as never[]);
    const good = values.map((v, i) => (reachesGoal(small(), v) ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(good, [String(q.answer).charCodeAt(0) - 65]);
  });
  test("turn count and move", () => {
    assert.equal(turnCount.generate({ state: small(), rng, plotLevel: "Easy" })?.answer, 2);
    const q = positionAfterMove.generate({ state: small(), rng, plotLevel: "Easy" });
    assert.equal(String(q?.options?.[String(q?.answer).charCodeAt(0) - 65]).slice(3), "(1, 2)");
  });
});
