import type { GameDefinition } from "../../types.js";
import { renderMinecraft } from "./render.js";
import { generateState } from "./scene.js";
import { type MinecraftState, parseState } from "./state.js";
import { TASKS } from "./tasks.js";

const game: GameDefinition<MinecraftState> = {
  name: "minecraft",
  title: "Minecraft",
  category: "3D Spatial Perception and Understanding",
  domain: "OOD",
  generateState,
  renderSvg: renderMinecraft,
  parseState,
  tasks: TASKS,
};

export default game;
