/**
 * Text normalisation for n-gram overlap, applied identically to benchmark items and corpus documents:
 * NFKC, lower case, every character that is not a letter, digit or combining mark is a separator
 * (punctuation and whitespace alike), and Han, Hiragana and Katakana characters are one token each
 * (those scripts do not put spaces between words). The output is " t1 t2 … tm " (a space before
 * and after every token), so " a b c " is a substring exactly when the tokens a b c occur in a row.
 *
 * One implementation serves both sides, on UTF-8 bytes: ASCII words go through a byte table; a word
 * holding any non-ASCII byte (the run up to the next ASCII separator) is decoded and tokenised by
 * the Unicode rule. Items are normalised by the same function, so both sides always agree.
 */

const SPACE = 0x20;

/** ASCII byte → its lower-case form for letters and digits, 0 for separators. */
const ASCII_WORD = new Uint8Array(128);
for (let b = 0; b < 128; b++) {
  if (b >= 0x30 && b <= 0x39) ASCII_WORD[b] = b;
  else if (b >= 0x61 && b <= 0x7a) ASCII_WORD[b] = b;
  else if (b >= 0x41 && b <= 0x5a) ASCII_WORD[b] = b + 0x20;
}

const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}";
/** One CJK character, or a run of other letters, digits and marks. */
const TOKEN = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, "gu");

/** Tokens of a word that holds non-ASCII characters (it may split into several, or none). */
export function unicodeTokens(word: string): string[] {
  return word.normalize("NFKC").toLowerCase().match(TOKEN) ?? [];
}

/** Where normalised bytes go; `ensure` makes room for n more bytes and returns the buffer to write to. */
export interface ByteSink {
  buf: Uint8Array;
  ensure(n: number): Uint8Array;
}

/** Told of each token as it is written (a matcher that hashes tokens while the text is normalised). */
export interface TokenListener {
  /** The token is buf[start, end); earlier tokens stay where they were written, in the buffer passed last. */
  token(buf: Uint8Array, start: number, end: number): void;
}

/**
 * Normalises src[start, end) into out.buf from byte 0; returns the length written. The output
 * starts with a space and has a space after every token (" " alone for a document without tokens).
 * A listener hears of every token while its bytes are still in cache, which spares a second pass.
 */
export function normaliseBytes(
  src: Uint8Array,
  start: number,
  end: number,
  out: ByteSink,
  listener?: TokenListener,
): number {
  let buf = out.ensure(end - start + 2);
  let o = 0;
  buf[o++] = SPACE;
  let i = start;
  while (i < end) {
    const b = src[i]!;
    if (b < 0x80 && ASCII_WORD[b] === 0) {
      i++;
      continue;
    }
    // Copy the word lower-cased while looking for its end; a non-ASCII byte undoes the copy.
    const wordStart = o;
    let j = i;
    let ascii = true;
    for (; j < end; j++) {
      const c = src[j]!;
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      const w = ASCII_WORD[c]!;
      if (w === 0) break;
      buf[o++] = w;
    }
    if (ascii) {
      listener?.token(buf, wordStart, o);
      buf[o++] = SPACE;
    } else {
      o = wordStart;
      while (j < end && (src[j]! >= 0x80 || ASCII_WORD[src[j]!] !== 0)) j++;
      const text = Buffer.from(src.buffer, src.byteOffset + i, j - i).toString("utf8");
      for (const token of unicodeTokens(text)) {
        const bytes = Buffer.from(token, "utf8");
        // NFKC and lower-casing can lengthen text: make room beyond the input-sized estimate.
        buf = out.ensure(o + bytes.length + 1 + (end - j) + 1);
        buf.set(bytes, o);
        listener?.token(buf, o, o + bytes.length);
        o += bytes.length;
        buf[o++] = SPACE;
      }
    }
    i = j;
  }
  return o;
}

/** A growable scratch buffer for normaliseBytes. */
export class ScratchSink implements ByteSink {
  /** Starts small: items make one sink each, and zero-filling 64 KiB per item cost more than their normalisation. */
  buf: Uint8Array;
  constructor(initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
  }
  ensure(n: number): Uint8Array {
    if (n > this.buf.length) {
      const bigger = new Uint8Array(Math.max(n, this.buf.length * 2));
      bigger.set(this.buf);
      this.buf = bigger;
    }
    return this.buf;
  }
}

/** The normalised tokens of a string. */
export function normaliseText(text: string): string[] {
  const src = Buffer.from(text, "utf8");
  const sink = new ScratchSink(src.length + 16);
  const n = normaliseBytes(src, 0, src.length, sink);
  const joined = Buffer.from(sink.buf.buffer, sink.buf.byteOffset, n).toString("utf8").trim();
  return joined === "" ? [] : joined.split(" ");
}
