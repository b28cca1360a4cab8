/**
 * Klondike Solitaire (Code2Logic `klondike`, Pattern Recognition and Matching, out-of-domain).
 * Plot level by visible cards (<= 19 / <= 23 / more), as the original; tasks 1-3 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderKlondike } from "./render.js";
import { generateState, type KlondikeState, parseState } from "./state.js";
import { klondikeTasks } from "./tasks.js";

const klondike: GameDefinition<KlondikeState> = {
  name: "klondike",
  title: "Klondike Solitaire",
  category: "Pattern Recognition and Matching",
  domain: "OOD",
  generateState,
  renderSvg: renderKlondike,
  parseState,
  tasks: klondikeTasks,
};

export default klondike;
