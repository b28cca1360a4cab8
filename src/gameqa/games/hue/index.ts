/**
 * Hue (Code2Logic `hue`, Pattern Recognition and Matching, in-domain).
 * Plot level by board side 5 / 6-7 / 8; tasks 0-2 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderHue } from "./render.js";
import { generateState, type HueState, parseState } from "./state.js";
import { hueTasks } from "./tasks.js";

const hue: GameDefinition<HueState> = {
  name: "hue",
  title: "Color Hue",
  category: "Pattern Recognition and Matching",
  domain: "ID",
  generateState,
  renderSvg: renderHue,
  parseState,
  tasks: hueTasks,
};

export default hue;
