import type { GameDefinition } from "../../types.js";
import { renderChessRanger } from "./render.js";
import { type ChessRangerState, generateState, parseState } from "./state.js";
import { TASKS } from "./tasks.js";

const game: GameDefinition<ChessRangerState> = {
  name: "chess_ranger",
  title: "Chess Ranger",
  category: "Strategic Planning",
  domain: "OOD",
  generateState,
  renderSvg: renderChessRanger,
  parseState,
  tasks: TASKS,
};

export default game;
