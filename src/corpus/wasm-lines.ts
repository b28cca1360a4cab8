/**
 * JSONL line processing inside the SIMD scanner's WebAssembly module, one call per buffer instead of
 * per line: `lines` finds each line, locates the text field with a structural scan, decodes it in
 * place, scans it and tallies the document's subject, object and co-occurrence counts.
 *
 * Only the plain case is handled here. Any line the structural scan does not accept (a key written
 * with escapes, a missing or non-string text field, malformed JSON, a line that ends inside a string)
 * is handed back untouched to the JavaScript path (jsonl.ts, shard.ts), which gives the same counts
 * or the same error as before. Rules the scan follows are those of `scanFields` in jsonl.ts.
 */
import { FunctionBuilder } from "./wasm-asm.js";

/** Result words of `lines` (i32 indices into the result area). */
export const RES = {
  /** Offset where the next call should start (after the last line consumed). */
  next: 0,
  /** Lines consumed by the module (blank lines and a line with a bad escape included). */
  lines: 1,
  documents: 2,
  textBytes: 3,
  /** Status 1: the line [bailStart, bailEnd) is for the JavaScript path (not counted in `lines`). */
  bailStart: 4,
  bailEnd: 5,
  /** Status 2: the decoder's error code for the last line. */
  error: 6,
  /** The document stamp after the call. */
  doc: 7,
  /** Text field value range found by `fields`. */
  valueStart: 8,
  valueEnd: 9,
  /** Length of the text key (bytes at `key`). */
  keyLength: 10,
  /** Written by `scan` so that the loads it makes only to warm the cache are kept. */
  touched: 11,
} as const;
export const RES_WORDS = 12;
/** The text key is compared in the module when it is at most this long. */
export const MAX_KEY = 64;

/** Status codes of `lines`. */
export const LINES_MORE = 0;
export const LINES_BAIL = 1;
export const LINES_BAD_ESCAPE = 2;

export interface LinesLayout {
  res: number;
  key: number;
  stamp: number;
  matched: number;
  patternDocs: number;
  s1j1: number;
  subjStart: number;
  subjTriples: number;
  objPattern: number;
}

/** Function indices in the module that the line functions call. */
export interface LinesCalls {
  scan: number;
  decode: number;
  tally: number;
  skipString: number;
  fields: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Pushes 1 when the byte in local `c` is JSON whitespace (space, tab, \n, \r). */
function isWs(f: FunctionBuilder, c: number): void {
  f.get(c).const(0x20).eq().get(c).const(0x09).eq().or();
  f.get(c).const(0x0a).eq().or().get(c).const(0x0d).eq().or();
}

/** p = first index in [p, e) that is not JSON whitespace (or e). */
function skipWs(f: FunctionBuilder, p: number, e: number, c: number, label: string): void {
  f.block(`${label}Done`).loop(label);
  f.get(p).get(e).geU().brIf(`${label}Done`);
  f.get(p).load8().set(c);
  isWs(f, c);
  f.eqz().brIf(`${label}Done`);
  f.get(p).const(1).add().set(p);
  f.br(label).end().end();
}

/**
 * tally(doc, count): for the `count` patterns matched in the current document, adds one document to
 * each, and one co-occurrence to each triple whose subject matched and whose object was seen (the
 * same bookkeeping as TripleCounter.countDocument).
 */
export function tallyFunction(l: LinesLayout): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [doc, count] = [0, 1];
  const k = f.local();
  const p = f.local();
  const q = f.local();
  const qEnd = f.local();
  const t = f.local();
  f.const(0).set(k);
  f.block("done").loop("each");
  f.get(k).get(count).geU().brIf("done");
  f.get(k).const(2).shl().load(l.matched).set(p);
  f.get(p).const(2).shl().tee(q).get(q).load(l.patternDocs).const(1).add().store(l.patternDocs);
  f.get(p).const(2).shl().load(l.subjStart).set(q);
  f.get(p)
    .const(2)
    .shl()
    .load(l.subjStart + 4)
    .set(qEnd);
  f.block("triplesDone").loop("triples");
  f.get(q).get(qEnd).geU().brIf("triplesDone");
  f.get(q).const(2).shl().load(l.subjTriples).set(t);
  f.get(t).const(2).shl().load(l.objPattern).const(2).shl().load(l.stamp).get(doc).eq().if("both");
  f.get(t).const(2).shl().tee(p).get(p).load(l.s1j1).const(1).add().store(l.s1j1);
  f.end();
  f.get(q).const(1).add().set(q);
  f.br("triples").end().end();
  f.get(k).const(1).add().set(k);
  f.br("each").end().end();
  return f;
}

