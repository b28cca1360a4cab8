/**
 * The WebAssembly code of the scan kernel (scan-kernel.ts): the whole per-byte loop of the token-window
 * matcher in one function, 64 bytes a step. A block's letters and digits become a bit mask (SIMD), word
 * starts and ends are read off the mask, each word is hashed from 8-byte loads (| 0x20 lower-cases
 * ASCII letters and leaves digits alone), and at each word end the window hashes of every n-gram length
 * are tested against a blocked filter; only filter hits probe the table and compare bytes. The layout's
 * numbers (offsets, masks, lengths, BASE^ℓ) are constants in the code: one module per n-gram table.
 *
 * `lines` reads JSONL straight from the I/O area: for each line, the text field (wasm-lines.ts
 * `fields`, the SMI reader's structural scan) is scanned raw, its escapes resolved on the fly. A run
 * of letters, digits and non-ASCII bytes holding non-ASCII letters is tokenised by the CJK fast path
 * (scan-kernel-cjk.ts) when it holds only characters its table takes, else goes to JavaScript whole
 * (`run`, the import `normRun`). A line the kernel does not take (odd JSON, a bad escape, many runs
 * for JavaScript) is handed back untouched, and the JavaScript path (normaliser, then
 * `scanNormalised`) gives it the same treatment as every other text.
 */
import { FunctionBuilder } from "../corpus/wasm-asm.js";
import { utf8Function } from "../corpus/wasm-decode.js";
import {
  emitNextLine,
  fieldsFunction,
  newlineVector,
  nextLineLocals,
  RES,
  skipStringFunction,
} from "../corpus/wasm-lines.js";
import { cjkRunFunction, hexTableFunction } from "./scan-kernel-cjk.js";

/** Words of the result area beyond wasm-lines' RES. */
export const KRES = {
  /** Document stamp (one per scanned text; patterns hold the stamp of the text that last matched them). */
  doc: RES.doc,
  /** Escapes in the last raw text (each is two bytes that decode to one). */
  escapes: 12,
  /** Entries in the output buffer (line index, pattern). */
  outCount: 13,
  /** The window state of the raw scan while `run` extends it: tokens so far, prefix hash. */
  count: 14,
  prefix: 15,
  /** The arena for a text's tokens normalised by JavaScript: next free byte, end, start. */
  arenaPos: 16,
  arenaEnd: 17,
  arenaBase: 18,
  /** Runs of the current raw text given to JavaScript so far. */
  runs: 19,
} as const;

/**
 * A text with more runs for JavaScript than this is handed back whole: each call costs about half a
 * microsecond, more than the JavaScript normaliser spends on a whole run-dense paragraph.
 */
const MAX_RUNS = 16;

/** The one import: normRun(start, end, at, limit) -> the arena after the run's tokens, or -1. */
export const KERNEL_IMPORTS = [{ module: "kernel", name: "normRun", params: 4, results: 1 }];

export const STATUS_MORE = 0;
export const STATUS_BAIL = 1;
/** The output buffer is nearly full: drain it and call again from `next`. */
export const STATUS_FULL = 3;

export const BASE = 0x01000193;
export const MIX = 0x9e3779b1 | 0;
const K = 0x9fb21c651e98df25n;
const K2 = 0xc2b2ae3d27d4eb4fn;
const FOLD = 0x2020202020202020n;

export interface KernelLayout {
  res: number;
  key: number;
  /** 256 bytes: 1 for the bytes that may follow a backslash (other than u). */
  escOk: number;
  /** 34 × i64: for a length n ≤ 16, the mask of the word's bytes in its first 8 (at n) and next 8 (at 17 + n). */
  lenMask: number;
  ringP: number;
  ringS: number;
  ringE: number;
  ringMask: number;
  filter: number;
  /** key >>> filterShift is the filter's 64-bit word. */
  filterShift: number;
  keys: number;
  vals: number;
  tableMask: number;
  stamp: number;
  patOff: number;
  patBytes: number;
  out: number;
  /** `lines` stops after a line once this many entries are out (room remains for one more text's). */
  outSoft: number;
  /** Distinct window lengths (tokens), ascending. */
  lengths: number[];
  /** The fast path's tables (scan-kernel-cjk.ts): kinds (bytes) and MAPPED targets (i32). */
  cjkKinds: number;
  cjkMap: number;
  /** 256 bytes: hex digit values (`hexDigitTable`). */
  hexDigits: number;
}

/** Function indices (the order of `kernelFunctions`). */
const F = {
  normRun: 0,
  skipString: 1,
  fields: 2,
  probe: 3,
  scanRaw: 4,
  scanNormalised: 5,
  insert: 6,
  lines: 7,
  run: 8,
  hex4: 9,
  cjkRun: 10,
  utf8: 11,
};
/** Token end offsets in ringE with this bit: the token lies in the arena, already normalised (no | 0x20). */
const ARENA_TOKEN = 0x80000000 | 0;

