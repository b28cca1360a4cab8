import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fmt, fmtEstimate, renderReport, renderTable } from "../../src/agreement/render.js";
import { buildAgreementReport } from "../../src/agreement/report.js";

describe("formatting helpers", () => {
  test("numbers, null and negative zero", () => {
    assert.equal(fmt(0.6734), "0.67");
    assert.equal(fmt(null), "—");
    assert.equal(fmt(-0.001), "0.00");
    assert.equal(fmtEstimate({ value: 0.5, lower: 0.25, upper: 0.75, degenerate: 0 }), "0.50 [0.25, 0.75]");
    assert.equal(fmtEstimate({ value: 0.5, lower: null, upper: null, degenerate: 0 }), "0.50");
  });
  test("tables align columns", () => {
    const t = renderTable(
      ["name", "n"],
      [
        ["a", "10"],
        ["long name", "2"],
      ],
    ).split("\n");
    assert.deepEqual(t, ["name        n", "---------  --", "a          10", "long name   2"]);
  });
});

describe("renderReport", () => {
  const report = buildAgreementReport(
    [
      { itemId: "1", group: "cardio", judge: 5, humans: { ann: 5, bob: 4 } },
      { itemId: "2", group: "cardio", judge: 2, humans: { ann: 2, bob: 2 } },
      { itemId: "3", group: "neuro", judge: 4, humans: { ann: 3, bob: 4 } },
      { itemId: "4", group: "neuro", judge: 1, humans: { ann: 2, bob: 1 } },
    ],
    { scale: [1, 2, 3, 4, 5], rounds: 50 },
  );
  const text = renderReport(report);

  test("has a header, both views, α, leave-one-out, the confusion matrix and the groups", () => {
    assert.match(text, /^Judge–human agreement: 4 items \(4 judged, 4 with human ratings\)/);
    assert.match(text, /Annotators: ann \(4\), bob \(4\)/);
    assert.match(text, /== Overall · rating scale ==/);
    assert.match(text, /== Overall · usable \(≥ 4\) ==/);
    assert.match(text, /judge vs ann\s+4\s+0\.75 \[/);
    assert.match(text, /judge vs human majority/);
    assert.match(text, /Krippendorff α, humans \(4 items\): nominal/);
    assert.match(text, /Leave-one-out agreement with the others' mode: humans/);
    assert.match(text, /judge ↓ \/ human majority →/);
    assert.match(text, /== Per group/);
    assert.match(text, /cardio\s+scale\s+2/);
    assert.ok(!text.includes("NaN"));
  });
});
