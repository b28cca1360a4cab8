import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { toUsableAll } from "../../src/agreement/binary.js";
import { cohenKappa, weightedKappa } from "../../src/agreement/categorical.js";
import { kendallTauB, pearson, spearman } from "../../src/agreement/correlation.js";
import { krippendorffAlpha } from "../../src/agreement/krippendorff.js";
import { leaveOneOut } from "../../src/agreement/leave-one-out.js";
import { type AgreementItem, buildAgreementReport, UNGROUPED } from "../../src/agreement/report.js";
import { UserError } from "../../src/util/errors.js";

const close = (actual: number | null, expected: number, eps = 1e-12) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= eps, `${actual} ≉ ${expected}`);

// Eight items, a judge and two annotators (bob skipped i8).
const judge = [5, 4, 3, 2, 1, 4, 5, 3];
const ann = [5, 4, 3, 3, 1, 4, 4, 3];
const bob = [4, 4, 2, 3, 1, 5, 5, undefined];
const groups = ["a", "a", "b", "b", "a", "b", "a", undefined];
const items: AgreementItem[] = judge.map((j, i) => ({
  itemId: `i${i + 1}`,
  ...(groups[i] !== undefined ? { group: groups[i] } : {}),
  judge: j,
  humans: { ann: ann[i], bob: bob[i] },
}));
const scale = [1, 2, 3, 4, 5];

describe("buildAgreementReport", () => {
  const report = buildAgreementReport(items, { scale, rounds: 200, seed: 3 });
  const view = report.overall.views.scale;
  const byId = (id: string) => {
    const c = view.comparisons.find((x) => x.id === id);
    assert.ok(c, `comparison ${id}`);
    return c;
  };

  test("lists judge vs each annotator, vs mean and majority, and annotator pairs", () => {
    assert.deepEqual(
      view.comparisons.map((c) => c.id),
      ["judge~ann", "judge~bob", "judge~human-mean", "judge~human-majority", "ann~bob"],
    );
    assert.deepEqual(report.annotators, ["ann", "bob"]);
    assert.deepEqual(report.counts, {
      items: 8,
      withJudge: 8,
      withHumans: 8,
      ratingsPerAnnotator: { ann: 8, bob: 7 },
    });
  });

  test("judge vs ann: hand-computed exact agreement and κ", () => {
    // Agreement on 6 of 8 items. Judge margins over 1..5: 1,1,2,2,2; ann: 1,0,3,3,1.
    // p_e = (1 + 0 + 6 + 6 + 2)/64 = 15/64, p_o = 48/64, κ = 33/49.
    const c = byId("judge~ann");
    assert.equal(c.n, 8);
    close(c.stats.exact.value, 0.75);
    close(c.stats.kappa.value, 33 / 49);
    close(c.stats.within.value, 1);
    assert.equal(c.confusion.counts[4]![3], 1); // judge 5, ann 4 (item 7)
  });

  test("every pairwise number equals the standalone function on the both-rated items", () => {
    const c = byId("judge~bob");
    assert.equal(c.n, 7);
    close(c.stats.kappa.value, cohenKappa(judge, bob, scale));
    close(c.stats.quadraticKappa.value, weightedKappa(judge, bob, scale, "quadratic"));
    close(c.stats.linearKappa.value, weightedKappa(judge, bob, scale, "linear"));
    close(c.stats.spearman.value, spearman(judge, bob));
    close(c.stats.pearson.value, pearson(judge, bob));
    close(c.stats.kendallTauB.value, kendallTauB(judge, bob));
    const units = judge.map((j, i) => [j, bob[i]]);
    close(c.stats.alphaOrdinal.value, krippendorffAlpha(units, "ordinal").alpha);
  });

  test("every statistic has an interval that contains its point estimate", () => {
    for (const c of view.comparisons) {
      for (const [name, e] of Object.entries(c.stats)) {
        if (e.value === null || e.lower === null || e.upper === null) continue;
        assert.ok(
          e.lower <= e.value + 1e-9 && e.value <= e.upper + 1e-9,
          `${c.id} ${name}: ${JSON.stringify(e)}`,
        );
      }
    }
  });

  test("human mean: rounded (halfway → lower) for categories, raw for correlations", () => {
    // Means per item: 4.5, 4, 2.5, 3, 1, 4.5, 4.5, 3 → rounded 4, 4, 2, 3, 1, 4, 4, 3.
    const rounded = [4, 4, 2, 3, 1, 4, 4, 3];
    const raw = [4.5, 4, 2.5, 3, 1, 4.5, 4.5, 3];
    const c = byId("judge~human-mean");
    close(c.stats.exact.value, 4 / 8); // items 2, 5, 6, 8
    close(c.stats.kappa.value, cohenKappa(judge, rounded, scale));
    close(c.stats.pearson.value, pearson(judge, raw));
    close(c.stats.meanB.value, raw.reduce((s, x) => s + x, 0) / 8);
    assert.equal(view.consensus.meanTies, 4);
    assert.equal(view.consensus.majorityTies, 4);
    // Two annotators: a split has mean halfway, so the majority's tie rule gives the same.
    const m = byId("judge~human-majority");
    close(m.stats.kappa.value, cohenKappa(judge, rounded, scale));
  });

  test("Krippendorff's α over humans, and humans + judge", () => {
    const humanUnits = ann.map((a, i) => [a, bob[i]]);
    const allUnits = ann.map((a, i) => [a, bob[i], judge[i]]);
    close(view.alpha.humans.ordinal!.value, krippendorffAlpha(humanUnits, "ordinal").alpha);
    close(view.alpha.humans.interval!.value, krippendorffAlpha(humanUnits, "interval").alpha);
    close(view.alpha.humansAndJudge.nominal!.value, krippendorffAlpha(allUnits, "nominal").alpha);
    assert.equal(view.alpha.humans.ordinal!.units, 7);
    assert.equal(view.alpha.humansAndJudge.ordinal!.raters, 3);
  });

  test("leave-one-out equals the standalone computation", () => {
    const loo = leaveOneOut(judge.map((j, i) => ({ humans: [ann[i], bob[i]], judge: j })));
    close(view.leaveOneOut.humans.value, loo.humans);
    close(view.leaveOneOut.judge.value, loo.judge);
    assert.equal(view.leaveOneOut.pairs, 14);
  });

  test("binary view maps to usable (≥ 4) before comparing and forming consensus", () => {
    const bin = report.overall.views.binary;
    assert.deepEqual(bin.scale, [0, 1]);
    const c = bin.comparisons.find((x) => x.id === "judge~bob")!;
    close(c.stats.kappa.value, cohenKappa(toUsableAll(judge), toUsableAll(bob), [0, 1]));
    // Binary human majority: usable votes per item (ann, bob): 2,2,0,0,0,2,2,0 of 2 → 1,1,0,0,0,1,1,0.
    const maj = bin.comparisons.find((x) => x.id === "judge~human-majority")!;
    close(maj.stats.exact.value, 1);
    assert.deepEqual(Object.keys(bin.alpha.humans), ["nominal"]);
  });

  test("per-group sections, items without a group in their own group", () => {
    assert.deepEqual(
      report.groups.map((g) => [g.group, g.section.items]),
      [
        [UNGROUPED, 1],
        ["a", 4],
        ["b", 3],
      ],
    );
    const a = report.groups.find((g) => g.group === "a")!.section.views.scale;
    const ids = ["i1", "i2", "i5", "i7"].map((id) => Number(id.slice(1)) - 1);
    close(
      a.comparisons.find((x) => x.id === "judge~ann")!.stats.kappa.value,
      cohenKappa(
        ids.map((i) => judge[i]),
        ids.map((i) => ann[i]),
        scale,
      ),
    );
  });

  test("the report is plain JSON and does not depend on input order", () => {
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
    const shuffled = [...items].reverse();
    assert.deepEqual(buildAgreementReport(shuffled, { scale, rounds: 200, seed: 3 }), report);
  });

  test("a different seed changes intervals but not point estimates", () => {
    const other = buildAgreementReport(items, { scale, rounds: 200, seed: 4 });
    const a = report.overall.views.scale.comparisons[0]!.stats.kappa;
    const b = other.overall.views.scale.comparisons[0]!.stats.kappa;
    assert.equal(a.value, b.value);
    assert.notDeepEqual([a.lower, a.upper], [b.lower, b.upper]);
  });
});

