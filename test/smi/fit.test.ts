import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  fitRows,
  linearRegression,
  METHOD_LABEL,
  placeFacts,
  quantise,
  SMI_METHODS,
  smiExponent,
} from "../../src/smi/fit.js";
import { fullMi, pointwiseMi } from "../../src/smi/mi.js";
import { type CountRow, loadScoredRows, type ScoredRow } from "../../src/smi/rows.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";
import { PUBLISHED, PYTHIA_SIZES } from "./published-table.js";

function row(idx: number, n: number, s: number, o: number, so: number, acc = 0): ScoredRow {
  return {
    idx,
    subj: `s${idx}`,
    rel: "r",
    obj: `o${idx}`,
    time_seqs: n,
    time_subj: s,
    time_obj: o,
    time_s1j1: so,
    time_s1j0: s - so,
    time_s0j1: o - so,
    time_s0j0: n - s - o + so,
    acc,
  };
}

describe("mutual information terms (hand calculations)", () => {
  test("pointwise term: p11·log2(p11/(ps·po))", () => {
    // n=8, s=o=so=2: p11=0.25, PMI = log2(0.25/0.0625) = 2, so 0.5.
    assert.equal(pointwiseMi(row(1, 8, 2, 2, 2)), 0.5);
    // independent: p11 = ps·po, PMI 0.
    assert.equal(pointwiseMi(row(2, 8, 4, 4, 2)), 0);
    assert.equal(pointwiseMi(row(3, 8, 4, 4, 0)), 0);
  });
  test("full 2×2 MI equals the entropy when subject and object always co-occur", () => {
    const h = -(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75));
    assert.ok(Math.abs(fullMi(row(1, 8, 2, 2, 2)) - h) < 1e-15);
    assert.ok(Math.abs(fullMi(row(2, 8, 4, 4, 2))) < 1e-15);
  });
});

describe("fit building blocks", () => {
  test("linear regression on an exact line", () => {
    const r = linearRegression([0, 0.5, 1], [1, 2, 3]);
    assert.equal(r.slope, 2);
    assert.equal(r.intercept, 1);
    assert.equal(r.r2, 1);
  });
  test("SMI exponent is 1 + 1/log2(size)", () => {
    assert.equal(smiExponent(2 ** 32), 1 + 1 / 32);
    assert.throws(() => smiExponent(1), /model size/);
  });
  test("exact mode truncates toward zero, corrected mode floors", () => {
    // mi values chosen so that 5·log2(mi) = -2.5, -5, -10 (exactly representable).
    const mis = [2 ** -0.5, 2 ** -1, 2 ** -2];
    const rows: Array<CountRow & { mi: number }> = mis.map((mi, i) => ({ ...row(i, 100, 10, 10, 5), mi }));
    const exact = placeFacts(rows, {
      method: "mi",
      modelSize: 1e9,
      mode: "exact",
      miDefinition: "pointwise",
    });
    // trunc: -0.4, -1, -2 → normalised (q+2)/1.6
    assert.deepEqual(exact.x, [1, 1 / 1.6, 0]);
    assert.equal(exact.qMax, -0.4);
    // Binning itself: 5·log2(2^-0.5) = -2.5 → trunc -2, floor -3.
    assert.equal(quantise(2 ** -0.5, "exact"), -0.4);
    assert.equal(quantise(2 ** -0.5, "corrected"), -0.6);
    assert.equal(quantise(2 ** 1.5, "exact"), 1.4);
    assert.equal(quantise(2 ** 1.5, "corrected"), 1.4);
  });
  test("a small fit computed by hand", () => {
    // Co-occurrence counts 1, 2, 4 → q = 0, 1, 2 → x = 0, 0.5, 1. Two facts in the x=1 bin.
    const rows = [
      row(1, 1000, 10, 10, 1, 0.1),
      row(2, 1000, 10, 10, 2, 0.3),
      row(3, 1000, 10, 10, 4, 0.4),
      row(4, 1000, 10, 10, 4, 0.6),
    ];
    const r = fitRows(rows, { method: "cooccur", modelSize: 1e9, mode: "exact", miDefinition: "pointwise" });
    // bin means (0, .1), (.5, .3), (1, .5): exact line y = 0.4x + 0.1.
    assert.ok(Math.abs(r.slope - 0.4) < 1e-12);
    assert.ok(Math.abs(r.intercept - 0.1) < 1e-12);
    assert.ok(Math.abs(r.r2 - 1) < 1e-12);
    // residuals: bin 1: (0.4-0.5)², (0.6-0.5)² → 0.01; others 0 → MSE = 0.01/3.
    assert.ok(Math.abs(r.mse - 0.01 / 3) < 1e-12);
    assert.ok(Math.abs(r.upperBound - 0.5) < 1e-12);
    assert.ok(Math.abs((r.xIntercept ?? 0) + 0.25) < 1e-12);
    assert.equal(r.bins.length, 3);
    assert.equal(r.facts, 4);
  });
  test("facts with MI <= 0 are dropped for every method", () => {
    const rows = [row(1, 1000, 10, 10, 1, 0.1), row(2, 1000, 10, 10, 2, 0.3), row(3, 8, 4, 4, 2, 1)];
    const r = fitRows(rows, { method: "cooccur", modelSize: 1e9, mode: "exact", miDefinition: "pointwise" });
    assert.equal(r.facts, 2);
    assert.equal(r.droppedFacts, 1);
  });
});

