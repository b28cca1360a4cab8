import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Battle, fitBradleyTerry, winMatrix } from "../../src/pairwise/bradley-terry.js";
import { lengthControlledWinRate } from "../../src/pairwise/length-controlled.js";
import { parsePairVerdict, unswap } from "../../src/pairwise/verdict.js";

const close = (a: number, b: number, eps: number, what: string) =>
  assert.ok(Math.abs(a - b) < eps, `${what}: ${a} vs ${b}`);

describe("pairwise verdicts", () => {
  test("MT-Bench and Arena-Hard forms, the last one in the reply wins", () => {
    assert.deepEqual(parsePairVerdict("Reasoning… [[A]]"), { winner: "A", strength: 1 });
    assert.deepEqual(parsePairVerdict("Output format: [[A]], [[B]] or [[C]]. My verdict: [[B]]"), {
      winner: "B",
      strength: 1,
    });
    assert.deepEqual(parsePairVerdict("It is a draw: [[C]]"), { winner: "tie", strength: 1 });
    assert.deepEqual(parsePairVerdict("Final verdict: [[A>>B]]"), { winner: "A", strength: 2 });
    assert.deepEqual(parsePairVerdict("My final verdict is B>A."), { winner: "B", strength: 1 });
    assert.deepEqual(parsePairVerdict("[[A=B]]"), { winner: "tie", strength: 1 });
    assert.deepEqual(parsePairVerdict("[[B<<A]]"), { winner: "A", strength: 2 });
    assert.equal(parsePairVerdict("Both answers are fine."), null);
    assert.equal(parsePairVerdict("[[A>A]]"), null);
    assert.deepEqual(unswap({ winner: "A", strength: 2 }), { winner: "B", strength: 2 });
  });
});

describe("Bradley–Terry", () => {
  test("two players: θA − θB = ln(wins of A / wins of B), ties half a win each", () => {
    const battles: Battle[] = [
      { a: "A", b: "B", outcome: 1, weight: 3 },
      { a: "A", b: "B", outcome: 0, weight: 1 },
    ];
    const fit = fitBradleyTerry(battles, { prior: 0 });
    close(fit.theta[0]! - fit.theta[1]!, Math.log(3), 1e-9, "θA − θB");
    close(fit.theta[0]! + fit.theta[1]!, 0, 1e-12, "centred");
    close(fit.elo[0]! - fit.elo[1]!, (400 / Math.LN10) * Math.log(3), 1e-6, "Elo gap");
    // 2 wins, 1 loss, 2 ties → 3 : 2 in half-win units.
    const tied = fitBradleyTerry(
      [
        { a: "A", b: "B", outcome: 1, weight: 2 },
        { a: "A", b: "B", outcome: 0 },
        { a: "A", b: "B", outcome: 0.5, weight: 2 },
      ],
      { prior: 0 },
    );
    close(tied.theta[0]! - tied.theta[1]!, Math.log(3 / 2), 1e-9, "with ties");
    close(winMatrix(tied)[0]![1]!, 3 / 5, 1e-9, "P(A beats B)");
  });

  test("three players: the fitted P(i beats j) satisfy the likelihood equations", () => {
    // Hand check: at the MLE each player's expected wins equal its observed wins.
    const battles: Battle[] = [
      { a: "x", b: "y", outcome: 1, weight: 6 },
      { a: "x", b: "y", outcome: 0, weight: 4 },
      { a: "y", b: "z", outcome: 1, weight: 7 },
      { a: "y", b: "z", outcome: 0, weight: 3 },
      { a: "x", b: "z", outcome: 1, weight: 8 },
      { a: "x", b: "z", outcome: 0, weight: 2 },
    ];
    const fit = fitBradleyTerry(battles, { prior: 0 });
    const P = winMatrix(fit);
    close(10 * P[0]![1]! + 10 * P[0]![2]!, 14, 1e-6, "x expected wins");
    close(10 * P[1]![0]! + 10 * P[1]![2]!, 11, 1e-6, "y expected wins");
    assert.ok(fit.theta[0]! > fit.theta[1]! && fit.theta[1]! > fit.theta[2]!);
  });

  test("a simulated tournament with known strengths recovers their order", () => {
    const strengths = [1.5, 0.8, 0.2, -0.4, -1.2];
    let s = 12345;
    const rand = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    const battles: Battle[] = [];
    for (let round = 0; round < 400; round++)
      for (let i = 0; i < strengths.length; i++)
        for (let j = i + 1; j < strengths.length; j++) {
          const p = 1 / (1 + Math.exp(-(strengths[i]! - strengths[j]!)));
          battles.push({ a: `m${i}`, b: `m${j}`, outcome: rand() < p ? 1 : 0 });
        }
    const fit = fitBradleyTerry(battles);
    const order = fit.players.map((p, i) => [p, fit.theta[i]!] as const).sort((a, b) => b[1] - a[1]);
    assert.deepEqual(
      order.map(([p]) => p),
      ["m0", "m1", "m2", "m3", "m4"],
    );
    const mean = strengths.reduce((a, b) => a + b, 0) / strengths.length;
    for (const [i, t] of fit.theta.entries()) close(t, strengths[i]! - mean, 0.15, `θ of m${i}`);
  });
});

describe("length-controlled win rate", () => {
  test("a judge that only prefers the longer answer: raw win rate high, controlled one near 50%", () => {
    const items = Array.from({ length: 200 }, (_, i) => {
      const delta = ((i * 37) % 101) - 30; // mostly longer than the baseline
      return {
        preference: delta > 0 ? 1 : delta < 0 ? 0 : 0.5,
        modelLength: 500 + delta,
        baselineLength: 500,
      };
    });
    const r = lengthControlledWinRate(items);
    assert.ok(r.winRate > 65, `raw ${r.winRate}`);
    assert.ok(Math.abs(r.lengthControlledWinRate - 50) < 10, `controlled ${r.lengthControlledWinRate}`);
    assert.ok(r.phi > 3, `length weight ${r.phi}`);
  });

  test("without any length difference the controlled rate is the raw rate", () => {
    const items = [1, 1, 1, 0, 0.5].map((preference) => ({
      preference,
      modelLength: 10,
      baselineLength: 10,
    }));
    const r = lengthControlledWinRate(items, { l2: 0 });
    close(r.lengthControlledWinRate, r.winRate, 1e-9, "no length signal");
    close(r.winRate, 70, 1e-12, "raw");
  });
});
