/**
 * A small, safe Markdown + LaTeX renderer for model answers in the annotation app. It runs in the
 * browser (the server serves this file's compiled JavaScript) and in Node tests, so it imports nothing.
 *
 * Safety by construction: every piece of source text goes through `escapeHtml` before it reaches the
 * output, and the renderer itself only emits a fixed set of tags with no attributes taken from the
 * text, except `href` on links, which must be http(s) and is escaped. Raw HTML in an answer is shown
 * as text. The app's Content-Security-Policy forbids inline script as a second line of defence.
 *
 * Supported: headings, paragraphs, emphasis (** * ~~), inline code and fenced code blocks, ordered and
 * unordered lists (one level of nesting by indentation), block quotes, pipe tables, horizontal rules,
 * links, and TeX math ($…$, $$…$$, \(…\), \[…\]) rendered as text with Unicode symbols, sub/superscripts
 * and fractions.
 */

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// ---------- TeX ----------

const TEX_SYMBOLS: Record<string, string> = {
  alpha: "α",
  beta: "β",
  gamma: "γ",
  delta: "δ",
  epsilon: "ε",
  varepsilon: "ε",
  zeta: "ζ",
  eta: "η",
  theta: "θ",
  iota: "ι",
  kappa: "κ",
  lambda: "λ",
  mu: "μ",
  nu: "ν",
  xi: "ξ",
  pi: "π",
  rho: "ρ",
  sigma: "σ",
  tau: "τ",
  upsilon: "υ",
  phi: "φ",
  varphi: "φ",
  chi: "χ",
  psi: "ψ",
  omega: "ω",
  Gamma: "Γ",
  Delta: "Δ",
  Theta: "Θ",
  Lambda: "Λ",
  Xi: "Ξ",
  Pi: "Π",
  Sigma: "Σ",
  Phi: "Φ",
  Psi: "Ψ",
  Omega: "Ω",
  times: "×",
  cdot: "·",
  div: "÷",
  pm: "±",
  mp: "∓",
  le: "≤",
  leq: "≤",
  ge: "≥",
  geq: "≥",
  ne: "≠",
  neq: "≠",
  approx: "≈",
  sim: "∼",
  equiv: "≡",
  propto: "∝",
  infty: "∞",
  to: "→",
  rightarrow: "→",
  leftarrow: "←",
  Rightarrow: "⇒",
  Leftarrow: "⇐",
  leftrightarrow: "↔",
  uparrow: "↑",
  downarrow: "↓",
  sum: "∑",
  prod: "∏",
  int: "∫",
  partial: "∂",
  nabla: "∇",
  sqrt: "√",
  in: "∈",
  notin: "∉",
  subset: "⊂",
  subseteq: "⊆",
  cup: "∪",
  cap: "∩",
  forall: "∀",
  exists: "∃",
  neg: "¬",
  land: "∧",
  lor: "∨",
  circ: "∘",
  degree: "°",
  ldots: "…",
  cdots: "⋯",
  dots: "…",
  quad: " ",
  qquad: "  ",
  ",": " ",
  ";": " ",
  "%": "%",
  "{": "{",
  "}": "}",
  "\\": " ",
  left: "",
  right: "",
  mathrm: "",
  text: "",
  mathbf: "",
  mathit: "",
  operatorname: "",
  displaystyle: "",
  log: "log",
  ln: "ln",
  exp: "exp",
  sin: "sin",
  cos: "cos",
  tan: "tan",
  min: "min",
  max: "max",
  lim: "lim",
};

/** Reads a TeX group `{…}` or a single token starting at i; returns its source and the next index. */
function texArg(src: string, i: number): [string, number] {
  while (src[i] === " ") i++;
  if (src[i] === "{") {
    let depth = 0;
    for (let j = i; j < src.length; j++) {
      if (src[j] === "{") depth++;
      else if (src[j] === "}" && --depth === 0) return [src.slice(i + 1, j), j + 1];
    }
    return [src.slice(i + 1), src.length];
  }
  if (src[i] === "\\") {
    const m = /^\\([A-Za-z]+|.)/.exec(src.slice(i));
    if (m) return [m[0], i + m[0].length];
  }
  return [src[i] ?? "", i + 1];
}

