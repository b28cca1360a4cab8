/**
 * Pac-Man (Code2Logic `pacman`, Strategic Planning, out-of-domain).
 * Plot level by board side 16 / 18 / 20; tasks 0-9 as in the original (ghost rules for Pinky and Blinky).
 */
import type { GameDefinition } from "../../types.js";
import { renderPacman } from "./render.js";
import { generateState, type PacmanState, parseState } from "./state.js";
import { pacmanTasks } from "./tasks.js";

const pacman: GameDefinition<PacmanState> = {
  name: "pacman",
  title: "Pac-Man",
  category: "Strategic Planning",
  domain: "OOD",
  generateState,
  renderSvg: renderPacman,
  parseState,
  tasks: pacmanTasks,
};

export default pacman;
