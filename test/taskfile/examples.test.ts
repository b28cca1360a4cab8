/**
 * The examples in examples/ run as they are, against the local mock server standing in for the
 * models and the judge their files name (--model-base-url / --judge-base-url point every one at it).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import ts from "typescript";
import type { RunSummary } from "../../src/engine/summary.js";
import { listScorers } from "../../src/scorers/registry.js";
import { RunStore } from "../../src/store/run-store.js";
import { lastUserText, type MockServer, startMockServer } from "../../src/testing/mock-openai-server.js";
import { tempDir } from "../helpers/cli.js";
import { runCli } from "../helpers/in-process-cli.js";
import { repoRoot } from "../helpers/shared.js";

const examples = join(repoRoot, "examples");
const capitals = new Map(
  readFileSync(join(examples, "data", "capitals.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { input: string; target: string; region: string })
    .map((r) => [r.input, r]),
);

/** The "llama" model misses Asia's capitals; a judge request gets a grade on the scale it asks for. */
function reply(model: string, messages: unknown, text: string): string {
  if (/GRADE: PASS/.test(JSON.stringify(messages))) return "Meets the rubric.\nGRADE: PASS";
  if (/GRADE:/.test(JSON.stringify(messages))) return "Correct and clear.\nGRADE: 5";
  const row = [...capitals.values()].find((r) => text.includes(r.input));
  if (!row) return "It is a matter of physics and chemistry, explained simply.";
  const city = model.includes("llama") && row.region === "Asia" ? "Springfield" : row.target;
  return `${city}\nANSWER: ${city}`;
}

let server: MockServer;
before(async () => {
  server = await startMockServer({ reply: (req) => reply(req.model, req.messages, lastUserText(req)) });
});
after(() => server.close());

const dir = tempDir();
const urls = () => ["--model-base-url", server.url, "--judge-base-url", server.url, "--progress", "silent"];
const missing = ["includes", "rubric"].filter((n) => !listScorers().some((s) => s.name === n));
const needsScorers = missing.length
  ? `needs the ${missing.join(" and ")} scorer(s), which the generic-scorers work adds`
  : false;

function summaryOf(db: string, runId: string): RunSummary {
  const store = new RunStore(db);
  try {
    return store.requireRun(runId).summary as RunSummary;
  } finally {
    store.close();
  }
}

describe("examples/", () => {
  test("capitals.task.ts: both tasks run; the first is broken down by region", async () => {
    const db = join(dir, "task.db");
    const file = join(examples, "capitals.task.ts");
    const r = await runCli(
      "eval",
      `${file}@capitals`,
      "--model",
      "openai/qwen",
      ...urls(),
      "--db",
      db,
      "--run-id",
      "ex1",
    );
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf(db, "ex1");
    assert.equal(s.samples, 12);
    assert.equal(s.scorers[0]?.metrics.accuracy, 1);
    assert.deepEqual(Object.keys(s.scorers[0]?.groups.region ?? {}).sort(), [
      "Africa",
      "Americas",
      "Asia",
      "Europe",
    ]);
    const cot = await runCli(
      "eval",
      `${file}@capitals_cot`,
      "-T",
      "style=think",
      "--model",
      "openai/llama",
      ...urls(),
      "--db",
      db,
      "--run-id",
      "ex2",
    );
    assert.equal(cot.code, 0, cot.stderr);
    assert.equal(summaryOf(db, "ex2").scorers[0]?.metrics.accuracy, 9 / 12);
  });

  test("capitals.task.ts type-checks against the published types (as a user's editor would)", () => {
    const program = ts.createProgram([join(examples, "capitals.task.ts")], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    assert.deepEqual(problems, []);
  });

  test("eval.yaml: 2 prompts × 2 models × 12 tests with includes and rubric", {
    skip: needsScorers,
  }, async () => {
    const db = join(dir, "yaml.db");
    const r = await runCli(
      "eval",
      "-c",
      join(examples, "eval.yaml"),
      ...urls(),
      "--db",
      db,
      "--run-id",
      "ex3",
    );
    assert.equal(r.code, 0, r.stderr);
    for (const [runId, includes] of [
      ["ex3-1", 18 / 24],
      ["ex3-2", 1],
    ] as const) {
      const s = summaryOf(db, runId);
      assert.equal(s.samples, 24);
      assert.equal(s.scorers.find((x) => x.scorer === "includes")?.metrics.accuracy, includes);
      assert.ok(s.scorers.some((x) => x.scorer === "rubric"));
    }
  });

  test("rubric-eval.yaml: a judge grades each explanation; the threshold makes it pass/fail", {
    skip: needsScorers,
  }, async () => {
    const db = join(dir, "rubric.db");
    const r = await runCli(
      "eval",
      "-c",
      join(examples, "rubric-eval.yaml"),
      ...urls(),
      "--db",
      db,
      "--run-id",
      "ex4",
    );
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf(db, "ex4");
    assert.equal(s.samples, 6);
    assert.equal(s.scorers[0]?.metrics.accuracy, 1);
  });
});
