/**
 * Random CJK-heavy text for the scan kernel's fast path: Han (common, Extension A, Extension B as
 * surrogate pairs), kana with and without combining voiced marks, half-width katakana, full-width forms,
 * compatibility ideographs, Kangxi radicals, CJK punctuation, Yijing hexagrams, ASCII words and digits,
 * and the characters around them that the fast path must hand back (emoji with variation selectors,
 * Hangul jamo, accented and Greek capitals, ligatures, private use, random code points).
 */
import type { Rng } from "../../src/stats/rng.js";

const range = (from: number, to: number) => (rng: Rng) => String.fromCodePoint(from + rng.int(to - from + 1));
const oneOf = (chars: string[]) => (rng: Rng) => chars[rng.int(chars.length)]!;

const HAN = [..."的一是不了人在有我他这中大来上个国和也子时道医院患者病治疗药物症状诊断检查血压糖尿心肝肾肺"];

/** Character makers, each with a weight; `fast` ones the fast path must take. */
const POOLS: Array<{ weight: number; fast: boolean; make: (rng: Rng) => string }> = [
  { weight: 40, fast: true, make: oneOf(HAN) },
  { weight: 6, fast: true, make: range(0x4e00, 0x9fa5) },
  { weight: 2, fast: true, make: range(0x3400, 0x4db5) },
  { weight: 2, fast: true, make: oneOf(["𠮷", "𡈽", "𪚥", "\u{20000}", "\u{2a6d6}"]) },
  { weight: 2, fast: true, make: range(0xf900, 0xfa2d) },
  { weight: 1, fast: true, make: range(0x2f00, 0x2fd5) },
  { weight: 4, fast: true, make: range(0x3041, 0x3096) },
  { weight: 4, fast: true, make: range(0x30a1, 0x30fa) },
  { weight: 2, fast: true, make: oneOf(["ー", "々", "〆", "〇", "ゝ", "ゞ", "ヽ", "ヾ"]) },
  { weight: 6, fast: true, make: oneOf([..."，。、：；！？（）「」『』《》【】〈〉〔〕…—·　"]) },
  { weight: 2, fast: true, make: range(0x3000, 0x3029) },
  { weight: 3, fast: true, make: range(0xff01, 0xff5e) },
  { weight: 1, fast: true, make: range(0x4dc0, 0x4dff) },
  { weight: 6, fast: true, make: oneOf(["a", "B", "ct", "CT", "HbA1c", "mg", "x", "Z"]) },
  { weight: 4, fast: true, make: oneOf(["0", "1", "2023", "3", "12", "99"]) },
  {
    weight: 1,
    fast: true,
    make: oneOf(["①", "²", "ª", "é", "ß", "σ", "ς", "😀", "👍", "\u{1f3fd}", "\ue000", "\ufffd"]),
  },
  {
    weight: 1,
    fast: false,
    make: oneOf(["\u3099", "\u309a", "\u309b", "\u309c", "\u0301", "\ufe0f", "\u200d"]),
  },
  { weight: 1, fast: false, make: range(0xff65, 0xff9f) },
  // Ideographic tone marks (combining), Hangzhou numerals 〸〹〺 (NFKC: 十卄卅, not mapped here).
  { weight: 1, fast: false, make: range(0x302a, 0x303f) },
  {
    weight: 1,
    fast: false,
    make: oneOf(["É", "Σ", "İ", "ﬁ", "㌀", "㋿", "ゟ", "ᄀ", "ᅡ", "ᆨ", "가", "Ω", "ǅ"]),
  },
  { weight: 1, fast: false, make: range(0x80, 0xffff) },
  { weight: 1, fast: false, make: range(0x10000, 0x3ffff) },
];
const TOTAL = POOLS.reduce((s, p) => s + p.weight, 0);

/** A run as the kernel cuts one (no ASCII separators): `fast` draws only characters the fast path takes. */
export function cjkRun(rng: Rng, chars: number, fast = false): string {
  let t = "";
  while (t.length < chars) {
    let r = rng.int(TOTAL);
    let k = 0;
    while (r >= POOLS[k]!.weight) r -= POOLS[k++]!.weight;
    const pool = POOLS[k]!;
    if (fast && !pool.fast) continue;
    const c = pool.make(rng);
    // Lone surrogates from the random ranges stay out (they cannot be written as UTF-8).
    if (/^[\ud800-\udfff]$/.test(c)) continue;
    t += c;
  }
  return t;
}

/** ASCII separators between runs, some as JSON escapes would decode them. */
const SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "\t", '"', "/", "\\", "-", "(", ")", ": "];

/** A CJK-heavy document: runs of `chars` characters between ASCII separators (Chinese often has none). */
export function cjkText(rng: Rng, runs: number, chars = 30, fast = false): string {
  let t = "";
  for (let i = 0; i < runs; i++) {
    t += cjkRun(rng, 1 + rng.int(chars), fast);
    t += SEPARATORS[rng.int(SEPARATORS.length)];
  }
  return t;
}

/**
 * A JSONL line with `text` as ensure_ascii writers emit it: every non-ASCII UTF-16 unit as \uXXXX (a
 * pair as two; hex digits in either case), and with `letters` the letters a–h (either case) too.
 */
export function asciiJsonLine(text: string, letters = false): string {
  const content = JSON.stringify(text).slice(1, -1);
  const escaped = content.replace(/\\(?:u[0-9a-fA-F]{4}|.)|[^\x00-\x7f]|[a-hA-H]/g, (c) => {
    if (c.startsWith("\\") || (!letters && c.charCodeAt(0) < 0x80)) return c;
    const hex = c.charCodeAt(0).toString(16).padStart(4, "0");
    return `\\u${c.charCodeAt(0) % 2 === 0 ? hex : hex.toUpperCase()}`;
  });
  return `{"text": "${escaped}"}`;
}
