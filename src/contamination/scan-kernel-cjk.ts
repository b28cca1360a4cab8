/**
 * The scan kernel's fast path for runs of Chinese (and Japanese kana) text: instead of handing a run
 * with non-ASCII letters to JavaScript (`normRun`), the kernel decodes it character by character
 * (raw UTF-8 and \u escapes, surrogate pairs included) and looks each code point up in a table that
 * says what the normaliser does with it. The table is computed here, in this runtime, from
 * `unicodeTokens` itself (so it follows the runtime's Unicode version, as the reference does), and
 * only holds characters whose treatment does not depend on their neighbours:
 *
 * - TOKEN: a Han, Hiragana or Katakana character that NFKC and lower-casing keep: one token.
 * - MAPPED: a CJK compatibility ideograph or Kangxi radical that NFKC maps to one such character.
 * - SEPARATOR: no letter, digit or mark after NFKC (CJK punctuation, full-width ，。！, emoji…).
 * - WORD: another letter or digit kept by NFKC and lower-casing (ー, lower-case é…): part of a word.
 * - an ASCII letter or digit (the byte): what NFKC and lower-casing make of it (Ａ, ａ, ①, ² …).
 *
 * Anything else (combining marks such as the kana voiced marks, half-width katakana, upper-case
 * letters outside ASCII, Hangul jamo, invalid UTF-8, lone surrogates) sends the whole run to the slow
 * path, which is why the rules need no context: NFKC composes a character with a following one only
 * when that one is a mark, a Hangul jamo or one of a few Indic vowel signs (all left out), and
 * lower-casing depends on context only for Σ (left out).
 */
import { FunctionBuilder } from "../corpus/wasm-asm.js";
import { unicodeTokens } from "./normalize.js";

export const CJK_BAIL = 0;
export const CJK_TOKEN = 1;
export const CJK_SEPARATOR = 2;
export const CJK_MAPPED = 3;
export const CJK_WORD = 4;

/** Kinds: one byte per BMP code point, then one per 16-code-point block of planes 1–3 (all alike, or BAIL). */
export const CJK_KINDS_BYTES = 0x10000 + 0x3000;
/** Targets (code points) of MAPPED characters: U+2F00–2FDF at 0x200 + (cp − 0x2F00), U+F900–FAFF at cp − 0xF900. */
export const CJK_MAP_ENTRIES = 0x2e0;

const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const ALL_CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+$/u;
const LETTER = /^[\p{L}\p{N}]$/u;
const MARK = /\p{M}/u;
const ALNUM = /^[a-z0-9]$/;

function mapIndex(cp: number): number {
  if (cp >= 0xf900 && cp < 0xfb00) return cp - 0xf900;
  if (cp >= 0x2f00 && cp < 0x2fe0) return 0x200 + cp - 0x2f00;
  return -1;
}

/** Hangul jamo compose with each other under NFKC (starters that combine): never WORD. */
function isJamo(cp: number): boolean {
  return (cp >= 0x1100 && cp < 0x1200) || (cp >= 0xa960 && cp < 0xa980) || (cp >= 0xd7b0 && cp < 0xd800);
}

/** What the fast path does with code point `cp`, by testing `unicodeTokens` on it alone. */
export function cjkKindOf(cp: number): number {
  if (cp >= 0xd800 && cp < 0xe000) return CJK_BAIL;
  const ch = String.fromCodePoint(cp);
  const nfkc = ch.normalize("NFKC");
  const lower = nfkc.toLowerCase();
  if (unicodeTokens(ch).length === 0) return CJK_SEPARATOR;
  if (CJK.test(ch) && nfkc === ch && lower === ch) return CJK_TOKEN;
  if (ALNUM.test(lower)) return lower.charCodeAt(0);
  if (nfkc !== ch && CJK.test(nfkc) && nfkc.toLowerCase() === nfkc && mapIndex(cp) >= 0) return CJK_MAPPED;
  if (LETTER.test(ch) && nfkc === ch && lower === ch && !CJK.test(ch) && !isJamo(cp)) {
    return CJK_WORD;
  }
  return CJK_BAIL;
}