/**
 * skipString(p, e) -> index of the closing quote of the string whose content starts at p, or -1 when
 * it does not close before e. A backslash escapes the next byte. 16 bytes per step (reads up to 15
 * bytes past e, which the I/O area's padding allows).
 */
export function skipStringFunction(): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [p, e] = [0, 1];
  const m = f.local();
  const v = f.vectorLocal();
  const quotes = f.vectorLocal();
  const slashes = f.vectorLocal();
  f.const(QUOTE).i8x16Splat().set(quotes);
  f.const(BACKSLASH).i8x16Splat().set(slashes);
  f.block("none").loop("run");
  f.get(p).get(e).geU().brIf("none");
  f.get(p)
    .v128Load()
    .tee(v)
    .get(quotes)
    .i8x16Eq()
    .get(v)
    .get(slashes)
    .i8x16Eq()
    .v128Or()
    .i8x16Bitmask()
    .tee(m);
  f.eqz().if("clean");
  f.get(p).const(16).add().set(p);
  f.br("run");
  f.end();
  f.get(p).get(m).ctz().add().tee(p).get(e).geU().brIf("none");
  f.get(p).load8().const(QUOTE).eq().if("quote").get(p).return().end();
  f.get(p).const(2).add().set(p);
  f.br("run").end().end();
  f.const(-1);
  return f;
}

/**
 * fields(s, e) -> 1 with the text field's string content at res[valueStart, valueEnd) when the line
 * [s, e) is a JSON object whose text key (the last one when repeated) holds a string; 0 otherwise
 * (the JavaScript scanner then decides: an error, or a key with escapes that it decodes).
 */
