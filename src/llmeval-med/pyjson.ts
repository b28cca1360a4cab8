/**
 * A JSON reader that accepts what Python's `json.dump` writes by default: the non-standard literals
 * `NaN`, `Infinity` and `-Infinity`. The LLMEval-Med release (and every file its scripts write back)
 * contains them, so `JSON.parse` cannot read these files and no general `eval` is acceptable.
 *
 * The tree keeps what Python would see and JavaScript would lose:
 * - objects are `Map`s in file order (JS objects move integer-like keys to the front);
 *   a repeated key keeps its first position and takes the last value, as a Python dict does;
 * - numbers written with a fraction or exponent are `PyFloat`s, whole numbers are plain `number`s,
 *   because Python's `str()` differs for the two (`1` vs `1.0`) and the release's scripts key on it.
 * Errors name the line and column of the offending character.
 */

/** A number token that Python reads as a float (it had a fraction or exponent, or is NaN/±Infinity). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyValue = null | boolean | string | number | PyFloat | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

export class PyJsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
    this.name = "PyJsonSyntaxError";
  }
}

/** Parse text as Python's `json.loads` would (a leading byte-order mark is tolerated). */
export function parsePyJson(text: string): PyValue {
  const p = new Parser(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  p.skipWs();
  const v = p.value();
  p.skipWs();
  if (p.pos < p.text.length) p.fail("extra data after the JSON value");
  return v;
}

/** True for a NaN float: Python's marker for a missing value in the release. */
export function isPyNaN(v: PyValue | undefined): boolean {
  return v instanceof PyFloat && Number.isNaN(v.value);
}

export function isPyDict(v: PyValue | undefined): v is PyDict {
  return v instanceof Map;
}

const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new PyJsonSyntaxError(message, line, at - lineStart + 1);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  value(): PyValue {
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case "{":
        return this.object();
      case "[":
        return this.array();
      case '"':
        return this.string();
      case "t":
        return this.literal("true", true);
      case "f":
        return this.literal("false", false);
      case "n":
        return this.literal("null", null);
      case "N":
        return this.literal("NaN", new PyFloat(Number.NaN));
      case "I":
        return this.literal("Infinity", new PyFloat(Number.POSITIVE_INFINITY));
      case undefined:
        return this.fail("unexpected end of input, expected a value");
      default:
        if (c === "-" && t.startsWith("-Infinity", this.pos)) {
          this.pos += 9;
          return new PyFloat(Number.NEGATIVE_INFINITY);
        }
        return this.number();
    }
  }

  literal<T extends PyValue>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail("expected a value");
    this.pos += word.length;
    return v;
  }

  number(): number | PyFloat {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (!m) return this.fail("expected a value");
    this.pos += m[0].length;
    const v = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new PyFloat(v) : v;
  }

  string(): string {
    const t = this.text;
    const start = this.pos;
    this.pos++; // opening quote
    let out = "";
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail("unterminated string", start);
      const c = t.charCodeAt(this.pos);
      if (c === 34) {
        out += t.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail("control character inside a string");
      if (c !== 92) {
        this.pos++;
        continue;
      }
      out += t.slice(chunk, this.pos);
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case "\\":
          out += "\\";
          break;
        case "/":
          out += "/";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = t.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape", this.pos - 2);
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail("invalid escape in a string", this.pos - 2);
      }
      chunk = this.pos;
    }
  }

  array(): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    this.skipWs();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value());
      this.skipWs();
      const c = this.text[this.pos];
      this.pos++;
      if (c === "]") return out;
      if (c !== ",") this.fail("expected ',' or ']' in an array", this.pos - 1);
    }
  }

  object(): PyDict {
    this.pos++;
    const out: PyDict = new Map();
    this.skipWs();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.text[this.pos] !== '"') this.fail("expected a quoted property name");
      const key = this.string();
      this.skipWs();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after a property name");
      this.pos++;
      this.skipWs();
      out.set(key, this.value());
      this.skipWs();
      const c = this.text[this.pos];
      this.pos++;
      if (c === "}") return out;
      if (c !== ",") this.fail("expected ',' or '}' in an object", this.pos - 1);
    }
  }
}
