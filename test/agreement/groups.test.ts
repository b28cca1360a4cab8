import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { toUsable, toUsableAll } from "../../src/agreement/binary.js";
import { exactAgreement } from "../../src/agreement/categorical.js";
import { breakdown, groupBySorted } from "../../src/agreement/groups.js";

describe("groupBySorted / breakdown", () => {
  const rows = [
    { cat: "b", a: 1, b: 1 },
    { cat: "a", a: 2, b: 3 },
    { cat: "b", a: 4, b: 4 },
    { cat: "a", a: 5, b: 5 },
  ];
  test("groups sorted by key, items in input order", () => {
    const g = groupBySorted(rows, (r) => r.cat);
    assert.deepEqual([...g.keys()], ["a", "b"]);
    assert.deepEqual(
      g.get("b")!.map((r) => r.a),
      [1, 4],
    );
  });
  test("breakdown runs a statistic per group", () => {
    const out = breakdown(
      rows,
      (r) => r.cat,
      (items) =>
        exactAgreement(
          items.map((r) => r.a),
          items.map((r) => r.b),
        ),
    );
    assert.deepEqual(out, [
      { group: "a", items: 2, result: 0.5 },
      { group: "b", items: 2, result: 1 },
    ]);
  });
});

describe("usable mapping", () => {
  test("≥ threshold is usable; missing stays missing", () => {
    assert.deepEqual(toUsableAll([1, 3, 4, 5, undefined, null]), [0, 0, 1, 1, undefined, undefined]);
    assert.equal(toUsable(3, 3), 1);
    assert.equal(toUsable(2.9, 3), 0);
  });
});
