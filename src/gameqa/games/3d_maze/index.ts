/**
 * 3D Maze (Code2Logic `3d_maze`, 3D Spatial Perception and Understanding, in-domain).
 * A path of cubes and ladders on an 8 x 8 x 7 grid; plot level by cube count (<15, <25, more);
 * tasks 0-3 as in the original (path choices, checkpoint order, heights, blocks on the main path).
 */
import type { GameDefinition } from "../../types.js";
import { renderMaze } from "./render.js";
import { generateState, type MazeState, parseState } from "./state.js";
import { mazeTasks } from "./tasks.js";

const maze3d: GameDefinition<MazeState> = {
  name: "3d_maze",
  title: "3D Maze",
  category: "3D Spatial Perception and Understanding",
  domain: "ID",
  generateState,
  renderSvg: renderMaze,
  parseState,
  tasks: mazeTasks,
};

export default maze3d;
