/**
 * Tents (Code2Logic `tents`, Multi-step Reasoning, in-domain).
 * Plot level by grid: 7x7 / 5 trees, 10x10 / 10, 13x13 / 17; question ids 0, 3, 4, 5, 6, 8, 9 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderTents } from "./render.js";
import { generateState, parseState, type TentsState } from "./state.js";
import { tentsTasks } from "./tasks.js";

const tents: GameDefinition<TentsState> = {
  name: "tents",
  title: "Tents",
  category: "Multi-step Reasoning",
  domain: "ID",
  generateState,
  renderSvg: renderTents,
  // size is [columns, rows]: a line on each side of every cell.
  gridLines: (s) => ({ vertical: s.size[0] + 1, horizontal: s.size[1] + 1 }),
  parseState,
  tasks: tentsTasks,
};

export default tents;
