import { UserError } from "../../../util/errors.js";
import { cellsWhere } from "../../grid.js";
import { expectMatrix, expectObject, intCell } from "../../parse.js";
import type { GameDefinition, Level, Rng } from "../../types.js";
import { generateMaze, type MazeState } from "./logic.js";
import { renderMaze } from "./render.js";
import {
  availableDirections,
  goalPosition,
  pathToGoal,
  playerPosition,
  positionAfterMove,
  turnCount,
} from "./tasks.js";

const SIDE: Record<Level, number> = { Easy: 9, Medium: 11, Hard: 13 };

const generateState = (rng: Rng, level: Level): MazeState => generateMaze(rng, SIDE[level]);

function findCell(maze: number[][], v: number, where: string): [number, number] {
  const hits = cellsWhere(maze, (x) => x === v);
  if (hits.length !== 1)
    throw new UserError(
      `${where}: field "maze" must hold exactly one ${v === 2 ? "player (2)" : "goal (3)"}, found ${hits.length}`,
    );
  return hits[0] as [number, number];
}

function parseState(json: unknown, where: string): MazeState {
  const obj = expectObject(json, where);
  const maze = expectMatrix(obj, "maze", where, intCell(0, 3), "0 (free), 1 (wall), 2 (player) or 3 (goal)");
  // The maze matrix is authoritative; playerPosition/endPosition are checked against it.
  const player = findCell(maze, 2, where);
  const goal = findCell(maze, 3, where);
  for (const [key, p] of [
    ["playerPosition", player],
    ["endPosition", goal],
  ] as const) {
    const v = obj[key];
    if (v !== undefined && (!Array.isArray(v) || v[0] !== p[0] || v[1] !== p[1])) {
      throw new UserError(
        `${where}: field "${key}" = ${JSON.stringify(v)} disagrees with the maze (${p.join(", ")})`,
      );
    }
  }
  return { maze, size: [maze.length, maze[0]?.length ?? 0], playerPosition: player, endPosition: goal };
}

const game: GameDefinition<MazeState> = {
  name: "maze",
  title: "Maze",
  category: "Strategic Planning",
  domain: "ID",
  generateState,
  renderSvg: renderMaze,
  parseState,
  tasks: [playerPosition, goalPosition, pathToGoal, turnCount, availableDirections, positionAfterMove],
};

export default game;
