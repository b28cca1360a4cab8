// The web apps' renderer in the browser: markdown-it and KaTeX served by the app itself (no network).
import katex from "./katex.mjs";
import MarkdownIt from "./markdown-it.mjs";
import { createRenderer } from "./markdown.js";

export const renderMarkdown = createRenderer({ markdownit: (options) => new MarkdownIt(options), katex });

/**
 * Renders untrusted text into `el`. KaTeX's positioning styles arrive as data-katex-style (the CSP
 * forbids style attributes) and are applied here through the CSSOM, which the CSP allows.
 */
export function renderInto(el, text) {
  el.innerHTML = renderMarkdown(text);
  for (const node of el.querySelectorAll("[data-katex-style]")) {
    node.style.cssText = node.getAttribute("data-katex-style");
    node.removeAttribute("data-katex-style");
  }
}