/**
 * The kind of all 256 code points from `first` when they share one, else -1, from whole-block string
 * tests (a fraction of the time of one test a character): TOKEN when all are CJK and NFKC and lower
 * case keep the block; SEPARATOR when no character decomposes, none is a mark (so NFKC composes
 * nothing either) and the block has no tokens.
 */
function blockKind(first: number): number {
  const chars = Array.from({ length: 256 }, (_, k) => String.fromCodePoint(first + k)).join("");
  if (ALL_CJK.test(chars) && chars.normalize("NFKC") === chars && chars.toLowerCase() === chars)
    return CJK_TOKEN;
  if (chars.normalize("NFKD") === chars && !MARK.test(chars) && unicodeTokens(chars).length === 0) {
    return CJK_SEPARATOR;
  }
  return -1;
}

let tables: { kinds: Uint8Array; map: Int32Array } | undefined;

/** The kind table and MAPPED targets (computed once per thread, a few hundredths of a second). */
export function cjkTables(): { kinds: Uint8Array; map: Int32Array } {
  if (tables) return tables;
  const kinds = new Uint8Array(CJK_KINDS_BYTES);
  const map = new Int32Array(CJK_MAP_ENTRIES);
  for (let first = 0; first < 0x10000; first += 256) {
    const shared = first >= 0xd800 && first < 0xe000 ? CJK_BAIL : blockKind(first);
    for (let cp = first; cp < first + 256; cp++) {
      const kind = shared >= 0 ? shared : cjkKindOf(cp);
      kinds[cp] = kind;
      if (kind === CJK_MAPPED) map[mapIndex(cp)] = String.fromCodePoint(cp).normalize("NFKC").codePointAt(0)!;
    }
  }
  // Planes 1–3 by blocks of 16 code points (each TOKEN or SEPARATOR throughout, else BAIL).
  for (let big = 0x10000; big < 0x40000; big += 256) {
    const shared = blockKind(big);
    for (let first = big; first < big + 256; first += 16) {
      let kind = shared >= 0 ? shared : cjkKindOf(first);
      for (let cp = first + 1; shared < 0 && cp < first + 16 && kind !== CJK_BAIL; cp++) {
        if (cjkKindOf(cp) !== kind) kind = CJK_BAIL;
      }
      kinds[0x10000 + ((first - 0x10000) >> 4)] =
        kind === CJK_TOKEN || kind === CJK_SEPARATOR ? kind : CJK_BAIL;
    }
  }
  tables = { kinds, map };
  return tables;
}

/** Where the tables lie in the kernel's memory, and the functions the fast path calls. */
export interface CjkLayout {
  kinds: number;
  map: number;
  hex4: number;
  utf8: number;
}

/**
 * cjkRun(ws, we, at, limit) -> the arena position after the run's tokens (each followed by a space,
 * written from `at`), -1 when they would pass `limit`, or -2 when the run holds a character the table
 * does not take (then nothing counts: the slow path takes the whole run). The run [ws, we) is raw JSON
 * string content (letters, digits, non-ASCII bytes, \u escapes); escapes' saved bytes go to `escapes`
 * (an address) as `normRun` counts them.
 */
