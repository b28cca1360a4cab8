import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  loadGsm8kTest,
  loadOriginalFile,
  loadTrapRecords,
  problemsFromRecords,
} from "../../src/mathtrap/data.js";
import {
  checkMathAnswer,
  extractBoxed,
  extractFinalAnswer,
  normaliseAnswer,
  referenceAnswer,
} from "../../src/scorers/math-answer.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

const DIR = ["data", "mathtrap"];

function expectCorrect(response: string, target: string): void {
  const r = checkMathAnswer(response, target);
  assert.equal(
    r.decided,
    true,
    `undecided for ${JSON.stringify(response)} vs ${JSON.stringify(target)}: ${r.reason}`,
  );
  assert.equal(
    r.correct,
    true,
    `marked wrong: ${JSON.stringify(response)} vs ${JSON.stringify(target)} (${JSON.stringify(r)})`,
  );
}

function expectWrong(response: string, target: string): void {
  const r = checkMathAnswer(response, target);
  assert.equal(
    r.decided,
    true,
    `undecided for ${JSON.stringify(response)} vs ${JSON.stringify(target)}: ${r.reason}`,
  );
  assert.equal(r.correct, false, `marked right: ${JSON.stringify(response)} vs ${JSON.stringify(target)}`);
}

function expectUndecided(response: string, target: string): void {
  const r = checkMathAnswer(response, target);
  assert.equal(
    r.decided,
    false,
    `decided (${r.correct}) for ${JSON.stringify(response)} vs ${JSON.stringify(target)}: ${r.reason}`,
  );
}

describe("extraction", () => {
  test("boxed with nested braces takes the last box", () => {
    assert.equal(
      extractBoxed("first \\boxed{1} then \\boxed{\\frac{\\sqrt{3}}{2}}."),
      "\\frac{\\sqrt{3}}{2}",
    );
    assert.equal(extractBoxed("\\fbox{12}"), "12");
    assert.equal(extractBoxed("so $\\boxed 5$"), "5");
    assert.equal(extractBoxed("no box here"), undefined);
  });
  test("boxed: nested boxes read the innermost last, unclosed ones are passed over", () => {
    assert.equal(extractBoxed("so \\boxed{\\boxed{5}}"), "5");
    assert.equal(extractBoxed("\\boxed{7} then \\boxed{8"), "7");
    assert.equal(extractBoxed("\\boxed{a \\} b}"), "a \\} b");
    assert.equal(extractBoxed("\\\\{ \\boxed 12$"), "12");
    // Deep nesting and many unclosed boxes are read in one pass each (they took quadratic time).
    const deep = `${"\\boxed{".repeat(20_000)}42${"}".repeat(20_000)}`;
    assert.equal(extractBoxed(deep), "42");
    assert.equal(extractBoxed(`\\boxed{3}${" \\boxed{".repeat(20_000)}`), "3");
  });

  test("order: boxed, ####, the answer is, last number", () => {
    assert.deepEqual(extractFinalAnswer("x\n#### 1,000"), { text: "1,000", method: "hash" });
    assert.deepEqual(extractFinalAnswer("So the answer is $\\frac{1}{2}$. Done 7"), {
      text: "$\\frac{1}{2}$",
      method: "answer-is",
    });
    assert.deepEqual(extractFinalAnswer("**Final Answer:** 42 apples"), {
      text: "42 apples",
      method: "answer-is",
    });
    assert.deepEqual(extractFinalAnswer("She has 3 + 4 = 7 left"), { text: "7", method: "last-number" });
    assert.deepEqual(extractFinalAnswer("We get 16/2=<<16/2=8>>8 blue"), {
      text: "8",
      method: "last-number",
    });
    assert.equal(extractFinalAnswer("no numbers at all"), undefined);
  });
  test("reference answers from GSM8K and MATH solutions", () => {
    assert.equal(referenceAnswer("a\nb\n#### 56"), "56");
    assert.equal(referenceAnswer("so $\\boxed{14,\\!400}$."), "14,\\!400");
  });
});

describe("normalisation", () => {
  const cases: [string, string][] = [
    ["\\dfrac{1}{2}", "\\frac{1}{2}"],
    ["\\tfrac12", "\\frac{1}{2}"],
    ["-\\frac 32", "-\\frac{3}{2}"],
    ["\\frac1{72}", "\\frac{1}{72}"],
    ["14,\\!400", "14400"],
    ["10{,}000", "10000"],
    ["\\$40", "40"],
    ["$1,234.50", "1234.5"],
    ["45^\\circ", "45"],
    ["120^{\\circ}", "120"],
    ["7.2\\%", "7.2"],
    ["5.00", "5"],
    [".5", "0.5"],
    ["\\text{Saturday}", "saturday"],
    ["\\left( 1, 2 \\right)", "(1,2)"],
    ["x = 5", "5"],
    ["40 \\text{ cm}^2", "40"],
    ["12 square feet", "12"],
    ["2 \\pi", "2\\pi"],
  ];
  for (const [raw, want] of cases) {
    test(`${raw} → ${want}`, () => assert.equal(normaliseAnswer(raw).text, want));
  }
});

