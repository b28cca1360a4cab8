/**
 * The in-place JSON string decoder of the SIMD scanner's module (simd-matcher.ts): escapes are
 * resolved where the text lies in linear memory, with the reference decoder's results and errors
 * (jsonl.ts StringDecoder; error codes in DECODE_ERRORS of simd-matcher.ts).
 */
import { FunctionBuilder } from "./wasm-asm.js";

/** hex4(p) -> the value of four hex digits at p, or -1. */
export function hexFunction(): FunctionBuilder {
  const f = new FunctionBuilder(1);
  const p = 0;
  const v = f.local();
  const c = f.local();
  const k = f.local();
  f.const(0).set(v).const(0).set(k);
  f.block("done").loop("digits");
  f.get(k).const(4).geU().brIf("done");
  f.get(p).get(k).add().load8(0).set(c);
  f.get(c).const(0x30).sub().const(10).ltU().if("digit");
  f.get(c).const(0x30).sub().set(c);
  f.else();
  // Lower-case the letter (| 0x20), then a-f.
  f.get(c).const(0x20).or().const(0x61).sub().const(6).ltU().if("letter");
  f.get(c).const(0x20).or().const(87).sub().set(c);
  f.else();
  f.const(-1).return();
  f.end();
  f.end();
  f.get(v).const(4).shl().get(c).or().set(v);
  f.get(k).const(1).add().set(k);
  f.br("digits").end().end();
  f.get(v);
  return f;
}

/** utf8(dst, cp) -> dst after the UTF-8 bytes of cp (lone surrogates as 3 bytes, like the reference decoder). */
export function utf8Function(): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [dst, cp] = [0, 1];
  f.get(cp).const(0x80).ltU().if("one");
  f.get(dst).get(cp).store8(0).get(dst).const(1).add().return();
  f.end();
  f.get(cp).const(0x800).ltU().if("two");
  f.get(dst).get(cp).const(6).shrU().const(0xc0).or().store8(0);
  f.get(dst).get(cp).const(0x3f).and().const(0x80).or().store8(1);
  f.get(dst).const(2).add().return();
  f.end();
  f.get(cp).const(0x10000).ltU().if("three");
  f.get(dst).get(cp).const(12).shrU().const(0xe0).or().store8(0);
  f.get(dst).get(cp).const(6).shrU().const(0x3f).and().const(0x80).or().store8(1);
  f.get(dst).get(cp).const(0x3f).and().const(0x80).or().store8(2);
  f.get(dst).const(3).add().return();
  f.end();
  f.get(dst).get(cp).const(18).shrU().const(0xf0).or().store8(0);
  f.get(dst).get(cp).const(12).shrU().const(0x3f).and().const(0x80).or().store8(1);
  f.get(dst).get(cp).const(6).shrU().const(0x3f).and().const(0x80).or().store8(2);
  f.get(dst).get(cp).const(0x3f).and().const(0x80).or().store8(3);
  f.get(dst).const(4).add();
  return f;
}

/**
 * decode(src, end) -> new end, or a negative error code: decodes the JSON string content [src, end)
 * in place (decoded text is never longer). Runs without escapes move 16 bytes at a time; a vector
 * store never reaches bytes not yet read, nor past end.
 */
export function decodeFunction(hexIndex: number, utf8Index: number): FunctionBuilder {
  const f = new FunctionBuilder(2);
  const [src, end] = [0, 1];
  const dst = f.local();
  const m = f.local();
  const k = f.local();
  const c = f.local();
  const cp = f.local();
  const lo = f.local();
  const v = f.vectorLocal();
  const slashes = f.vectorLocal();
  const HEX = hexIndex;
  const UTF8 = utf8Index;
  f.const(0x5c).i8x16Splat().set(slashes);
  f.get(src).set(dst);
  f.block("done").loop("run");
  f.get(src).get(end).geU().brIf("done");
  f.get(end).get(src).sub().const(16).geU().if("block");
  f.get(src).v128Load().tee(v).get(slashes).i8x16Eq().i8x16Bitmask().tee(m).eqz().if("clean");
  f.get(dst).get(v).v128Store();
  f.get(src).const(16).add().set(src).get(dst).const(16).add().set(dst);
  f.br("run");
  f.end();
  f.get(m).ctz().set(k);
  f.else();
  f.get(end).get(src).sub().set(k);
  f.end();
  // Copy k plain bytes one at a time (fewer than 16), stopping early at a backslash.
  f.block("copied").loop("copy");
  f.get(k).eqz().brIf("copied");
  f.get(src).load8(0).tee(c).const(0x5c).eq().brIf("copied");
  f.get(dst).get(c).store8(0);
  f.get(src).const(1).add().set(src).get(dst).const(1).add().set(dst);
  f.get(k).const(1).sub().set(k);
  f.br("copy").end().end();
  f.get(src).get(end).geU().brIf("done");
  f.get(src).load8(0).const(0x5c).ne().brIf("run");
  // An escape at src.
  f.get(src).const(1).add().get(end).geU().if("lone").const(-1).return().end();
  f.get(src).load8(1).set(c);
  f.get(src).const(2).add().set(src);
  f.get(c).const(0x75).eq().if("unicode");
  f.get(src).const(4).add().get(end).gtU().if("trunc").const(-2).return().end();
  f.get(src).call(HEX).tee(cp).const(0).ltS().if("bad").const(-3).return().end();
  f.get(src).const(4).add().set(src);
  // A high surrogate followed by \u: combine with a low surrogate.
  f.get(cp).const(0xd800).sub().const(0x400).ltU().if("high");
  f.get(src).const(2).add().get(end).leU().if("more");
  f.get(src).load16(0).const(0x755c).eq().if("pair");
  f.get(src).const(6).add().get(end).gtU().if("trunc2").const(-2).return().end();
  f.get(src).const(2).add().call(HEX).tee(lo).const(0).ltS().if("bad2").const(-3).return().end();
  f.get(lo).const(0xdc00).sub().const(0x400).ltU().if("low");
  f.get(cp)
    .const(0xd800)
    .sub()
    .const(10)
    .shl()
    .get(lo)
    .const(0xdc00)
    .sub()
    .add()
    .const(0x10000)
    .add()
    .set(cp);
  f.get(src).const(6).add().set(src);
  f.end().end().end().end();
  f.get(dst).get(cp).call(UTF8).set(dst);
  f.br("run");
  f.end();
  // One-character escapes: " \ / b f n r t.
  f.get(c).const(0x22).eq().get(c).const(0x5c).eq().or().get(c).const(0x2f).eq().or().if("same");
  f.else();
  f.get(c).const(0x62).eq().if("b").const(0x08).set(c).else();
  f.get(c).const(0x66).eq().if("f").const(0x0c).set(c).else();
  f.get(c).const(0x6e).eq().if("n").const(0x0a).set(c).else();
  f.get(c).const(0x72).eq().if("r").const(0x0d).set(c).else();
  f.get(c).const(0x74).eq().if("t").const(0x09).set(c).else();
  f.const(-1).return();
  f.end().end().end().end().end();
  f.end();
  f.get(dst).get(c).store8(0);
  f.get(dst).const(1).add().set(dst);
  f.br("run").end().end();
  f.get(dst);
  return f;
}
