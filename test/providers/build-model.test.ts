import assert from "node:assert/strict";
import { test } from "node:test";
import { buildModel } from "../../src/providers/build-model.js";
import { UserError } from "../../src/util/errors.js";
import { runCli } from "../helpers/in-process-cli.js";

test("a named API key variable that is unset or empty is a usage error, not a run of 401s", async () => {
  const name = "ASSAY_TEST_UNSET_KEY";
  delete process.env[name];
  const spec = { id: "openai/m", baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: name, concurrency: 1 };
  assert.throws(
    () => buildModel(spec),
    (err: unknown) =>
      err instanceof UserError && /ASSAY_TEST_UNSET_KEY for openai\/m is not set/.test(err.message),
  );
  process.env[name] = "";
  assert.throws(() => buildModel(spec), UserError);
  process.env[name] = "sk-test";
  try {
    assert.equal(buildModel(spec).id, "openai/m");
  } finally {
    delete process.env[name];
  }
  // Without a named variable a local server needs no key: nothing is required.
  assert.equal(
    buildModel({ id: "openai/m", baseUrl: "http://127.0.0.1:9/v1", concurrency: 1 }).id,
    "openai/m",
  );
  const r = await runCli(
    ...["eval", "qa", "--dataset", "examples/qa.jsonl", "--model", "openai/m", "--model-base-url"],
    ...["http://127.0.0.1:9/v1", "--judge-api-key-env", name, "--judge", "openai/j", "--db", ":memory:"],
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: the API key variable ASSAY_TEST_UNSET_KEY for openai\/j is not set/m);
});
