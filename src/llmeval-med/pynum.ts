/**
 * The few pieces of Python number semantics that the release's Aggregate.py depends on, so that
 * `assay llmeval-med aggregate` prints exactly its numbers:
 * - `pyStr`: Python's `str()` of a JSON value (question identity is `(str(groupCode), str(round))`);
 * - `pyFloatFromString`: Python's `float(str)` (scores are stored as strings such as "4");
 * - `exactMean`: `statistics.mean`, which sums exactly and rounds once;
 * - `pyRound2`: `round(x, 2)` then `format(.2f)`: round-half-even on the exact binary value.
 */
import { PyFloat, type PyValue } from "./pyjson.js";

/** Python's `repr`/`str` of a float: shortest round-trip digits, fixed notation for 1e-4 ≤ |x| < 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() with no argument gives the shortest digits that round-trip, as Python's repr does.
  const [mant = "", expText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : `${Math.abs(exp)}`;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
}

function pyStrRepr(s: string): string {
  // Python prefers single quotes unless the text contains one and no double quote.
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

function pyRepr(v: PyValue): string {
  if (typeof v === "string") return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
  return pyStr(v);
}

/** Python's `str()` of a value read from JSON. */
export function pyStr(v: PyValue): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  return pyRepr(v);
}

// Python's float() literal grammar: digits may be separated by single underscores.
const DIGITS = "\\d(?:_?\\d)*";
const PY_FLOAT_RE = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  "i",
);

/** Map any Unicode decimal digit (e.g. full-width ４) to ASCII, as Python's float() accepts them. */
function asciiDigits(s: string): string {
  return s.replace(/\p{Nd}/gu, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    // Decimal-digit blocks are runs of ten starting at a zero; find the run start by walking back.
    let start = cp;
    while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    return String((cp - start) % 10);
  });
}

/** Python's `float(text)`, or undefined where Python raises ValueError. */
export function pyFloatFromString(text: string): number | undefined {
  const s = asciiDigits(text.trim());
  if (!PY_FLOAT_RE.test(s)) return undefined;
  const lower = s.toLowerCase().replace(/_/g, "");
  const neg = lower.startsWith("-");
  const body = lower.replace(/^[+-]/, "");
  if (body === "nan") return Number.NaN;
  if (body === "inf" || body === "infinity") return neg ? -Infinity : Infinity;
  return Number(lower);
}

// ---------- exact arithmetic on doubles ----------

/** x = mantissa · 2^exponent exactly (x finite). */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  let frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    frac |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa: sign * frac, exponent };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** The double nearest to p/q (q > 0), ties to even, as Python's int/int true division. */
export function ratioToDouble(p: bigint, q: bigint): number {
  if (p === 0n) return 0;
  const neg = p < 0n;
  const a = neg ? -p : p;
  // Scale so the integer quotient has at least 55 bits: 53 kept, one to round on, plus a sticky bit.
  const shift = 55 - (bitLength(a) - bitLength(q));
  const num = shift > 0 ? a << BigInt(shift) : a;
  const den = shift < 0 ? q << BigInt(-shift) : q;
  let quot = num / den;
  const sticky = num % den !== 0n;
  let scale = -shift;
  // Keep 53 bits, or fewer when the result is subnormal (its last bit weighs 2^-1074).
  const drop = Math.max(bitLength(quot) - 53, -1074 - scale);
  if (drop > 0) {
    const low = quot & ((1n << BigInt(drop)) - 1n);
    const half = 1n << BigInt(drop - 1);
    quot >>= BigInt(drop);
    scale += drop;
    if (low > half || (low === half && (sticky || (quot & 1n) === 1n))) quot += 1n;
  }
  const v = Number(quot) * 2 ** scale;
  return neg ? -v : v;
}

/** The mean of finite doubles computed exactly and rounded once (Python's `statistics.mean`). */
export function exactMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (values.some((v) => !Number.isFinite(v))) {
    let s = 0;
    for (const v of values) s += v;
    return s / values.length;
  }
  let sum = 0n;
  for (const v of values) {
    const { mantissa, exponent } = decompose(v);
    sum += mantissa << BigInt(exponent + 1074);
  }
  return ratioToDouble(sum, BigInt(values.length) << 1074n);
}

/**
 * `round(x, 2)` formatted with two decimals, as Python prints `f"{round(x, 2):.2f}"`: the exact binary
 * value of x rounded half-to-even at the second decimal.
 */
export function pyRound2(x: number): string {
  if (!Number.isFinite(x)) return pyFloatRepr(x);
  const { mantissa, exponent } = decompose(x);
  const neg = mantissa < 0n;
  const m = neg ? -mantissa : mantissa;
  // x·100 = m·2^e·100 as a fraction num/den.
  let num = m * 100n;
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q += 1n;
  const digits = q.toString().padStart(3, "0");
  const text = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return neg || Object.is(x, -0) ? `-${text}` : text;
}
