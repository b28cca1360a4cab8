/**
 * Rule-based math answer checking: extract the final answer from a response, normalise it and the
 * reference, and compare. The rule either decides (correct / incorrect) or says it cannot, so the caller
 * asks a judge only for the undecided cases. It never guesses: anything ambiguous is left undecided.
 */
import { expressionsEqual, nearlyEqual, numericValue } from "./latex-expr.js";

export type ExtractionMethod = "boxed" | "hash" | "answer-is" | "last-number";

export interface ExtractedAnswer {
  text: string;
  method: ExtractionMethod;
}

export interface AnswerCheck {
  /** True when the rule reached a verdict; false means "ask a judge". */
  decided: boolean;
  /** Set only when decided. */
  correct?: boolean;
  /** The final answer as found in the response (raw), if any. */
  extracted?: string;
  method?: ExtractionMethod;
  normalisedTarget: string;
  normalisedAnswer?: string;
  /** Short machine-readable reason, e.g. "numeric-equal", "numeric-mismatch", "no-answer-found". */
  reason: string;
}

/** Content of the braced group that opens at `open` (the index of "{"), honouring nesting. */
function bracedAt(text: string, open: number): { content: string; end: number } | undefined {
  if (text[open] !== "{") return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++; // skip escaped char such as \{ or \}
      continue;
    }
    if (c === "{") depth++;
    else if (c === "}") {
      depth--;
      if (depth === 0) return { content: text.slice(open + 1, i), end: i };
    }
  }
  return undefined;
}

/**
 * Where each `{` of the text closes (one pass, skipping escaped characters as `bracedAt` does); unclosed
 * braces are absent. Scanning once keeps nested or unclosed `\boxed{` linear instead of one scan each.
 */
function closingBraces(text: string): Map<number, number> {
  const close = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") i++;
    else if (c === "{") open.push(i);
    else if (c === "}") {
      const o = open.pop();
      if (o !== undefined) close.set(o, i);
    }
  }
  return close;
}

/** Content of the last \boxed{...} or \fbox{...} (nested braces allowed; also "\boxed 5"). */
export function extractBoxed(text: string): string | undefined {
  const starts: number[] = [];
  const re = /\\(?:boxed|fbox)\s*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + m[0].length);
  if (starts.length === 0) return undefined;
  let close: Map<number, number> | undefined;
  const bare = /[^\s$]+/y;
  // The last occurrence that reads wins; a nested \boxed starts after its parent, so it counts as later.
  for (let k = starts.length - 1; k >= 0; k--) {
    const after = starts[k]!;
    if (text[after] === "{") {
      close ??= closingBraces(text);
      const end = close.get(after);
      if (end !== undefined) return text.slice(after + 1, end).trim();
    } else {
      bare.lastIndex = after;
      const m = bare.exec(text);
      if (m) return m[0].trim();
    }
  }
  return undefined;
}

const NUMBER_RE = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\/\d+(?:\.\d+)?)?|-?\.\d+/g;

/** The last number in the text (integers, decimals, thousands separators, a/b). */
export function lastNumber(text: string): string | undefined {
  // Drop GSM8K calculator annotations like <<16/2=8>>: they repeat numbers out of order.
  const clean = text.replace(/<<[^>]*>>/g, " ");
  const all = clean.match(NUMBER_RE);
  return all?.[all.length - 1];
}

const ANSWER_IS_RE =
  /(?:final answer|the answer|answer)\s*(?:is|:|=|would be|will be)\s*:?\s*([^\n]+)|(?:答案是|答案为|答案:|答案：)\s*([^\n]+)/gi;

