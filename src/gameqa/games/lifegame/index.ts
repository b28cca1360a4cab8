import { UserError } from "../../../util/errors.js";
import { expectMatrix, expectObject, intCell } from "../../parse.js";
import type { GameDefinition, Level, Rng } from "../../types.js";
import type { LifeState } from "./logic.js";
import { renderLife } from "./render.js";
import { cellStates, liveAfter, liveNow, regionStability } from "./tasks.js";

const SIZE: Record<Level, number> = { Easy: 3, Medium: 4, Hard: 5 };

/** About 30% live cells, keeping only grids with a 20–40% live ratio (as the original). */
function generateState(rng: Rng, level: Level): LifeState {
  const n = SIZE[level];
  let grid: number[][] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    grid = Array.from({ length: n }, () => Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0)));
    const ratio = grid.flat().reduce((a, b) => a + b, 0) / (n * n);
    if (ratio >= 0.2 && ratio <= 0.4) break;
  }
  return { grid };
}

function parseState(json: unknown, where: string): LifeState {
  const grid = expectMatrix(expectObject(json, where), "grid", where, intCell(0, 1), "0 or 1");
  if (grid.some((r) => r.length !== grid.length))
    throw new UserError(`${where}: field "grid" must be square`);
  return { grid };
}

const game: GameDefinition<LifeState> = {
  name: "lifegame",
  title: "Conway's Game of Life",
  category: "Multi-step Reasoning",
  domain: "OOD",
  generateState,
  renderSvg: renderLife,
  parseState,
  tasks: [liveNow, liveAfter, cellStates, regionStability],
};

export default game;
