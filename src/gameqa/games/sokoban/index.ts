/**
 * Sokoban (Code2Logic `sokoban`, Strategic Planning, in-domain).
 * Plot level by board side 5 / 8 / 12 (also the number of moves in tasks 1-2); tasks 1-6 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { GRID_COLOR, renderSokoban } from "./render.js";
import { generateState, parseState, type SokobanState } from "./state.js";
import { sokobanTasks } from "./tasks.js";

const sokoban: GameDefinition<SokobanState> = {
  name: "sokoban",
  title: "Sokoban",
  category: "Strategic Planning",
  domain: "ID",
  generateState,
  renderSvg: renderSokoban,
  parseState,
  tasks: sokobanTasks,
  // Black lines around every cell; brick mortar is also thin and straight, hence the colour.
  gridLines: (s) => ({
    vertical: (s.grid[0]?.length ?? 0) + 1,
    horizontal: s.grid.length + 1,
    color: GRID_COLOR,
  }),
};

export default sokoban;
