import type { GameDefinition } from "../../types.js";
import { renderPyramid } from "./render.js";
import { generateState, type PyramidState, parseState } from "./state.js";
import { TASKS } from "./tasks.js";

const game: GameDefinition<PyramidState> = {
  name: "PyramidChess",
  title: "Pyramid Chess",
  category: "3D Spatial Perception and Understanding",
  domain: "OOD",
  generateState,
  renderSvg: renderPyramid,
  parseState,
  tasks: TASKS,
};

export default game;
