/**
 * The trie walk both WebAssembly scanners emit: from the space at byte `i`, levels 1–3 are direct table
 * lookups on the next bytes, deeper levels follow single-child links or probe the (node, byte) hash
 * table; every node that ends a name records a hit. Shared so the two scanners cannot drift apart.
 */
import type { FunctionBuilder } from "./wasm-asm.js";

/** Multiplier of the (node, byte) hash; the table builder in matcher.ts uses the same one. */
export const HASH_MULT = 0x9e3779b1 | 0;

/** Byte offsets of the trie tables in linear memory (see each scanner's layout). */
export interface TrieLayout {
  l1p: number;
  l2: number;
  l2p: number;
  l3: number;
  out: number;
  fb: number;
  many: number;
  hk: number;
  hv: number;
}

export interface TrieWalkLocals {
  /** Position of the space (read-only here). */
  i: number;
  end: number;
  doc: number;
  count: number;
}

/**
 * Emit the walk into `f`. It leaves by branching to `exit` (a label of an enclosing block or loop) as
 * soon as no name can continue; `hit` is the index of the hit(p, doc, count) -> count function.
 */
export function emitTrieWalk(
  f: FunctionBuilder,
  l: TrieLayout,
  t: { hashShift: number; hashMask: number },
  v: TrieWalkLocals,
  exit: string,
  hit: number,
): void {
  const { i, end, doc, count } = v;
  const b1 = f.local();
  const c = f.local();
  const p = f.local();
  const n = f.local();
  const j = f.local();
  const b = f.local();
  const key = f.local();
  const h = f.local();
  const kk = f.local();
  const next = f.local();
  // if (p >= 0) count = hit(p, doc, count), with p already on the stack
  const hitIfPattern = (label: string): void => {
    f.tee(p).const(0).geS().if(label).get(p).get(doc).get(count).call(hit).set(count).end();
  };
  f.get(i).const(1).add().get(end).geU().brIf(exit);
  f.get(i).load8(1).set(b1);
  f.get(b1).const(2).shl().load(l.l1p);
  hitIfPattern("h1");
  f.get(i).const(2).add().get(end).geU().brIf(exit);
  // Level 2 has no failure branch: missing pairs map to row 0, whose pattern and level-3 entries are -1.
  f.get(b1).const(8).shl().get(i).load8(2).or().const(2).shl().load(l.l2).tee(c);
  f.const(2).shl().load(l.l2p);
  hitIfPattern("h2");
  f.get(i).const(3).add().get(end).geU().brIf(exit);
  f.get(c).const(8).shl().get(i).load8(3).or().const(2).shl().load(l.l3).tee(n).const(0).ltS().brIf(exit);
  f.get(n).const(2).shl().load(l.out);
  hitIfPattern("h3");
  f.get(i).const(4).add().set(j);
  f.block("wdone").loop("walk");
  f.get(j).get(end).geU().brIf("wdone");
  f.get(j).load8(0).set(b);
  f.get(n).const(2).shl().load(l.fb).get(b).eq().if("first");
  f.get(n).const(1).add().set(n);
  f.else();
  f.get(n).load8(l.many).eqz().brIf("wdone");
  f.get(n).const(8).shl().get(b).or().set(key);
  f.get(key).const(HASH_MULT).mul().const(t.hashShift).shrU().set(h);
  f.const(-1).set(next);
  f.block("pdone").loop("probe");
  f.get(h).const(2).shl().load(l.hk).tee(kk).get(key).eq().if("found");
  f.get(h).const(2).shl().load(l.hv).set(next).br("pdone");
  f.end();
  f.get(kk).const(-1).eq().brIf("pdone");
  f.get(h).const(1).add().const(t.hashMask).and().set(h);
  f.br("probe").end().end();
  f.get(next).const(0).ltS().brIf("wdone");
  f.get(next).set(n);
  f.end();
  f.get(n).const(2).shl().load(l.out);
  hitIfPattern("h4");
  f.get(j).const(1).add().set(j);
  f.br("walk").end().end();
}
