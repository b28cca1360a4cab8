/**
 * Tangram ("Tengram", Code2Logic `tangram`; Pattern Recognition and Matching, in-domain).
 * A 5..10 square board cut into 4..8 pieces by nearest seed; plot level by side (5 / 6-8 / 9-10);
 * question ids 1 count, 2 rotation, 3 area, 4 adjacency, 5 placement, as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { fromAnalysis } from "./published.js";
import { renderTangram } from "./render.js";
import { generateState, parseState, type TangramState } from "./state.js";
import { tangramTasks } from "./tasks.js";

const tangram: GameDefinition<TangramState> = {
  name: "tangram",
  title: "Tangram",
  category: "Pattern Recognition and Matching",
  domain: "ID",
  generateState,
  renderSvg: renderTangram,
  parseState,
  // Three published samples have no state file: rebuilt from their analyses.
  conformWithoutState: fromAnalysis,
  tasks: tangramTasks,
};

export default tangram;
