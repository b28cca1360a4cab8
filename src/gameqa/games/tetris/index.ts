/**
 * Tetris (Code2Logic `tetris`, Pattern Recognition and Matching, in-domain).
 * Plot level by board size 8 / 12 / 16; tasks 0-3 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderTetris } from "./render.js";
import { generateState, parseState, type TetrisState } from "./state.js";
import { tetrisTasks } from "./tasks.js";

const tetris: GameDefinition<TetrisState> = {
  name: "tetris",
  title: "Tetris",
  category: "Pattern Recognition and Matching",
  domain: "ID",
  generateState,
  renderSvg: renderTetris,
  parseState,
  tasks: tetrisTasks,
};

export default tetris;
