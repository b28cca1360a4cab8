import type { GameDefinition } from "../../types.js";
import { renderRhythm } from "./render.js";
import { generateState, parseState, type RhythmState } from "./state.js";
import { TASKS } from "./tasks.js";

const game: GameDefinition<RhythmState> = {
  name: "rhythm_game",
  title: "Rhythm Game",
  category: "Multi-step Reasoning",
  domain: "ID",
  generateState,
  renderSvg: renderRhythm,
  parseState,
  tasks: TASKS,
};

export default game;