/** Locals that the word and window code share. */
interface WordLocals {
  acc: number;
  x: number;
  q: number;
  h: number;
  count: number;
  prefix: number;
  idx: number;
  key: number;
  bit: number;
}

function wordLocals(f: FunctionBuilder): WordLocals {
  const q = f.local();
  const h = f.local();
  const count = f.local();
  const prefix = f.local();
  const idx = f.local();
  const key = f.local();
  const bit = f.local();
  return { q, h, count, prefix, idx, key, bit, acc: f.longLocal(), x: f.longLocal() };
}

/**
 * h = hash of the bytes [ws, we) (1 or more), each | 0x20. Words up to 16 bytes (nearly all) take two
 * 8-byte loads masked to the word, without a branch on the length; longer ones add 8 bytes a step.
 * Reads up to 15 bytes past we.
 */
function emitWordHash(f: FunctionBuilder, l: KernelLayout, w: WordLocals, ws: number, we: number): void {
  // q = min(length, 16): lenMask holds 17 masks for the first load, then 17 for the second.
  f.get(we).get(ws).sub().set(w.q);
  f.const(16).get(w.q).get(w.q).const(16).gtU().select().const(3).shl().set(w.q);
  f.get(ws)
    .i64Load(8)
    .i64Const(FOLD)
    .i64Or()
    .get(w.q)
    .i64Load(l.lenMask + 17 * 8)
    .i64And();
  f.i64Const(K2).i64Mul();
  f.get(ws).i64Load().i64Const(FOLD).i64Or().get(w.q).i64Load(l.lenMask).i64And().i64Xor();
  f.i64Const(K).i64Mul().set(w.acc);
  f.get(we).get(ws).sub().const(16).gtU().if("long");
  f.get(ws).const(16).add().set(w.q);
  f.block("hashed").loop("chunk");
  f.get(w.q).get(we).geU().brIf("hashed");
  f.get(we).get(w.q).sub().set(w.h);
  f.const(8).get(w.h).get(w.h).const(8).gtU().select().const(3).shl().set(w.h);
  f.get(w.acc).get(w.q).i64Load().i64Const(FOLD).i64Or().get(w.h).i64Load(l.lenMask).i64And().i64Xor();
  f.i64Const(K).i64Mul().set(w.acc);
  f.get(w.q).const(8).add().set(w.q);
  f.br("chunk").end().end();
  f.end();
  f.get(w.acc).i64Const(32).i64ShrU().wrap().set(w.h);
}

/**
 * The filter is blocked, two bits per key: the key's top bits pick a 64-bit word, its low 12 bits two
 * bits in it (one load per test; about 8 times fewer false hits than one bit in the same space).
 * Leaves the word's byte offset in w.bit and the two bits in w.x; the key is on the stack.
 */
function emitFilterBits(f: FunctionBuilder, l: KernelLayout, w: WordLocals): void {
  f.tee(w.key).const(l.filterShift).shrU().const(3).shl().set(w.bit);
  f.i64Const(1).get(w.key).const(63).and().extendU().i64Shl();
  f.i64Const(1).get(w.key).const(6).shrU().const(63).and().extendU().i64Shl().i64Or().set(w.x);
}

/**
 * The word [ws, we) ends: hash it, extend the prefix hash, remember where it lies, and test the window
 * of every length that ends here against the filter; hits go to `probe`.
 */
function emitWord(
  f: FunctionBuilder,
  l: KernelLayout,
  w: WordLocals,
  ws: number,
  we: number,
  fold: number,
  line: number,
  arenaToken = false,
): void {
  emitWordHash(f, l, w, ws, we);
  f.get(w.count).const(1).add().set(w.count);
  f.get(w.prefix).const(BASE).mul().get(w.h).add().set(w.prefix);
  f.get(w.count).const(l.ringMask).and().const(2).shl().set(w.idx);
  f.get(w.idx).get(w.prefix).store(l.ringP);
  f.get(w.idx).get(ws).store(l.ringS);
  f.get(w.idx).get(we);
  if (arenaToken) f.const(ARENA_TOKEN).or();
  f.store(l.ringE);
  let pow = 1;
  let done = 0;
  for (const len of l.lengths) {
    for (; done < len; done++) pow = Math.imul(pow, BASE);
    f.get(w.count).const(len).geU().if("long");
    f.get(w.prefix);
    f.get(w.count).const(len).sub().const(l.ringMask).and().const(2).shl().load(l.ringP);
    f.const(pow).mul().sub().const(MIX).mul().const(len).add();
    emitFilterBits(f, l, w);
    f.get(w.bit).i64Load(l.filter).get(w.x).i64And().get(w.x).i64Eq();
    f.if("maybe");
    f.get(w.key).const(len).get(w.count).const(fold).get(line).call(F.probe);
    f.end();
    f.end();
  }
}

/** i64 locals of the event loop (declared after every i32 local). */
interface EventLocals {
  mask: number;
  starts: number;
  ends: number;
  low: number;
}

