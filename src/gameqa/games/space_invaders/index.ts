/**
 * Space Invaders (Code2Logic `space_invaders`, Strategic Planning, in-domain).
 * Plot level by formation size (3/4/5 enemy rows); tasks 1-9 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderSpaceInvaders } from "./render.js";
import { generateState, parseState, type SpaceInvadersState } from "./state.js";
import { spaceInvadersTasks } from "./tasks.js";

const spaceInvaders: GameDefinition<SpaceInvadersState> = {
  name: "space_invaders",
  title: "Space Invaders",
  category: "Strategic Planning",
  domain: "ID",
  generateState,
  renderSvg: renderSpaceInvaders,
  parseState,
  tasks: spaceInvadersTasks,
  // A line left of every column (none on the right edge) and above every area row and the ship's row.
  gridLines: (s) => ({ vertical: s.total_cols, horizontal: s.enemy_area_rows + 1 }),
};

export default spaceInvaders;
