import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadTrapRecords } from "../../src/mathtrap/data.js";
import { parseVerifierReply } from "../../src/mathtrap/verify-traps.js";
import { lastUserText, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

const record = (trap: string, type: string) => ({
  category: "GSM8K",
  trap_problem: trap,
  human_annotation: "the edit makes it unanswerable",
  trap_type: type,
  original_problem: "Tom has 3 apples and buys 2 more. How many apples does he have?",
  original_solution: "3 + 2 = 5. \\boxed{5}",
  verified: false,
});

test("parseVerifierReply reads the verdict and compares the named type with the label", () => {
  assert.deepEqual(
    parseVerifierReply(
      '```json\n{"flawed": true, "trap_type": "missing condition", "reason": "no count"}\n```',
      "Missing Condition",
    ),
    { flawed: true, predicted_type: "Missing Condition", passed: true, reason: "no count" },
  );
  assert.equal(
    parseVerifierReply('{"flawed": true, "trap_type": "Direct Contradiction"}', "Missing Condition").passed,
    false,
  );
  assert.equal(
    parseVerifierReply('{"flawed": false, "trap_type": "none"}', "Missing Condition").passed,
    false,
  );
  assert.equal(parseVerifierReply("It looks fine to me.", "Missing Condition").flawed, null);
});

test("mathtrap verify-traps records the verifier's verdict beside (not instead of) the human approval", async () => {
  const dir = tempDir();
  const file = join(dir, "generated.jsonl");
  const records = [
    record("Tom has some apples and buys 2 more. How many apples does he have?", "Missing Condition"),
    record("Tom has 3 apples and buys 2 more. How many apples does he have now?", "Missing Condition"),
    record("Tom has 3 apples and -7 pears. How many apples does he have?", "Violating Common Sense"),
  ];
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n"));
  const verifier = await startMockServer({
    reply: (req) => {
      const prompt = lastUserText(req);
      if (prompt.includes("has some apples"))
        return '{"flawed": true, "trap_type": "Missing Condition", "reason": "the count is missing"}';
      if (prompt.includes("-7 pears")) return "I am not sure.";
      return '{"flawed": false, "trap_type": "none", "reason": "still answerable: 5"}';
    },
  });
  try {
    const r = await runCli(
      "mathtrap",
      "verify-traps",
      file,
      "--model",
      "openai/v",
      "--model-base-url",
      verifier.url,
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
    assert.deepEqual([summary.checked, summary.passed, summary.notFlawed, summary.unreadable], [3, 1, 1, 1]);
    const written = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      written.map((w) => [w.auto_check.passed, w.auto_check.flawed, w.verified]),
      [
        [true, true, false],
        [false, false, false],
        [false, null, false],
      ],
    );
    assert.equal(written[0].auto_check.model, "openai/v");
    // Still awaiting a person: evaluation counts none of them yet.
    assert.ok(loadTrapRecords(file).every((x) => !x.verified));
    const listing = await runCli("mathtrap", "approve", file);
    assert.match(listing.stdout, /auto check \(openai\/v\): flawed as labelled — the count is missing/);
    assert.match(listing.stdout, /auto check \(openai\/v\): NOT flawed — still answerable/);
  } finally {
    await verifier.close();
  }
});
