/**
 * FreeCell (Code2Logic `freecell`, Pattern Recognition and Matching, in-domain).
 * Plot level by number of cascades: 8 / 6 / 4 (a fresh deal); tasks 1-3 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderFreecell } from "./render.js";
import { type FreeCellState, generateState, parseState } from "./state.js";
import { freecellTasks } from "./tasks.js";

const freecell: GameDefinition<FreeCellState> = {
  name: "freecell",
  title: "FreeCell",
  category: "Pattern Recognition and Matching",
  domain: "ID",
  generateState,
  renderSvg: renderFreecell,
  parseState,
  tasks: freecellTasks,
};

export default freecell;
