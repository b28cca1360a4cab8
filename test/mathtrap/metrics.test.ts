import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TrapType } from "../../src/mathtrap/data.js";
import {
  formatBreakdownTable,
  formatMainTable,
  type ItemResult,
  mathtrapReport,
  summarise,
} from "../../src/mathtrap/metrics.js";

function item(
  id: string,
  kind: ItemResult["kind"],
  correct: boolean,
  group: string,
  trapTypes: TrapType[] = [],
  subject?: string,
): ItemResult {
  return { id, kind, correct, group, trapTypes, ...(subject ? { subject } : {}) };
}

// Hand-made run: 4 conceptual (3 right), 2 originals (both right), 4 traps (1 right).
const ITEMS: ItemResult[] = [
  item("c1", "conceptual", true, "c1"),
  item("c2", "conceptual", true, "c2"),
  item("c3", "conceptual", true, "c3"),
  item("c4", "conceptual", false, "c4"),
  item("o1", "original", true, "g1", ["Direct Contradiction", "Missing Condition"], "GSM8K"),
  item("o2", "original", true, "g2", ["Direct Contradiction"], "MATH_algebra"),
  item("t1", "trap", true, "g1", ["Direct Contradiction"], "GSM8K"),
  item("t2", "trap", false, "g1", ["Missing Condition"], "GSM8K"),
  item("t3", "trap", false, "g2", ["Direct Contradiction"], "MATH_algebra"),
  item("t4", "trap", false, "g2", ["Direct Contradiction"], "MATH_algebra"),
];

describe("point estimates (by hand)", () => {
  const r = mathtrapReport(ITEMS, { resamples: 200 });
  test("overall", () => {
    assert.equal(r.overall.conceptual.value, 75);
    assert.equal(r.overall.original.value, 100);
    assert.equal(r.overall.trap.value, 25);
    assert.equal(r.overall.ratio.value, 25);
    assert.equal(r.overall.trap.n, 4);
  });
  test("per trap type: traps of the type and the originals they were built on", () => {
    // Direct Contradiction: traps t1 (right), t3, t4 → 1/3; originals o1, o2 → 2/2.
    assert.ok(Math.abs((r.byTrapType["Direct Contradiction"]?.trap.value ?? 0) - 100 / 3) < 1e-9);
    assert.equal(r.byTrapType["Direct Contradiction"]?.original.n, 2);
    assert.equal(r.byTrapType["Missing Condition"]?.trap.value, 0);
    assert.equal(r.byTrapType["Missing Condition"]?.ratio.value, 0);
    assert.equal(r.byTrapType["Missing Condition"]?.conceptual.value, null);
  });
  test("per subject", () => {
    assert.equal(r.bySubject.GSM8K?.trap.value, 50);
    assert.equal(r.bySubject.GSM8K?.ratio.value, 50);
    assert.equal(r.bySubject.MATH_algebra?.trap.value, 0);
  });
  test("ratio is null when original accuracy is zero", () => {
    const s = summarise([item("o", "original", false, "g"), item("t", "trap", true, "g")], { resamples: 10 });
    assert.equal(s.ratio.value, null);
  });
});

describe("bootstrap", () => {
  test("all-correct data gives a degenerate interval", () => {
    const s = summarise([item("o", "original", true, "g"), item("t", "trap", true, "g")], { resamples: 50 });
    assert.deepEqual([s.trap.low, s.trap.high, s.ratio.low, s.ratio.high], [100, 100, 100, 100]);
  });
  test("interval brackets the estimate and matches the normal approximation on a large sample", () => {
    // 400 independent conceptual items, 30% correct: the standard error is sqrt(.3*.7/400) = 2.29 points,
    // so a 95% interval is about ±4.5 points.
    const many = Array.from({ length: 400 }, (_, i) => item(`c${i}`, "conceptual", i % 10 < 3, `c${i}`));
    const s = summarise(many, { resamples: 2000, seed: 7 });
    assert.equal(s.conceptual.value, 30);
    const half = ((s.conceptual.high ?? 0) - (s.conceptual.low ?? 0)) / 2;
    assert.ok(half > 3.5 && half < 5.5, `half-width ${half}`);
    assert.ok((s.conceptual.low ?? 99) < 30 && (s.conceptual.high ?? 0) > 30);
  });
  test("same seed, same interval", () => {
    const a = summarise(ITEMS, { resamples: 300, seed: 3 });
    const b = summarise(ITEMS, { resamples: 300, seed: 3 });
    assert.deepEqual(a, b);
  });
});

describe("tables", () => {
  test("rows are models, columns the paper's metrics", () => {
    const r = mathtrapReport(ITEMS, { resamples: 100 });
    const text = formatMainTable(
      [
        { model: "model-a", report: r },
        { model: "model-b", report: r },
      ],
      false,
    );
    const lines = text.split("\n");
    assert.match(lines[0] ?? "", /^\| Model\s+\| Conceptual \| Original \| Trap \| Ratio \|$/);
    assert.match(lines[2] ?? "", /^\| model-a \| 75\.0\s+\| 100\.0\s+\| 25\.0 \| 25\.0\s*\|$/);
    assert.equal(lines.length, 4);
    const withCi = formatMainTable([{ model: "m", report: r }]);
    assert.match(withCi, /75\.0 \[\d+\.\d, \d+\.\d\]/);
    const breakdown = formatBreakdownTable([{ model: "m", report: r }], "byTrapType");
    assert.match(breakdown, /Direct Contradiction/);
    assert.match(breakdown, /33\.3 \/ 100\.0 \/ 33\.3/);
  });
});
