/**
 * The one renderer for untrusted model text in Assay's web apps (the annotation app and the viewer):
 * Markdown through markdown-it with raw HTML disabled, and TeX through KaTeX with `trust: false`.
 *
 * This file imports nothing, so its compiled JavaScript is served to the browser as it is; the two
 * libraries are passed in (`resources/render/browser.js` in the page, `node.ts` in Node). Safety rests on
 * the libraries' own escaping plus four choices made here: no raw HTML, links only to http(s) and
 * mailto, no images from the text (they would make requests), and math that fails to parse, is too
 * long or too deep shown as escaped source. The apps' Content-Security-Policy forbids inline script and
 * inline style; KaTeX's positioning styles are applied through the CSSOM instead (see below).
 */

/** The parts of markdown-it's token/state API that the math rules use. */
interface MdToken {
  content: string;
  markup: string;
  block: boolean;
  map: [number, number] | null;
  meta: unknown;
  attrSet(name: string, value: string): void;
}
interface MdInlineState {
  src: string;
  pos: number;
  posMax: number;
  push(type: string, tag: string, nesting: number): MdToken;
}
interface MdBlockState {
  src: string;
  bMarks: number[];
  eMarks: number[];
  tShift: number[];
  sCount: number[];
  blkIndent: number;
  line: number;
  push(type: string, tag: string, nesting: number): MdToken;
}
type RenderRule = (
  tokens: MdToken[],
  idx: number,
  options: unknown,
  env: unknown,
  self: MdRenderer,
) => string;
interface MdRenderer {
  rules: Record<string, RenderRule | undefined>;
  renderToken(tokens: MdToken[], idx: number, options: unknown): string;
}
interface MdRuler<S> {
  before(beforeName: string, ruleName: string, fn: S, options?: { alt?: string[] }): void;
}

/** The markdown-it instance this module configures (structural, so no import is needed). */
export interface MarkdownItLike {
  validateLink: (url: string) => boolean;
  renderer: MdRenderer;
  inline: { ruler: MdRuler<(state: MdInlineState, silent: boolean) => boolean> };
  block: {
    ruler: MdRuler<(state: MdBlockState, startLine: number, endLine: number, silent: boolean) => boolean>;
  };
  disable(rules: string | string[]): unknown;
  render(src: string): string;
}

export interface KatexLike {
  renderToString(tex: string, options: Record<string, unknown>): string;
}

export interface RendererDeps {
  /** Creates a markdown-it instance with the given options (`new MarkdownIt(options)`). */
  markdownit: (options: Record<string, unknown>) => MarkdownItLike;
  katex: KatexLike;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Longer TeX is shown as source: KaTeX's time and output grow with it, and answers rarely need more. */
const MAX_TEX = 4000;
/** Brace nesting deeper than this is shown as source (KaTeX's parser recurses per level). */
const MAX_TEX_DEPTH = 100;

function texDepth(tex: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex.charCodeAt(i);
    if (c === 92)
      i++; // a backslash escapes the next character (\{ is a literal brace)
    else if (c === 123) max = Math.max(max, ++depth);
    else if (c === 125) depth = Math.max(0, depth - 1);
  }
  return max;
}

/**
 * KaTeX places glyphs with inline `style` attributes, which the apps' CSP forbids. They travel as
 * `data-katex-style` instead and the page applies them through the CSSOM (`resources/render/browser.js`),
 * which CSP allows; the values are KaTeX's own (with `trust: false` no TeX command sets a style).
 */
