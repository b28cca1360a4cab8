/**
 * Snake (Code2Logic `snake`, Strategic Planning, out-of-domain).
 * Plot level by board side 5 / 10 / 15; tasks 0-4 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { GRID_COLOR, renderSnake } from "./render.js";
import { generateState, parseState, type SnakeState } from "./state.js";
import { snakeTasks } from "./tasks.js";

const snake: GameDefinition<SnakeState> = {
  name: "snake",
  title: "Snake",
  category: "Strategic Planning",
  domain: "OOD",
  generateState,
  renderSvg: renderSnake,
  parseState,
  tasks: snakeTasks,
  // Grey gaps between the cells; the board's edge meets the grey margin, so only the inner lines show.
  gridLines: (s) => ({ vertical: s.map.length - 1, horizontal: s.map.length - 1, color: GRID_COLOR }),
};

export default snake;