/** TeX source → safe HTML (escaped text inside sup/sub/span). */
export function renderTex(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === "\\") {
      const m = /^\\([A-Za-z]+|.)/.exec(src.slice(i));
      const name = m?.[1] ?? "";
      i += m?.[0].length ?? 1;
      if (name === "frac" || name === "dfrac" || name === "tfrac") {
        const [num, a] = texArg(src, i);
        const [den, b] = texArg(src, a);
        i = b;
        out += `<span class="frac"><span class="num">${renderTex(num)}</span><span class="den">${renderTex(den)}</span></span>`;
      } else if (name === "sqrt") {
        const [arg, a] = texArg(src, i);
        i = a;
        out += `√<span class="sqrt">${renderTex(arg)}</span>`;
      } else if (name === "text" || name === "mathrm" || name === "operatorname" || name === "mathbf") {
        const [arg, a] = texArg(src, i);
        i = a;
        out += escapeHtml(arg);
      } else if (name in TEX_SYMBOLS) {
        out += escapeHtml(TEX_SYMBOLS[name]!);
      } else {
        out += escapeHtml(`\\${name}`);
      }
    } else if (ch === "^" || ch === "_") {
      const [arg, a] = texArg(src, i + 1);
      i = a;
      const tag = ch === "^" ? "sup" : "sub";
      out += `<${tag}>${renderTex(arg)}</${tag}>`;
    } else if (ch === "{" || ch === "}") {
      i++;
    } else {
      out += escapeHtml(ch);
      i++;
    }
  }
  return out;
}

// ---------- inline ----------

const PLACEHOLDER = "\u0000";

/** Inline Markdown → HTML. Code spans and math are cut out first so their contents stay literal. */
export function renderInline(text: string): string {
  const saved: string[] = [];
  const keep = (html: string) => {
    saved.push(html);
    return `${PLACEHOLDER}${saved.length - 1}${PLACEHOLDER}`;
  };
  let s = text.replace(new RegExp(PLACEHOLDER, "g"), "");
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => keep(`<code>${escapeHtml(code)}</code>`));
  s = s.replace(/\$\$([^$]+)\$\$|\\\[([\s\S]+?)\\\]/g, (_m, a?: string, b?: string) =>
    keep(`<span class="math display">${renderTex(a ?? b ?? "")}</span>`),
  );
  s = s.replace(/\\\(([\s\S]+?)\\\)|\$([^$\n]+?)\$/g, (m, a?: string, b?: string) => {
    const tex = a ?? b ?? "";
    // "$5 and $6" is money, not math: require no space just inside the dollars.
    if (b !== undefined && /^\s|\s$/.test(b)) return m;
    return keep(`<span class="math">${renderTex(tex)}</span>`);
  });
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, label: string, url: string) =>
    keep(
      `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(label)}</a>`,
    ),
  );
  s = escapeHtml(s);
  s = s.replace(
    /\*\*([^*\n]+?)\*\*|__([^_\n]+?)__/g,
    (_m, a?: string, b?: string) => `<strong>${a ?? b}</strong>`,
  );
  s = s.replace(
    /(^|[^*\w])\*([^*\s][^*\n]*?)\*(?!\w)/g,
    (_m, pre: string, t: string) => `${pre}<em>${t}</em>`,
  );
  s = s.replace(/~~([^~\n]+?)~~/g, (_m, t: string) => `<del>${t}</del>`);
  // A cut-out piece can hold another one (code inside math or a link label): restore until none is left.
  const marker = new RegExp(`${PLACEHOLDER}(\\d+)${PLACEHOLDER}`, "g");
  for (let round = 0; round <= saved.length && s.includes(PLACEHOLDER); round++)
    s = s.replace(marker, (_m, n: string) => saved[Number(n)] ?? "");
  return s.replace(new RegExp(PLACEHOLDER, "g"), "");
}

