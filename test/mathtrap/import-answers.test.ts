import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadItems, optionsFromArgs } from "../../src/mathtrap/task.js";
import { RunStore } from "../../src/store/run-store.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { SHARED_MISSING, sharedPath } from "../helpers/shared.js";

test("mathtrap import-answers stores answers from elsewhere; rescore scores them with the rules", async (t) => {
  const data = sharedPath("data", "mathtrap");
  if (!data) return t.skip(SHARED_MISSING);
  const dir = tempDir();
  const db = join(dir, "runs.db");
  const originals = loadItems(optionsFromArgs({ dataset: data, kinds: "original" })).items;
  const [a, b, c] = originals as Array<{ id: string; question: string; reference: string }>;
  const answers = join(dir, "answers.jsonl");
  writeFileSync(
    answers,
    [
      { problem: `  ${a!.question}\n`, response: `Working... so the result is \\boxed{${a!.reference}}.` },
      { id: b!.id, model_answer: `The answer is \\boxed{${b!.reference}}` },
      { id: c!.id, response: "The answer is \\boxed{123456789}" },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n"),
  );
  const common = ["--dataset", data, "-T", "kinds=original", "--db", db];
  const imported = await runCli(
    "mathtrap",
    "import-answers",
    answers,
    "--model",
    "elsewhere",
    ...common,
    "--json",
  );
  assert.equal(imported.code, 0, imported.stderr);
  const result = JSON.parse(imported.stdout);
  assert.equal(result.imported, 3);
  assert.equal(result.unanswered.length, originals.length - 3);

  const rescored = await runCli("rescore", result.runId, "--db", db, "--json");
  assert.equal(rescored.code, 0, rescored.stderr);
  const store = new RunStore(db);
  try {
    const run = store.requireRun(result.runId);
    assert.equal(run.manifest.model.id, "elsewhere");
    const values = store.scoresFor(result.runId).map((s) => [s.sampleId, s.value]);
    assert.deepEqual(values, [
      [a!.id, 1],
      [b!.id, 1],
      [c!.id, 0],
    ]);
  } finally {
    store.close();
  }

  writeFileSync(answers, '{"id": "no-such-item", "response": "1"}\n');
  const bad = await runCli("mathtrap", "import-answers", answers, "--model", "m", ...common);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /answers\.jsonl:1: field "id": no item "no-such-item"/);
});