export function fieldsFunction(l: LinesLayout, calls: LinesCalls): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [s, e] = [0, 1];
  const p = f.local();
  const c = f.local();
  const ks = f.local();
  const ke = f.local();
  const match = f.local();
  const found = f.local();
  const j = f.local();
  const depth = f.local();
  const keyLength = f.local();
  const bail = (): void => {
    f.const(0).return();
  };
  const byteAt = (): void => {
    f.get(p).load8().set(c);
  };
  // The byte at p must be `b` (and p < e), else bail.
  const expect = (b: number): void => {
    f.get(p).get(e).geU().if("eof");
    bail();
    f.end();
    f.get(p).load8().const(b).ne().if("unexpected");
    bail();
    f.end();
  };
  f.const(0)
    .load(l.res + 4 * RES.keyLength)
    .set(keyLength);
  f.get(s).set(p);
  f.const(0).set(found);
  skipWs(f, p, e, c, "ws0");
  expect(0x7b);
  f.get(p).const(1).add().set(p);
  skipWs(f, p, e, c, "ws1");
  f.block("members").loop("member");
  expect(QUOTE);
  f.get(p).const(1).add().set(ks);
  f.get(ks).get(e).call(calls.skipString).tee(ke).const(0).ltS().if("unterminatedKey");
  bail();
  f.end();
  // The key, compared as raw bytes; a key with a backslash may decode to the text key: bail.
  f.get(ke).get(ks).sub().get(keyLength).eq().set(match);
  f.get(ks).set(j);
  f.block("keyDone").loop("keyByte");
  f.get(j).get(ke).geU().brIf("keyDone");
  f.get(j).load8().tee(c).const(BACKSLASH).eq().if("escapedKey");
  bail();
  f.end();
  f.get(match).if("compare");
  f.get(c).get(j).get(ks).sub().load8(l.key).ne().if("differs").const(0).set(match).end();
  f.end();
  f.get(j).const(1).add().set(j);
  f.br("keyByte").end().end();
  f.get(ke).const(1).add().set(p);
  skipWs(f, p, e, c, "ws2");
  expect(0x3a);
  f.get(p).const(1).add().set(p);
  skipWs(f, p, e, c, "ws3");
  f.get(p).get(e).geU().if("noValue");
  bail();
  f.end();
  byteAt();
  f.get(c).const(QUOTE).eq().if("string");
  f.get(p).const(1).add().get(e).call(calls.skipString).tee(j).const(0).ltS().if("unterminated");
  bail();
  f.end();
  f.get(match).if("text");
  f.const(0)
    .get(p)
    .const(1)
    .add()
    .store(l.res + 4 * RES.valueStart);
  f.const(0)
    .get(j)
    .store(l.res + 4 * RES.valueEnd);
  f.const(1).set(found);
  f.end();
  f.get(j).const(1).add().set(p);
  f.else();
  // The text key with a value that is not a string: the JavaScript path reports it.
  f.get(match).if("notString");
  bail();
  f.end();
  f.get(c).const(0x7b).eq().get(c).const(0x5b).eq().or().if("nested");
  f.const(0).set(depth);
  f.block("closed").loop("inner");
  f.get(p).get(e).geU().if("open");
  bail();
  f.end();
  byteAt();
  f.get(c).const(QUOTE).eq().if("innerString");
  f.get(p).const(1).add().get(e).call(calls.skipString).tee(p).const(0).ltS().if("innerUnterminated");
  bail();
  f.end();
  f.else();
  f.get(c).const(0x7b).eq().get(c).const(0x5b).eq().or().if("deeper");
  f.get(depth).const(1).add().set(depth);
  f.else();
  f.get(c).const(0x7d).eq().get(c).const(0x5d).eq().or().if("shallower");
  f.get(depth).const(1).sub().tee(depth).eqz().if("outer");
  f.get(p).const(1).add().set(p);
  f.br("closed");
  f.end();
  f.end();
  f.end();
  f.end();
  f.get(p).const(1).add().set(p);
  f.br("inner").end().end();
  f.else();
  // A scalar: up to , } ] or whitespace; it must not be empty.
  f.get(p).set(j);
  f.block("scalarDone").loop("scalar");
  f.get(j).get(e).geU().brIf("scalarDone");
  f.get(j).load8().set(c);
  f.get(c).const(0x2c).eq().get(c).const(0x7d).eq().or().get(c).const(0x5d).eq().or().brIf("scalarDone");
  isWs(f, c);
  f.brIf("scalarDone");
  f.get(j).const(1).add().set(j);
  f.br("scalar").end().end();
  f.get(j).get(p).eq().if("empty");
  bail();
  f.end();
  f.get(j).set(p);
  f.end();
  f.end();
  skipWs(f, p, e, c, "ws4");
  f.get(p).get(e).geU().if("cut");
  bail();
  f.end();
  byteAt();
  f.get(c).const(0x2c).eq().if("comma");
  f.get(p).const(1).add().set(p);
  skipWs(f, p, e, c, "ws5");
  f.br("member");
  f.end();
  f.get(c).const(0x7d).ne().if("noClose");
  bail();
  f.end();
  f.end().end();
  f.get(p).const(1).add().set(p);
  skipWs(f, p, e, c, "ws6");
  f.get(p).get(e).ne().if("trailing");
  bail();
  f.end();
  f.get(found);
  return f;
}

/** Locals that `emitNextLine` reads and writes (indices in the function being built). */
export interface NextLineLocals {
  /** In: where the line starts. */
  s: number;
  /** In: the end of the buffer. */
  end: number;
  /** Out: the newline's position. */
  nl: number;
  /** Out: the trimmed line is [ts, te). */
  ts: number;
  te: number;
  /** Scratch. */
  m: number;
  c: number;
  /** A vector local holding 16 newline bytes. */
  newlines: number;
}

/**
 * Allocates the i32 locals `emitNextLine` needs; `end` is the buffer-end local. The builder wants every
 * i32 local before any vector one, so the caller declares its own i32 locals next, then `newlineVector`.
 */
export function nextLineLocals(f: FunctionBuilder, end: number): Omit<NextLineLocals, "newlines"> {
  return { s: f.local(), end, nl: f.local(), ts: f.local(), te: f.local(), m: f.local(), c: f.local() };
}

/** The vector of 16 newline bytes, allocated and filled: completes `nextLineLocals`. */
export function newlineVector(f: FunctionBuilder, v: Omit<NextLineLocals, "newlines">): NextLineLocals {
  const newlines = f.vectorLocal();
  f.const(0x0a).i8x16Splat().set(newlines);
  return { ...v, newlines };
}

/**
 * Emits the search for the next newline at or after `s`, 16 bytes at a time (branching to the enclosing
 * block "stop" when the buffer ends first), then trims the line as shard.ts does: \r, space and tab at
 * the end, space and tab at the start. Shared by every kernel that walks JSONL lines.
 */
