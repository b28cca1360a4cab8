/**
 * Spider Solitaire (Code2Logic `spider_solitaire`, Pattern Recognition and Matching, in-domain).
 * Plot level by number of waste piles: 8 / 9 / 10; tasks 0-6 as in the original.
 */
import type { GameDefinition } from "../../types.js";
import { renderSpider } from "./render.js";
import { generateState, parseState, type SpiderState } from "./state.js";
import { spiderTasks } from "./tasks.js";

const spider: GameDefinition<SpiderState> = {
  name: "spider_solitaire",
  title: "Spider Solitaire",
  category: "Pattern Recognition and Matching",
  domain: "ID",
  generateState,
  renderSvg: renderSpider,
  parseState,
  tasks: spiderTasks,
};

export default spider;
