import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson, hashValue } from "../../src/util/hash.js";
import { publicUrl, redact, registerSecret } from "../../src/util/secrets.js";

test("canonical JSON sorts keys at every depth and drops undefined", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } }),
    '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
  );
  assert.equal(hashValue({ x: 1, y: 2 }), hashValue({ y: 2, x: 1 }));
  assert.notEqual(hashValue([1, 2]), hashValue([2, 1]));
});

test("registered secrets and bearer tokens are redacted; URLs lose credentials", () => {
  registerSecret("sk-test-1234567890abcdef");
  assert.equal(redact("bad key sk-test-1234567890abcdef!"), "bad key ***!");
  assert.equal(redact("Authorization: Bearer abcdefghijklmnop"), "Authorization: Bearer ***");
  assert.equal(
    publicUrl("https://user:pw@host.example/v1?api-key=zzz&x=1"),
    "https://host.example/v1?api-key=***&x=1",
  );
});
