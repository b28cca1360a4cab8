import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { includes } from "../../src/scorers/includes.js";
import { createScorer } from "../../src/scorers/registry.js";
import { UserError } from "../../src/util/errors.js";
import { scoreOf } from "./helpers.js";

describe("includes", () => {
  test("the sample's target as a substring, case-sensitive by default", async () => {
    const s = includes();
    assert.equal((await scoreOf(s, "The capital is Paris.", "Paris")).value, 1);
    assert.equal((await scoreOf(s, "the capital is paris.", "Paris")).value, 0);
    assert.equal((await scoreOf(includes({ ignoreCase: true }), "the capital is PARIS.", "paris")).value, 1);
  });

  test("any of several targets by default; all of them with mode all, naming what is missing", async () => {
    const out = "red and green";
    assert.equal((await scoreOf(includes(), out, ["blue", "green"])).value, 1);
    const all = await scoreOf(includes({ mode: "all" }), out, ["red", "blue", "green"]);
    assert.equal(all.value, 0);
    assert.match(all.explanation ?? "", /missing "blue"/);
    assert.equal((await scoreOf(includes({ mode: "all" }), out, ["red", "green"])).value, 1);
  });

  test("a target argument replaces the sample's target; no target at all is a sample error", async () => {
    const s = createScorer("includes", { target: '["alpha","beta"]', mode: "all", ignore_case: "true" });
    assert.equal((await scoreOf(s, "BETA then Alpha", "unrelated")).value, 1);
    await assert.rejects(scoreOf(includes(), "text"), /no target/);
  });

  test("arguments are checked: an unknown one, a bad mode, a non-boolean", () => {
    assert.throws(
      () => createScorer("includes", { ignorecase: true }),
      (e: unknown) => e instanceof UserError && /unknown argument "ignorecase"/.test(e.message),
    );
    assert.throws(() => createScorer("includes", { mode: "some" }), /"mode" must be one of any, all/);
    assert.throws(() => createScorer("includes", { ignore_case: "maybe" }), /true or false/);
    assert.throws(() => createScorer("includes", { target: { a: 1 } }), /string or a list/);
  });

  test("negate: 1 when the texts are absent (promptfoo's not-contains)", async () => {
    const s = createScorer("includes", { target: "sorry", negate: true, ignore_case: true });
    assert.equal((await scoreOf(s, "Here is the answer.")).value, 1);
    const hit = await scoreOf(s, "Sorry, I cannot.");
    assert.equal(hit.value, 0);
    assert.match(hit.explanation ?? "", /^negated: contains "sorry"/);
  });

  test("YAML shapes work as well as CLI strings", async () => {
    const s = createScorer("includes", { target: ["x", 42], mode: "all" });
    assert.equal((await scoreOf(s, "x and 42")).value, 1);
  });
});
