import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { exportScored } from "../../src/llmeval-med/export-scored.js";
import { RunStore } from "../../src/store/run-store.js";
import { UserError } from "../../src/util/errors.js";
import { checkRunId, newRunId, runIdProblem } from "../../src/util/run-id.js";
import { pathInside } from "../../src/util/safe-path.js";
import { manifest } from "../store/fixtures.js";

const BAD_IDS = [
  "",
  "../../x",
  "a/b",
  "-rf",
  ".hidden",
  "x;rm -rf ~",
  "$(id)",
  "a b",
  "%",
  "a_%",
  "x\u0000y",
  "é",
  "a".repeat(129),
];

test("run ids outside the documented set are refused, with the reason", () => {
  for (const id of BAD_IDS) {
    assert.notEqual(runIdProblem(id), undefined, JSON.stringify(id));
    assert.throws(
      () => checkRunId(id, "--run-id"),
      (e: unknown) => e instanceof UserError && /--run-id/.test(e.message),
    );
  }
  for (const id of ["r", "llmeval-med-20260101-120000-ab12", "run~v2", "A.b_c-d", "a".repeat(128)])
    assert.equal(checkRunId(id), id);
  // Generated ids are always valid, whatever the task name.
  for (const task of ["gameqa/maze", "a b;c", "..", "日本"])
    assert.equal(runIdProblem(newRunId(task)), undefined, task);
});

test("creating a run with an unsafe id is refused before anything is written", () => {
  const store = new RunStore(":memory:");
  for (const id of ["../../x", "", "a;b"])
    assert.throws(() => store.createRun({ ...manifest, runId: id }), UserError);
  assert.equal(store.listRuns().length, 0);
  store.close();
});

test("lookups take an exact id or a literal, case-sensitive, unambiguous prefix", () => {
  const store = new RunStore(":memory:");
  for (const id of ["abc-1", "abc-2", "abd_1", "xyz"]) store.createRun({ ...manifest, runId: id });
  assert.equal(store.requireRun("xyz").id, "xyz");
  assert.equal(store.requireRun("abd").id, "abd_1");
  assert.equal(store.requireRun("abc-1").id, "abc-1");
  // SQL wildcards are plain characters: "%" and "_" match nothing here.
  for (const id of ["%", "ab_", "abc%", "_"]) assert.throws(() => store.requireRun(id), /no run/);
  // Case matters.
  assert.throws(() => store.requireRun("ABC-1"), /no run/);
  assert.throws(() => store.requireRun(""), /empty run id/);
  assert.throws(
    () => store.requireRun("abc"),
    (e: unknown) =>
      e instanceof UserError &&
      /ambiguous/.test(e.message) &&
      /abc-1/.test(e.message) &&
      /abc-2/.test(e.message),
  );
  store.close();
});

test("pathInside refuses names that leave the folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "assay-inside-"));
  for (const name of ["../x", "../../escaped_run1.json", "/etc/passwd", "", ".", "a/../../b", "x\u0000"])
    assert.throws(() => pathInside(dir, name), UserError, JSON.stringify(name));
  assert.equal(pathInside(dir, "a.json"), join(dir, "a.json"));
  assert.equal(pathInside(dir, "sub/a.json"), join(dir, "sub/a.json"));
});

test("export-scored never writes outside --out-dir, even for a run stored with an unsafe id", async () => {
  const dir = mkdtempSync(join(tmpdir(), "assay-export-"));
  const store = new RunStore(join(dir, "assay.db"));
  // A database written before ids were checked may hold such a run.
  store.db
    .prepare(
      "INSERT INTO runs (id, created_at, updated_at, status, task, task_version, model, judge, config_hash, manifest) VALUES (?,?,?,?,?,?,?,?,?,?)",
    )
    .run(
      "../../escaped",
      "t",
      "t",
      "completed",
      "llmeval-med",
      "1",
      "m",
      null,
      "h",
      JSON.stringify({
        ...manifest,
        runId: "../../escaped",
        task: { name: "llmeval-med", version: "1", args: {} },
      }),
    );
  await assert.rejects(exportScored(store, "../../escaped", join(dir, "out", "D")), /would write outside/);
  store.close();
});