describe("hand-written equivalences", () => {
  const same: [string, string][] = [
    ["The answer is 0.5", "\\frac{1}{2}"],
    ["\\boxed{1/2}", "0.5"],
    ["\\boxed{\\dfrac{1}{2}}", "\\frac12"],
    ["\\boxed{\\sqrt{12}}", "2\\sqrt{3}"],
    ["\\boxed{\\sqrt{5}+6}", "6 + \\sqrt{5}"],
    ["\\boxed{\\frac{\\pi}{2}}", "\\frac{1}{2}\\pi"],
    ["The answer is $18.", "18"],
    ["#### 1,000", "1000"],
    ["The answer is 1000 dollars.", "\\$1,000"],
    ["\\boxed{45^{\\circ}}", "45"],
    ["\\boxed{45 degrees}", "45^\\circ"],
    ["\\boxed{7.2\\%}", "7.2"],
    ["\\boxed{7.20}", "7.2\\%"],
    ["\\boxed{x = -\\frac{3}{2}}", "-1.5"],
    ["\\boxed{(-3, 0)}", "(-3,0)"],
    ["\\boxed{(-0.3, -\\frac{10}{3})}", "\\left( -\\frac{3}{10}, -\\frac{10}{3} \\right)"],
    ["\\boxed{(0,5)\\cup(5,\\infty)}", "(0,5) \\cup (5,\\infty)"],
    ["\\boxed{3, 1, 2}", "1,2,3"],
    ["\\boxed{\\textbf{Tuesday}}", "\\text{Tuesday}"],
    ["\\boxed{45x^2+118x+56}", "(45x + 28)(x + 2)"],
    ["\\boxed{\\frac{x}{7}+\\frac{2}{7}}", "\\frac{x+2}{7}"],
    ["\\boxed{\\sqrt[3]{27}}", "3"],
    ["\\boxed{2^{-1}}", "0.5"],
    ["\\boxed{12.5 \\text{ inches}}", "12.5"],
    ["The answer is five.", "5"],
    ["Final Answer: The final answer is $18$. I hope it is correct.", "18"],
    ["$\\boxed{x \\in (0,5) \\cup (5,\\infty)}$", "(0,5) \\cup (5,\\infty)"],
    ["\\boxed{\\frac{-3}{2}}", "-\\frac 32"],
    ["\\boxed{\\frac{1}{2}\\sqrt3}", "\\frac{\\sqrt{3}}{2}"],
    ["\\boxed{y^4 - 2y^3 + 7y^2 + y - 5}", "y^4-2y^3+7y^2+y-5"],
    ["The answer is 40 dollars.", "\\$40"],
    ["**Answer:** 3.5 hours.", "\\frac{7}{2}"],
  ];
  for (const [resp, target] of same) test(`${resp} ≡ ${target}`, () => expectCorrect(resp, target));
});

describe("hand-written non-equivalences", () => {
  const different: [string, string][] = [
    ["\\boxed{\\frac{1}{3}}", "\\frac{1}{2}"],
    ["\\boxed{2\\sqrt{3}}", "3\\sqrt{2}"],
    ["\\boxed{(0,5)}", "[0,5]"],
    ["\\boxed{(1,2)}", "(2,1)"],
    ["\\boxed{(1,2,3)}", "(1,2)"],
    ["\\boxed{\\text{Monday}}", "\\text{Tuesday}"],
    ["The answer is 57.", "56"],
    ["#### 1,001", "1000"],
    ["\\boxed{-16}", "16"],
    ["\\boxed{45x^2+118x+55}", "(45x + 28)(x + 2)"],
    ["\\boxed{2\\pi}", "\\pi"],
    ["#### 1450001", "1,450,000"], // large integers compare exactly
    ["\\boxed{three}", "4"],
  ];
  for (const [resp, target] of different) test(`${resp} ≢ ${target}`, () => expectWrong(resp, target));
});

