/**
 * A tiny evaluator for the LaTeX-ish arithmetic found in final answers: numbers, + - * / ^, \frac, \sqrt,
 * \sqrt[n], \pi, \cdot, \times, \div, parentheses/braces, implicit multiplication and single-letter
 * variables. Used to decide whether two answers are the same number (0.5 = 1/2 = \frac{1}{2},
 * 2\sqrt{3} = \sqrt{12}, 6+\sqrt{5} = \sqrt{5}+6) or the same polynomial (checked at sample points).
 *
 * Input must already be normalised (see math-answer.ts beside it): no spaces, \dfrac/\tfrac rewritten to \frac,
 * \left/\right removed. Anything outside this grammar gives `undefined`, never a guess.
 */

type Token =
  | { kind: "num"; value: number }
  | { kind: "op"; value: "+" | "-" | "*" | "/" | "^" }
  | { kind: "open"; value: "(" | "{" | "[" }
  | { kind: "close"; value: ")" | "}" | "]" }
  | { kind: "cmd"; value: "frac" | "sqrt" | "pi" }
  | { kind: "var"; value: string };

const MULTIPLY_COMMANDS = new Set(["cdot", "times", "ast"]);
const KNOWN_COMMANDS = new Set(["frac", "sqrt", "pi"]);

function tokenize(src: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/[0-9.]/.test(c)) {
      const m = /^(\d+\.?\d*|\.\d+)/.exec(src.slice(i));
      if (!m) return undefined;
      tokens.push({ kind: "num", value: Number(m[1]) });
      i += m[1]!.length;
    } else if (c === "\\") {
      const m = /^\\([a-zA-Z]+)/.exec(src.slice(i));
      if (!m) return undefined;
      const name = m[1]!;
      i += m[0].length;
      if (MULTIPLY_COMMANDS.has(name)) tokens.push({ kind: "op", value: "*" });
      else if (name === "div") tokens.push({ kind: "op", value: "/" });
      else if (KNOWN_COMMANDS.has(name)) tokens.push({ kind: "cmd", value: name as "frac" | "sqrt" | "pi" });
      else return undefined; // \infty, \cup, \text... are not arithmetic
    } else if (c === "+" || c === "-" || c === "/" || c === "^") {
      tokens.push({ kind: "op", value: c });
      i++;
    } else if (c === "*") {
      const isPower = src[i + 1] === "*"; // ** is exponentiation in plain-text answers
      tokens.push({ kind: "op", value: isPower ? "^" : "*" });
      i += isPower ? 2 : 1;
    } else if (c === "(" || c === "{" || c === "[") {
      tokens.push({ kind: "open", value: c });
      i++;
    } else if (c === ")" || c === "}" || c === "]") {
      tokens.push({ kind: "close", value: c });
      i++;
    } else if (/[a-zA-Z]/.test(c)) {
      // Two letters in a row are a word ("cm", "Tuesday"), not a product of variables.
      if (/[a-zA-Z]/.test(src[i + 1] ?? "")) return undefined;
      tokens.push({ kind: "var", value: c });
      i++;
    } else {
      return undefined;
    }
  }
  return tokens;
}

