/**
 * Finds a document's text in one JSONL line without building JS objects: a structural scan of the
 * top-level object locates the string value of the text field (the last one if a key repeats, as
 * Python's json.loads keeps the last), and escapes are decoded into a scratch buffer as UTF-8 so the
 * matcher sees exactly the characters Python's `json.loads(line)[field]` would give.
 */

/** A malformed line; the shard reader adds the file name and line number. */
export class LineError extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Index of the closing quote of a string whose content starts at `from`. */
export function stringEnd(buf: Buffer, from: number, end: number): number {
  // Keys and short values: a byte loop (a backslash escapes the next byte) is cheaper than calls
  // into Buffer.indexOf. Longer strings, such as the text, go on below from the start.
  const stop = Math.min(end, from + 48);
  for (let i = from; i < stop; i++) {
    const c = buf[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i++;
  }
  let p = from;
  for (;;) {
    const q = buf.indexOf(QUOTE, p);
    if (q < 0 || q >= end) throw new LineError("unterminated string");
    let k = 0;
    while (q - 1 - k >= from && buf[q - 1 - k] === BACKSLASH) k++;
    if ((k & 1) === 0) return q;
    p = q + 1;
  }
}

function skipWs(buf: Buffer, p: number, end: number): number {
  while (p < end && isWs(buf[p]!)) p++;
  return p;
}

/** Skips one JSON value starting at p; returns the index after it. Validates structure only loosely. */
function skipValue(buf: Buffer, p: number, end: number): number {
  const b = buf[p];
  if (b === QUOTE) return stringEnd(buf, p + 1, end) + 1;
  if (b === 0x7b || b === 0x5b) {
    let depth = 0;
    for (let i = p; i < end; i++) {
      const c = buf[i]!;
      if (c === QUOTE) i = stringEnd(buf, i + 1, end);
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    throw new LineError("unterminated object or array");
  }
  let i = p;
  while (i < end) {
    const c = buf[i]!;
    if (c === 0x2c || c === 0x7d || c === 0x5d || isWs(c)) break;
    i++;
  }
  if (i === p) throw new LineError(`unexpected character at column ${p}`);
  return i;
}

export type FieldValue =
  | { kind: "string"; start: number; end: number }
  | { kind: "missing" }
  | { kind: "other"; text: string };

function keyEquals(buf: Buffer, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length) return false;
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key[i]) return false;
  return true;
}

/** Kinds written by `scanFields` into out[3k] for key k. */
export const FIELD_MISSING = 0;
export const FIELD_STRING = 1;
export const FIELD_OTHER = 2;

/**
 * Locates the values of `keys` in the top-level object of buf[start, end). Keys are compared as raw
 * bytes; a key written with escapes is decoded first.
 */
export function findFields(buf: Buffer, start: number, end: number, keys: readonly Buffer[]): FieldValue[] {
  const out = new Int32Array(keys.length * 3);
  scanFields(buf, start, end, keys, out);
  return keys.map((_, k): FieldValue => {
    const kind = out[3 * k]!;
    const a = out[3 * k + 1]!;
    const b = out[3 * k + 2]!;
    if (kind === FIELD_STRING) return { kind: "string", start: a, end: b };
    if (kind === FIELD_OTHER) return { kind: "other", text: buf.toString("utf8", a, Math.min(b, a + 20)) };
    return { kind: "missing" };
  });
}

function keyIndex(buf: Buffer, ks: number, ke: number, keys: readonly Buffer[]): number {
  for (let i = ks; i < ke; i++) {
    if (buf[i] === BACKSLASH) {
      const decoded = Buffer.from(JSON.parse(buf.toString("utf8", ks - 1, ke + 1)) as string, "utf8");
      return keys.findIndex((k) => k.equals(decoded));
    }
  }
  for (let k = 0; k < keys.length; k++) if (keyEquals(buf, ks, ke, keys[k]!)) return k;
  return -1;
}

/**
 * `findFields` without allocations (it runs once per document): for key k, out[3k] is FIELD_MISSING,
 * FIELD_STRING (out[3k+1], out[3k+2]: the string's content range, escapes undecoded) or FIELD_OTHER
 * (the value's range).
 */