function eventLocals(f: FunctionBuilder): EventLocals {
  return { mask: f.longLocal(), starts: f.longLocal(), ends: f.longLocal(), low: f.longLocal() };
}

/**
 * Words of one 64-byte block at p with word mask e.mask: one step per word end (starts and ends
 * alternate, so a word's start is the lowest start bit left below its end, or the open word's start
 * carried over from the previous block), then the start of a word left open, and prevTop for the
 * next block.
 */
function emitEvents(
  f: FunctionBuilder,
  l: KernelLayout,
  w: WordLocals,
  v: { p: number; i: number; prevTop: number; ws: number; we: number },
  e: EventLocals,
  fold: number,
  line: number,
  runs?: { na: number; openNA: number },
): void {
  f.get(e.mask).i64Const(1).i64Shl().get(v.prevTop).extendU().i64Or().set(e.ends);
  f.get(e.mask).get(e.ends).i64Const(-1).i64Xor().i64And().set(e.starts);
  f.get(e.mask).i64Const(-1).i64Xor().get(e.ends).i64And().set(e.ends);
  f.block("eventsDone").loop("event");
  f.get(e.ends).i64Eqz().brIf("eventsDone");
  f.get(e.ends).i64Ctz().wrap().set(v.i);
  f.get(e.ends).get(e.ends).i64Const(1).i64Sub().i64And().set(e.ends);
  f.get(e.starts).i64Const(1).get(v.i).extendU().i64Shl().i64Const(1).i64Sub().i64And().set(e.low);
  f.get(v.ws).get(v.p).get(e.low).i64Ctz().wrap().add().get(e.low).i64Eqz().select().set(v.ws);
  f.get(e.starts).get(e.low).i64Xor().set(e.starts);
  f.get(v.p).get(v.i).add().set(v.we);
  if (!runs) emitWord(f, l, w, v.ws, v.we, fold, line);
  else {
    // The run's non-ASCII bytes: below its end, from its start in this block (all bits when it
    // began in an earlier block: ctz(0) = 64 shifts by 0), or the flag of the run carried over.
    f.get(runs.na).i64Const(1).get(v.i).extendU().i64Shl().i64Const(1).i64Sub().i64And();
    f.i64Const(-1).get(e.low).i64Ctz().i64Shl().i64And().i64Eqz().eqz();
    f.get(e.low).i64Eqz().get(runs.openNA).and().or();
    f.if("nonAscii");
    emitRunCall(f, l, w, v, line);
    f.else();
    emitWord(f, l, w, v.ws, v.we, fold, line);
    f.end();
  }
  f.br("event").end().end();
  if (runs) {
    // Whether the run left open holds non-ASCII bytes so far.
    f.get(e.starts).i64Eqz().eqz().if("newRun");
    f.get(runs.na).i64Const(-1).get(e.starts).i64Ctz().i64Shl().i64And().i64Eqz().eqz().set(runs.openNA);
    f.else();
    f.get(e.mask).i64Const(63).i64ShrU().wrap().if("carriedRun");
    f.get(runs.openNA).get(runs.na).i64Eqz().eqz().or().set(runs.openNA);
    f.else();
    f.const(0).set(runs.openNA);
    f.end();
    f.end();
  }
  f.get(v.ws).get(v.p).get(e.starts).i64Ctz().wrap().add().get(e.starts).i64Eqz().select().set(v.ws);
  f.get(e.mask).i64Const(63).i64ShrU().wrap().set(v.prevTop);
}

/** The run [ws, we) holds non-ASCII bytes: `run` tokenises it with the window state passed through memory. */
function emitRunCall(
  f: FunctionBuilder,
  l: KernelLayout,
  w: WordLocals,
  v: { ws: number; we: number },
  line: number,
): void {
  f.const(0)
    .get(w.count)
    .store(l.res + 4 * KRES.count);
  f.const(0)
    .get(w.prefix)
    .store(l.res + 4 * KRES.prefix);
  f.get(v.ws).get(v.we).get(line).call(F.run).eqz().if("failed").const(0).return().end();
  f.const(0)
    .load(l.res + 4 * KRES.count)
    .set(w.count);
  f.const(0)
    .load(l.res + 4 * KRES.prefix)
    .set(w.prefix);
}

/**
 * m, sp, c &= the bits of [q, end) in the 32-byte half-block at q (none when q >= end): lim is
 * end - q, signed.
 */
function emitHalfLimit(
  f: FunctionBuilder,
  v: ReturnType<typeof scanLocals>,
  end: number,
  masks: number[],
): void {
  f.get(end).get(v.q).sub().tee(v.lim).const(32).ltS().if("partial");
  f.const(1).get(v.lim).shl().const(1).sub().const(0).const(0).get(v.lim).ltS().select().set(v.lim);
  for (const m of masks) f.get(m).get(v.lim).and().set(m);
  f.end();
}