export type ExprNode =
  | { t: "num"; v: number }
  | { t: "var"; name: string }
  | { t: "pi" }
  | { t: "neg"; a: ExprNode }
  | { t: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: ExprNode; b: ExprNode }
  | { t: "sqrt"; a: ExprNode; index?: ExprNode };

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): ExprNode | undefined {
    const node = this.expr();
    if (!node || this.pos !== this.tokens.length) return undefined;
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private expr(): ExprNode | undefined {
    let left = this.term();
    if (!left) return undefined;
    for (;;) {
      const t = this.peek();
      if (t?.kind === "op" && (t.value === "+" || t.value === "-")) {
        this.pos++;
        const right = this.term();
        if (!right) return undefined;
        left = { t: "bin", op: t.value, a: left, b: right };
      } else return left;
    }
  }

  private term(): ExprNode | undefined {
    let left = this.unary();
    if (!left) return undefined;
    for (;;) {
      const t = this.peek();
      if (t?.kind === "op" && (t.value === "*" || t.value === "/")) {
        this.pos++;
        const right = this.unary();
        if (!right) return undefined;
        left = { t: "bin", op: t.value, a: left, b: right };
      } else if (t && this.startsAtom(t)) {
        const right = this.power();
        if (!right) return undefined;
        left = { t: "bin", op: "*", a: left, b: right };
      } else return left;
    }
  }

  private startsAtom(t: Token): boolean {
    return t.kind === "num" || t.kind === "open" || t.kind === "cmd" || t.kind === "var";
  }

  private unary(): ExprNode | undefined {
    const t = this.peek();
    if (t?.kind === "op" && (t.value === "-" || t.value === "+")) {
      this.pos++;
      const a = this.unary();
      if (!a) return undefined;
      return t.value === "-" ? { t: "neg", a } : a;
    }
    return this.power();
  }

  private power(): ExprNode | undefined {
    const base = this.atom();
    if (!base) return undefined;
    const t = this.peek();
    if (t?.kind === "op" && t.value === "^") {
      this.pos++;
      // Exponent binds to one atom (or a braced group), with an optional sign: 2^-1, x^{n+1}.
      const sign = this.peek();
      let negative = false;
      if (sign?.kind === "op" && sign.value === "-") {
        negative = true;
        this.pos++;
      }
      const exp = this.atom();
      if (!exp) return undefined;
      return { t: "bin", op: "^", a: base, b: negative ? { t: "neg", a: exp } : exp };
    }
    return base;
  }

  /** A braced argument of \frac or \sqrt; a bare single digit/letter is allowed (\frac12, \sqrt2). */
  private argument(): ExprNode | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === "open" && t.value === "{") return this.group("{", "}");
    if (t.kind === "num") {
      // \frac12: the tokenizer read "12" as one number; split off the first digit.
      this.pos++;
      const text = String(t.value);
      if (text.length > 1 && /^\d+$/.test(text)) {
        this.tokens.splice(this.pos, 0, { kind: "num", value: Number(text.slice(1)) });
        return { t: "num", v: Number(text[0]) };
      }
      return { t: "num", v: t.value };
    }
    if (t.kind === "var") {
      this.pos++;
      return { t: "var", name: t.value };
    }
    if (t.kind === "cmd" && t.value === "pi") {
      this.pos++;
      return { t: "pi" };
    }
    return undefined;
  }

  private group(open: string, close: string): ExprNode | undefined {
    const t = this.peek();
    if (t?.kind !== "open" || t.value !== open) return undefined;
    this.pos++;
    const inner = this.expr();
    const end = this.peek();
    if (!inner || end?.kind !== "close" || end.value !== close) return undefined;
    this.pos++;
    return inner;
  }

  private atom(): ExprNode | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === "num") {
      this.pos++;
      return { t: "num", v: t.value };
    }
    if (t.kind === "var") {
      this.pos++;
      return { t: "var", name: t.value };
    }
    if (t.kind === "open") {
      const close = t.value === "(" ? ")" : t.value === "{" ? "}" : "]";
      return this.group(t.value, close);
    }
    if (t.kind === "cmd") {
      this.pos++;
      if (t.value === "pi") return { t: "pi" };
      if (t.value === "frac") {
        const a = this.argument();
        const b = a && this.argument();
        return a && b ? { t: "bin", op: "/", a, b } : undefined;
      }
      // sqrt, with an optional [index]
      let index: ExprNode | undefined;
      const next = this.peek();
      if (next?.kind === "open" && next.value === "[") {
        index = this.group("[", "]");
        if (!index) return undefined;
      }
      const a = this.argument();
      if (!a) return undefined;
      return index ? { t: "sqrt", a, index } : { t: "sqrt", a };
    }
    return undefined;
  }
}

/** Parsed expression, or undefined when the text is not plain arithmetic. */
export function parseExpression(text: string): ExprNode | undefined {
  if (text.length === 0) return undefined;
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  return new Parser(tokens).parseAll();
}

export function variablesOf(node: ExprNode, into: Set<string> = new Set()): Set<string> {
  switch (node.t) {
    case "var":
      into.add(node.name);
      break;
    case "neg":
      variablesOf(node.a, into);
      break;
    case "bin":
      variablesOf(node.a, into);
      variablesOf(node.b, into);
      break;
    case "sqrt":
      variablesOf(node.a, into);
      if (node.index) variablesOf(node.index, into);
      break;
    default:
      break;
  }
  return into;
}

export function evaluate(node: ExprNode, env: ReadonlyMap<string, number> = new Map()): number {
  switch (node.t) {
    case "num":
      return node.v;
    case "pi":
      return Math.PI;
    case "var":
      return env.get(node.name) ?? Number.NaN;
    case "neg":
      return -evaluate(node.a, env);
    case "sqrt": {
      const a = evaluate(node.a, env);
      if (!node.index) return Math.sqrt(a);
      const n = evaluate(node.index, env);
      // Odd roots of negative numbers are real.
      if (a < 0 && Number.isInteger(n) && n % 2 === 1) return -(Math.abs(a) ** (1 / n));
      return a ** (1 / n);
    }
    case "bin": {
      const a = evaluate(node.a, env);
      const b = evaluate(node.b, env);
      switch (node.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        case "^":
          return a ** b;
      }
    }
  }
}

/** Numbers equal up to a relative tolerance (answers are compared after float evaluation). */
export function nearlyEqual(a: number, b: number, rel = 1e-9): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Value of a variable-free expression, or undefined. */
export function numericValue(text: string): number | undefined {
  const node = parseExpression(text);
  if (!node || variablesOf(node).size > 0) return undefined;
  const v = evaluate(node);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Whether two expressions are equal as functions of their (single-letter) variables, checked at fixed
 * sample points. undefined when either side does not parse or evaluation is undefined at every point.
 */
export function expressionsEqual(a: string, b: string): boolean | undefined {
  const na = parseExpression(a);
  const nb = parseExpression(b);
  if (!na || !nb) return undefined;
  const vars = new Set([...variablesOf(na), ...variablesOf(nb)]);
  const points = vars.size === 0 ? 1 : 4;
  let compared = 0;
  for (let p = 0; p < points; p++) {
    const env = new Map<string, number>();
    let k = 0;
    for (const v of [...vars].sort()) {
      // Irrational-ish, distinct sample values so accidental equality is very unlikely.
      env.set(v, 0.37 + 1.13 * (p + 1) + 0.71 * k * (p + 2));
      k++;
    }
    const va = evaluate(na, env);
    const vb = evaluate(nb, env);
    if (!Number.isFinite(va) || !Number.isFinite(vb)) continue;
    compared++;
    if (!nearlyEqual(va, vb)) return false;
  }
  return compared > 0 ? true : undefined;
}
