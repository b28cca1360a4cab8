import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { regexScorer } from "../../src/scorers/regex.js";
import { createScorer } from "../../src/scorers/registry.js";
import { UserError } from "../../src/util/errors.js";
import { scoreOf } from "./helpers.js";

describe("regex", () => {
  test("without a group: whether the pattern matches, with flags", async () => {
    const s = regexScorer({ pattern: "^yes\\b", flags: "im" });
    assert.equal((await scoreOf(s, "Well.\nYES, it is.")).value, 1);
    assert.equal((await scoreOf(s, "no")).value, 0);
  });

  test("with a group: the captured text compared with the target after normalisation", async () => {
    const s = createScorer("regex", { pattern: "ANSWER:\\s*(.+)" });
    const hit = await scoreOf(s, "thinking...\nANSWER: **Paris**", "paris");
    assert.equal(hit.value, 1);
    assert.equal(hit.answer, "**Paris**");
    const miss = await scoreOf(s, "ANSWER: Lyon", "Paris");
    assert.equal(miss.value, 0);
    assert.match(miss.explanation ?? "", /captured "Lyon"/);
  });

  test("the last match with match=last, a named group, and group 0", async () => {
    const out = "answer 1, then answer 2, finally answer 3";
    assert.equal((await scoreOf(regexScorer({ pattern: "answer (\\d)" }), out, "1")).value, 1);
    assert.equal((await scoreOf(regexScorer({ pattern: "answer (\\d)", match: "last" }), out, "3")).value, 1);
    assert.equal(
      (await scoreOf(regexScorer({ pattern: "answer (?<n>\\d)", group: "n", match: "last" }), out, "3"))
        .value,
      1,
    );
    assert.equal(
      (await scoreOf(createScorer("regex", { pattern: "answer \\d", group: "0" }), out, "answer 1")).value,
      1,
    );
  });

  test("negate: 1 when the pattern does not match; refused with a capture group", async () => {
    const s = createScorer("regex", { pattern: "as an ai", flags: "i", negate: "true" });
    assert.equal((await scoreOf(s, "Paris.")).value, 1);
    assert.equal((await scoreOf(s, "As an AI, I...")).value, 0);
    assert.throws(
      () => createScorer("regex", { pattern: "(x)", negate: true }),
      /"negate" needs a pattern without a capture group/,
    );
  });

  test("empty matches do not stall the walk to the last match", async () => {
    const s = regexScorer({ pattern: "x*", match: "last" });
    assert.equal((await scoreOf(s, "abxx")).value, 1);
  });

  test("a pattern that does not compile is a UserError naming it; bad flags and groups too", () => {
    assert.throws(
      () => createScorer("regex", { pattern: "(unclosed" }),
      (e: unknown) => e instanceof UserError && e.message.includes('"(unclosed"'),
    );
    assert.throws(() => createScorer("regex", {}), /"pattern" is required/);
    assert.throws(() => createScorer("regex", { pattern: "a", flags: "q" }), /unknown flag/);
    assert.throws(() => createScorer("regex", { pattern: "(a)", group: 2 }), /group 2 does not exist/);
    assert.throws(() => createScorer("regex", { pattern: "(a)", group: "name" }), /no group named "name"/);
  });

  test("the pattern is compiled once per scorer, not per call", async () => {
    const s = regexScorer({ pattern: "(\\d+)" });
    const original = globalThis.RegExp;
    let built = 0;
    globalThis.RegExp = new Proxy(original, {
      construct(target, args) {
        built++;
        return Reflect.construct(target, args);
      },
    });
    try {
      for (let i = 0; i < 20; i++) await scoreOf(s, `value ${i}`, String(i));
    } finally {
      globalThis.RegExp = original;
    }
    assert.equal(built, 0);
  });
});