/** Shared start of the two scan functions: locals, empty window. */
function scanLocals(f: FunctionBuilder) {
  const p = f.local();
  const m = f.local();
  const s = f.local();
  const t = f.local();
  const i = f.local();
  const prevTop = f.local();
  const ws = f.local();
  const we = f.local();
  const lim = f.local();
  const sp = f.local();
  const c = f.local();
  const esc = f.local();
  const carry = f.local();
  /** Whether the run left open at the end of the last block holds non-ASCII bytes. */
  const openNA = f.local();
  const q = f.local();
  /** Bytes of a \u escape begun in the previous half that belong to a run. */
  const carryNA = f.local();
  const cp = f.local();
  return { p, m, s, t, i, prevTop, ws, we, lim, sp, c, esc, carry, openNA, q, carryNA, cp };
}

/**
 * Non-ASCII characters that are separators whatever surrounds them, as UTF-8 (little-endian words):
 * no-break space, « · » (C2 xx), and – — ‘ ’ “ ” • … (E2 80 xx). None is a letter, digit or mark,
 * NFKC maps them to themselves, a space or "...", and none combines with a neighbour, so in a run
 * whose other characters are ASCII the normaliser splits at them exactly as at an ASCII separator
 * (with a non-ASCII letter in the run it is not so: lower-casing may look across them).
 */
const SEPARATORS_2 = [0xa0c2, 0xabc2, 0xb7c2, 0xbbc2];
const SEPARATORS_3 = [0x9380e2, 0x9480e2, 0x9880e2, 0x9980e2, 0x9c80e2, 0x9d80e2, 0xa280e2, 0xa680e2];

/** The same separators as code points (written as \u escapes). */
const SEPARATOR_CODES = [
  0xa0, 0xab, 0xb7, 0xbb, 0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2026,
];

/**
 * c = the length of the separator at q in a run (raw UTF-8: 2 or 3; a \u escape: 6), or 0 when the
 * character there is not one of them; an escaped separator's decoded length is counted in escapes.
 */
function emitSeparatorAt(f: FunctionBuilder, q: number, wd: number, c: number): void {
  f.get(q).load8().const(0x5c).eq().if("escaped");
  f.get(q).const(2).add().call(F.hex4).set(wd);
  f.const(6).const(0);
  SEPARATOR_CODES.forEach((code, k) => {
    f.get(wd).const(code).eq();
    if (k > 0) f.or();
  });
  f.select().set(c);
  f.else();
  f.get(q).load().set(wd);
  emitSeparatorLength(f, wd);
  f.set(c);
  f.end();
}

/** Pushes 2 or 3 when the little-endian word in local `wd` starts one of those separators, else 0. */
function emitSeparatorLength(f: FunctionBuilder, wd: number): void {
  const anyOf = (mask: number, seqs: number[]): void => {
    seqs.forEach((seq, k) => {
      f.get(wd).const(mask).and().const(seq).eq();
      if (k > 0) f.or();
    });
  };
  f.const(3);
  f.const(2).const(0);
  anyOf(0xffff, SEPARATORS_2);
  f.select();
  anyOf(0xffffff, SEPARATORS_3);
  f.select();
}

/**
 * run(ws, we, line) -> 1, or 0 when the arena is full or the text has more than MAX_RUNS runs for
 * JavaScript: the run [ws, we) of letters, digits and non-ASCII bytes (up to an ASCII separator, as
 * the normaliser takes it) holds non-ASCII bytes. When they all belong to the separators above, its
 * ASCII pieces are its words; otherwise the CJK fast path (`cjkRun`) or, where it declines, JavaScript
 * (`normRun`: the normaliser's Unicode rule) writes the run's tokens to the arena, and those are its
 * words (marked in the ring: compared without | 0x20). The window state comes and goes
 * through the result area.
 */
