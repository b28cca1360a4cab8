import type { Rng } from "./types.js";

/**
 * 32-bit string hash (FNV-1a followed by a murmur-style finaliser). Used to derive independent
 * per-sample seeds from (master seed, game, task, level, index), so any worker can build any
 * sample and the bytes do not depend on scheduling.
 */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const text = parts.join("\u0000");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Seeded generator (sfc32 with a splitmix32 key schedule): fast, 128-bit state, good statistics. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();

  const rng: Rng = {
    next: () => u32() / 4294967296,
    int(lo, hi) {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new RangeError(`rng.int: bad range [${lo}, ${hi}]`);
      }
      return lo + Math.floor(rng.next() * (hi - lo + 1));
    },
    pick(items) {
      if (items.length === 0) throw new RangeError("rng.pick: empty array");
      return items[rng.int(0, items.length - 1)] as (typeof items)[number];
    },
    shuffle(items) {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        const tmp = out[i] as (typeof out)[number];
        out[i] = out[j] as (typeof out)[number];
        out[j] = tmp;
      }
      return out;
    },
    chance: (p) => rng.next() < p,
    sample(items, count) {
      if (count > items.length) throw new RangeError(`rng.sample: ${count} of ${items.length}`);
      return rng.shuffle(items).slice(0, count);
    },
  };
  return rng;
}
