/**
 * Style-controlled Bradley–Terry: in a simulated tournament where the judge rewards length, the verbose
 * player's raw lead disappears once length is a covariate, and the true order comes back; without style
 * differences the fit equals plain Bradley–Terry.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fitBradleyTerry } from "../../src/pairwise/bradley-terry.js";
import { fitStyleControlled, type StyledBattle, styleCounts } from "../../src/pairwise/style-control.js";
import { Rng } from "../../src/stats/rng.js";

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");

test("style counts: words, headers, list items, bold spans", () => {
  assert.deepEqual(styleCounts("# Title\n\n- one **two**\n- three\n1. four __five__"), {
    length: 10,
    headers: 1,
    lists: 3,
    bold: 2,
  });
});

test("a length-loving judge: raw ratings favour the verbose player, style control recovers the truth", () => {
  // True strengths: verbose 0, concise 0, strong +1. Each answer has its own length (so length is not a
  // stand-in for the player); the verbose player's are longer on average.
  const truth: Record<string, number> = { verbose: 0, concise: 0, strong: 1 };
  const lengthRange: Record<string, [number, number]> = {
    verbose: [100, 500],
    concise: [40, 240],
    strong: [40, 240],
  };
  const gamma = 1.2;
  const rng = new Rng(7);
  const battles: StyledBattle[] = [];
  const players = Object.keys(truth);
  const draw = (p: string) => {
    const [lo, hi] = lengthRange[p]!;
    return lo + rng.int(hi - lo + 1);
  };
  for (let n = 0; n < 8000; n++) {
    const a = players[rng.int(3)]!;
    let b = players[rng.int(3)]!;
    while (b === a) b = players[rng.int(3)]!;
    const la = draw(a);
    const lb = draw(b);
    const z = truth[a]! - truth[b]! + gamma * ((la - lb) / (la + lb));
    battles.push({
      a,
      b,
      outcome: rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0,
      answerA: words(la),
      answerB: words(lb),
    });
  }
  const sorted = [...players].sort();
  const raw = fitBradleyTerry(battles, { players: sorted });
  const rawTheta = Object.fromEntries(sorted.map((p, i) => [p, raw.theta[i]!]));
  assert.ok(rawTheta.verbose! - rawTheta.concise! > 0.2, `raw lead ${rawTheta.verbose! - rawTheta.concise!}`);
  const styled = fitStyleControlled(battles, sorted);
  const th = Object.fromEntries(sorted.map((p, i) => [p, styled.theta[i]!]));
  assert.ok(Math.abs(th.verbose! - th.concise!) < 0.15, `controlled gap ${th.verbose! - th.concise!}`);
  assert.ok(Math.abs(th.strong! - th.concise! - 1) < 0.15, `strong − concise ${th.strong! - th.concise!}`);
  assert.ok(styled.coefficients.length > 0.3, `length coefficient ${styled.coefficients.length}`);
  assert.equal(styled.coefficients.headers, 0, "no variation: left out");
});

test("without style differences the fit is plain Bradley–Terry", () => {
  const rng = new Rng(3);
  const strengths: Record<string, number> = { a: 0.5, b: 0, c: -0.7 };
  const battles: StyledBattle[] = [];
  for (let n = 0; n < 3000; n++) {
    const [x, y] = [
      ["a", "b"],
      ["b", "c"],
      ["a", "c"],
    ][n % 3]!;
    const p = 1 / (1 + Math.exp(-(strengths[x!]! - strengths[y!]!)));
    battles.push({
      a: x!,
      b: y!,
      outcome: rng.next() < p ? 1 : 0,
      answerA: "same length",
      answerB: "equal size",
    });
  }
  const plain = fitBradleyTerry(battles, { players: ["a", "b", "c"], prior: 0 });
  const styled = fitStyleControlled(battles, ["a", "b", "c"]);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(plain.theta[i]! - styled.theta[i]!) < 1e-3);
});