function withoutStyleAttributes(html: string): string {
  return html.replace(/ style="/g, ' data-katex-style="');
}

function texHtml(katex: KatexLike, tex: string, display: boolean): string {
  const source = () => `<code class="math-source">${escapeHtml(display ? `$$${tex}$$` : `$${tex}$`)}</code>`;
  if (tex.length > MAX_TEX || texDepth(tex) > MAX_TEX_DEPTH) return source();
  try {
    return withoutStyleAttributes(
      katex.renderToString(tex, {
        displayMode: display,
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxSize: 20,
        maxExpand: 500,
        output: "htmlAndMathml",
      }),
    );
  } catch {
    // RangeError from very deep input and anything else KaTeX did not turn into its own error box.
    return source();
  }
}

const isSpace = (c: string | undefined) => c === undefined || c === " " || c === "\t" || c === "\n";

/** End of a single-dollar formula starting at `from`, or -1 (pandoc's rule: no space inside the
 * delimiters, no digit right after the closing one, so "$5 and $6" stays text). */
function closingDollar(src: string, from: number, max: number): number {
  if (isSpace(src[from]) || src[from] === "$") return -1;
  for (let i = src.indexOf("$", from); i !== -1 && i < max; i = src.indexOf("$", i + 1)) {
    if (src[i - 1] === "\\") continue;
    if (isSpace(src[i - 1])) continue;
    if (src[i + 1] !== undefined && /[0-9]/.test(src[i + 1]!)) continue;
    return i;
  }
  return -1;
}

function mathInline(state: MdInlineState, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  let close: string;
  let display: boolean;
  let openLen: number;
  if (src.startsWith("\\(", pos)) [close, display, openLen] = ["\\)", false, 2];
  else if (src.startsWith("\\[", pos)) [close, display, openLen] = ["\\]", true, 2];
  else if (src.startsWith("$$", pos)) [close, display, openLen] = ["$$", true, 2];
  else if (src[pos] === "$") [close, display, openLen] = ["$", false, 1];
  else return false;
  const start = pos + openLen;
  const end = close === "$" ? closingDollar(src, start, posMax) : src.indexOf(close, start);
  if (end === -1 || end >= posMax || end === start) return false;
  if (!silent) {
    const token = state.push("math_inline", "math", 0);
    token.content = src.slice(start, end);
    token.markup = close;
    token.meta = { display };
  }
  state.pos = end + close.length;
  return true;
}

/** Display environments that models write without $$ around them; KaTeX renders each. */
const MATH_ENVIRONMENT =
  /^\\begin\{(aligned|align\*?|equation\*?|gather\*?|gathered|[pbBvV]?matrix|cases|array|split)\}/;

/**
 * `$$ … $$`, `\[ … \]` or a bare `\begin{aligned} … \end{aligned}` (and the other display environments)
 * opening a line, closed on the same or a later line.
 */
function mathBlock(state: MdBlockState, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const lineText = (n: number) => state.src.slice(state.bMarks[n]! + state.tShift[n]!, state.eMarks[n]!);
  const first = lineText(startLine);
  const env = MATH_ENVIRONMENT.exec(first)?.[1];
  const close = env
    ? `\\end{${env}}`
    : first.startsWith("$$")
      ? "$$"
      : first.startsWith("\\[")
        ? "\\]"
        : null;
  if (!close) return false;
  const parts: string[] = [];
  // An environment keeps its \begin and \end: they are part of the TeX.
  let rest = env ? first : first.slice(2);
  let line = startLine;
  for (;;) {
    const at = rest.indexOf(close);
    if (at !== -1) {
      if (rest.slice(at + close.length).trim() !== "") return false;
      parts.push(env ? rest.slice(0, at + close.length) : rest.slice(0, at));
      break;
    }
    parts.push(rest);
    line++;
    if (line >= endLine) return false;
    rest = lineText(line);
  }
  const content = parts.join("\n").trim();
  if (content === "") return false;
  if (silent) return true;
  state.line = line + 1;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = content;
  token.map = [startLine, state.line];
  return true;
}

const SAFE_LINK = /^(https?:|mailto:)/i;

/** A renderer: Markdown + TeX text to HTML that is safe to assign to innerHTML. */
export function createRenderer(deps: RendererDeps): (text: string) => string {
  const md = deps.markdownit({ html: false, linkify: false, typographer: false, breaks: true });
  md.validateLink = (url) => SAFE_LINK.test(url.trim());
  md.disable("image");
  md.inline.ruler.before("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, {
    alt: ["paragraph", "reference", "blockquote", "list"],
  });
  md.renderer.rules.math_inline = (tokens, idx) => {
    const t = tokens[idx]!;
    return texHtml(deps.katex, t.content, (t.meta as { display: boolean }).display);
  };
  md.renderer.rules.math_block = (tokens, idx) =>
    `<div class="math-display">${texHtml(deps.katex, tokens[idx]!.content, true)}</div>\n`;
  md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    const t = tokens[idx]!;
    t.attrSet("rel", "noopener noreferrer nofollow");
    t.attrSet("target", "_blank");
    return self.renderToken(tokens, idx, options);
  };
  return (text) => md.render(text.replace(/\u0000/g, "\uFFFD"));
}