describe("buildAgreementReport without a judge or groups", () => {
  test("annotator-only study: only annotator pairs, α and human leave-one-out", () => {
    const r = buildAgreementReport(
      [
        { itemId: "x", humans: { p: 1, q: 1, r: 2 } },
        { itemId: "y", humans: { p: 3, q: 3, r: 3 } },
        { itemId: "z", humans: { p: 2, q: 1 } },
      ],
      { rounds: 50 },
    );
    assert.deepEqual(r.options.scale, [1, 2, 3]);
    assert.equal(r.options.scaleSource, "observed");
    assert.deepEqual(
      r.overall.views.scale.comparisons.map((c) => c.id),
      ["p~q", "p~r", "q~r"],
    );
    assert.deepEqual(r.overall.views.scale.alpha.humansAndJudge, {});
    assert.equal(r.overall.views.scale.leaveOneOut.judge.value, null);
    assert.equal(r.groups.length, 0);
  });

  test("undefined statistics become null, not NaN", () => {
    const r = buildAgreementReport(
      [
        { itemId: "a", judge: 3, humans: { h: 3 } },
        { itemId: "b", judge: 3, humans: { h: 3 } },
      ],
      { scale: [1, 2, 3], rounds: 20 },
    );
    const c = r.overall.views.scale.comparisons[0]!;
    assert.equal(c.stats.kappa.value, null);
    assert.equal(c.stats.exact.value, 1);
    assert.equal(c.stats.kappa.degenerate, 20);
  });
});

describe("input errors are UserErrors naming item and field", () => {
  const build = (its: AgreementItem[], scale?: number[]) =>
    buildAgreementReport(its, { rounds: 0, source: "ratings.jsonl", ...(scale ? { scale } : {}) });
  test("duplicate item id", () => {
    assert.throws(
      () =>
        build([
          { itemId: "a", humans: {} },
          { itemId: "a", humans: { h: 1 } },
        ]),
      (e: unknown) =>
        e instanceof UserError && /ratings\.jsonl: row 2, field itemId: duplicate item "a"/.test(e.message),
    );
  });
  test("rating off the scale", () => {
    assert.throws(
      () => build([{ itemId: "q1", judge: 6, humans: { h: 1 } }], [1, 2, 3, 4, 5]),
      (e: unknown) =>
        e instanceof UserError && /item "q1", field judge: rating 6 is not on the scale/.test(e.message),
    );
  });
  test("non-numeric rating", () => {
    assert.throws(
      () => build([{ itemId: "q1", humans: { ann: Number.NaN } }]),
      (e: unknown) =>
        e instanceof UserError && /field humans\.ann: rating NaN is not a finite number/.test(e.message),
    );
  });
  test("nothing rated", () => {
    assert.throws(() => build([{ itemId: "q1", humans: {} }]), /no ratings to compare/);
  });
  test("bad scale and options", () => {
    assert.throws(() => build([{ itemId: "q", humans: { h: 1 } }], [2, 1]), UserError);
    assert.throws(() => buildAgreementReport([], { rounds: -2 }), UserError);
  });
});
