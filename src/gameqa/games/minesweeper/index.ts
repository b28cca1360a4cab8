/**
 * Minesweeper (Code2Logic `minesweeper`, Multi-step Reasoning, out-of-domain).
 * Plot level by board: 4x4 / 3 mines, 5x5 / 5, 6x6 / 8; tasks 0-5 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderMinesweeper } from "./render.js";
import { generateState, type MinesweeperState, parseState } from "./state.js";
import { minesweeperTasks } from "./tasks.js";

const minesweeper: GameDefinition<MinesweeperState> = {
  name: "minesweeper",
  title: "Minesweeper",
  category: "Multi-step Reasoning",
  domain: "OOD",
  generateState,
  renderSvg: renderMinesweeper,
  parseState,
  tasks: minesweeperTasks,
};

export default minesweeper;
