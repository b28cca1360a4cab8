import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";

test("mathtrap check takes values that start with '-' as values, not options", async () => {
  const r = await runCli("mathtrap", "check", "-5", "-5");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).correct, true);
  const half = await runCli("mathtrap", "check", "-1/2", "-\\frac{1}{2}");
  assert.equal(JSON.parse(half.stdout).correct, true);
  const wrong = await runCli("mathtrap", "check", "The answer is 3", "-3");
  assert.equal(JSON.parse(wrong.stdout).correct, false);
  assert.equal((await runCli("mathtrap", "check", "5")).code, 2);
  assert.match((await runCli("mathtrap", "check", "--bogus", "5")).stderr, /unknown option "--bogus"/);
});

test("mathtrap check --jsonl gives per-line verdicts and the accuracy, undecided lines apart", async () => {
  const dir = tempDir();
  const file = join(dir, "answers.jsonl");
  writeFileSync(
    file,
    [
      { id: "a", response: "so x = \\boxed{-2}", reference: "-2" },
      { id: "b", response: "The answer is 7.", reference: 8 },
      { id: "c", response: "I cannot tell.", reference: "\\frac{1}{2}" },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n"),
  );
  const r = await runCli("mathtrap", "check", "--jsonl", file, "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.verdicts.map((v: { id: string; decided: boolean; correct?: boolean }) => [
      v.id,
      v.decided,
      v.correct,
    ]),
    [
      ["a", true, true],
      ["b", true, false],
      ["c", false, undefined],
    ],
  );
  assert.equal(out.total, 3);
  assert.equal(out.decided, 2);
  assert.equal(out.accuracy, 1 / 3);
  assert.equal(out.decidedAccuracy, 1 / 2);
  const text = await runCli("mathtrap", "check", "--jsonl", file);
  assert.match(text.stdout, /1\/3 correct .*1 need a judge/);

  writeFileSync(file, '{"response": "1", "reference": "1"}\n{"reference": "2"}\n');
  const bad = await runCli("mathtrap", "check", "--jsonl", file);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /answers\.jsonl:2: field "response"/);
});
