import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { krippendorffAlpha } from "../../src/agreement/krippendorff.js";

const _ = undefined;

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
// (A–D) × 12 units with missing values. Rows here are units (one rating per observer).
// Published: nominal α = 0.743, ordinal α = 0.815, interval α = 0.849. The same data and
// values appear in the test suite of the `krippendorff` Python package (fast-krippendorff:
// ordinal 0.815) and the nominal value checks by hand as 1 − (n−1)·8 / (n² − Σn_c²) with
// n = 40 pairable values, Σn_c² = 9² + 13² + 10² + 5² + 3² = 384: 1 − 312/1216.
const observers = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _], // A
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3], // B
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _], // C
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _], // D
];
const units = observers[0]!.map((_v, u) => observers.map((row) => row[u]));

// Wikipedia "Krippendorff's alpha", computational example: 3 coders × 15 units.
// Reference values from the `krippendorff` Python package tests: nominal 0.691358,
// interval 0.810845.
const wiki = [
  [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
  [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
  [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
];
const wikiUnits = wiki[0]!.map((_v, u) => wiki.map((row) => row[u]));

describe("Krippendorff's α, Krippendorff (2011) 4 × 12 example", () => {
  test("nominal = 1 − 312/1216 ≈ 0.743", () => {
    const r = krippendorffAlpha(units, "nominal");
    assert.ok(Math.abs(r.alpha - (1 - 312 / 1216)) < 1e-12, String(r.alpha));
    assert.equal(Math.round(r.alpha * 1000) / 1000, 0.743);
    assert.equal(r.pairable, 40);
    assert.equal(r.units, 11); // unit 12 has a single value and is not pairable
  });

  test("ordinal ≈ 0.815", () => {
    const a = krippendorffAlpha(units, "ordinal").alpha;
    assert.equal(Math.round(a * 1000) / 1000, 0.815);
    // Full precision from an independent Python implementation that averages δ² over pairs
    // of values directly (no coincidence matrix), run once at development time.
    assert.ok(Math.abs(a - 0.8153875037548813) < 1e-12);
  });

  test("interval ≈ 0.849", () => {
    const a = krippendorffAlpha(units, "interval").alpha;
    assert.equal(Math.round(a * 1000) / 1000, 0.849);
    // Same independent pairwise Python implementation: 0.8491071428571428.
    assert.ok(Math.abs(a - 0.8491071428571428) < 1e-12);
  });

  test("coincidence matrix margins are the pairable values per category", () => {
    const r = krippendorffAlpha(units, "nominal");
    assert.deepEqual(r.values, [1, 2, 3, 4, 5]);
    const margins = r.coincidence.map((row) => row.reduce((s, x) => s + x, 0));
    const rounded = margins.map((m) => Math.round(m * 1e9) / 1e9);
    assert.deepEqual(rounded, [9, 13, 10, 5, 3]);
    // o_11: unit 1 (1, 1, 1) adds 3·2/2 = 3, unit 8 (1, 1, 2, 1) adds 3·2/3 = 2, unit 11
    // (1, 1) adds 2 → 7, as published. o_12: unit 8 adds 3·1/3 = 1, unit 6 (1, 2, 3, 4) adds
    // 1/3 → 4/3.
    assert.ok(Math.abs(r.coincidence[0]![1]! - 4 / 3) < 1e-12);
    assert.ok(Math.abs(r.coincidence[0]![0]! - 7) < 1e-12);
  });

  test("a scale with unused categories changes nothing", () => {
    const a = krippendorffAlpha(units, "ordinal").alpha;
    const b = krippendorffAlpha(units, "ordinal", [0, 1, 2, 3, 4, 5, 6]).alpha;
    assert.ok(Math.abs(a - b) < 1e-12);
  });
});

describe("Krippendorff's α, Wikipedia 3 × 15 example", () => {
  test("nominal 0.691358", () => {
    assert.equal(Math.round(krippendorffAlpha(wikiUnits, "nominal").alpha * 1e6) / 1e6, 0.691358);
  });
  test("interval 0.810845", () => {
    assert.equal(Math.round(krippendorffAlpha(wikiUnits, "interval").alpha * 1e6) / 1e6, 0.810845);
  });
});

describe("edge cases", () => {
  test("perfect agreement is 1 for every metric", () => {
    const u = [
      [1, 1],
      [2, 2],
      [3, 3, 3],
    ];
    for (const m of ["nominal", "ordinal", "interval"] as const)
      assert.equal(krippendorffAlpha(u, m).alpha, 1);
  });

  test("NaN when nothing is pairable or there is no variation", () => {
    assert.ok(Number.isNaN(krippendorffAlpha([[1], [2, _]], "nominal").alpha));
    assert.ok(
      Number.isNaN(
        krippendorffAlpha(
          [
            [2, 2],
            [2, 2],
          ],
          "interval",
        ).alpha,
      ),
    );
  });

  test("off-scale value is an error", () => {
    assert.throws(() => krippendorffAlpha([[1, 9]], "ordinal", [1, 2, 3]), /not on the scale/);
  });
});