export function cjkRunFunction(l: CjkLayout, escapes: number): FunctionBuilder {
  const f = new FunctionBuilder(4);
  const [ws, we, at, limit] = [0, 1, 2, 3];
  const q = f.local();
  const o = f.local();
  const b = f.local();
  const cp = f.local();
  const len = f.local();
  const kind = f.local();
  const open = f.local();
  const esc = f.local();
  const lo = f.local();
  const escaped = f.local();
  const w = f.local();
  const bail = (): void => {
    f.const(-2).return();
  };
  f.get(at).set(o).get(ws).set(q).const(0).set(open).const(0).set(esc);
  f.block("done").loop("char");
  f.get(q).get(we).geU().brIf("done");
  // A character writes at most a space, 4 bytes and a space.
  f.get(o).const(8).add().get(limit).gtU().if("full").const(-1).return().end();
  f.get(q).load8().tee(b).const(0x80).ltU().if("ascii");
  f.get(b).const(0x5c).ne().if("alnum");
  // An ASCII letter or digit (| 0x20 lower-cases letters, keeps digits): the open word goes on.
  f.get(o).get(b).const(0x20).or().store8();
  f.get(o).const(1).add().set(o);
  f.const(1).set(open);
  f.get(q).const(1).add().set(q);
  f.br("char");
  f.end();
  // \uXXXX, or a surrogate pair of them.
  f.get(q).const(6).add().get(we).gtU().if("cut");
  bail();
  f.end();
  f.get(q).const(2).add().call(l.hex4).tee(cp).const(0).ltS().if("badHex");
  bail();
  f.end();
  f.const(6).set(len);
  f.get(cp).const(0xf800).and().const(0xd800).eq().if("surrogate");
  f.get(cp).const(0xdc00).geU().get(q).const(12).add().get(we).gtU().or().if("lone");
  bail();
  f.end();
  f.get(q).load16(6).const(0x755c).ne().if("noPair");
  bail();
  f.end();
  f.get(q).const(8).add().call(l.hex4).const(0xdc00).sub().tee(lo).const(0x400).geU().if("badLow");
  bail();
  f.end();
  f.get(cp).const(0xd800).sub().const(10).shl().get(lo).add().const(0x10000).add().set(cp);
  f.const(12).set(len);
  f.end();
  // Saved bytes: the escape's length less the character's UTF-8 length.
  f.get(esc).get(len).add().const(1);
  f.get(cp).const(0x80).geU().add();
  f.get(cp).const(0x800).geU().add();
  f.get(cp).const(0x10000).geU().add();
  f.sub().set(esc);
  f.const(1).set(escaped);
  f.else();
  // UTF-8: the sequence's bytes as one little-endian word; continuation bytes checked, overlong and
  // surrogate forms refused (the reference decoder would replace them).
  f.get(q).load().set(w);
  f.const(0).set(escaped);
  f.get(b).const(0xe0).ltU().if("two");
  f.get(b).const(0xc2).ltU().get(w).const(0xc000).and().const(0x8000).ne().or().if("bad2");
  bail();
  f.end();
  f.get(b).const(0x1f).and().const(6).shl().get(w).const(8).shrU().const(0x3f).and().or().set(cp);
  f.const(2).set(len);
  f.else();
  f.get(b).const(0xf0).ltU().if("three");
  f.get(w).const(0xc0c000).and().const(0x808000).ne().if("bad3");
  bail();
  f.end();
  f.get(b).const(0x0f).and().const(12).shl();
  f.get(w).const(0x3f00).and().const(2).shrU().or();
  f.get(w).const(16).shrU().const(0x3f).and().or().tee(cp);
  f.const(0x800).ltU().get(cp).const(0xf800).and().const(0xd800).eq().or().if("bad3cp");
  bail();
  f.end();
  f.const(3).set(len);
  f.else();
  f.get(b)
    .const(0xf5)
    .geU()
    .get(w)
    .const(0xc0c0c000 | 0)
    .and()
    .const(0x80808000 | 0)
    .ne()
    .or()
    .if("bad4");
  bail();
  f.end();
  f.get(b).const(0x07).and().const(18).shl();
  f.get(w).const(0x3f00).and().const(4).shl().or();
  f.get(w).const(10).shrU().const(0xfc0).and().or();
  f.get(w).const(24).shrU().const(0x3f).and().or().tee(cp);
  f.const(0x10000).sub().const(0x100000).geU().if("bad4cp");
  bail();
  f.end();
  f.const(4).set(len);
  f.end();
  f.end();
  f.get(q).get(len).add().get(we).gtU().if("cut");
  bail();
  f.end();
  f.end();
  // The kind: BMP by code point; planes 1–3 by block of 16; beyond, the slow path.
  f.get(cp).const(0x10000).ltU().if("bmp");
  f.get(cp).load8(l.kinds).set(kind);
  f.else();
  f.get(cp).const(0x40000).ltU().if("planes");
  f.get(cp)
    .const(4)
    .shrU()
    .load8(l.kinds + 0x10000 - 0x1000)
    .set(kind);
  f.else();
  f.const(0).set(kind);
  f.end();
  f.end();
  f.get(q).get(len).add().set(q);
  f.get(kind).const(CJK_TOKEN).eq().get(kind).const(CJK_MAPPED).eq().or().if("token");
  f.get(open).if("close");
  f.get(o).const(0x20).store8();
  f.get(o).const(1).add().set(o);
  f.end();
  f.const(0).set(open);
  f.get(kind).const(CJK_MAPPED).eq().if("mapped");
  f.get(cp)
    .const(0xf900)
    .sub()
    .get(cp)
    .const(0x2f00)
    .sub()
    .const(0x200)
    .add()
    .get(cp)
    .const(0xf900)
    .geU()
    .select();
  f.const(2).shl().load(l.map).set(cp);
  f.const(1).set(escaped);
  f.end();
  emitCharBytes(f, l, { o, q, len, cp, escaped });
  f.get(o).const(0x20).store8();
  f.get(o).const(1).add().set(o);
  f.br("char");
  f.end();
  f.get(kind).const(CJK_SEPARATOR).eq().if("separator");
  f.get(open).if("close");
  f.get(o).const(0x20).store8();
  f.get(o).const(1).add().set(o);
  f.end();
  f.const(0).set(open);
  f.br("char");
  f.end();
  f.get(kind).const(0x30).geU().if("alnum");
  f.get(o).get(kind).store8();
  f.get(o).const(1).add().set(o);
  f.const(1).set(open);
  f.br("char");
  f.end();
  f.get(kind).const(CJK_WORD).ne().if("other");
  bail();
  f.end();
  emitCharBytes(f, l, { o, q, len, cp, escaped });
  f.const(1).set(open);
  f.br("char");
  f.end();
  f.end();
  f.get(open).if("close");
  f.get(o).const(0x20).store8();
  f.get(o).const(1).add().set(o);
  f.end();
  f.const(0).const(0).load(escapes).get(esc).add().store(escapes);
  f.get(o);
  return f;
}

