/**
 * The shared renderer for untrusted model text (src/render): Markdown and TeX render, nothing in the
 * text can add script, event handlers, javascript: URLs or requests, and hostile input never hangs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderMarkdown } from "../../src/render/node.js";
import { Rng } from "../../src/stats/rng.js";

/** Tags that must never come out of the renderer, whatever the input. */
const FORBIDDEN_TAGS =
  /<\s*\/?\s*(script|img|iframe|object|embed|style|link|meta|base|form|input|svg:script|foreignobject|image|video|audio|source)\b/i;

function assertInert(html: string, from: string): void {
  assert.doesNotMatch(html, FORBIDDEN_TAGS, `forbidden tag from ${JSON.stringify(from)}`);
  const tags = [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)];
  // Every opening tag must be one the pattern reads whole (else an odd attribute could hide from it).
  assert.equal(
    tags.length,
    (html.match(/<[a-zA-Z]/g) ?? []).length,
    `unparsed tag from ${JSON.stringify(from)}`,
  );
  for (const m of tags) {
    const attrs = m[2]!;
    // Attribute values are quoted and escaped by the libraries, so names are read outside the quotes.
    for (const a of attrs.matchAll(/\s([^\s=]+)(?:="([^"]*)")?/g)) {
      const [, name, value] = a;
      assert.ok(!/^on/i.test(name!), `handler ${name} in ${m[0]} from ${JSON.stringify(from)}`);
      if (name === "href") assert.match(value ?? "", /^(https?:|mailto:|$)/i, `href ${value}`);
      assert.notEqual(name, "style", `a style attribute (the CSP forbids them) in ${m[0]}`);
      if (name === "data-katex-style")
        assert.doesNotMatch(value ?? "", /url\(|expression|@import/i, `style ${value}`);
      assert.ok(
        !["src", "srcdoc", "action", "formaction", "xlink:href"].includes(name!),
        `${name} in ${m[0]}`,
      );
    }
  }
}

describe("Markdown and TeX renderer", () => {
  test("raw HTML is text, links are http(s) only and open safely, images are not loaded", () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)"> **b** [x](javascript:alert(3)) [ok](https://e.org/"a) ![pic](https://e.org/p.png)',
    );
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=&quot;alert\(2\)&quot;&gt;/);
    assert.match(html, /<strong>b<\/strong>/);
    assert.ok(!html.includes('href="javascript'));
    assert.match(
      html,
      /<a href="https:\/\/e\.org\/%22a" rel="noopener noreferrer nofollow" target="_blank">ok<\/a>/,
    );
    assert.doesNotMatch(html, /<img/);
    assertInert(html, "fixed");
  });

  test("tables, nested lists and code blocks render; code is escaped", () => {
    const html = renderMarkdown(
      "| a | b |\n|---|---|\n| 1 | $x^2$ |\n\n- one\n  - inner\n    1. deep\n- two\n\n```\n<b>code</b>\n```",
    );
    assert.match(html, /<table>\s*<thead>\s*<tr>\s*<th>a<\/th>\s*<th>b<\/th>/);
    assert.match(html, /<td><span class="katex">/);
    assert.match(html, /<ul>\s*<li>one\s*<ul>\s*<li>inner\s*<ol>\s*<li>deep<\/li>/);
    assert.match(html, /<pre><code>&lt;b&gt;code&lt;\/b&gt;\n<\/code><\/pre>/);
  });

  test("the TeX that answers use renders through KaTeX: boxed, binom, overline, matrices, aligned", () => {
    const cases: Array<[string, RegExp]> = [
      ["$\\boxed{42}$", /class="boxpad"/],
      ["$\\binom{n}{k}$", /<mfrac linethickness="0px">/],
      ["$\\overline{AB}$", /class="overline/],
      ["$$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$$", /<mtable/],
      ["\\begin{aligned} a&=b\\\\ c&=d \\end{aligned}", /<mtable[^>]*columnalign="right left"/],
      ["\\[ \\frac{1}{2} \\]", /katex-display/],
      ["\\( x \\)", /class="katex"/],
      ["Costs $5 and $6 today", /^<p>Costs \$5 and \$6 today<\/p>/],
    ];
    for (const [tex, expected] of cases) {
      const html = renderMarkdown(tex);
      assert.match(html, expected, tex);
      assertInert(html, tex);
    }
  });

  test("TeX commands that could link, load or run are inert without trust", () => {
    const html = renderMarkdown(
      "$\\href{javascript:alert(1)}{x}$ $\\url{javascript:y}$ $\\includegraphics{https://e.org/p.png}$ $\\htmlId{a}{b}$ $\\htmlStyle{background:url(https://e.org)}{c}$",
    );
    const visible = html.replace(/<annotation[\s\S]*?<\/annotation>/g, "");
    assert.doesNotMatch(visible, /<a |<img|href=|id="a"/);
    assertInert(html, "trust");
  });

  test("pathological input returns quickly: 20,000-deep TeX, fences with line separators, long math", () => {
    const deep = `$${"{".repeat(20000)}x${"}".repeat(20000)}$`;
    assert.match(renderMarkdown(deep), /class="math-source"/);
    assert.match(renderMarkdown("```\ncode\u2028\n```\u2029after"), /<pre>/);
    assert.match(renderMarkdown(`$${"x+".repeat(3000)}x$`), /class="math-source"/);
    assert.match(renderMarkdown(`${"> ".repeat(5000)}quote`), /blockquote/);
  });

  test("random hostile text: nothing executable, no event handlers, no javascript: URLs", () => {
    const alphabet = [
      "<",
      ">",
      '"',
      "'",
      "`",
      "*",
      "_",
      "$",
      "$$",
      "\\",
      "[",
      "]",
      "(",
      ")",
      "|",
      "-",
      "#",
      "\n",
      " ",
      "a",
      "1",
      "\u0000",
      "\u2028",
      "<script>",
      "<img src=x onerror=alert(1)>",
      "javascript:",
      "https://x.org/",
      "onclick=",
      "</td>",
      "\\frac{",
      "^{",
      "```",
      "\\href{",
      "\\url{",
      "\\begin{aligned}",
      "\\end{aligned}",
      "&",
      "\\\\",
      "![",
      "](",
    ];
    const rng = new Rng(12345);
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: 1 + rng.int(60) }, () => alphabet[rng.int(alphabet.length)]).join("");
      const html = renderMarkdown(text);
      assertInert(html, text);
      assert.ok(!html.includes("\u0000"));
    }
  });
});
