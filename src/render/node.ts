/** The web apps' renderer in Node (tests, server-side HTML): markdown-it and KaTeX from node_modules. */
import katex from "katex";
import MarkdownIt from "markdown-it";
import { createRenderer, type MarkdownItLike } from "./markdown.js";

export const renderMarkdown = createRenderer({
  markdownit: (options) => new MarkdownIt(options) as unknown as MarkdownItLike,
  katex,
});