/**
 * Writes the character at o: its raw bytes (the `len` bytes before q, copied as one word) or, when
 * escaped or mapped, cp encoded; o moves past it (the word stores write up to 4 bytes: room is checked
 * for 8).
 */
function emitCharBytes(
  f: FunctionBuilder,
  l: CjkLayout,
  v: { o: number; q: number; len: number; cp: number; escaped: number },
): void {
  f.get(v.escaped).if("encode");
  // Three bytes (all of the BMP's CJK) as one word; the fourth is written over next.
  f.get(v.cp)
    .const(0x800)
    .sub()
    .const(0x10000 - 0x800)
    .ltU()
    .if("three");
  f.get(v.o);
  f.get(v.cp).const(12).shrU().const(0xe0).or();
  f.get(v.cp).const(6).shrU().const(0x3f).and().const(0x80).or().const(8).shl().or();
  f.get(v.cp).const(0x3f).and().const(0x80).or().const(16).shl().or();
  f.store();
  f.get(v.o).const(3).add().set(v.o);
  f.else();
  f.get(v.o).get(v.cp).call(l.utf8).set(v.o);
  f.end();
  f.else();
  f.get(v.o).get(v.q).get(v.len).sub().load().store();
  f.get(v.o).get(v.len).add().set(v.o);
  f.end();
}

/** 256 bytes: a hex digit's value, 0x80 for any other byte (for `hexTableFunction`). */
export function hexDigitTable(): Uint8Array {
  const t = new Uint8Array(256).fill(0x80);
  for (let d = 0; d < 16; d++) {
    const c = d.toString(16);
    t[c.charCodeAt(0)] = d;
    t[c.toUpperCase().charCodeAt(0)] = d;
  }
  return t;
}

/**
 * hex4(p) -> the value of the 4 hex digits at p, or -1: the kernel's \uXXXX decoder, four table loads
 * without a branch (a fifth of the time of a digit loop; ensure_ascii text has one escape a character).
 */
export function hexTableFunction(table: number): FunctionBuilder {
  const f = new FunctionBuilder(1);
  const p = 0;
  const acc = f.local();
  const err = f.local();
  const x = f.local();
  f.get(p).load8().load8(table).tee(acc).set(err);
  for (let k = 1; k < 4; k++) {
    f.get(p).load8(k).load8(table).tee(x).get(err).or().set(err);
    f.get(acc).const(4).shl().get(x).or().set(acc);
  }
  f.const(-1).get(acc).get(err).const(0x80).and().select();
  return f;
}
