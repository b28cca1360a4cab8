import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { argmax, Llama2cRandom, Sampler } from "../../src/llama/sampler.js";

/** run.c's random_u32 written with BigInt, as an independent reference for the 32-bit-halves version. */
function* referenceXorshift(seed: bigint): Generator<number> {
  const mask = (1n << 64n) - 1n;
  let s = seed;
  for (;;) {
    s ^= s >> 12n;
    s = (s ^ (s << 25n)) & mask;
    s ^= s >> 27n;
    yield Number(((s * 0x2545f4914f6cdd1dn) & mask) >> 32n);
  }
}

describe("sampler", () => {
  test("xorshift64* matches a BigInt implementation", () => {
    for (const seed of [1, 42, 133742, 2 ** 40 + 5]) {
      const rng = new Llama2cRandom(seed);
      const ref = referenceXorshift(BigInt(seed));
      for (let i = 0; i < 2000; i++) assert.equal(rng.u32(), ref.next().value, `seed ${seed} step ${i}`);
    }
  });

  test("argmax takes the first maximum; temperature 0 is greedy", () => {
    assert.equal(argmax(Float32Array.from([1, 3, 3, 2])), 1);
    assert.equal(new Sampler({ temperature: 0 }).sample(Float32Array.from([0, 5, 1])), 1);
  });

  test("sampling follows the distribution and top-p excludes the tail", () => {
    const logits = Float32Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.1)]);
    const counts = [0, 0, 0];
    const s = new Sampler({ temperature: 1, seed: 5 });
    for (let i = 0; i < 20000; i++) counts[s.sample(Float32Array.from(logits))]!++;
    assert.ok(Math.abs(counts[0]! / 20000 - 0.6) < 0.02);
    assert.ok(Math.abs(counts[2]! / 20000 - 0.1) < 0.02);
    const nucleus = new Sampler({ temperature: 1, topP: 0.8, seed: 5 });
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(nucleus.sample(Float32Array.from(logits)));
    assert.deepEqual([...seen].sort(), [0, 1]);
  });
});
