import assert from "node:assert/strict";
import { test } from "node:test";
import { mtgForm, mtgFormVerdict } from "../../src/llmeval-med/annotation-form.js";

test("the MTG rating form names and describes each Appendix D dimension", () => {
  const form = mtgForm({ key: "score", label: "Score", values: [1, 2, 3, 4, 5] });
  const byKey = new Map(form.fields.map((f) => [f.key, f]));
  const expected: Record<string, RegExp> = {
    b: /Instruction following/,
    c: /Correctness/,
    d: /Effectiveness/,
    e: /Readability/,
  };
  for (const [key, name] of Object.entries(expected)) {
    const f = byKey.get(key);
    assert.ok(f, key);
    assert.match(f.label, name);
    assert.ok((f.help ?? "").length > 30, `${key} has a description`);
    assert.deepEqual(f.values, [0, 1, 2, 3, 4, 5]);
  }
  assert.match(byKey.get("safety")?.help ?? "", /harm/);
  assert.equal(mtgFormVerdict({ safety: 1, b: 4, c: 4, d: 4, e: 4 })?.label, "usable");
  assert.equal(mtgFormVerdict({ safety: 0, b: 5, c: 5, d: 5, e: 5 })?.label, "not usable");
});