describe("left to the judge", () => {
  const cases: [string, string][] = [
    ["I cannot find an answer.", "56"], // nothing to extract
    ["It costs 56 dollars for 3 people", "56"], // last number 3 ≠ 56, a weak extraction
    ["\\boxed{0.33}", "\\frac{1}{3}"], // rounded
    ["\\boxed{0.072}", "7.2\\%"], // percent vs fraction
    ["\\boxed{\\frac{\\pi}{4}}", "45^\\circ"], // radians vs degrees
    ["\\boxed{2\\frac{1}{2}}", "2.5"], // mixed number
    ["\\boxed{6.2832}", "2 \\pi"], // rounded
    ["\\boxed{x \\in (0,5)}", "(0,5) \\cup (5,\\infty)"], // union against a single interval
    ["The answer is the empty set", "0"],
    ["\\boxed{7}", "\\text{Tuesday}"], // a number against a word
  ];
  for (const [resp, target] of cases) test(`${resp} ? ${target}`, () => expectUndecided(resp, target));
  test("last number equal to the target decides correct", () => expectCorrect("In total 16+32+8 = 56", "56"));
});

describe("hostile inputs", () => {
  test("long or deeply nested text is handled quickly (no catastrophic regex backtracking)", () => {
    const inputs = [
      `${"a".repeat(40)}1`,
      `5 ${"ab ".repeat(200)}1`,
      `\\boxed{${"{".repeat(5000)}}`,
      `The answer is ${"1,".repeat(5000)}x`,
      "1".repeat(20000),
      `${"(".repeat(5000)}1${")".repeat(5000)}`,
      `\\boxed{${"\\frac{".repeat(3000)}1${"}".repeat(3000)}}`,
    ];
    const started = performance.now();
    for (const s of inputs) {
      const r = checkMathAnswer(s, "5");
      assert.ok(r.decided === false || typeof r.correct === "boolean");
    }
    // A generous bound: the backtracking bug this guards against took over a minute on 31 characters.
    assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
  });
});

describe("vectors from the MathTrap data", () => {
  test("every reference solution is judged correct against its own final answer", (t) => {
    const pub = sharedPath(...DIR, "MathTrap_Public.json");
    const gsm = sharedPath(...DIR, "GSM8K-ori.jsonl");
    const math = sharedPath(...DIR, "MATH-ori.jsonl");
    if (!pub || !gsm || !math) {
      t.skip(SHARED_MISSING);
      return;
    }
    const originals = [
      ...problemsFromRecords(loadTrapRecords(pub)).originals,
      ...loadOriginalFile(gsm),
      ...loadOriginalFile(math),
    ];
    assert.ok(originals.length >= 150, `expected ≥150 originals, got ${originals.length}`);
    let boxed = 0;
    for (const o of originals) {
      expectCorrect(o.solution, o.reference);
      // The same answer restated with the other extraction path must agree.
      expectCorrect(`The answer is $${o.reference}$.`, o.reference);
      if (o.solution.includes("\\boxed")) boxed++;
    }
    assert.ok(boxed >= 60, `expected ≥60 MATH boxed vectors, got ${boxed}`);
  });

  test("numeric references: +1 and ×2 are decided wrong; reformatted forms are decided right", (t) => {
    const pub = sharedPath(...DIR, "MathTrap_Public.json");
    const math = sharedPath(...DIR, "MATH-ori.jsonl");
    if (!pub || !math) {
      t.skip(SHARED_MISSING);
      return;
    }
    const originals = [...problemsFromRecords(loadTrapRecords(pub)).originals, ...loadOriginalFile(math)];
    let numeric = 0;
    for (const o of originals) {
      const ref = o.reference;
      // Only plain integers: their variants can be written by hand without a CAS.
      const plain = /^-?\d+$/.exec(normaliseAnswer(ref).text);
      if (!plain) continue;
      numeric++;
      const n = Number(plain[0]);
      expectWrong(`\\boxed{${n + 1}}`, ref);
      if (n !== 0) expectWrong(`\\boxed{${2 * n}}`, ref);
      expectCorrect(`\\boxed{${n}.0}`, ref);
      expectCorrect(`\\boxed{\\frac{${2 * n}}{2}}`, ref);
      expectCorrect(`The final answer is ${n.toLocaleString("en-US")} units.`, ref);
    }
    assert.ok(numeric >= 40, `expected ≥40 integer references, got ${numeric}`);
  });

  test("GSM8K test answers after #### (1,319 solutions) check against themselves; off-by-one is wrong", (t) => {
    const path = sharedPath(...DIR, "GSM8K_test.jsonl");
    if (!path) {
      t.skip(SHARED_MISSING);
      return;
    }
    const rows = loadGsm8kTest(path);
    assert.equal(rows.length, 1319);
    for (const row of rows) {
      expectCorrect(row.solution, row.reference);
      const v = Number(normaliseAnswer(row.reference).text);
      assert.ok(Number.isFinite(v), `GSM8K_test line ${row.line}: non-numeric reference ${row.reference}`);
      expectWrong(`#### ${v + 1}`, row.reference);
    }
  });
});
