/**
 * Snake (Code2Logic `snake`, Strategic Planning, out-of-domain).
 * Plot level by board side 5 / 10 / 15; tasks 0-4 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderSnake } from "./render.js";
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
};

export default snake;