/** Final answer of a response: last \boxed{}, then "#### x", then "The answer is x", then the last number. */
export function extractFinalAnswer(response: string): ExtractedAnswer | undefined {
  const boxed = extractBoxed(response);
  if (boxed !== undefined && boxed.length > 0) return { text: boxed, method: "boxed" };
  const hash = /####\s*([^\n]+)/g;
  let lastHash: string | undefined;
  for (let m = hash.exec(response); m; m = hash.exec(response)) lastHash = m[1];
  if (lastHash?.trim()) return { text: lastHash.trim(), method: "hash" };
  let lastIs: string | undefined;
  for (const m of response.matchAll(ANSWER_IS_RE)) lastIs = (m[1] ?? m[2])?.trim();
  // "Final Answer: The final answer is 18." names the answer twice; keep the innermost.
  for (let depth = 0; lastIs && depth < 3; depth++) {
    const inner = [...lastIs.matchAll(ANSWER_IS_RE)].pop();
    const text = (inner?.[1] ?? inner?.[2])?.trim();
    if (!text) break;
    lastIs = text;
  }
  if (lastIs) {
    // Keep the first sentence: "42 apples. So she has ..." → "42 apples".
    const sentence =
      lastIs
        .replace(/\*\*/g, "")
        .split(/\.(?:\s|$)|;\s/)[0]
        ?.trim() ?? "";
    if (sentence.length > 0) return { text: sentence, method: "answer-is" };
  }
  const num = lastNumber(response);
  return num === undefined ? undefined : { text: num, method: "last-number" };
}

/** Reference answer of a solution: last \boxed{} (MATH), else the text after "####" (GSM8K). */
export function referenceAnswer(solution: string): string | undefined {
  const boxed = extractBoxed(solution);
  if (boxed) return boxed;
  const m = /####\s*([^\n]+)/.exec(solution);
  return m?.[1]?.trim() || undefined;
}

/** Replace \cmd{x} by x for text-like wrappers, honouring nested braces. */
function unwrapCommand(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) {
    const needle = `\\${name}`;
    for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i)) {
      let open = i + needle.length;
      while (out[open] === " ") open++;
      const group = bracedAt(out, open);
      if (!group || /[a-zA-Z]/.test(out[i + needle.length] ?? "")) {
        i += needle.length;
        continue;
      }
      out = out.slice(0, i) + group.content + out.slice(group.end + 1);
    }
  }
  return out;
}

export interface NormalisedAnswer {
  text: string;
  hadPercent: boolean;
  hadDegree: boolean;
}

// Each repetition starts with a distinct token (whitespace + word, "^2", "/unit"), so matching stays
// linear: an ambiguous split of one letter run into several words would backtrack exponentially.
const UNIT_TAIL_RE =
  /(?<![\\a-zA-Z])([a-zA-Z]{2,}\.?)((?:\s*\^\{?\d\}?|\s*\/\s*[a-zA-Z]+|\s+[a-zA-Z]+\.?)*)$/;

