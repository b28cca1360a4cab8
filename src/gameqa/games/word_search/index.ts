/**
 * Word Search (Code2Logic `word_search`, Multi-step Reasoning, in-domain).
 * Plot level by grid side: 5 Easy, 6-7 Medium, 8 Hard; tasks 0-3.
 */
import type { GameDefinition } from "../../types.js";
import { renderWordSearch } from "./render.js";
import { generateState, parseState, type WordSearchState } from "./state.js";
import { wordSearchTasks } from "./tasks.js";

const wordSearch: GameDefinition<WordSearchState> = {
  name: "word_search",
  title: "Word Search",
  category: "Multi-step Reasoning",
  domain: "ID",
  generateState,
  renderSvg: renderWordSearch,
  parseState,
  tasks: wordSearchTasks,
  // The letter grid plus a header row and column of numbers, all ruled.
  gridLines: (s) => ({ vertical: s.size + 2, horizontal: s.size + 2 }),
};

export default wordSearch;