function runFunction(l: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [ws, we, line] = [0, 1, 2];
  const q = f.local();
  const c = f.local();
  const wd = f.local();
  const ps = f.local();
  const pe = f.local();
  const pos = f.local();
  const w = wordLocals(f);
  const res = (word: number): number => l.res + 4 * word;
  f.const(0).load(res(KRES.count)).set(w.count);
  f.const(0).load(res(KRES.prefix)).set(w.prefix);
  f.get(ws).set(q);
  f.block("done");
  f.block("mixed");
  // Every non-ASCII byte in a separator: the ASCII pieces are the words.
  f.block("check").loop("byte");
  f.get(q).get(we).geU().brIf("check");
  f.get(q).load8().tee(c).const(0x80).ltU().get(c).const(0x5c).ne().and().if("ascii");
  f.get(q).const(1).add().set(q);
  f.br("byte");
  f.end();
  emitSeparatorAt(f, q, wd, c);
  f.get(c).eqz().brIf("mixed");
  f.get(q).get(c).add().set(q);
  f.br("byte").end().end();
  f.get(ws).tee(q).set(ps);
  f.loop("piece");
  f.get(q).get(we).geU().if("last");
  f.get(q).get(ps).gtU().if("lastWord");
  f.get(q).set(pe);
  emitWord(f, l, w, ps, pe, 0x20, line);
  f.end();
  f.br("done");
  f.end();
  f.get(q).load8().tee(c).const(0x80).geU().get(c).const(0x5c).eq().or().if("separator");
  f.get(q).get(ps).gtU().if("word");
  f.get(q).set(pe);
  emitWord(f, l, w, ps, pe, 0x20, line);
  f.end();
  emitSeparatorAt(f, q, wd, c);
  f.get(q).load8().const(0x5c).eq().if("escapedLength");
  // Six bytes that decode to two (U+0080…U+07FF) or three.
  f.const(0).const(0).load(res(KRES.escapes)).const(4).const(3).get(wd).const(0x800).ltU().select().add();
  f.store(res(KRES.escapes));
  f.end();
  f.get(q).get(c).add().tee(q).set(ps);
  f.br("piece");
  f.end();
  f.get(q).const(1).add().set(q);
  f.br("piece").end();
  f.end();
  // Other non-ASCII characters: the normaliser's tokens of the whole run, each followed by a space,
  // from the CJK fast path (scan-kernel-cjk.ts) or else from JavaScript.
  f.const(0).load(res(KRES.arenaPos)).set(pos);
  f.get(ws).get(we).get(pos).const(0).load(res(KRES.arenaEnd)).call(F.cjkRun).tee(c);
  f.const(-2).eq().if("slow");
  f.const(0).const(0).load(res(KRES.runs)).const(1).add().tee(c).store(res(KRES.runs));
  f.get(c).const(MAX_RUNS).gtU().if("many").const(0).return().end();
  f.get(ws).get(we).get(pos).const(0).load(res(KRES.arenaEnd)).call(F.normRun).set(c);
  f.end();
  f.get(c).const(0).ltS().if("full").const(0).return().end();
  f.const(0).get(c).store(res(KRES.arenaPos));
  f.get(pos).tee(q).set(ps);
  f.block("tokensDone").loop("token");
  f.get(q).get(c).geU().brIf("tokensDone");
  f.get(q).load8().const(0x20).eq().if("end");
  f.get(q).set(pe);
  emitWord(f, l, w, ps, pe, 0x20, line, true);
  f.get(q).const(1).add().set(ps);
  f.end();
  f.get(q).const(1).add().set(q);
  f.br("token").end().end();
  f.end();
  f.const(0).get(w.count).store(res(KRES.count));
  f.const(0).get(w.prefix).store(res(KRES.prefix));
  f.const(1);
  return f;
}

/**
 * scanRaw(vs, ve, line) -> 1, or 0 when the JSON string content [vs, ve) holds an escape other than
 * \" \\ \/ \b \f \n \r \t (those decode to separators, so both of their bytes are separators here) or
 * `run` gives up (many runs with non-ASCII letters, or a full arena). Reads up to 67 bytes past ve.
 */