/** Canonical text of an answer: LaTeX wrappers, units, currency, separators and spacing removed. */
export function normaliseAnswer(raw: string): NormalisedAnswer {
  let s = raw.trim();
  // Math-mode delimiters.
  s = s.replace(/^\\\[|\\\]$/g, "").replace(/^\\\(|\\\)$/g, "");
  s = s.replace(/^\$+|\$+$/g, "");
  s = unwrapCommand(s, [
    "text",
    "textbf",
    "textit",
    "textrm",
    "mathrm",
    "mathbf",
    "mbox",
    "operatorname",
    "boxed",
  ]);
  s = s.replace(/\\(?:left|right|big|Big|bigg|Bigg)(?![a-zA-Z])/g, "");
  s = s.replace(/\\displaystyle/g, "");
  s = s.replace(/\{,\}/g, ",");
  s = s
    .replace(/\\!/g, "")
    .replace(/\\[,;:> ]/g, " ")
    .replace(/~/g, " ");
  s = s.replace(/\\[dt]frac/g, "\\frac");

  let hadDegree = false;
  s = s.replace(/\^\s*\{?\s*\\circ\s*\}?|°|\\degree|\s*\bdegrees?\b/gi, () => {
    hadDegree = true;
    return "";
  });
  let hadPercent = false;
  s = s.replace(/\\%|%|\s*\bpercent\b/gi, () => {
    hadPercent = true;
    return "";
  });
  s = s.replace(/\\\$|\$|\bdollars?\b|\bUSD\b/gi, "");
  // A trailing sentence period ("42.") is not a decimal point.
  s = s.replace(/\.\s*$/, "");
  s = s.trim();

  // "x = 5", "y \approx 3.14", "x \in (0,5)": keep the right-hand side.
  const rel = s.split(/=|\\approx|\\equiv|\\in(?![a-zA-Z])/);
  if (rel.length > 1 && !/\\(?:le|ge|leq|geq|neq)|[<>]/.test(s)) {
    const rhs = rel[rel.length - 1]!.trim();
    if (rhs.length > 0) s = rhs;
  }

  // Thousands separators, only where no list/tuple could be meant.
  if (!/[()[\]{}]/.test(s))
    s = s.replace(
      /(?<![\d,])(\d{1,3})((?:,\d{3})+)(?![\d])/g,
      (_m, head: string, rest: string) => head + rest.replace(/,/g, ""),
    );

  // Trailing unit words after a number: "40 cm^2", "12 inches", "5 hours".
  const unit = UNIT_TAIL_RE.exec(s);
  if (unit && unit.index > 0) {
    const head = s.slice(0, unit.index).trim();
    if (numericValue(head.replace(/\s+/g, "")) !== undefined) s = head;
  }

  // \frac12 → \frac{1}{2}, \sqrt2 → \sqrt{2} (single-digit shorthand).
  s = s.replace(/\\frac\s*(\d)\s*(\d)/g, "\\frac{$1}{$2}");
  s = s.replace(/\\frac\s*(\d)\s*\{/g, "\\frac{$1}{");
  s = s.replace(/\\frac\s*\{([^{}]*)\}\s*(\d)/g, "\\frac{$1}{$2}");
  s = s.replace(/\\sqrt\s*(\d)/g, "\\sqrt{$1}");

  s = s.replace(/\s+/g, "");
  // Trailing zeros and bare leading dots in decimals: 5.00 → 5, 2.50 → 2.5, .5 → 0.5.
  s = s.replace(/(?<![\d.])(\d+)\.(\d*?)0+(?!\d)/g, (_m, int: string, frac: string) =>
    frac ? `${int}.${frac}` : int,
  );
  s = s.replace(/(^|[^\d])\.(\d)/g, (_m, before: string, digit: string) => `${before}0.${digit}`);
  s = s.replace(/^\+/, "");
  // Word-only answers ("Tuesday") compare case-insensitively.
  if (/^[a-zA-Z]+$/.test(s)) s = s.toLowerCase();
  return { text: s, hadPercent, hadDegree };
}

/** Split on commas at bracket depth 0. */
function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Whether the outer brackets of s enclose the whole string, e.g. "(1,2)" but not "(1)+(2)". */
function outerBrackets(s: string): { open: string; close: string; inner: string } | undefined {
  const open = s[0];
  const close = s[s.length - 1];
  if (!open || !close || !"([".includes(open) || !")]".includes(close)) return undefined;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    if (depth === 0 && i < s.length - 1) return undefined;
  }
  return { open, close, inner: s.slice(1, -1) };
}

const NUMBER_WORDS = new Map<string, number>(
  [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
  ].map((w, i) => [w, i] as [string, number]),
);

