import assert from "node:assert/strict";
import { test } from "node:test";
import { buildAgreementReport } from "../../src/agreement/report.js";
import { headlineAgreement } from "../../src/annotate/headline.js";

test("headline: percent agreement per category and their mean over the categories named", () => {
  const item = (group: string, judgeUsable: boolean, humanUsable: boolean) => ({
    group,
    judgeUsable,
    humanUsable,
  });
  const h = headlineAgreement(
    [
      item("MK", true, true),
      item("MK", false, false),
      item("MK", true, true),
      item("MK", true, false),
      item("MR", false, false),
      item("MR", true, true),
      item("MTG", true, false),
      item("MTG", false, true),
    ],
    { exclude: ["MTG"], rounds: 300 },
  )!;
  assert.equal(h.byGroup.MK!.value, 0.75);
  assert.equal(h.byGroup.MR!.value, 1);
  assert.equal(h.byGroup.MTG!.value, 0);
  // (0.75 + 1) / 2, MTG left out as in the paper's overall figure.
  assert.equal(h.mean.value, 0.875);
  assert.deepEqual(h.mean.groups, ["MK", "MR"]);
  assert.ok(h.mean.lower <= 0.875 && h.mean.upper >= 0.875 && h.mean.upper <= 1);
});

test("binary view: the judge's raw mean decides usability, not its rounded value", () => {
  // Judge mean 3.67 rounds to 4 on the scale, but the benchmark's rule (mean ≥ 4) says not usable.
  const items = [
    { itemId: "a", judge: 4, judgeUsable: false, humans: { x: 2, y: 2 } },
    { itemId: "b", judge: 5, judgeUsable: true, humans: { x: 5, y: 5 } },
  ];
  const report = buildAgreementReport(items, { scale: [1, 2, 3, 4, 5], rounds: 0 });
  const rounded = buildAgreementReport(
    items.map(({ judgeUsable: _u, ...rest }) => rest),
    { scale: [1, 2, 3, 4, 5], rounds: 0 },
  );
  const binaryMean = (r: typeof report) =>
    r.overall.views.binary.comparisons.find((c) => c.kind === "judge-mean")!.stats;
  const raw = JSON.stringify(binaryMean(report));
  assert.notEqual(raw, JSON.stringify(binaryMean(rounded)), "the raw rule changes the binary view");
});
