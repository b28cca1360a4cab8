import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { majority, mean, modes, roundToScale } from "../../src/agreement/consensus.js";

describe("roundToScale", () => {
  test("nearest category; halfway goes lower by default, higher on request", () => {
    assert.deepEqual(roundToScale(3.4, [1, 2, 3, 4, 5]), { value: 3, tied: false });
    assert.deepEqual(roundToScale(3.6, [1, 2, 3, 4, 5]), { value: 4, tied: false });
    assert.deepEqual(roundToScale(3.5, [1, 2, 3, 4, 5]), { value: 3, tied: true });
    assert.deepEqual(roundToScale(3.5, [1, 2, 3, 4, 5], "higher"), { value: 4, tied: true });
    assert.deepEqual(roundToScale(10 / 3, [1, 2, 3, 4, 5]), { value: 3, tied: false });
  });
  test("clamps outside the scale and handles uneven scales", () => {
    assert.equal(roundToScale(9, [1, 2, 3]).value, 3);
    assert.equal(roundToScale(2.9, [0, 1, 5, 10]).value, 1);
    assert.deepEqual(roundToScale(3, [0, 1, 5, 10]), { value: 1, tied: true });
  });
});

describe("modes and majority", () => {
  test("modes lists every most frequent value, ascending", () => {
    assert.deepEqual(modes([4, 4, 5]), [4]);
    assert.deepEqual(modes([5, 2, 5, 2, 3]), [2, 5]);
    assert.deepEqual(modes([]), []);
  });
  test("a clear majority wins", () => {
    assert.deepEqual(majority([3, 4, 4]), { value: 4, tied: false });
  });
  test("tie: the tied value closest to the mean wins", () => {
    // 2, 2, 5, 5, 4: modes {2, 5}, mean 3.6 → 5 is closer (1.4 vs 1.6).
    assert.deepEqual(majority([2, 2, 5, 5, 4]), { value: 5, tied: true });
  });
  test("tie the mean cannot settle: lower by default, higher on request", () => {
    assert.deepEqual(majority([3, 4]), { value: 3, tied: true });
    assert.deepEqual(majority([3, 4], "higher"), { value: 4, tied: true });
  });
  test("no ratings: no majority", () => {
    assert.equal(majority([]), undefined);
    assert.ok(Number.isNaN(mean([])));
  });
});