/** Three-valued comparison of two normalised answers: true, false, or undefined (cannot tell). */
export function compareNormalised(a: string, b: string): boolean | undefined {
  if (a === b) return true;
  if (a.length === 0 || b.length === 0) return undefined;

  // Mixed numbers such as 2\frac{1}{2} read as products; leave them to a judge.
  const mixed = /^-?\d+\\frac\{\d+\}\{\d+\}$/;
  if (mixed.test(a) !== mixed.test(b)) return undefined;

  const unionA = splitTopLevel(a, "\\cup");
  const unionB = splitTopLevel(b, "\\cup");
  if (unionA.length > 1 || unionB.length > 1) {
    if (unionA.length !== unionB.length) return undefined;
    return all(unionA.map((p, i) => compareNormalised(p, unionB[i]!)));
  }

  const ba = outerBrackets(a);
  const bb = outerBrackets(b);
  if (ba && bb) {
    const ea = splitTopLevel(ba.inner, ",");
    const eb = splitTopLevel(bb.inner, ",");
    if (ea.length > 1 || eb.length > 1) {
      if (ea.length !== eb.length) return false;
      if (ba.open !== bb.open || ba.close !== bb.close) return false; // (0,5) vs [0,5]
      return all(ea.map((x, i) => compareNormalised(x, eb[i]!)));
    }
  }

  // Unbracketed lists ("1,2,3"): a set of solutions, order does not matter.
  const la = ba ? [a] : splitTopLevel(a, ",");
  const lb = bb ? [b] : splitTopLevel(b, ",");
  if (la.length > 1 || lb.length > 1) {
    if (la.length !== lb.length) return undefined;
    const used = new Set<number>();
    for (const x of la) {
      const j = lb.findIndex((y, k) => !used.has(k) && compareNormalised(x, y) === true);
      if (j < 0) return undefined;
      used.add(j);
    }
    return true;
  }

  const va = numericValue(a);
  const vb = numericValue(b);
  if (va !== undefined && vb !== undefined) return nearlyEqual(va, vb);
  const words = /^[a-z]+$/;
  if (words.test(a) || words.test(b)) {
    const na = NUMBER_WORDS.get(a) ?? va;
    const nb = NUMBER_WORDS.get(b) ?? vb;
    if (na !== undefined && nb !== undefined) return nearlyEqual(na, nb);
    // Two different words ("monday" vs "tuesday", case already folded) differ; a word against a
    // number or an expression ("the empty set" vs 0) is for a judge to read.
    return words.test(a) && words.test(b) && a.length > 1 && b.length > 1 ? false : undefined;
  }
  // Expressions with variables: equal as polynomials/rational functions at sample points.
  return expressionsEqual(a, b);
}

function all(results: (boolean | undefined)[]): boolean | undefined {
  if (results.some((r) => r === false)) return false;
  if (results.some((r) => r === undefined)) return undefined;
  return true;
}

const MAX_ANSWER_CHARS = 500;

/** Decimal places written in a number, e.g. "0.33" → 2. */
function decimals(s: string): number {
  const m = /^-?\d*\.(\d+)$/.exec(s);
  return m ? m[1]!.length : 0;
}

/**
 * Check a response against a reference final answer (already extracted: "56", "\frac{7}{24}", ...).
 * Decides when both sides are comparable; otherwise returns decided=false with the reason.
 */
export function checkMathAnswer(response: string, target: string): AnswerCheck {
  const t = normaliseAnswer(target);
  const base = { normalisedTarget: t.text };
  if (t.text.length === 0) return { ...base, decided: false, reason: "empty-reference" };
  const found = extractFinalAnswer(response);
  if (!found) return { ...base, decided: false, reason: "no-answer-found" };
  const a = normaliseAnswer(found.text);
  const seen = { ...base, extracted: found.text, method: found.method, normalisedAnswer: a.text };
  if (a.text.length === 0) return { ...seen, decided: false, reason: "empty-answer" };
  // Final answers are short; a huge one is not something to evaluate recursively.
  if (a.text.length > MAX_ANSWER_CHARS && a.text !== t.text)
    return { ...seen, decided: false, reason: "answer-too-long" };

  const same = compareNormalised(a.text, t.text);
  if (same === true)
    return { ...seen, decided: true, correct: true, reason: a.text === t.text ? "exact" : "equivalent" };
  if (same === undefined) return { ...seen, decided: false, reason: "not-comparable" };

  // Rule says different. Leave the cases where a reader might still count it right to the judge.
  const va = numericValue(a.text);
  const vt = numericValue(t.text);
  if (va !== undefined && vt !== undefined) {
    if (a.hadPercent !== t.hadPercent && (nearlyEqual(va * 100, vt) || nearlyEqual(va, vt * 100))) {
      return { ...seen, decided: false, reason: "percent-vs-fraction" };
    }
    if (a.hadDegree !== t.hadDegree && /\\pi/.test(a.text + t.text)) {
      return { ...seen, decided: false, reason: "degrees-vs-radians" };
    }
    const d = decimals(a.text);
    if (d >= 1 && Math.abs(va - vt) <= 0.5 * 10 ** -d + 1e-12)
      return { ...seen, decided: false, reason: "rounded" };
  }
  // The last number of a free-form response is a weak signal of what the model meant.
  if (found.method === "last-number") return { ...seen, decided: false, reason: "last-number-mismatch" };
  return { ...seen, decided: true, correct: false, reason: "mismatch" };
}