// ---------- blocks ----------

function isTableSep(line: string): boolean {
  return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line) && line.includes("-");
}

function tableCells(line: string): string[] {
  let t = line.trim();
  if (t.startsWith("|")) t = t.slice(1);
  if (t.endsWith("|")) t = t.slice(0, -1);
  return t.split("|").map((c) => c.trim());
}

const LIST_RE = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

function renderList(lines: string[]): string {
  // Items at the smallest indentation; deeper lines belong to the previous item.
  const first = LIST_RE.exec(lines[0]!)!;
  const ordered = /\d/.test(first[2]!);
  const base = first[1]!.length;
  const items: string[][] = [];
  for (const line of lines) {
    const m = LIST_RE.exec(line);
    if (m && m[1]!.length <= base + 1) items.push([m[3]!]);
    else items.at(-1)?.push(line.replace(/^\s{1,4}/, ""));
  }
  const start = ordered ? Number.parseInt(first[2]!, 10) : 1;
  const open = ordered ? (start !== 1 ? `<ol start="${start}">` : "<ol>") : "<ul>";
  const body = items
    .map(([head, ...rest]) => {
      const nested =
        rest.length && rest.some((l) => LIST_RE.test(l))
          ? renderBlocks(rest)
          : rest.map(renderInline).join("<br>");
      return `<li>${renderInline(head ?? "")}${nested ? (rest.some((l) => LIST_RE.test(l)) ? nested : `<br>${nested}`) : ""}</li>`;
    })
    .join("");
  return `${open}${body}${ordered ? "</ol>" : "</ul>"}`;
}

function renderBlocks(lines: string[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)(.*)$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      out.push(`<pre><code>${escapeHtml(body.join("\n"))}</code></pre>`);
      continue;
    }
    if (/^\s*\$\$\s*$/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s*\$\$\s*$/.test(lines[i]!)) body.push(lines[i++]!);
      i++;
      out.push(`<div class="math display">${renderTex(body.join(" "))}</div>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1]!.length + 2); // answers' h1 shows as h3 in the page
      out.push(`<h${level}>${renderInline(heading[2]!)}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push("<hr>");
      i++;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i]!)) body.push(lines[i++]!.replace(/^\s*>\s?/, ""));
      out.push(`<blockquote>${renderBlocks(body)}</blockquote>`);
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && isTableSep(lines[i + 1]!)) {
      const head = tableCells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.includes("|") && lines[i]!.trim() !== "")
        rows.push(tableCells(lines[i++]!));
      out.push(
        `<table><thead><tr>${head.map((c) => `<th>${renderInline(c)}</th>`).join("")}</tr></thead><tbody>${rows
          .map((r) => `<tr>${head.map((_h, k) => `<td>${renderInline(r[k] ?? "")}</td>`).join("")}</tr>`)
          .join("")}</tbody></table>`,
      );
      continue;
    }
    if (LIST_RE.test(line)) {
      const body: string[] = [];
      while (
        i < lines.length &&
        lines[i]!.trim() !== "" &&
        (LIST_RE.test(lines[i]!) || /^\s+\S/.test(lines[i]!))
      )
        body.push(lines[i++]!);
      // A blank line followed by another item continues the list.
      out.push(renderList(body));
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== "" &&
      !/^\s*(```|~~~|#{1,6}\s|>|\$\$\s*$)/.test(lines[i]!) &&
      !(para.length > 0 && LIST_RE.test(lines[i]!))
    )
      para.push(lines[i++]!);
    out.push(`<p>${para.map(renderInline).join("<br>")}</p>`);
  }
  return out.join("\n");
}

/** Markdown → safe HTML. */
export function renderMarkdown(text: string): string {
  // NUL is the renderer's own placeholder marker; it has no business in an answer anyway.
  return renderBlocks(
    text
      .replace(/\u0000/g, "")
      .replace(/\r\n?/g, "\n")
      .split("\n"),
  );
}
