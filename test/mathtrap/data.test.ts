import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  loadConceptual,
  loadGsm8kTest,
  loadOriginalFile,
  loadTrapRecords,
  problemsFromRecords,
  subjectOf,
} from "../../src/mathtrap/data.js";
import { UserError } from "../../src/util/errors.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

const DIR = ["data", "mathtrap"];

const ROOT = mkdtempSync(join(tmpdir(), "mathtrap-data-"));
after(() => rmSync(ROOT, { recursive: true, force: true }));
let counter = 0;

function tmp(name: string, text: string): string {
  const dir = join(ROOT, String(counter++));
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = {
  category: "MATH_algebra",
  trap_problem: "Find the integer x with x^2 + x = 3.",
  human_annotation: "The roots are irrational.",
  trap_type: "Indirect Contradiction",
  original_problem: "Find x with x + 1 = 3.",
  original_solution: "So $x = \\boxed{2}$.",
};

describe("public data (counts checked independently with a Python one-liner)", () => {
  test("MathTrap_Public.json: 104 traps on 40 originals, trap types and subjects", (t) => {
    const p = sharedPath(...DIR, "MathTrap_Public.json");
    if (!p) {
      t.skip(SHARED_MISSING);
      return;
    }
    const records = loadTrapRecords(p);
    assert.equal(records.length, 104);
    const types = new Map<string, number>();
    for (const r of records) types.set(r.trapType, (types.get(r.trapType) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(types), {
      "Direct Contradiction": 24,
      "Indirect Contradiction": 48,
      "Concept Undefined": 20,
      "Missing Condition": 7,
      "Violating Common Sense": 5,
    });
    const subjects = new Map<string, number>();
    for (const r of records) subjects.set(r.subject, (subjects.get(r.subject) ?? 0) + 1);
    assert.equal(subjects.get("GSM8K"), 14);
    assert.equal(subjects.get("MATH_algebra"), 26);
    assert.equal(subjects.get("MATH_geometry"), 23);
    assert.ok(records.every((r) => r.verified && r.gpt4Annotation));
    const { originals, traps } = problemsFromRecords(records);
    assert.equal(originals.length, 40);
    assert.equal(traps.length, 104);
    // Every trap points at an existing original of the same group.
    const byId = new Map(originals.map((o) => [o.id, o]));
    for (const tr of traps) {
      const o = byId.get(tr.originalId);
      assert.ok(o, tr.id);
      assert.equal(o.group, tr.group);
      assert.ok(o.trapTypes.includes(tr.trapType));
    }
    assert.equal(originals[0]?.reference, "56");
  });

  test("Concept.jsonl, GSM8K-ori, MATH-ori, GSM8K_test", (t) => {
    const c = sharedPath(...DIR, "Concept.jsonl");
    const g = sharedPath(...DIR, "GSM8K-ori.jsonl");
    const m = sharedPath(...DIR, "MATH-ori.jsonl");
    const test8k = sharedPath(...DIR, "GSM8K_test.jsonl");
    if (!c || !g || !m || !test8k) {
      t.skip(SHARED_MISSING);
      return;
    }
    const concepts = loadConceptual(c);
    assert.equal(concepts.length, 132);
    assert.equal(concepts.filter((x) => x.answer).length, 24);
    assert.equal(loadOriginalFile(g).length, 24);
    const math = loadOriginalFile(m);
    assert.equal(math.length, 96);
    assert.ok(math.every((x) => x.source === "MATH" && x.subject.startsWith("MATH_")));
    assert.equal(math[0]?.reference, "\\sqrt{21}");
    const gsm = loadGsm8kTest(test8k);
    assert.equal(gsm.length, 1319);
    assert.equal(gsm[0]?.reference, "18");
  });
});

describe("subjects", () => {
  test("categories map to GSM8K or MATH_<subject>", () => {
    assert.deepEqual(subjectOf("GSM8K"), { source: "GSM8K", subject: "GSM8K" });
    assert.deepEqual(subjectOf("MATH_number_theory"), { source: "MATH", subject: "MATH_number_theory" });
    assert.deepEqual(subjectOf("counting and probability"), {
      source: "MATH",
      subject: "MATH_counting_and_probability",
    });
  });
});

describe("errors name the file, position and field", () => {
  const cases: [string, string, string, RegExp][] = [
    [
      "missing field",
      "t.json",
      JSON.stringify([GOOD, { ...GOOD, trap_problem: undefined }]),
      /t\.json\[1\]: field "trap_problem" must be a string \(missing\)/,
    ],
    [
      "bad trap type",
      "t.json",
      JSON.stringify([{ ...GOOD, trap_type: "Typo" }]),
      /t\.json\[0\]: field "trap_type" must be one of/,
    ],
    [
      "no final answer",
      "t.json",
      JSON.stringify([{ ...GOOD, original_solution: "x is two" }]),
      /t\.json\[0\]: field "original_solution" has no final answer/,
    ],
    ["not an array", "t.json", JSON.stringify(GOOD), /t\.json: expected a JSON array/],
    [
      "bad verified",
      "t.jsonl",
      `${JSON.stringify(GOOD)}\n${JSON.stringify({ ...GOOD, verified: "no" })}\n`,
      /t\.jsonl:2: field "verified" must be true or false/,
    ],
    ["broken JSON line", "t.jsonl", `${JSON.stringify(GOOD)}\n{oops\n`, /t\.jsonl:2: invalid JSON/],
  ];
  for (const [name, file, text, re] of cases) {
    test(name, () => {
      const path = tmp(file, text);
      assert.throws(
        () => loadTrapRecords(path),
        (e: unknown) => e instanceof UserError && re.test(e.message),
      );
    });
  }
  test("conceptual response must be boolean", () => {
    const path = tmp("c.jsonl", '{"query":"a?","response":true}\n\n{"query":"b?","response":"maybe"}\n');
    assert.throws(() => loadConceptual(path), /c\.jsonl:3: field "response" must be true or false/);
  });
  test("original without an answer", () => {
    const path = tmp("o.jsonl", '{"category":"algebra","question":"q","answer":"no final answer"}\n');
    assert.throws(() => loadOriginalFile(path), /o\.jsonl:1: field "answer" has no final answer/);
  });
  test("missing file", () => {
    assert.throws(
      () => loadConceptual("/nonexistent/x.jsonl"),
      (e: unknown) => e instanceof UserError && /x\.jsonl: cannot read file/.test(e.message),
    );
  });
  test("generated records keep verified=false and generation metadata", () => {
    const path = tmp(
      "g.jsonl",
      `${JSON.stringify({ ...GOOD, verified: false, generation: { model: "m" } })}\n`,
    );
    const [r] = loadTrapRecords(path);
    assert.equal(r?.verified, false);
    assert.deepEqual(r?.generation, { model: "m" });
  });
});
