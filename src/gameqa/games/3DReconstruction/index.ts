/**
 * 3D Reconstruction (Code2Logic `3DReconstruction`, 3D Spatial Perception and Understanding, in-domain).
 * Plot level by target size: 3-5 / 6-10 / 11-15 voxels; tasks 0-5 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderReconstruction } from "./render.js";
import { generateState, parseState, type ReconstructionState } from "./state.js";
import { reconstructionTasks } from "./tasks.js";

const reconstruction: GameDefinition<ReconstructionState> = {
  name: "3DReconstruction",
  title: "3D Reconstruction",
  category: "3D Spatial Perception and Understanding",
  domain: "ID",
  generateState,
  renderSvg: renderReconstruction,
  parseState,
  tasks: reconstructionTasks,
};

export default reconstruction;
