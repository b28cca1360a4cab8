import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { leaveOneOut, modeCredit } from "../../src/agreement/leave-one-out.js";

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≉ ${expected}`);

describe("modeCredit", () => {
  test("1 for the unique mode, 1/k among k tied modes, 0 otherwise", () => {
    assert.equal(modeCredit(4, [4, 4, 5]), 1);
    assert.equal(modeCredit(4, [4, 5]), 0.5);
    assert.equal(modeCredit(3, [4, 5]), 0);
  });
});

describe("leave-one-out agreement", () => {
  test("AlpacaEval's docstring example: 1 vs the other 3 of 4 annotators scores 0.875", () => {
    // alpaca_eval analyze.py, Analyzer.agreement_of_annotations docstring: two examples with
    // preferences [1,1,1,1] and [2,2,2,1]; with n_majority_vote_2=3 the score is 0.875
    // ("3 out of 4 comparisons at 100% and 1 at 50%" for the second; 100% for the first).
    const r = leaveOneOut([{ humans: [1, 1, 1, 1] }, { humans: [2, 2, 2, 1] }], { minOthers: 3 });
    close(r.humans, 0.875);
    assert.equal(r.pairs, 8);
    assert.equal(r.items, 2);
    assert.ok(Number.isNaN(r.judge));
  });

  test("hand-computed example with a judge scored on the same targets", () => {
    // Item 1: humans 4,4,5, judge 4. Held out 4 → others {4,5} tie: human ½, judge ½ (twice);
    //   held out 5 → others {4,4}: human 0, judge 1. Human 1, judge 2 over 3 pairs.
    // Item 2: humans 2,3,3, judge 3. Held out 2 → others {3,3}: human 0, judge 1;
    //   held out 3 → others {2,3}: human ½, judge ½ (twice). Human 1, judge 2.
    // Item 3: humans 1,1,1, judge 1: human 3, judge 3.
    // Humans (1+1+3)/9 = 5/9; judge (2+2+3)/9 = 7/9; judge vs mode of all humans: 3/3.
    const r = leaveOneOut([
      { humans: [4, 4, 5], judge: 4 },
      { humans: [2, 3, 3], judge: 3 },
      { humans: [1, 1, 1], judge: 1 },
    ]);
    close(r.humans, 5 / 9);
    close(r.judge, 7 / 9);
    close(r.judgeVsAllHumans, 1);
    assert.equal(r.pairs, 9);
  });

  test("missing annotations and minOthers", () => {
    const units = [{ humans: [4, undefined, 4] }, { humans: [5, null, undefined] }, { humans: [2, 3, 3] }];
    // Item 2 has one rating: nobody to compare with. Item 1: 2 pairs credit 2; item 3: 0 + ½ + ½.
    const r = leaveOneOut(units);
    close(r.humans, 3 / 5);
    assert.equal(r.items, 2);
    // With minOthers = 2 only item 3 counts.
    close(leaveOneOut(units, { minOthers: 2 }).humans, 1 / 3);
  });

  test("with a judge present, only judged items count (for humans too)", () => {
    const r = leaveOneOut([{ humans: [4, 4], judge: 4 }, { humans: [1, 5] }]);
    assert.equal(r.pairs, 2);
    close(r.humans, 1);
    close(r.judge, 1);
  });
});
