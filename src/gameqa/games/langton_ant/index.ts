import { UserError } from "../../../util/errors.js";
import { expectInt, expectMatrix, expectObject, intCell } from "../../parse.js";
import type { GameDefinition, Level, Rng } from "../../types.js";
import { DIRECTIONS, type Direction, type LangtonState } from "./logic.js";
import { renderLangton } from "./render.js";
import { antAfterSteps, antPosition, cellFlips } from "./tasks.js";

/** Grid side and how many random black cells to paint, per plot level (as the original). */
const LEVELS: Record<Level, { size: number; black: [number, number] }> = {
  Easy: { size: 5, black: [2, 12] },
  Medium: { size: 9, black: [8, 40] },
  Hard: { size: 13, black: [16, 80] },
};

function generateState(rng: Rng, level: Level): LangtonState {
  const { size, black } = LEVELS[level];
  const grid = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const paint = rng.int(black[0], black[1]);
  for (let i = 0; i < paint; i++) (grid[rng.int(0, size - 1)] as number[])[rng.int(0, size - 1)] = 1;
  return { grid, ant: { x: rng.int(0, size - 1), y: rng.int(0, size - 1), direction: rng.pick(DIRECTIONS) } };
}

function parseState(json: unknown, where: string): LangtonState {
  const obj = expectObject(json, where);
  const grid = expectMatrix(obj, "grid", where, intCell(0, 1), "0 or 1");
  if (grid.some((r) => r.length !== grid.length))
    throw new UserError(`${where}: field "grid" must be square`);
  const ant = expectObject(obj.ant, `${where} (field "ant")`);
  const x = expectInt(ant, "x", `${where} ant`, 0, grid.length - 1);
  const y = expectInt(ant, "y", `${where} ant`, 0, grid.length - 1);
  const direction = ant.direction;
  if (!DIRECTIONS.includes(direction as Direction))
    throw new UserError(`${where}: field "ant.direction" must be up/right/down/left`);
  return { grid, ant: { x, y, direction: direction as Direction } };
}

const game: GameDefinition<LangtonState> = {
  name: "langton_ant",
  title: "Langton's Ant",
  category: "Multi-step Reasoning",
  domain: "ID",
  generateState,
  renderSvg: renderLangton,
  parseState,
  tasks: [antPosition, antAfterSteps, cellFlips],
};

export default game;