function scanRawFunction(l: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [vs, ve, line] = [0, 1, 2];
  const v = scanLocals(f);
  const w = wordLocals(f);
  const e = eventLocals(f);
  const na = f.longLocal();
  const bytes = f.vectorLocal();
  f.const(0).set(w.count).const(0).set(w.prefix).const(0).set(v.prevTop).const(0).set(v.carry);
  f.const(0).set(v.esc).const(0).set(v.openNA).const(0).set(v.carryNA);
  f.const(0)
    .const(0)
    .store(l.res + 4 * KRES.escapes);
  f.const(0)
    .const(0)
    .load(l.res + 4 * KRES.arenaBase)
    .store(l.res + 4 * KRES.arenaPos);
  f.const(0)
    .const(0)
    .store(l.res + 4 * KRES.runs);
  f.const(0).const(0).store(l.ringP);
  f.get(vs).set(v.p);
  f.block("done").loop("block");
  f.get(v.p).get(ve).geU().brIf("done");
  // Two 32-byte halves: masks, separators, escapes; then the words of all 64 bytes.
  for (const half of [0, 32]) {
    f.get(v.p).const(half).add().set(v.q);
    // Letters (| 0x20 in a…z) and digits; non-ASCII bytes (negative as signed bytes); backslashes.
    for (const quarter of [0, 16]) {
      f.get(v.q).v128Load(quarter).set(bytes);
      f.get(bytes).const(0x20).i8x16Splat().v128Or().const(0x61).i8x16Splat().i8x16Sub();
      f.const(26).i8x16Splat().i8x16LtU();
      f.get(bytes).const(0x30).i8x16Splat().i8x16Sub().const(10).i8x16Splat().i8x16LtU().v128Or();
      f.i8x16Bitmask();
      f.get(bytes).const(0).i8x16Splat().i8x16LtS().i8x16Bitmask();
      f.get(bytes).const(0x5c).i8x16Splat().i8x16Eq().i8x16Bitmask();
      if (quarter === 0) f.set(v.c).set(v.sp).set(v.m);
      else {
        f.const(16).shl().get(v.c).or().set(v.c);
        f.const(16).shl().get(v.sp).or().set(v.sp);
        f.const(16).shl().get(v.m).or().set(v.m);
      }
    }
    emitHalfLimit(f, v, ve, [v.m, v.sp, v.c]);
    // Bytes of escapes begun in the previous half: not word bytes, nor backslashes; a \u escape's in a run.
    f.get(v.m).get(v.carry).const(-1).xor().and().set(v.m);
    f.get(v.c).get(v.carry).const(-1).xor().and().set(v.c);
    f.get(v.sp).get(v.carryNA).or().set(v.sp);
    f.const(0).set(v.carry).const(0).set(v.carryNA);
    f.block("escapesDone").loop("escape");
    f.get(v.c).eqz().brIf("escapesDone");
    f.get(v.c).ctz().set(v.i);
    f.get(v.c).get(v.c).const(1).sub().and().set(v.c);
    f.get(v.q).get(v.i).add().load8(1).tee(v.cp).load8(l.escOk).if("simple");
    // \" \\ \/ \b \f \n \r \t: two separator bytes that decode to one.
    f.get(v.esc).const(1).add().set(v.esc);
    f.get(v.i).const(31).eq().if("atEnd");
    f.get(v.carry).const(1).or().set(v.carry);
    f.else();
    f.const(2).get(v.i).shl().const(-1).xor().tee(v.t);
    f.get(v.m).and().set(v.m);
    f.get(v.c).get(v.t).and().set(v.c);
    f.end();
    f.br("escape");
    f.end();
    f.get(v.cp).const(0x75).ne().if("bad").const(0).return().end();
    f.get(v.q)
      .get(v.i)
      .add()
      .const(2)
      .add()
      .call(F.hex4)
      .tee(v.cp)
      .const(0)
      .ltS()
      .if("badHex")
      .const(0)
      .return()
      .end();
    // \uXXXX: six bytes, those past this half carried.
    f.const(0x3f).get(v.i).shl().tee(v.t).const(-1).xor().get(v.m).and().set(v.m);
    f.const(0x3f).const(32).get(v.i).sub().shrU().const(0).get(v.i).const(26).gtU().select().set(v.lim);
    f.get(v.carry).get(v.lim).or().set(v.carry);
    // An ASCII character other than a letter or digit separates; anything else belongs to a run.
    f.get(v.cp).const(0x80).ltU();
    f.get(v.cp).const(0x20).or().const(0x61).sub().const(26).geU().and();
    f.get(v.cp).const(0x30).sub().const(10).geU().and();
    f.if("separator");
    f.get(v.esc).const(5).add().set(v.esc);
    f.else();
    f.get(v.sp).get(v.t).or().set(v.sp);
    f.get(v.carryNA).get(v.lim).or().set(v.carryNA);
    f.end();
    f.br("escape").end().end();
    // Runs: letters, digits and non-ASCII bytes (as the normaliser takes a word, up to an ASCII separator).
    if (half === 0) {
      f.get(v.m).get(v.sp).or().extendU().set(e.mask);
      f.get(v.sp).extendU().set(na);
    } else {
      f.get(v.m).get(v.sp).or().extendU().i64Const(32).i64Shl().get(e.mask).i64Or().set(e.mask);
      f.get(v.sp).extendU().i64Const(32).i64Shl().get(na).i64Or().set(na);
    }
  }
  f.get(na).i64Eqz().get(v.openNA).eqz().and().if("ascii");
  emitEvents(f, l, w, v, e, 0x20, line);
  f.else();
  emitEvents(f, l, w, v, e, 0x20, line, { na, openNA: v.openNA });
  f.end();
  f.get(v.p).const(64).add().set(v.p);
  f.br("block").end().end();
  f.get(v.prevTop).if("open");
  f.get(ve).set(v.we);
  f.get(v.openNA).if("nonAscii");
  emitRunCall(f, l, w, v, line);
  f.else();
  emitWord(f, l, w, v.ws, v.we, 0x20, line);
  f.end();
  f.end();
  f.const(0)
    .const(0)
    .load(l.res + 4 * KRES.escapes)
    .get(v.esc)
    .add()
    .store(l.res + 4 * KRES.escapes);
  f.const(1);
  return f;
}