export function scanFields(
  buf: Buffer,
  start: number,
  end: number,
  keys: readonly Buffer[],
  out: Int32Array,
): void {
  out.fill(FIELD_MISSING, 0, keys.length * 3);
  let p = skipWs(buf, start, end);
  if (buf[p] !== 0x7b) throw new LineError("a line must hold a JSON object");
  p = skipWs(buf, p + 1, end);
  if (buf[p] === 0x7d) return;
  for (;;) {
    if (buf[p] !== QUOTE) throw new LineError(`expected a key at column ${p - start}`);
    const ks = p + 1;
    const ke = stringEnd(buf, ks, end);
    const which = keyIndex(buf, ks, ke, keys);
    p = skipWs(buf, ke + 1, end);
    if (buf[p] !== 0x3a) throw new LineError(`expected ':' at column ${p - start}`);
    p = skipWs(buf, p + 1, end);
    if (p >= end) throw new LineError("missing value");
    const vs = p;
    p = skipValue(buf, p, end);
    if (which >= 0) {
      const string = buf[vs] === QUOTE;
      out[3 * which] = string ? FIELD_STRING : FIELD_OTHER;
      out[3 * which + 1] = string ? vs + 1 : vs;
      out[3 * which + 2] = string ? p - 1 : p;
    }
    p = skipWs(buf, p, end);
    if (buf[p] === 0x2c) {
      p = skipWs(buf, p + 1, end);
      continue;
    }
    if (buf[p] === 0x7d) break;
    throw new LineError(`expected ',' or '}' at column ${p - start}`);
  }
  if (skipWs(buf, p + 1, end) !== end) throw new LineError("text after the closing '}'");
}

function hex4(buf: Buffer, p: number, end: number): number {
  if (p + 4 > end) throw new LineError("truncated \\u escape");
  let v = 0;
  for (let i = p; i < p + 4; i++) {
    const c = buf[i]!;
    const d =
      c >= 0x30 && c <= 0x39
        ? c - 0x30
        : c >= 0x61 && c <= 0x66
          ? c - 87
          : c >= 0x41 && c <= 0x46
            ? c - 55
            : -1;
    if (d < 0) throw new LineError("bad \\u escape");
    v = v * 16 + d;
  }
  return v;
}

function putUtf8(out: Buffer, o: number, cp: number): number {
  if (cp < 0x80) {
    out[o++] = cp;
  } else if (cp < 0x800) {
    out[o++] = 0xc0 | (cp >> 6);
    out[o++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    // Lone surrogates are kept as 3-byte sequences (as Python keeps them in the str); no valid
    // UTF-8 pattern can match across them.
    out[o++] = 0xe0 | (cp >> 12);
    out[o++] = 0x80 | ((cp >> 6) & 0x3f);
    out[o++] = 0x80 | (cp & 0x3f);
  } else {
    out[o++] = 0xf0 | (cp >> 18);
    out[o++] = 0x80 | ((cp >> 12) & 0x3f);
    out[o++] = 0x80 | ((cp >> 6) & 0x3f);
    out[o++] = 0x80 | (cp & 0x3f);
  }
  return o;
}

/** Decodes JSON string content buf[start, end) into UTF-8 bytes. Decoded text is never longer than its escaped form. */
export class StringDecoder {
  private scratch = Buffer.alloc(1 << 16);

  // The next backslash at or after `cacheFrom` in `cacheBuf` (-1: none up to the end of the buffer).
  // Lines of one chunk are decoded in order, so one search serves many backslash-free lines.
  private cacheBuf: Buffer | undefined;
  private cacheFrom = 0;
  private cachePos = -1;

  private nextBackslash(buf: Buffer, from: number): number {
    if (buf === this.cacheBuf && from >= this.cacheFrom && (this.cachePos === -1 || this.cachePos >= from)) {
      return this.cachePos;
    }
    this.cacheBuf = buf;
    this.cacheFrom = from;
    this.cachePos = buf.indexOf(BACKSLASH, from);
    return this.cachePos;
  }

  /** Returns [buffer, start, end] of the decoded text: the input itself when it has no escapes. */
  decode(buf: Buffer, start: number, end: number): [Buffer, number, number] {
    const first = this.nextBackslash(buf, start);
    if (first < 0 || first >= end) return [buf, start, end];
    const view = buf.subarray(start, end);
    let rel = first - start;
    if (this.scratch.length < end - start)
      this.scratch = Buffer.alloc(Math.max(end - start, this.scratch.length * 2));
    const out = this.scratch;
    let o = 0;
    let p = start;
    while (rel >= 0) {
      const esc = start + rel;
      o += buf.copy(out, o, p, esc);
      const c = buf[esc + 1];
      p = esc + 2;
      switch (c) {
        case 0x22:
        case 0x5c:
        case 0x2f:
          out[o++] = c;
          break;
        case 0x62:
          out[o++] = 0x08;
          break;
        case 0x66:
          out[o++] = 0x0c;
          break;
        case 0x6e:
          out[o++] = 0x0a;
          break;
        case 0x72:
          out[o++] = 0x0d;
          break;
        case 0x74:
          out[o++] = 0x09;
          break;
        case 0x75: {
          let cp = hex4(buf, p, end);
          p += 4;
          if (cp >= 0xd800 && cp <= 0xdbff && buf[p] === BACKSLASH && buf[p + 1] === 0x75) {
            const lo = hex4(buf, p + 2, end);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              p += 6;
            }
          }
          o = putUtf8(out, o, cp);
          break;
        }
        default:
          throw new LineError("bad escape in string");
      }
      rel = p < end ? view.indexOf(BACKSLASH, p - start) : -1;
    }
    o += buf.copy(out, o, p, end);
    return [out, 0, o];
  }
}
