/**
 * 2D Turing machine (Code2Logic `2d_turing_machine`): a head with 2-4 states runs random rules on a
 * 3x3..5x5 grid of 3-5 coloured symbols. Tasks 0-3 ask what 3-8 steps of the machine do.
 */
import type { GameDefinition } from "../../types.js";
import { renderTuring } from "./render.js";
import { generateState, parseState, type TuringState } from "./state.js";
import { turingTasks } from "./tasks.js";

const turingMachine: GameDefinition<TuringState> = {
  name: "2d_turing_machine",
  title: "2D Turing Machine",
  category: "Multi-step Reasoning",
  domain: "ID",
  generateState,
  renderSvg: renderTuring,
  parseState,
  tasks: turingTasks,
};

export default turingMachine;
