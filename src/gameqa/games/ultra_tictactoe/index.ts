import type { GameDefinition } from "../../types.js";
import { renderUttt } from "./render.js";
import { generateState, parseState, type UtttState } from "./state.js";
import { TASKS } from "./tasks.js";

const game: GameDefinition<UtttState> = {
  name: "ultra_tictactoe",
  title: "Ultra Tic-Tac-Toe",
  category: "Strategic Planning",
  domain: "ID",
  generateState,
  renderSvg: renderUttt,
  parseState,
  tasks: TASKS,
};

export default game;
