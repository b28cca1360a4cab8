/**
 * Star Battle (Code2Logic `star-battle`): an n x n grid (5 / 6 / 8) cut into n coloured regions,
 * one star per row, column and region, stars never touching. Tasks 1-4 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderStarBattle } from "./render.js";
import { generateState, parseState, type StarBattleState } from "./state.js";
import { starBattleTasks } from "./tasks.js";

const starBattle: GameDefinition<StarBattleState> = {
  name: "star-battle",
  title: "Star Battle",
  category: "Multi-step Reasoning",
  domain: "ID",
  generateState,
  renderSvg: renderStarBattle,
  // An n × n board has n regions: a line on each side of every cell.
  gridLines: (s) => ({ vertical: s.regions.length + 1, horizontal: s.regions.length + 1 }),
  parseState,
  tasks: starBattleTasks,
};

export default starBattle;
