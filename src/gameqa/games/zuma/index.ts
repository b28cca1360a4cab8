/**
 * Zuma (Code2Logic `zuma`): marbles on a spiral track, a frog that shoots the next marble from the
 * middle. Plot level by marble count (10-30 / 31-75 / 76-134); tasks 1-6 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderZuma } from "./render.js";
import { generateState, parseState, type ZumaState } from "./state.js";
import { zumaTasks } from "./tasks.js";

const zuma: GameDefinition<ZumaState> = {
  name: "zuma",
  title: "Zuma",
  category: "Pattern Recognition and Matching",
  domain: "ID",
  generateState,
  renderSvg: renderZuma,
  parseState,
  tasks: zumaTasks,
};

export default zuma;