/** scanNormalised(s, e, line): normalised text (" t1 t2 … "), tokens separated by single spaces. */
function scanNormalisedFunction(l: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [s, e, line] = [0, 1, 2];
  const v = scanLocals(f);
  const w = wordLocals(f);
  const ev = eventLocals(f);
  f.const(0).set(w.count).const(0).set(w.prefix).const(0).set(v.prevTop);
  f.const(0).const(0).store(l.ringP);
  f.get(s).set(v.p);
  f.block("done").loop("block");
  f.get(v.p).get(e).geU().brIf("done");
  for (const half of [0, 32]) {
    f.get(v.p).const(half).add().set(v.q);
    f.get(v.q).v128Load().const(0x20).i8x16Splat().i8x16Eq().i8x16Bitmask();
    f.get(v.q).v128Load(16).const(0x20).i8x16Splat().i8x16Eq().i8x16Bitmask().const(16).shl().or();
    f.const(-1).xor().set(v.m);
    emitHalfLimit(f, v, e, [v.m]);
    if (half === 0) f.get(v.m).extendU().set(ev.mask);
    else f.get(v.m).extendU().i64Const(32).i64Shl().get(ev.mask).i64Or().set(ev.mask);
  }
  emitEvents(f, l, w, v, ev, 0, line);
  f.get(v.p).const(64).add().set(v.p);
  f.br("block").end().end();
  f.get(v.prevTop).if("open");
  f.get(e).set(v.we);
  emitWord(f, l, w, v.ws, v.we, 0, line);
  f.end();
  return f;
}

/**
 * probe(key, len, count, fold, line): every table entry with this key whose pattern equals the window
 * of `len` tokens ending at token `count` (text bytes | fold against the pattern's) is a hit, recorded
 * once per text in the output buffer as (line, pattern).
 */
function probeFunction(l: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder(5);
  const [key, len, count, fold, line] = [0, 1, 2, 3, 4];
  const slot = f.local();
  const pat = f.local();
  const q = f.local();
  const qe = f.local();
  const k = f.local();
  const a = f.local();
  const b = f.local();
  const n = f.local();
  const tf = f.local();
  const doc = l.res + 4 * KRES.doc;
  const outCount = l.res + 4 * KRES.outCount;
  f.get(key).const(l.tableMask).and().set(slot);
  f.block("done").loop("slot");
  f.get(slot).const(2).shl().load(l.vals).tee(pat).const(0).ltS().brIf("done");
  f.block("next");
  f.get(slot).const(2).shl().load(l.keys).get(key).ne().brIf("next");
  f.get(pat).const(2).shl().load(l.stamp).const(0).load(doc).eq().brIf("next");
  // Compare the window's tokens with the pattern's bytes (single spaces between tokens).
  f.get(pat)
    .const(2)
    .shl()
    .tee(q)
    .load(l.patOff + 4)
    .const(l.patBytes)
    .add()
    .set(qe);
  f.get(q).load(l.patOff).const(l.patBytes).add().set(q);
  f.get(count).get(len).sub().const(1).add().set(k);
  f.block("tokensDone").loop("token");
  f.get(k).get(count).gtU().brIf("tokensDone");
  f.get(k).const(l.ringMask).and().const(2).shl().tee(n).load(l.ringS).set(a);
  f.get(n).load(l.ringE).set(b);
  f.const(0).get(fold).get(b).const(0).ltS().select().set(tf);
  f.get(b).const(0x7fffffff).and().set(b);
  f.get(k).get(count).get(len).sub().const(1).add().ne().if("between");
  f.get(q).get(qe).geU().brIf("next");
  f.get(q).load8().const(0x20).ne().brIf("next");
  f.get(q).const(1).add().set(q);
  f.end();
  f.block("bytesDone").loop("byte");
  f.get(a).get(b).geU().brIf("bytesDone");
  f.get(q).get(qe).geU().brIf("next");
  f.get(a).load8().get(tf).or().get(q).load8().ne().brIf("next");
  f.get(a).const(1).add().set(a);
  f.get(q).const(1).add().set(q);
  f.br("byte").end().end();
  f.get(k).const(1).add().set(k);
  f.br("token").end().end();
  f.get(q).get(qe).ne().brIf("next");
  f.get(pat).const(2).shl().const(0).load(doc).store(l.stamp);
  f.const(0).load(outCount).tee(n).const(3).shl().get(line).store(l.out);
  f.get(n)
    .const(3)
    .shl()
    .get(pat)
    .store(l.out + 4);
  f.const(0).get(n).const(1).add().store(outCount);
  f.end();
  f.get(slot).const(1).add().const(l.tableMask).and().set(slot);
  f.br("slot").end().end();
  return f;
}

/** insert(s, e, id): pattern `id`, its tokens [s, e) separated by single spaces, into the filter and table. */
function insertFunction(l: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder(3);
  const [s, e, id] = [0, 1, 2];
  const i = f.local();
  const ws = f.local();
  const slot = f.local();
  const w = wordLocals(f);
  f.const(0).set(w.prefix).const(0).set(w.count);
  f.get(s).tee(i).set(ws);
  f.block("done").loop("byte");
  f.get(i).get(e).eq().if("last");
  emitWordHash(f, l, w, ws, i);
  f.get(w.prefix).const(BASE).mul().get(w.h).add().set(w.prefix);
  f.get(w.count).const(1).add().set(w.count);
  f.br("done");
  f.end();
  f.get(i).load8().const(0x20).eq().if("space");
  emitWordHash(f, l, w, ws, i);
  f.get(w.prefix).const(BASE).mul().get(w.h).add().set(w.prefix);
  f.get(w.count).const(1).add().set(w.count);
  f.get(i).const(1).add().set(ws);
  f.end();
  f.get(i).const(1).add().set(i);
  f.br("byte").end().end();
  f.get(w.prefix).const(MIX).mul().get(w.count).add();
  emitFilterBits(f, l, w);
  f.get(w.bit).get(w.bit).i64Load(l.filter).get(w.x).i64Or().i64Store(l.filter);
  f.get(w.key).const(l.tableMask).and().set(slot);
  f.block("free").loop("taken");
  f.get(slot).const(2).shl().load(l.vals).const(0).ltS().brIf("free");
  f.get(slot).const(1).add().const(l.tableMask).and().set(slot);
  f.br("taken").end().end();
  f.get(slot).const(2).shl().get(w.key).store(l.keys);
  f.get(slot).const(2).shl().get(id).store(l.vals);
  return f;
}

