import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isPyNaN, PyFloat, PyJsonSyntaxError, parsePyJson } from "../../src/llmeval-med/pyjson.js";
import { exactMean, pyFloatFromString, pyFloatRepr, pyRound2, pyStr } from "../../src/llmeval-med/pynum.js";

describe("parsePyJson", () => {
  test("reads NaN, Infinity and -Infinity as floats, standard JSON as JSON.parse does", () => {
    const v = parsePyJson('{"a": NaN, "b": [Infinity, -Infinity, 1, 1.5, "x\\u00e9\\n", true, null]}\r\n');
    assert.ok(v instanceof Map);
    assert.ok(isPyNaN(v.get("a")));
    const b = v.get("b") as unknown[];
    assert.equal((b[0] as PyFloat).value, Number.POSITIVE_INFINITY);
    assert.equal((b[1] as PyFloat).value, Number.NEGATIVE_INFINITY);
    assert.equal(b[2], 1);
    assert.ok(b[3] instanceof PyFloat);
    assert.deepEqual(b.slice(4), ["xé\n", true, null]);
  });

  test("keeps key order (integer-like keys too) and the last value of a repeated key in its first place", () => {
    const v = parsePyJson('{"b": 1, "2": 2, "a": 3, "b": 4}') as Map<string, unknown>;
    assert.deepEqual(
      [...v.entries()],
      [
        ["b", 4],
        ["2", 2],
        ["a", 3],
      ],
    );
  });

  test("whole numbers stay ints, a fraction or exponent makes a float (Python's str differs)", () => {
    const v = parsePyJson("[1, 1.0, 1e0, -0]") as unknown[];
    assert.deepEqual(
      v.map((x) => pyStr(x as never)),
      ["1", "1.0", "1.0", "0"],
    );
  });

  test("errors name line and column", () => {
    assert.throws(
      () => parsePyJson('{\n  "a": nan\n}'),
      (e: unknown) => e instanceof PyJsonSyntaxError && e.line === 2 && e.column === 8,
    );
    assert.throws(() => parsePyJson('{"a": 1} x'), /extra data/);
    assert.throws(() => parsePyJson('["a\tb"]'), /control character/);
    assert.throws(() => parsePyJson('{"a" 1}'), /expected ':'/);
  });
});

// Expected values printed by CPython 3 (repr, f"{round(x, 2):.2f}", float(), statistics.mean).
describe("Python number semantics", () => {
  test("float repr", () => {
    const cases: Array<[number, string]> = [
      [40, "40.0"],
      [0.1, "0.1"],
      [1e-5, "1e-05"],
      [1e20, "1e+20"],
      [1.2345678901234568e20, "1.2345678901234568e+20"],
      [1e16, "1e+16"],
      [1234567890123456 + 0.75, "1234567890123456.8"],
      [0.0001, "0.0001"],
      [-2.5, "-2.5"],
    ];
    for (const [x, s] of cases) assert.equal(pyFloatRepr(x), s, String(x));
  });

  test("round(x, 2) with two decimals: half-even on the exact binary value", () => {
    const cases: Array<[number, string]> = [
      [0.125, "0.12"],
      [0.375, "0.38"],
      [2.675, "2.67"],
      [12.345, "12.35"],
      [(1 / 3) * 100, "33.33"],
      [16.666666666666668, "16.67"],
      [40, "40.00"],
      [-0.001, "-0.00"],
    ];
    for (const [x, s] of cases) assert.equal(pyRound2(x), s, String(x));
  });

  test("float(text)", () => {
    const cases: Array<[string, number | undefined]> = [
      ["4", 4],
      [" 4 ", 4],
      ["４", 4],
      ["4_0", 40],
      ["_4", undefined],
      ["4__0", undefined],
      [".5", 0.5],
      ["5.", 5],
      ["+4", 4],
      ["1e0", 1],
      ["-Infinity", Number.NEGATIVE_INFINITY],
      ["x", undefined],
      ["", undefined],
    ];
    for (const [s, v] of cases) assert.equal(pyFloatFromString(s), v, JSON.stringify(s));
    assert.ok(Number.isNaN(pyFloatFromString("nan")));
  });

  test("exact mean", () => {
    assert.equal(exactMean([4.1, 3.3, 4.6]), 3.9999999999999996);
    assert.equal(exactMean([4.0, 4.1, 4.8, 3.1]), 4);
    assert.equal(exactMean([0.1, 0.2, 0.3]), 0.2);
    assert.equal(exactMean([1e-310, 3e-310]), 2e-310);
    assert.equal(exactMean([5e-324, 5e-324, 0]), 5e-324);
    assert.equal(exactMean([1e308, 1e308]), 1e308);
  });
});
