/**
 * Property-based tests of the answer and verdict parsers (LLMEval-Med verdicts, MathTrap verdicts and
 * math answers, the GameQA scorer): for any model output, a result of the right shape, quickly — never
 * an exception, never a hang on adversarial text — and the right answer where the text says it plainly.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { scoreResponse } from "../../src/gameqa/scorer.js";
import { parseVerdict as parseMedVerdict, parseVerdictRelease } from "../../src/llmeval-med/verdict.js";
import { parseVerdict as parseTrapVerdict } from "../../src/mathtrap/verdict.js";
import { checkMathAnswer, extractFinalAnswer, normaliseAnswer } from "../../src/scorers/math-answer.js";
import { POISON_DIR } from "./fuzz-helpers.js";

/** Model-output-like text: free text mixed with the tokens parsers look for, repeated adversarially. */
const TOKENS = [
  "\\boxed{",
  "}",
  "{",
  "$",
  "$$",
  "\\frac{",
  "####",
  "The answer is",
  "VERDICT:",
  "Score:",
  "评分",
  "得分：",
  "[",
  "]",
  "[[",
  "分",
  "/5",
  "out of 5",
  "Answer:",
  "YES",
  "NO",
  "\n",
  "\u2028",
  "```",
  "(",
  ")",
  "-",
  ".",
  "1",
  "42",
  "3.5",
  "1/2",
  "√",
  "π",
  "A",
  "B",
  "Option",
  " ",
];
const outputText = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc
    .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 5 })), { maxLength: 200 })
    .map((t) => t.join("")),
  // Up to 400 repeats: MathTrap's brace matching is quadratic in nested \boxed{ (1,000 deep: ~85 ms,
  // 3,000: ~0.3 s; reported, not fixed here); the bound below catches hangs, not that.
  fc.tuple(fc.constantFrom(...TOKENS), fc.integer({ min: 100, max: 400 })).map(([t, n]) => t.repeat(n)),
);

/**
 * Runs `fn` and fails if it took more than `ms`: a regex backtracking blow-up or a loop that barely ends.
 * Generous, because test machines are shared; a true hang never returns, which fails the run too.
 */
function quick<T>(what: string, fn: () => T, ms = 5000): T {
  const started = performance.now();
  const out = fn();
  const took = performance.now() - started;
  assert.ok(took < ms, `${what} took ${took.toFixed(0)} ms`);
  return out;
}

const POISON = readFileSync(join(POISON_DIR, "verdicts.txt"), "utf8").split("\n\u0000\n");

test("LLMEval-Med verdicts: a score 1–5 or null with a rule, for any text; labelled scores are read", () => {
  const check = (text: string) => {
    const v = quick("parseVerdict", () => parseMedVerdict(text));
    assert.ok(v.score === null || (Number.isInteger(v.score) && v.score >= 1 && v.score <= 5));
    const r = quick("parseVerdictRelease", () => parseVerdictRelease(text));
    assert.ok(r === -1 || typeof r === "string");
  };
  fc.assert(fc.property(outputText, check), { numRuns: 300 });
  for (const p of POISON) check(p);
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.string({ unit: "grapheme", maxLength: 40 }),
      (n, before) => {
        fc.pre(!/\d/.test(before));
        assert.equal(parseMedVerdict(`${before}\nFinal score: ${n}`).score, n);
      },
    ),
    { numRuns: 100 },
  );
});

test("MathTrap verdicts: true, false or null, for any text; a verdict line is obeyed", () => {
  const check = (text: string) => {
    const v = quick("parseVerdict", () => parseTrapVerdict(text));
    assert.ok(v.verdict === true || v.verdict === false || v.verdict === null);
  };
  fc.assert(fc.property(outputText, check), { numRuns: 300 });
  for (const p of POISON) check(p);
  fc.assert(
    fc.property(fc.boolean(), fc.string({ unit: "grapheme", maxLength: 40 }), (yes, before) => {
      fc.pre(!/verdict|yes|no|true|false|correct|\d|是|否|对|错/i.test(before));
      assert.equal(parseTrapVerdict(`${before}\nVERDICT: ${yes ? "YES" : "NO"}`).verdict, yes);
    }),
    { numRuns: 100 },
  );
});

test("math answers: extraction and checking never fail on any text; a boxed integer is checked right", () => {
  const check = (text: string) => {
    quick("extractFinalAnswer", () => extractFinalAnswer(text));
    quick("normaliseAnswer", () => normaliseAnswer(text));
    const c = quick("checkMathAnswer", () => checkMathAnswer(text, "42"));
    assert.equal(typeof c.decided, "boolean");
    if (c.decided) assert.equal(typeof c.correct, "boolean");
  };
  fc.assert(fc.property(outputText, check), { numRuns: 300 });
  for (const p of POISON) check(p);
  fc.assert(
    fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (a, b) => {
      const c = checkMathAnswer(`So the result is \\boxed{${a}}.`, String(b));
      assert.equal(c.decided, true);
      assert.equal(c.correct, a === b);
    }),
    { numRuns: 200 },
  );
});

test("GameQA scoring: a boolean and the expected answer, for any response; a plain final answer is right", () => {
  const sample = fc.oneof(
    fc.record({
      answer: fc.constantFrom("A", "B", "C", "D"),
      options: fc.constant<string[]>(["1", "2", "3", "4"]),
    }),
    fc.record({ answer: fc.integer({ min: -50, max: 50 }) }),
    fc.record({ answer: fc.string({ maxLength: 10 }) }),
    fc.record({
      answer: fc.integer({ min: 1, max: 4 }),
      options: fc.array(fc.string(), { minLength: 4, maxLength: 4 }),
    }),
  );
  fc.assert(
    fc.property(sample, outputText, (s, text) => {
      const r = quick("scoreResponse", () => scoreResponse(s, text));
      assert.equal(typeof r.correct, "boolean");
      assert.equal(typeof r.expected, "string");
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.integer({ min: -50, max: 50 }), (n) => {
      assert.equal(scoreResponse({ answer: n }, `Some thinking.\nAnswer: ${n}`).correct, true);
    }),
    { numRuns: 50 },
  );
});