/**
 * lines(start, end) -> status over [start, end): each complete line is trimmed as the JavaScript reader
 * trims it, skipped when blank, else its text field is found and scanned raw. Stops before an
 * incomplete line (MORE), at a line for the JavaScript path (BAIL: res bailStart/bailEnd, not counted
 * in `lines`), or when the output buffer is nearly full (FULL). Output lines are indices from 0 in
 * this call's `lines`.
 */
function linesFunction(l: KernelLayout): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [start, end] = [0, 1];
  const base = nextLineLocals(f, end);
  const { s, nl, ts, te } = base;
  const lines = f.local();
  const documents = f.local();
  const textBytes = f.local();
  const vs = f.local();
  const ve = f.local();
  const status = f.local();
  const saved = f.local();
  const line = newlineVector(f, base);
  const res = (word: number): number => l.res + 4 * word;
  f.get(start).set(s);
  f.const(STATUS_MORE).set(status);
  f.block("stop").loop("line");
  emitNextLine(f, line);
  f.block("counted");
  f.get(ts).get(te).eq().brIf("counted");
  f.block("bail");
  f.get(ts).get(te).call(F.fields).eqz().brIf("bail");
  f.const(0).load(res(RES.valueStart)).set(vs);
  f.const(0).load(res(RES.valueEnd)).set(ve);
  f.const(0).const(0).load(res(KRES.doc)).const(1).add().store(res(KRES.doc));
  f.const(0).load(res(KRES.outCount)).set(saved);
  f.get(vs).get(ve).get(lines).call(F.scanRaw).eqz().if("raw");
  f.const(0).get(saved).store(res(KRES.outCount));
  f.br("bail");
  f.end();
  f.get(documents).const(1).add().set(documents);
  f.get(textBytes).get(ve).get(vs).sub().add().const(0).load(res(KRES.escapes)).sub().set(textBytes);
  f.br("counted");
  f.end();
  f.const(0).get(s).store(res(RES.bailStart));
  f.const(0).get(nl).store(res(RES.bailEnd));
  f.const(STATUS_BAIL).set(status);
  f.get(nl).const(1).add().set(s);
  f.br("stop");
  f.end();
  f.get(lines).const(1).add().set(lines);
  f.get(nl).const(1).add().set(s);
  f.const(0).load(res(KRES.outCount)).const(l.outSoft).geU().if("full");
  f.const(STATUS_FULL).set(status);
  f.br("stop");
  f.end();
  f.br("line").end().end();
  f.const(0).get(s).store(res(RES.next));
  f.const(0).get(lines).store(res(RES.lines));
  f.const(0).get(documents).store(res(RES.documents));
  f.const(0).get(textBytes).store(res(RES.textBytes));
  f.get(status);
  return f;
}

/** The kernel's functions, in the order of F. */
export function kernelFunctions(l: KernelLayout) {
  const lines = { res: l.res, key: l.key } as Parameters<typeof fieldsFunction>[0];
  const calls = { skipString: F.skipString, fields: F.fields } as Parameters<typeof fieldsFunction>[1];
  return [
    { params: 2, results: 1, builder: skipStringFunction() },
    { params: 2, results: 1, builder: fieldsFunction(lines, calls) },
    { params: 5, results: 0, builder: probeFunction(l) },
    { params: 3, results: 1, builder: scanRawFunction(l), export: "scanRaw" },
    { params: 3, results: 0, builder: scanNormalisedFunction(l), export: "scanNormalised" },
    { params: 3, results: 0, builder: insertFunction(l), export: "insert" },
    { params: 2, results: 1, builder: linesFunction(l), export: "lines" },
    { params: 3, results: 1, builder: runFunction(l) },
    { params: 1, results: 1, builder: hexTableFunction(l.hexDigits) },
    {
      params: 4,
      results: 1,
      builder: cjkRunFunction(
        { kinds: l.cjkKinds, map: l.cjkMap, hex4: F.hex4, utf8: F.utf8 },
        l.res + 4 * KRES.escapes,
      ),
      export: "cjkRun",
    },
    { params: 2, results: 1, builder: utf8Function() },
  ];
}
