import assert from "node:assert/strict";
import { test } from "node:test";
import { redact, redactSecrets, redactValue, registerSecret } from "../../src/util/secrets.js";

const KEY = "sk-unit_Q7/wE+r5=tY3uI1oP8aS6dF4";

test("a registered key is redacted in every common encoding, at any base64 alignment", () => {
  registerSecret(KEY);
  const bare = "Q7/wE+r5=tY3uI1oP8aS6dF4";
  const forms = [
    KEY,
    KEY.toUpperCase(),
    KEY.toLowerCase(),
    encodeURIComponent(KEY),
    bare,
    Buffer.from(KEY).toString("base64"),
    Buffer.from(KEY).toString("base64url"),
    Buffer.from(`user:${KEY}`).toString("base64"),
    Buffer.from(`ab${KEY}xyz`).toString("base64"),
    Buffer.from(bare).toString("base64"),
  ];
  for (const f of forms) {
    const out = redactSecrets(`before ${f} after`);
    assert.match(out, /\*\*\*/, f);
    // What is left of the encoded key is at most the 2 characters a base64 core cannot pin down.
    for (const g of forms) assert.ok(!out.includes(g), `${f} still shows ${g}: ${out}`);
  }
  assert.equal(redactSecrets("nothing secret here"), "nothing secret here");
});

test("redact also removes bearer tokens and user:password from any URL, even an invalid one", () => {
  assert.equal(redact("Authorization: Bearer abcdefghijklmnop"), "Authorization: Bearer ***");
  assert.equal(redact('invalid base URL "http://user:hunter2pw@[bad"'), 'invalid base URL "http://***@[bad"');
  assert.equal(redact("see https://a:b@host/x and ftp://me@h"), "see https://***@host/x and ftp://***@h");
  assert.equal(redact("mail me at a@b.example"), "mail me at a@b.example");
});

test("redactValue walks objects and arrays, copies only what changes", () => {
  registerSecret(KEY);
  const clean = { a: ["x", { b: 1 }] };
  assert.equal(redactValue(clean), clean);
  const dirty = { text: `k=${KEY}`, nested: [{ [KEY]: KEY.toUpperCase() }], n: 3 };
  const out = redactValue(dirty);
  assert.notEqual(out, dirty);
  assert.ok(!JSON.stringify(out).toLowerCase().includes(KEY.toLowerCase()));
  assert.equal(dirty.text, `k=${KEY}`, "the input is not modified");
  assert.equal(out.n, 3);
});
