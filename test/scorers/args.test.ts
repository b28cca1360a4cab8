import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ScorerArgs } from "../../src/scorers/args.js";
import { scorerArgsByName, scorersFromFlags } from "../../src/scorers/cli-args.js";
import { UserError } from "../../src/util/errors.js";

describe("scorer arguments", () => {
  test("CLI strings and YAML values read alike", () => {
    const cli = new ScorerArgs("t", { n: "2.5", b: "yes", l: '["a", 1]', o: '{"k": 1}', s: 7 });
    const yaml = new ScorerArgs("t", { n: 2.5, b: true, l: ["a", 1], o: { k: 1 }, s: "7" });
    for (const a of [cli, yaml]) {
      assert.equal(a.number("n"), 2.5);
      assert.equal(a.boolean("b"), true);
      assert.deepEqual(a.stringList("l"), ["a", "1"]);
      assert.deepEqual(a.object("o"), { k: 1 });
      assert.equal(a.string("s"), "7");
      a.done();
    }
    assert.deepEqual(
      new ScorerArgs("t", { l: "a, b" }).stringList("l"),
      ["a, b"],
      "commas stay inside one target",
    );
  });

  test("wrong types, bounds and unknown names are UserErrors naming scorer and argument", () => {
    const a = new ScorerArgs("numeric", { abs_tol: "-1", runs: 1.5, extra: 1 });
    assert.throws(
      () => a.number("abs_tol", { min: 0 }),
      /scorer numeric: argument "abs_tol" must be at least 0/,
    );
    assert.throws(() => a.number("runs", { integer: true }), /"runs" must be a whole number/);
    assert.throws(
      () => a.done(),
      (e: unknown) =>
        e instanceof UserError && /unknown argument "extra" \(it takes: abs_tol, runs\)/.test(e.message),
    );
    assert.throws(() => new ScorerArgs("t", { l: "[oops" }).stringList("l"), /does not parse/);
    assert.throws(() => new ScorerArgs("t", { l: [] }).stringList("l"), /empty list/);
    assert.throws(() => new ScorerArgs("t", { o: "[1]" }).object("o"), /must be a JSON object/);
  });

  test("--scorer-arg: plain with one scorer, scorer.key with several, nothing twice", () => {
    assert.deepEqual(Object.fromEntries(scorerArgsByName(["regex"], ["pattern=a=b", "flags=i"])), {
      regex: { pattern: "a=b", flags: "i" },
    });
    assert.deepEqual(
      Object.fromEntries(scorerArgsByName(["includes", "regex"], ["regex.pattern=x.y", "includes.mode=all"])),
      {
        includes: { mode: "all" },
        regex: { pattern: "x.y" },
      },
    );
    // With one scorer a dotted key that names no scorer is a plain key.
    assert.deepEqual(scorerArgsByName(["json"], ["a.b=1"]).get("json"), { "a.b": "1" });
    assert.throws(() => scorerArgsByName(["regex"], ["pattern"]), /expected key=value/);
    assert.throws(() => scorerArgsByName(["regex"], ["flags=i", "regex.flags=m"]), /given twice/);
    assert.throws(() => scorersFromFlags([], ["a=1"]), /needs --scorer NAME/);
    assert.throws(() => scorersFromFlags(["nope"]), /unknown scorer "nope"/);
    assert.equal(scorersFromFlags(["includes"], ["name=has_paris", "target=Paris"])[0]?.name, "has_paris");
  });
});
