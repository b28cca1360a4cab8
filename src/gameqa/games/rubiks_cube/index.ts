/**
 * Rubik's Cube (Code2Logic `rubiks_cube`, 3D Spatial Perception and Understanding, in-domain).
 * A cube scrambled by 1 / 2 / 3 random turns (plot level), drawn as a net plus front and back 3D
 * views; tasks 1-5 as in the original (colour at a position, colour after turns, fewest turns for
 * one face, fewest turns for the cube, count a colour on a face).
 */
import type { GameDefinition } from "../../types.js";
import { renderCube } from "./render.js";
import { type CubeState, generateState, parseState } from "./state.js";
import { cubeTasks } from "./tasks.js";

const rubiksCube: GameDefinition<CubeState> = {
  name: "rubiks_cube",
  title: "Rubik's Cube",
  category: "3D Spatial Perception and Understanding",
  domain: "ID",
  generateState,
  renderSvg: renderCube,
  parseState,
  tasks: cubeTasks,
};

export default rubiksCube;