export function emitNextLine(f: FunctionBuilder, v: NextLineLocals): void {
  const { s, end, nl, ts, te, m, c, newlines } = v;
  // The next newline at or after s, 16 bytes at a time.
  f.get(s).set(nl);
  f.block("found").loop("search");
  f.get(nl).get(end).geU().brIf("stop");
  f.get(nl).v128Load().get(newlines).i8x16Eq().i8x16Bitmask().tee(m);
  f.if("hit");
  f.get(nl).get(m).ctz().add().tee(nl).get(end).geU().brIf("stop");
  f.br("found");
  f.end();
  f.get(nl).const(16).add().set(nl);
  f.br("search").end().end();
  // Trim.
  f.get(nl).set(te);
  f.block("rtrimmed").loop("rtrim");
  f.get(te).get(s).leU().brIf("rtrimmed");
  f.get(te).const(1).sub().load8().tee(c).const(0x0d).eq().get(c).const(0x20).eq().or();
  f.get(c).const(0x09).eq().or().eqz().brIf("rtrimmed");
  f.get(te).const(1).sub().set(te);
  f.br("rtrim").end().end();
  f.get(s).set(ts);
  f.block("ltrimmed").loop("ltrim");
  f.get(ts).get(te).geU().brIf("ltrimmed");
  f.get(ts).load8().tee(c).const(0x20).eq().get(c).const(0x09).eq().or().eqz().brIf("ltrimmed");
  f.get(ts).const(1).add().set(ts);
  f.br("ltrim").end().end();
}

/**
 * lines(start, end, doc) -> status over the bytes [start, end) of linear memory: every complete line
 * (ending in \n) is trimmed as the JavaScript path trims it, skipped when blank, and otherwise
 * located, decoded, scanned and tallied. Stops before an incomplete line (LINES_MORE), at a line for
 * the JavaScript path (LINES_BAIL) or after a line with a bad escape (LINES_BAD_ESCAPE). Results in
 * the result area (RES).
 */
export function linesFunction(l: LinesLayout, calls: LinesCalls): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [start, end, doc] = [0, 1, 2];
  const base = nextLineLocals(f, end);
  const { s, nl, ts, te } = base;
  const lines = f.local();
  const documents = f.local();
  const textBytes = f.local();
  const valueStart = f.local();
  const valueEnd = f.local();
  const status = f.local();
  const line = newlineVector(f, base);
  const res = (word: number): number => l.res + 4 * word;
  f.get(start).set(s);
  f.const(LINES_MORE).set(status);
  f.block("stop").loop("line");
  emitNextLine(f, line);
  f.block("counted");
  f.get(ts).get(te).eq().brIf("counted");
  f.get(ts).get(te).call(calls.fields).eqz().if("bail");
  f.const(0).get(s).store(res(RES.bailStart));
  f.const(0).get(nl).store(res(RES.bailEnd));
  f.const(LINES_BAIL).set(status);
  f.get(nl).const(1).add().set(s);
  f.br("stop");
  f.end();
  f.const(0).load(res(RES.valueStart)).tee(valueStart);
  f.const(0).load(res(RES.valueEnd)).call(calls.decode).tee(valueEnd);
  f.const(0).ltS().if("badEscape");
  f.const(0).get(valueEnd).store(res(RES.error));
  f.const(LINES_BAD_ESCAPE).set(status);
  f.get(lines).const(1).add().set(lines);
  f.get(nl).const(1).add().set(s);
  f.br("stop");
  f.end();
  f.get(doc).const(1).add().set(doc);
  f.get(doc);
  f.get(valueStart).get(valueEnd).get(doc).const(0).call(calls.scan);
  f.call(calls.tally);
  f.get(documents).const(1).add().set(documents);
  f.get(textBytes).get(valueEnd).get(valueStart).sub().add().set(textBytes);
  f.end();
  f.get(lines).const(1).add().set(lines);
  f.get(nl).const(1).add().set(s);
  f.br("line").end().end();
  f.const(0).get(s).store(res(RES.next));
  f.const(0).get(lines).store(res(RES.lines));
  f.const(0).get(documents).store(res(RES.documents));
  f.const(0).get(textBytes).store(res(RES.textBytes));
  f.const(0).get(doc).store(res(RES.doc));
  f.get(status);
  return f;
}
