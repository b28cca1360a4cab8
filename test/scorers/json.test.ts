import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractJsonText, jsonScorer } from "../../src/scorers/json.js";
import { compileSchema, validate } from "../../src/scorers/json-schema.js";
import { createScorer } from "../../src/scorers/registry.js";
import { UserError } from "../../src/util/errors.js";
import { scoreOf } from "./helpers.js";

const PERSON = {
  type: "object",
  required: ["name", "age"],
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1 },
    age: { type: "integer", minimum: 0 },
    tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" }, maxItems: 3 },
    role: { enum: ["admin", "user"] },
  },
};

describe("json", () => {
  test("the last ```json block, else the last plain block, else the whole output", () => {
    assert.deepEqual(extractJsonText('x\n```json\n{"a":1}\n```\n```json\n{"b":2}\n```'), {
      text: '{"b":2}',
      from: "json-fence",
    });
    assert.deepEqual(extractJsonText("```\n[1]\n```"), { text: "[1]", from: "fence" });
    assert.deepEqual(extractJsonText('  {"c": 3} '), { text: '{"c": 3}', from: "whole" });
  });

  test("valid JSON scores 1; invalid JSON 0 with the parser's reason", async () => {
    assert.equal((await scoreOf(jsonScorer(), 'Here:\n```json\n{"ok": true}\n```')).value, 1);
    const bad = await scoreOf(jsonScorer(), "{ok: true}");
    assert.equal(bad.value, 0);
    assert.match(bad.explanation ?? "", /not valid JSON/);
    assert.equal((await scoreOf(createScorer("json", { extract: false }), "```json\n{}\n```")).value, 0);
  });

  test("schema subset: every violation is named with its path", async () => {
    const s = createScorer("json", { schema: JSON.stringify(PERSON) });
    assert.equal((await scoreOf(s, '{"name":"Ada","age":36,"tags":["math"],"role":"admin"}')).value, 1);
    const r = await scoreOf(s, '{"name":"","age":-1.5,"tags":["Math","a","b","c"],"role":"root","x":1}');
    assert.equal(r.value, 0);
    const errors = (r.metadata as { schema_errors: string[] }).schema_errors;
    for (const want of [
      "$.name: shorter than 1",
      "$.age: expected integer, got number",
      "$.tags: more than 3 items",
      "$.tags[0]: does not match /^[a-z]+$/",
      '$.role: not one of ["admin","user"]',
      '$: property "x" is not allowed',
    ])
      assert.ok(errors.includes(want), `${want} missing from ${errors.join(" | ")}`);
    assert.deepEqual(validate({ name: "a" }, compileSchema(PERSON)), ['$: missing required property "age"']);
    assert.deepEqual(validate(3, compileSchema({ type: "number", exclusiveMaximum: 3 })), ["$: not below 3"]);
  });

  test("an unsupported keyword, a bad pattern or bad JSON in the argument is a UserError", () => {
    assert.throws(
      () => createScorer("json", { schema: { oneOf: [] } }),
      (e: unknown) => e instanceof UserError && /keyword "oneOf" is not supported/.test(e.message),
    );
    assert.throws(
      () => createScorer("json", { schema: { properties: { a: { pattern: "(" } } } }),
      /schema\.properties\.a: pattern "\(" does not compile/,
    );
    assert.throws(() => createScorer("json", { schema: "{not json" }), /"schema" is not valid JSON/);
    assert.throws(() => createScorer("json", { schema: { type: "text" } }), /unknown type "text"/);
  });
});