describe("conformance with the original's published tables (Pythia, ../shared/data/smi/merge_outputs)", () => {
  for (const [model, size] of Object.entries(PYTHIA_SIZES)) {
    test(`${model}: R², slope, intercept, MSE, upper bound to 1e-9`, (t) => {
      const path = sharedPath("data", "smi", "merge_outputs", `${model}.json`);
      if (!path) {
        t.skip(SHARED_MISSING);
        return;
      }
      const rows = loadScoredRows(path);
      for (const method of SMI_METHODS) {
        const want = PUBLISHED.find((p) => p.model === model && p.method === METHOD_LABEL[method]);
        assert.ok(want, `published row for ${model} ${method}`);
        for (const mode of ["exact", "corrected"] as const) {
          const got = fitRows(rows, { method, modelSize: size, mode, miDefinition: "pointwise" });
          const label = `${model} ${method} ${mode}`;
          assert.ok(Math.abs(got.r2 - want.r2) < 1e-9, `${label} R² ${got.r2} vs ${want.r2}`);
          assert.ok(Math.abs(got.slope - want.a) < 1e-9, `${label} slope`);
          assert.ok(Math.abs(got.intercept - want.b) < 1e-9, `${label} intercept`);
          assert.ok(Math.abs(got.mse - want.mse) < 1e-9, `${label} MSE`);
          assert.ok(Math.abs(got.upperBound - want.upperBound) < 1e-9, `${label} upper bound`);
          assert.ok(
            Math.abs((got.xIntercept ?? Number.NaN) - want.xIntercept) < 1e-9,
            `${label} x intercept`,
          );
          assert.ok(Math.abs(got.meanAcc - want.acc) < 1e-9, `${label} acc`);
        }
      }
    });
  }

  test("recomputed pointwise MI matches the stored mi of the original", (t) => {
    const path = sharedPath("data", "smi", "merge_outputs", "pythia-12b.json");
    if (!path) {
      t.skip(SHARED_MISSING);
      return;
    }
    const rows = loadScoredRows(path);
    let worst = 0;
    for (const r of rows) {
      const mi = pointwiseMi(r);
      const stored = r.mi ?? Number.NaN;
      worst = Math.max(worst, stored === 0 ? Math.abs(mi) : Math.abs(mi - stored) / Math.abs(stored));
    }
    assert.ok(worst < 1e-14, `worst relative difference ${worst}`);
  });
});
