/**
 * Jewel2 (Code2Logic `jewel2`, Pattern Recognition and Matching, out-of-domain).
 * Plot level by board size: 4x4 / 5x5 / 6x6; tasks 0-6 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderJewel2 } from "./render.js";
import { generateState, type Jewel2State, parseState } from "./state.js";
import { jewel2Tasks } from "./tasks.js";

const jewel2: GameDefinition<Jewel2State> = {
  name: "jewel2",
  title: "Jewel2",
  category: "Pattern Recognition and Matching",
  domain: "OOD",
  generateState,
  renderSvg: renderJewel2,
  parseState,
  tasks: jewel2Tasks,
};

export default jewel2;
